//! Index lifecycle: opening or creating the index directory, the one long-lived reader, and the
//! one writer ([`Indexer`]) that applies batches from the search outbox.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use tantivy::directory::MmapDirectory;
use tantivy::schema::Facet;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::INDEX_FORMAT_VERSION;
use crate::analysis::{self, RememberedStems};
use crate::error::SearchError;
use crate::facets::FacetCache;
use crate::filter::FilterCache;
use crate::schema::{self, Fields, NO_SPACE, PAGE_SEP, SearchDoc, normalise_tag};

/// [`SearchIndex::shown`] before any commit.
const NOT_COMMITTED: i64 = i64::MIN;

/// Memory for the writer's in-progress segments, shared by its threads.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;
/// Longest accepted document id.
const MAX_ID_BYTES: usize = 200;
/// Text beyond this many bytes of a body or attachment text is not indexed.
const MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;

/// One change from the outbox.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // Built one at a time from outbox rows; boxing buys nothing.
pub enum Change {
    /// Add the document, replacing any with the same id.
    Upsert(SearchDoc),
    /// Remove the document with this id (absent ids are fine).
    Delete(String),
}

/// The search index: one per process, cheap to clone; clones share the index and its reader.
#[derive(Clone)]
pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    /// Filter bitsets by segment, shared by the clones.
    pub(crate) filters: Arc<FilterCache>,
    /// Facet values and their documents by segment, shared by the clones.
    pub(crate) facet_values: Arc<FacetCache>,
    /// Stems of the words snippets have met, shared by the clones.
    pub(crate) stems: RememberedStems,
    /// The outbox id of the commit the reader shows ([`NOT_COMMITTED`] for none), shared with
    /// the indexer, which sets it once the reader has reloaded.
    shown: Arc<AtomicI64>,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// An index held in memory, for tests.
    pub fn in_ram() -> Result<SearchIndex, SearchError> {
        let (schema, _) = schema::build();
        SearchIndex::from_index(Index::create_in_ram(schema), None)
    }

    /// Opens an existing index. A missing, unreadable or incompatible index gives an error whose
    /// [`SearchError::needs_rebuild`] is true.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        let path = dir.to_path_buf();
        if !dir.join("meta.json").is_file() {
            return Err(SearchError::Missing { path });
        }
        let corrupt = |e: &dyn std::fmt::Display| SearchError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        };
        let directory = MmapDirectory::open(dir).map_err(|e| corrupt(&e))?;
        let index = Index::open(directory).map_err(|e| corrupt(&e))?;
        let (expected, _) = schema::build();
        if index.schema() != expected {
            return Err(SearchError::Incompatible {
                path,
                found: "a different schema".to_owned(),
                expected: format!("format {INDEX_FORMAT_VERSION}"),
            });
        }
        let metas = index.load_metas().map_err(|e| corrupt(&e))?;
        if let Some(payload) = metas.payload.as_deref()
            && decode_payload(payload).is_none()
        {
            return Err(SearchError::Incompatible {
                path,
                found: payload.chars().take(40).collect(),
                expected: format!("format {INDEX_FORMAT_VERSION}"),
            });
        }
        SearchIndex::from_index(index, Some(path))
    }

    /// Opens the index in `dir`, creating the directory and an empty index if there is none.
    /// A directory holding something that is not a readable index is an error (rebuild it).
    pub fn open_or_create(dir: &Path) -> Result<SearchIndex, SearchError> {
        if dir.join("meta.json").is_file() {
            return SearchIndex::open(dir);
        }
        std::fs::create_dir_all(dir)?;
        if std::fs::read_dir(dir)?.next().is_some() {
            return Err(SearchError::Corrupt {
                path: dir.to_path_buf(),
                reason: "files present but no meta.json".to_owned(),
            });
        }
        let (schema, _) = schema::build();
        let directory = MmapDirectory::open(dir).map_err(|e| SearchError::Corrupt {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        let index = Index::create(directory, schema, tantivy::IndexSettings::default())?;
        SearchIndex::from_index(index, Some(dir.to_path_buf()))
    }

    /// Builds a fresh index in `new_dir` (which must be absent or empty) from `docs`, in one
    /// commit recording `last_outbox_id`. The caller swaps the new directory in and reopens.
    pub fn rebuild_into(
        new_dir: &Path,
        docs: impl IntoIterator<Item = SearchDoc>,
        last_outbox_id: i64,
    ) -> Result<SearchIndex, SearchError> {
        if new_dir.exists() && std::fs::read_dir(new_dir)?.next().is_some() {
            return Err(SearchError::NotEmpty {
                path: new_dir.to_path_buf(),
            });
        }
        let index = SearchIndex::open_or_create(new_dir)?;
        let mut indexer = index.indexer()?;
        for doc in docs {
            indexer.stage(Change::Upsert(doc))?;
        }
        indexer.commit(last_outbox_id)?;
        indexer.wait_for_merges()?;
        Ok(index)
    }

    fn from_index(index: Index, path: Option<PathBuf>) -> Result<SearchIndex, SearchError> {
        analysis::register(&index);
        let (_, fields) = schema::build();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let shown = last_applied(&index)?.unwrap_or(NOT_COMMITTED);
        Ok(SearchIndex {
            index,
            reader,
            fields,
            filters: Arc::default(),
            facet_values: Arc::default(),
            stems: RememberedStems::default(),
            shown: Arc::new(AtomicI64::new(shown)),
            path,
        })
    }

    /// The writer for this index. Only one may exist at a time, across processes too.
    pub fn indexer(&self) -> Result<Indexer, SearchError> {
        let writer = self
            .index
            .writer_with_num_threads(1, WRITER_HEAP_BYTES)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => SearchError::WriterBusy,
                other => SearchError::Tantivy(other),
            })?;
        Ok(Indexer {
            writer,
            reader: self.reader.clone(),
            fields: self.fields,
            index: self.index.clone(),
            shown: self.shown.clone(),
        })
    }

    /// The outbox id of the last commit searches see, `None` for an index never committed to.
    /// (The commit is on disk a moment before the reader shows it; this waits for the reader.)
    pub fn last_applied_id(&self) -> Result<Option<i64>, SearchError> {
        let shown = self.shown.load(Ordering::Acquire);
        Ok((shown != NOT_COMMITTED).then_some(shown))
    }

    /// Number of documents visible to searches now.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Where the index lives; `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

