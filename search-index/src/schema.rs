//! The index schema: which fields exist, how each is analysed, and the document types the
//! backend hands in.

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::analysis::{PLAIN, STEMMED};

/// What kind of thing a document is; also the first part of its id (`resource:12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocType {
    Resource,
    Thread,
    Post,
    Collection,
}

impl DocType {
    pub const ALL: [DocType; 4] = [
        DocType::Resource,
        DocType::Thread,
        DocType::Post,
        DocType::Collection,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocType::Resource => "resource",
            DocType::Thread => "thread",
            DocType::Post => "post",
            DocType::Collection => "collection",
        }
    }

    pub fn parse(s: &str) -> Option<DocType> {
        DocType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Who may see a document. Ordered from widest to narrowest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Audience {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in member.
    Members,
    Curators,
    Moderators,
}

impl Audience {
    pub const ALL: [Audience; 4] = [
        Audience::Public,
        Audience::Members,
        Audience::Curators,
        Audience::Moderators,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Members => "members",
            Audience::Curators => "curators",
            Audience::Moderators => "moderators",
        }
    }
}

/// The facts the index filters on to decide whether a viewer may see a document. The backend
/// still re-checks every hit against the database; this keeps hidden documents out of counts,
/// facets and suggestions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visibility {
    pub audience: Audience,
    /// A private space (group) the document belongs to; `None` for the open site.
    pub space: Option<String>,
    /// Someone who may see the document whatever its audience and space (a draft's owner), as
    /// the principal string the backend also puts in [`crate::ViewerScope::principal`].
    pub owner: Option<String>,
}

impl Visibility {
    pub fn public() -> Self {
        Visibility {
            audience: Audience::Public,
            space: None,
            owner: None,
        }
    }

    pub fn members() -> Self {
        Visibility {
            audience: Audience::Members,
            space: None,
            owner: None,
        }
    }
}

/// The extracted text of one attached file, page by page (page 1 first).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AttachmentText {
    pub title: String,
    pub pages: Vec<String>,
}

/// One searchable document, built by the backend from its database rows.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDoc {
    /// Unique and stable: `resource:12`, `thread:3`, `post:9`.
    pub id: String,
    pub doc_type: DocType,
    pub title: String,
    /// Plain text (not HTML) of the body.
    pub body: String,
    /// Other searchable text: attachment text, summaries.
    pub extra_text: String,
    /// Attached files' text: searchable, and snippets name the file and page they came from.
    pub attachments: Vec<AttachmentText>,
    pub tags: Vec<String>,
    pub kind: Option<String>,
    pub topics: Vec<String>,
    pub regions: Vec<String>,
    pub visibility: Visibility,
    /// Unix seconds.
    pub published_at: i64,
    pub url: String,
    pub slug: Option<String>,
}

/// The value indexed in the `space` field for documents outside any space.
pub(crate) const NO_SPACE: &str = "\u{0}open";
/// Separates the page number, the attachment title and the page text in a stored page.
pub(crate) const PAGE_SEP: char = '\u{1f}';

/// Handles on every field, resolved once from the schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub doc_type: Field,
    pub title: Field,
    pub body: Field,
    pub all: Field,
    pub plain: Field,
    pub title_plain: Field,
    pub tags: Field,
    pub type_facet: Field,
    pub kind_facet: Field,
    pub topic_facet: Field,
    pub region_facet: Field,
    pub audience: Field,
    pub space: Field,
    pub owner: Field,
    pub pages: Field,
    pub kind_stored: Field,
    pub topic_stored: Field,
    pub region_stored: Field,
    pub published_at: Field,
    pub url: Field,
    pub slug: Field,
}

pub(crate) const PUBLISHED_AT: &str = "published_at";

fn text(tokenizer: &str, stored: bool, record: IndexRecordOption) -> TextOptions {
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    );
    if stored {
        options.set_stored()
    } else {
        options
    }
}

pub(crate) fn build() -> (Schema, Fields) {
    let positions = IndexRecordOption::WithFreqsAndPositions;
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        doc_type: b.add_text_field("doc_type", STRING | STORED),
        title: b.add_text_field("title", text(STEMMED, true, positions)),
        // Stored for snippets only; searching goes through `all`.
        body: b.add_text_field("body", STORED),
        // Title, body, attachment text and tags as one field: one BM25 length norm over the
        // whole document ranks better than summing per-field scores.
        all: b.add_text_field("all", text(STEMMED, false, positions)),
        plain: b.add_text_field("plain", text(PLAIN, false, IndexRecordOption::WithFreqs)),
        title_plain: b.add_text_field(
            "title_plain",
            text(PLAIN, false, IndexRecordOption::WithFreqs),
        ),
        tags: b.add_text_field("tags", STRING),
        type_facet: b.add_facet_field("type_facet", FacetOptions::default()),
        kind_facet: b.add_facet_field("kind_facet", FacetOptions::default()),
        topic_facet: b.add_facet_field("topic_facet", FacetOptions::default()),
        region_facet: b.add_facet_field("region_facet", FacetOptions::default()),
        audience: b.add_text_field("audience", STRING),
        space: b.add_text_field("space", STRING | STORED),
        owner: b.add_text_field("owner", STRING),
        // "page<US>title<US>text" per attachment page, for snippets; searched through `all`.
        pages: b.add_text_field("pages", STORED),
        // The facet values again, stored, so the backend can correct counts for hits it drops.
        kind_stored: b.add_text_field("kind_stored", STORED),
        topic_stored: b.add_text_field("topic_stored", STORED),
        region_stored: b.add_text_field("region_stored", STORED),
        published_at: b.add_i64_field(PUBLISHED_AT, INDEXED | FAST | STORED),
        url: b.add_text_field("url", STORED),
        slug: b.add_text_field("slug", STORED),
    };
    (b.build(), fields)
}

/// Tags match exactly after trimming and lower-casing.
pub(crate) fn normalise_tag(tag: &str) -> String {
    tag.trim().to_lowercase()
}
