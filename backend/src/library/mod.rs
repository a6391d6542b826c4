//! The knowledge base.

pub mod transfer;