fn last_applied(index: &Index) -> Result<Option<i64>, SearchError> {
    let metas = index.load_metas()?;
    Ok(metas.payload.as_deref().and_then(decode_payload))
}

fn encode_payload(last_outbox_id: i64) -> String {
    format!("pip-search/{INDEX_FORMAT_VERSION};outbox={last_outbox_id}")
}

fn decode_payload(payload: &str) -> Option<i64> {
    let rest = payload.strip_prefix(&format!("pip-search/{INDEX_FORMAT_VERSION};outbox="))?;
    rest.parse().ok()
}

/// The one writer of an index. Applies batches of changes, each in one commit.
pub struct Indexer {
    writer: IndexWriter,
    reader: IndexReader,
    fields: Fields,
    index: Index,
    shown: Arc<AtomicI64>,
}

impl Indexer {
    /// Applies `batch` and commits it with `last_outbox_id` as the commit payload, then reloads
    /// the shared reader. An update is a delete by id and an add, in the same commit. On error
    /// nothing in the batch is committed.
    pub fn apply(&mut self, batch: Vec<Change>, last_outbox_id: i64) -> Result<(), SearchError> {
        for change in &batch {
            if let Change::Upsert(doc) = change {
                validate(doc)?;
            }
        }
        for change in batch {
            if let Err(e) = self.stage(change) {
                self.writer.rollback()?;
                return Err(e);
            }
        }
        self.commit(last_outbox_id)
    }

    /// The outbox id recorded by the last commit.
    pub fn last_applied_id(&self) -> Result<Option<i64>, SearchError> {
        last_applied(&self.index)
    }

    /// Adds one change to the next commit without committing (for rebuilds that stream their
    /// documents); [`Indexer::commit`] makes staged changes visible.
    pub fn stage(&mut self, change: Change) -> Result<(), SearchError> {
        match change {
            Change::Upsert(doc) => {
                validate(&doc)?;
                self.writer
                    .delete_term(Term::from_field_text(self.fields.id, &doc.id));
                self.writer.add_document(to_document(&self.fields, doc))?;
            }
            Change::Delete(id) => {
                self.writer
                    .delete_term(Term::from_field_text(self.fields.id, &id));
            }
        }
        Ok(())
    }

