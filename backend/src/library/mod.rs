//! The knowledge base: guidance, toolkits and reports, and the files attached to them.

pub mod attachments;
