//! The errors the crate reports; [`SearchError::needs_rebuild`] tells the caller when to
//! rebuild the index from the database.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("no search index at {path}")]
    Missing { path: PathBuf },
    #[error("the search index at {path} cannot be read: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("the search index at {path} has format {found}, this build needs {expected}")]
    Incompatible {
        path: PathBuf,
        found: String,
        expected: String,
    },
    #[error("{path} is not empty; a rebuild needs a new directory")]
    NotEmpty { path: PathBuf },
    #[error("another indexer holds this index's writer")]
    WriterBusy,
    #[error("invalid document {id:?}: {reason}")]
    InvalidDocument { id: String, reason: String },
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index I/O: {0}")]
    Io(#[from] std::io::Error),
}

impl SearchError {
    /// True when the index should be rebuilt from the database into a new directory.
    pub fn needs_rebuild(&self) -> bool {
        match self {
            SearchError::Missing { .. }
            | SearchError::Corrupt { .. }
            | SearchError::Incompatible { .. } => true,
            SearchError::Tantivy(e) => matches!(
                e,
                tantivy::TantivyError::DataCorruption(_)
                    | tantivy::TantivyError::IncompatibleIndex(_)
                    | tantivy::TantivyError::SchemaError(_)
            ),
            _ => false,
        }
    }
}
