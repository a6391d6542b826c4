//! The search index: schema, analysis, indexing and querying over documents handed in by the
//! backend. It knows nothing of the database or HTTP: documents go in, hits come out.
//!
//! One [`SearchIndex`] per process (cheap to clone, shares one reader); one [`Indexer`] per
//! index, owned by the task that applies the search outbox.

pub mod analysis;
mod error;
mod exclusion;
mod facets;
mod filter;
pub mod glossary;
mod index;
pub mod query;
mod rank;
pub mod schema;
mod search;
mod segment_cache;
pub mod snippet;
mod typo;

pub use error::SearchError;
pub use glossary::{DEFAULT_GLOSSARY, Glossary, GlossaryError};
pub use index::{Change, Indexer, SearchIndex};
pub use schema::{AttachmentText, Audience, DocType, SearchDoc, Visibility};
pub use search::{
    FacetCount, Facets, Hit, MAX_LIMIT, MAX_OFFSET, SearchRequest, SearchResults, Sort, Suggestion,
    ViewerScope,
};

/// The version of the on-disk index layout; a change means a rebuild from the database.
pub const INDEX_FORMAT_VERSION: u32 = 2;
