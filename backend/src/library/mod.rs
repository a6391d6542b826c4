//! The knowledge base: practice examples members submit, and the jobs that keep guidance
//! current (the external-link checker and the review reminders).

pub mod link_check;
pub mod practice_examples;
pub mod reminders;
