//! The search index: schema, analysis, indexing and querying over documents handed in by the
//! backend. It knows nothing of the database or HTTP.

/// The version of the on-disk index layout; a change means a rebuild from the database.
pub const INDEX_FORMAT_VERSION: u32 = 1;
