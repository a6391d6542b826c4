//! Attachment files: where their bytes live (`store`), what they are (`sniff`), the names they
//! are served under (`names`) and the text taken out of them (`extract`).

pub mod extract;
pub mod names;
pub mod sample;
pub mod sniff;
pub mod store;