    /// Commits everything staged with `last_outbox_id` as the payload, and reloads the reader.
    pub fn commit(&mut self, last_outbox_id: i64) -> Result<(), SearchError> {
        let payload = encode_payload(last_outbox_id);
        let result = self.writer.prepare_commit().and_then(|mut prepared| {
            prepared.set_payload(&payload);
            prepared.commit()
        });
        if let Err(e) = result {
            self.writer.rollback()?;
            return Err(e.into());
        }
        self.reader.reload()?;
        self.shown.store(last_outbox_id, Ordering::Release);
        Ok(())
    }

    /// Waits for background merges to finish, then releases the writer.
    pub fn wait_for_merges(self) -> Result<(), SearchError> {
        self.writer.wait_merging_threads()?;
        self.reader.reload()?;
        Ok(())
    }
}

fn validate(doc: &SearchDoc) -> Result<(), SearchError> {
    let invalid = |reason: &str| SearchError::InvalidDocument {
        id: doc.id.chars().take(MAX_ID_BYTES).collect(),
        reason: reason.to_owned(),
    };
    if doc.id.trim().is_empty() {
        return Err(invalid("empty id"));
    }
    if doc.id.len() > MAX_ID_BYTES {
        return Err(invalid("id longer than 200 bytes"));
    }
    Ok(())
}

/// The first `max` bytes of `text`, cut at a character boundary.
fn capped(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn to_document(f: &Fields, doc: SearchDoc) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    let body = capped(&doc.body, MAX_TEXT_BYTES);
    let extra = capped(&doc.extra_text, MAX_TEXT_BYTES);
    d.add_text(f.id, &doc.id);
    d.add_text(f.doc_type, doc.doc_type.as_str());
    d.add_facet(f.type_facet, Facet::from_path([doc.doc_type.as_str()]));
    d.add_text(f.title, &doc.title);
    d.add_text(f.body, body);
    for text in [doc.title.as_str(), body, extra] {
        d.add_text(f.all, text);
        d.add_text(f.plain, text);
    }
    let mut page_budget = MAX_TEXT_BYTES;
    for attachment in &doc.attachments {
        for (n, page) in attachment.pages.iter().enumerate() {
            if page_budget == 0 {
                break;
            }
            let page = capped(page, page_budget);
            page_budget -= page.len();
            if page.trim().is_empty() {
                continue;
            }
            d.add_text(f.all, page);
            d.add_text(f.plain, page);
            let title = attachment.title.replace(PAGE_SEP, " ");
            d.add_text(
                f.pages,
                format!("{}{PAGE_SEP}{title}{PAGE_SEP}{page}", n + 1),
            );
        }
    }
    d.add_text(f.title_plain, &doc.title);
    for tag in &doc.tags {
        let tag = normalise_tag(tag);
        if !tag.is_empty() {
            // Tags are searchable as words too.
            d.add_text(f.all, &tag);
            d.add_text(f.plain, &tag);
            d.add_text(f.tags, &tag);
        }
    }
    if let Some(kind) = doc.kind.as_deref().filter(|k| !k.is_empty()) {
        d.add_facet(f.kind_facet, Facet::from_path([kind]));
        d.add_text(f.kind_stored, kind);
    }
    for topic in doc.topics.iter().filter(|t| !t.is_empty()) {
        d.add_facet(f.topic_facet, Facet::from_path([topic]));
        d.add_text(f.topic_stored, topic);
    }
    for region in doc.regions.iter().filter(|r| !r.is_empty()) {
        d.add_facet(f.region_facet, Facet::from_path([region]));
        d.add_text(f.region_stored, region);
    }
    d.add_text(f.audience, doc.visibility.audience.as_str());
    d.add_text(f.space, doc.visibility.space.as_deref().unwrap_or(NO_SPACE));
    if let Some(owner) = doc.visibility.owner.as_deref().filter(|o| !o.is_empty()) {
        d.add_text(f.owner, owner);
    }
    d.add_i64(f.published_at, doc.published_at);
    d.add_text(f.url, &doc.url);
    if let Some(slug) = &doc.slug {
        d.add_text(f.slug, slug);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trips() {
        assert_eq!(decode_payload(&encode_payload(42)), Some(42));
        assert_eq!(decode_payload(&encode_payload(-1)), Some(-1));
        assert_eq!(decode_payload("something else"), None);
    }

    #[test]
    fn capped_respects_char_boundaries() {
        assert_eq!(capped("ééé", 3), "é");
        assert_eq!(capped("abc", 10), "abc");
    }
}
