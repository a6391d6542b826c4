//! Creating and changing resources. Every write validates the whole resource, renders its body
//! with the forum's Markdown renderer (the same sanitiser as posts), and in one transaction
//! stores it, a revision with a snapshot of every editable field, and a search outbox row.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::{LibraryError, can_edit, can_see, is_curator, slugify};
use crate::content::markdown;
use crate::db::audit::NewAudit;
use crate::db::forum::enqueue_search;
use crate::db::library::{
    ResourceFields, ResourceRow, RevisionRow, StatusChangeRow, labels_for, set_labels, topic_ids,
};
use crate::db::tags::Tag;
use crate::db::users::{User, UserId};
use crate::db::{DbConn, DbError, now};
use crate::error::FieldError;
use crate::model::Region;

pub const KINDS: [&str; 8] = [
    "guidance",
    "toolkit",
    "framework",
    "report",
    "video",
    "training",
    "practice_example",
    "template",
];

pub const STATUSES: [&str; 4] = ["draft", "in_review", "published", "archived"];

pub const MAX_TITLE: usize = 200;
pub const MAX_SUMMARY: usize = 600;
pub const MAX_SHORT: usize = 200;
pub const MAX_URL: usize = 2000;
pub const MAX_AUTHORS: usize = 20;
pub const MAX_TOPICS: usize = 10;
pub const MAX_TAGS: usize = 10;
pub const MAX_NOTE: usize = 1000;

/// Every editable field of a resource. It is also the revision snapshot (with `slug` filled in),
/// so restoring a revision is updating with its snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResourceInput {
    pub kind: String,
    pub title: String,
    /// Derived from the title when absent (on create; on update the slug stays).
    pub slug: Option<String>,
    pub summary: String,
    pub body_markdown: String,
    pub source_org: Option<String>,
    pub authors: Vec<String>,
    pub audience: Option<String>,
    pub external_url: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub review_by: Option<NaiveDate>,
    /// The owner's user id; the creator when absent.
    pub owner: Option<i64>,
    /// Topic space slugs.
    pub topics: Vec<String>,
    /// Region slugs (`north-west`, `national`, ...).
    pub regions: Vec<String>,
    /// Tag names, normalised as the forum's tags are.
    pub tags: Vec<String>,
    /// draft (when empty), in_review, published or archived.
    pub status: String,
    /// The slug of the resource that replaces this one.
    pub superseded_by: Option<String>,
    pub featured: bool,
    pub is_demo: bool,
}

/// A resource as stored, with its topics, regions and tags.
#[derive(Debug, Clone)]
pub struct Resource {
    pub id: i64,
    pub slug: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub body_html: String,
    pub source_org: Option<String>,
    pub authors: Vec<String>,
    pub audience: Option<String>,
    pub external_url: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub review_by: Option<NaiveDate>,
    pub owner_id: Option<i64>,
    pub status: String,
    pub superseded_by_id: Option<i64>,
    pub superseded_by: Option<String>,
    pub featured: bool,
    pub is_demo: bool,
    pub discussion_thread_id: Option<i64>,
    /// The number of the latest revision.
    pub revision: i32,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Topic space slugs, in the spaces' order.
    pub topics: Vec<String>,
    pub regions: Vec<String>,
    /// Tag slugs.
    pub tags: Vec<String>,
}

impl Resource {
    /// Loads the labels and the superseding slug for these rows, keeping their order.
    pub fn load_many(conn: &mut DbConn, rows: Vec<ResourceRow>) -> Result<Vec<Resource>, DbError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut labels = labels_for(conn, &ids)?;
        let successor_ids: Vec<i64> = rows.iter().filter_map(|r| r.superseded_by_id).collect();
        let successors = ResourceRow::slugs(conn, &successor_ids)?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let l = labels.remove(&row.id).unwrap_or_default();
                let superseded_by = row
                    .superseded_by_id
                    .and_then(|id| successors.get(&id).cloned());
                Resource {
                    authors: serde_json::from_str(&row.authors).unwrap_or_default(),
                    id: row.id,
                    slug: row.slug,
                    kind: row.kind,
                    title: row.title,
                    summary: row.summary,
                    body_markdown: row.body_markdown,
                    body_html: row.body_html,
                    source_org: row.source_org,
                    audience: row.audience,
                    external_url: row.external_url,
                    published_on: row.published_on,
                    review_by: row.review_by,
                    owner_id: row.owner_id,
                    status: row.status,
                    superseded_by_id: row.superseded_by_id,
                    superseded_by,
                    featured: row.featured,
                    is_demo: row.is_demo,
                    discussion_thread_id: row.discussion_thread_id,
                    revision: row.revision,
                    created_by: row.created_by,
                    created_at: row.created_at,
                    updated_at: row.updated_at,
                    topics: l.topics,
                    regions: l.regions,
                    tags: l.tags,
                }
            })
            .collect())
    }

    pub fn load(conn: &mut DbConn, row: ResourceRow) -> Result<Resource, DbError> {
        Resource::load_many(conn, vec![row])?
            .pop()
            .ok_or_else(|| DbError::Task("resource vanished while loading".into()))
    }

    pub fn find_by_slug(conn: &mut DbConn, slug: &str) -> Result<Option<Resource>, DbError> {
        match ResourceRow::find_by_slug(conn, slug)? {
            Some(row) => Ok(Some(Resource::load(conn, row)?)),
            None => Ok(None),
        }
    }

    /// The editable fields, as a revision stores them.
    pub fn snapshot(&self) -> ResourceInput {
        ResourceInput {
            kind: self.kind.clone(),
            title: self.title.clone(),
            slug: Some(self.slug.clone()),
            summary: self.summary.clone(),
            body_markdown: self.body_markdown.clone(),
            source_org: self.source_org.clone(),
            authors: self.authors.clone(),
            audience: self.audience.clone(),
            external_url: self.external_url.clone(),
            published_on: self.published_on,
            review_by: self.review_by,
            owner: self.owner_id,
            topics: self.topics.clone(),
            regions: self.regions.clone(),
            tags: self.tags.clone(),
            status: self.status.clone(),
            superseded_by: self.superseded_by.clone(),
            featured: self.featured,
            is_demo: self.is_demo,
        }
    }
}

/// Creates a resource as `actor` (a curator): revision 1, and a status change when it starts
/// beyond draft.
pub fn create(
    conn: &mut DbConn,
    actor: &User,
    input: &ResourceInput,
    note: Option<&str>,
) -> Result<Resource, LibraryError> {
    if !actor.role().can_curate() {
        return Err(LibraryError::Forbidden);
    }
    let note = clean_note(note)?;
    let mut input = input.clone();
    input.owner = input.owner.or(Some(actor.id));
    conn.write_transaction::<_, LibraryError, _>(|c| {
        let clean = validate(c, &input, None)?;
        let at = now();
        let fields = clean.fields(1, at);
        let id = ResourceRow::insert(c, &fields, actor.id).map_err(slug_clash)?;
        let tag_ids = clean.tag_ids(c)?;
        set_labels(c, id, &clean.topic_ids, &clean.regions, &tag_ids)?;
        let resource = reload(c, id)?;
        let snapshot = snapshot_json(&resource)?;
        RevisionRow::insert(c, id, 1, &snapshot, note.as_deref(), actor.id, at)?;
        if resource.status != "draft" {
            let reason = note.as_deref().unwrap_or("Created with this status");
            StatusChangeRow::insert(c, id, "draft", &resource.status, reason, actor.id, at)?;
        }
        NewAudit {
            target_type: "resource",
            ..NewAudit::member(Some(actor.id), "resource_create", id)
        }
        .reason(note.as_deref())
        .details(&resource.slug)
        .write(c)?;
        enqueue_search(c, "resource", id)?;
        Ok(resource)
    })
}

/// Changes the resource at `slug` as `actor` (a curator, or the owner). Nothing is written when
/// nothing changed. A status change through here needs `note`, which is kept as its reason.
pub fn update(
    conn: &mut DbConn,
    actor: &User,
    slug: &str,
    input: &ResourceInput,
    note: Option<&str>,
) -> Result<Resource, LibraryError> {
    let note = clean_note(note)?;
    conn.write_transaction::<_, LibraryError, _>(|c| {
        let row = editable(c, actor, slug)?;
        write_revision(
            c,
            actor,
            row,
            input,
            note.as_deref(),
            false,
            "resource_update",
        )
    })
}

/// The resource at `slug` if `actor` may see and edit it.
pub(crate) fn editable(
    conn: &mut DbConn,
    actor: &User,
    slug: &str,
) -> Result<ResourceRow, LibraryError> {
    let row = ResourceRow::find_by_slug(conn, slug)?
        .filter(|r| can_see(Some(actor), r))
        .ok_or(LibraryError::NotFound("resource"))?;
    if !can_edit(actor, &row) {
        return Err(LibraryError::Forbidden);
    }
    Ok(row)
}

/// Writes `input` over `row` as the next revision (in the caller's transaction). `force` writes
/// a revision even when nothing changed (a restore is always recorded).
pub(crate) fn write_revision(
    c: &mut DbConn,
    actor: &User,
    row: ResourceRow,
    input: &ResourceInput,
    note: Option<&str>,
    force: bool,
    action: &str,
) -> Result<Resource, LibraryError> {
    let id = row.id;
    let before = Resource::load(c, row)?;
    let mut input = input.clone();
    if input.slug.as_deref().is_none_or(|s| s.trim().is_empty()) {
        input.slug = Some(before.slug.clone());
    }
    let clean = validate(c, &input, Some(&before))?;
    if !is_curator(Some(actor)) {
        // Owners edit content; curators decide status, ownership and prominence.
        let same = clean.status == before.status
            && clean.owner_id == before.owner_id
            && clean.featured == before.featured
            && clean.is_demo == before.is_demo;
        if !same {
            return Err(LibraryError::Forbidden);
        }
    }
    if !force && clean.snapshot == before.snapshot() {
        return Ok(before);
    }
    let status_changed = clean.status != before.status;
    if status_changed && note.is_none() {
        return Err(LibraryError::field(
            "note",
            "Give a reason for changing the status",
        ));
    }
    let at = now();
    let number = before.revision + 1;
    let fields = clean.fields(number, at);
    ResourceRow::update(c, id, &fields).map_err(slug_clash)?;
    let tag_ids = clean.tag_ids(c)?;
    set_labels(c, id, &clean.topic_ids, &clean.regions, &tag_ids)?;
    let after = reload(c, id)?;
    RevisionRow::insert(c, id, number, &snapshot_json(&after)?, note, actor.id, at)?;
    if status_changed {
        let reason = note.unwrap_or_default();
        StatusChangeRow::insert(c, id, &before.status, &after.status, reason, actor.id, at)?;
    }
    let details = format!("revision {number}");
    NewAudit {
        target_type: "resource",
        ..NewAudit::member(Some(actor.id), action, id)
    }
    .reason(note)
    .details(&details)
    .write(c)?;
    enqueue_search(c, "resource", id)?;
    Ok(after)
}

fn reload(c: &mut DbConn, id: i64) -> Result<Resource, LibraryError> {
    let row = ResourceRow::find(c, id)?.ok_or(LibraryError::NotFound("resource"))?;
    Ok(Resource::load(c, row)?)
}

fn snapshot_json(resource: &Resource) -> Result<String, LibraryError> {
    serde_json::to_string(&resource.snapshot())
        .map_err(|e| LibraryError::Db(DbError::Task(format!("snapshot: {e}"))))
}

fn slug_clash(e: DbError) -> LibraryError {
    if e.is_unique_violation() {
        slug_taken()
    } else {
        e.into()
    }
}

fn slug_taken() -> LibraryError {
    LibraryError::Conflict(
        "Another resource already uses this slug.".into(),
        vec![FieldError {
            field: "slug".into(),
            message: "This slug is already in use: choose another".into(),
        }],
    )
}

/// A revision note or status reason: optional, trimmed, at most 1000 characters.
pub fn clean_note(note: Option<&str>) -> Result<Option<String>, LibraryError> {
    match note.map(str::trim).filter(|n| !n.is_empty()) {
        None => Ok(None),
        Some(n) => crate::validate::reason(n)
            .map(Some)
            .map_err(|m| LibraryError::field("note", m)),
    }
}

/// A resource that passed validation, ready to store.
struct Clean {
    kind: String,
    title: String,
    slug: String,
    summary: String,
    body_markdown: String,
    body_html: String,
    source_org: Option<String>,
    authors_json: String,
    audience: Option<String>,
    external_url: Option<String>,
    published_on: Option<NaiveDate>,
    review_by: Option<NaiveDate>,
    owner_id: Option<i64>,
    topic_ids: Vec<i64>,
    regions: Vec<String>,
    tags: Vec<crate::db::tags::TagInput>,
    status: String,
    superseded_by_id: Option<i64>,
    featured: bool,
    is_demo: bool,
    /// What the revision will store, to tell whether anything changed.
    snapshot: ResourceInput,
}

impl Clean {
    fn fields(&self, revision: i32, at: NaiveDateTime) -> ResourceFields<'_> {
        ResourceFields {
            slug: &self.slug,
            kind: &self.kind,
            title: &self.title,
            summary: &self.summary,
            body_markdown: &self.body_markdown,
            body_html: &self.body_html,
            source_org: self.source_org.as_deref(),
            authors: &self.authors_json,
            audience: self.audience.as_deref(),
            external_url: self.external_url.as_deref(),
            published_on: self.published_on,
            review_by: self.review_by,
            owner_id: self.owner_id,
            status: &self.status,
            superseded_by_id: self.superseded_by_id,
            featured: self.featured,
            is_demo: self.is_demo,
            revision,
            updated_at: at,
        }
    }

    fn tag_ids(&self, c: &mut DbConn) -> Result<Vec<i64>, DbError> {
        self.tags.iter().map(|t| Tag::id_for(c, t)).collect()
    }
}

#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }
}

fn required_text(
    e: &mut Errors,
    field: &str,
    raw: &str,
    max: usize,
    empty: &'static str,
) -> String {
    match crate::validate::short_text(raw, max, empty) {
        Ok(t) => t,
        Err(m) => {
            e.fail(field, m);
            String::new()
        }
    }
}

fn optional_text(e: &mut Errors, field: &str, raw: Option<&str>, max: usize) -> Option<String> {
    let raw = raw.map(str::trim).filter(|t| !t.is_empty())?;
    match crate::validate::short_text(raw, max, "") {
        Ok(t) => Some(t),
        Err(m) => {
            e.fail(field, m);
            None
        }
    }
}

fn check_date(e: &mut Errors, field: &str, date: Option<NaiveDate>) {
    if let Some(d) = date
        && !(1900..=2200).contains(&d.year())
    {
        e.fail(field, "Enter a date between 1900 and 2200");
    }
}

/// Checks every field at once so a form can show every problem; `before` is the resource being
/// changed, if any.
fn validate(
    c: &mut DbConn,
    input: &ResourceInput,
    before: Option<&Resource>,
) -> Result<Clean, LibraryError> {
    let mut e = Errors::default();
    let kind = input.kind.trim().to_owned();
    if !KINDS.contains(&kind.as_str()) {
        e.fail(
            "kind",
            format!("Choose a kind: one of {}", KINDS.join(", ")),
        );
    }
    let title = required_text(&mut e, "title", &input.title, MAX_TITLE, "Enter a title");
    if !title.is_empty() && title.chars().count() < 3 {
        e.fail("title", "Title must be at least 3 characters");
    }
    let summary = match input.summary.trim() {
        "" => {
            e.fail("summary", "Enter a summary");
            String::new()
        }
        s if s.chars().count() > MAX_SUMMARY => {
            e.fail(
                "summary",
                format!("Summary must be {MAX_SUMMARY} characters or fewer"),
            );
            String::new()
        }
        s if s
            .chars()
            .any(|ch| ch.is_control() && !matches!(ch, '\n' | '\r' | '\t')) =>
        {
            e.fail("summary", "Summary must not contain control characters");
            String::new()
        }
        s => s.to_owned(),
    };
    let slug = match input
        .slug
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => {
            let s = slugify(raw);
            if s.is_empty() {
                e.fail("slug", "A slug needs letters or digits");
            }
            s
        }
        None => {
            let s = slugify(&title);
            if s.is_empty() && !title.is_empty() {
                e.fail(
                    "slug",
                    "Enter a slug: the title has no letters or digits to make one from",
                );
            }
            s
        }
    };
    let body_html = match markdown::render(&input.body_markdown) {
        Ok(r) => r.html,
        Err(err) => {
            e.fail("body_markdown", err.to_string());
            String::new()
        }
    };
    let source_org = optional_text(&mut e, "source_org", input.source_org.as_deref(), MAX_SHORT);
    let audience = optional_text(&mut e, "audience", input.audience.as_deref(), MAX_SHORT);
    let mut authors = Vec::new();
    if input.authors.len() > MAX_AUTHORS {
        e.fail("authors", format!("List at most {MAX_AUTHORS} authors"));
    } else {
        for a in &input.authors {
            if let Some(name) = optional_text(&mut e, "authors", Some(a), MAX_SHORT)
                && !authors.contains(&name)
            {
                authors.push(name);
            }
        }
    }
    let external_url = match input
        .external_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        None => None,
        Some(raw) if raw.chars().count() > MAX_URL => {
            e.fail(
                "external_url",
                format!("The web address must be {MAX_URL} characters or fewer"),
            );
            None
        }
        Some(raw) => match url::Url::parse(raw) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
                Some(u.to_string())
            }
            Ok(_) => {
                e.fail(
                    "external_url",
                    "The web address must start with http:// or https://",
                );
                None
            }
            Err(_) => {
                e.fail(
                    "external_url",
                    "Enter a full web address, like https://www.england.nhs.uk/",
                );
                None
            }
        },
    };
    check_date(&mut e, "published_on", input.published_on);
    check_date(&mut e, "review_by", input.review_by);
    if let (Some(p), Some(r)) = (input.published_on, input.review_by)
        && r < p
    {
        e.fail(
            "review_by",
            "The review-by date must be after the published date",
        );
    }
    let status = match input.status.trim() {
        "" => before.map_or("draft", |b| b.status.as_str()).to_owned(),
        s if STATUSES.contains(&s) => s.to_owned(),
        _ => {
            e.fail(
                "status",
                format!("Choose a status: one of {}", STATUSES.join(", ")),
            );
            String::new()
        }
    };
    let owner_id = match input.owner {
        None => before.and_then(|b| b.owner_id),
        Some(id) => match User::find(c, UserId(id))? {
            Some(_) => Some(id),
            None => {
                e.fail("owner", "No such member");
                None
            }
        },
    };
    let mut topic_slugs: Vec<String> = Vec::new();
    for t in &input.topics {
        let t = t.trim().to_owned();
        if !topic_slugs.contains(&t) {
            topic_slugs.push(t);
        }
    }
    let mut topic_id_list = Vec::new();
    if topic_slugs.len() > MAX_TOPICS {
        e.fail("topics", format!("Choose at most {MAX_TOPICS} topics"));
    } else {
        let found = topic_ids(c, &topic_slugs)?;
        for t in &topic_slugs {
            match found.get(t) {
                Some(id) => topic_id_list.push(*id),
                None => e.fail("topics", format!("Unknown topic “{}”", shown(t))),
            }
        }
    }
    let mut regions: Vec<String> = Vec::new();
    if input.regions.len() > Region::ALL.len() * 2 {
        e.fail("regions", "Too many regions");
    } else {
        for r in &input.regions {
            match Region::parse(r.trim()) {
                Some(region) if !regions.iter().any(|x| x == region.as_str()) => {
                    regions.push(region.as_str().to_owned())
                }
                Some(_) => {}
                None => e.fail("regions", format!("Unknown region “{}”", shown(r))),
            }
        }
    }
    let mut tags: Vec<crate::db::tags::TagInput> = Vec::new();
    if input.tags.len() > MAX_TAGS * 2 {
        e.fail(
            "tags",
            format!("A resource can have at most {MAX_TAGS} tags"),
        );
    } else {
        for t in &input.tags {
            match crate::api::tags::normalise_tag(t) {
                Ok(tag) if !tags.iter().any(|x| x.slug == tag.slug) => tags.push(tag),
                Ok(_) => {}
                Err(m) => e.fail("tags", m),
            }
        }
        if tags.len() > MAX_TAGS {
            e.fail(
                "tags",
                format!("A resource can have at most {MAX_TAGS} tags"),
            );
        }
    }
    let superseded_by_id = match input
        .superseded_by
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => match ResourceRow::find_by_slug(c, s)? {
            Some(r) if before.is_some_and(|b| b.id == r.id) || r.slug == slug => {
                e.fail("superseded_by", "A resource can't supersede itself");
                None
            }
            Some(r) => Some(r.id),
            None => {
                e.fail(
                    "superseded_by",
                    format!("No resource has the slug “{}”", shown(s)),
                );
                None
            }
        },
    };
    if !e.0.is_empty() {
        return Err(LibraryError::Invalid(e.0));
    }
    if ResourceRow::slug_taken(c, &slug, before.map(|b| b.id))? {
        return Err(slug_taken());
    }
    let authors_json = serde_json::to_string(&authors).unwrap_or_else(|_| "[]".into());
    // The snapshot as the stored resource will read back, labels in their stored order.
    let mut snapshot = ResourceInput {
        kind: kind.clone(),
        title: title.clone(),
        slug: Some(slug.clone()),
        summary: summary.clone(),
        body_markdown: input.body_markdown.clone(),
        source_org: source_org.clone(),
        authors,
        audience: audience.clone(),
        external_url: external_url.clone(),
        published_on: input.published_on,
        review_by: input.review_by,
        owner: owner_id,
        topics: topic_slugs,
        regions: regions.clone(),
        tags: tags.iter().map(|t| t.slug.clone()).collect(),
        status: status.clone(),
        superseded_by: input
            .superseded_by
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        featured: input.featured,
        is_demo: input.is_demo,
    };
    if let Some(b) = before {
        // Compare labels as sets: their stored order is not the order they were given in.
        let same = |a: &Vec<String>, b: &Vec<String>| {
            a.len() == b.len() && a.iter().all(|x| b.contains(x))
        };
        let old = b.snapshot();
        if same(&snapshot.topics, &old.topics) {
            snapshot.topics = old.topics.clone();
        }
        if same(&snapshot.regions, &old.regions) {
            snapshot.regions = old.regions.clone();
        }
        if same(&snapshot.tags, &old.tags) {
            snapshot.tags = old.tags;
        }
    }
    Ok(Clean {
        kind,
        title,
        slug,
        summary,
        body_markdown: input.body_markdown.clone(),
        body_html,
        source_org,
        authors_json,
        audience,
        external_url,
        published_on: input.published_on,
        review_by: input.review_by,
        owner_id,
        topic_ids: topic_id_list,
        regions,
        tags,
        status,
        superseded_by_id,
        featured: input.featured,
        is_demo: input.is_demo,
        snapshot,
    })
}

/// User text quoted in a message, cut short.
fn shown(s: &str) -> String {
    s.chars().take(40).collect()
}

/// The moves the status workflow allows: forward draft → in review → published → archived,
/// and back to draft for rework, or from archived back to published.
pub fn transition_allowed(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("draft", "in_review")
            | ("draft", "archived")
            | ("in_review", "draft")
            | ("in_review", "published")
            | ("published", "archived")
            | ("published", "draft")
            | ("archived", "published")
            | ("archived", "draft")
    )
}

/// Moves the resource at `slug` to status `to`, with the reason logged (status change row,
/// audit row, a new revision and a search outbox row). Curators make every move; an owner may
/// send their own draft for review and take it back.
pub fn change_status(
    conn: &mut DbConn,
    actor: &User,
    slug: &str,
    to: &str,
    reason: &str,
) -> Result<Resource, LibraryError> {
    let reason = crate::validate::reason(reason).map_err(|m| LibraryError::field("reason", m))?;
    let to = to.trim();
    if !STATUSES.contains(&to) {
        return Err(LibraryError::field(
            "to",
            format!("Choose a status: one of {}", STATUSES.join(", ")),
        ));
    }
    conn.write_transaction::<_, LibraryError, _>(|c| {
        let row = editable(c, actor, slug)?;
        let owner_move = matches!(
            (row.status.as_str(), to),
            ("draft", "in_review") | ("in_review", "draft")
        );
        if !actor.role().can_curate() && !owner_move {
            return Err(LibraryError::Forbidden);
        }
        if row.status == to {
            return Err(LibraryError::Conflict(
                format!("The resource is already {to}."),
                vec![],
            ));
        }
        if !transition_allowed(&row.status, to) {
            return Err(LibraryError::Conflict(
                format!("A resource can't move from {} to {to}.", row.status),
                vec![FieldError {
                    field: "to".into(),
                    message: format!(
                        "A {} resource can't become {to}",
                        row.status.replace('_', " ")
                    ),
                }],
            ));
        }
        let at = now();
        let id = row.id;
        let from = row.status.clone();
        let number = row.revision + 1;
        ResourceRow::set_status(c, id, to, number, at)?;
        let after = reload(c, id)?;
        RevisionRow::insert(
            c,
            id,
            number,
            &snapshot_json(&after)?,
            Some(&reason),
            actor.id,
            at,
        )?;
        StatusChangeRow::insert(c, id, &from, to, &reason, actor.id, at)?;
        let details = format!("{from} → {to}");
        NewAudit {
            target_type: "resource",
            ..NewAudit::member(Some(actor.id), "resource_status", id)
        }
        .reason(Some(&reason))
        .details(&details)
        .write(c)?;
        enqueue_search(c, "resource", id)?;
        Ok(after)
    })
}

/// The forum thread where the resource at `slug` is discussed, opening it (as `actor`, in the
/// resource's first topic space) when there is none yet. Returns the thread id and whether it
/// was opened now. `public_url` makes the link back to the resource absolute, since the
/// renderer drops relative links.
pub fn open_discussion(
    conn: &mut DbConn,
    actor: &User,
    slug: &str,
    public_url: &str,
) -> Result<(i64, bool), LibraryError> {
    use crate::db::forum::{ContentStatus, Thread};
    conn.write_transaction::<_, LibraryError, _>(|c| {
        let row = ResourceRow::find_by_slug(c, slug)?
            .filter(|r| can_see(Some(actor), r))
            .ok_or(LibraryError::NotFound("resource"))?;
        if let Some(thread_id) = row.discussion_thread_id
            && Thread::find(c, thread_id)?.is_some_and(|t| t.status() != ContentStatus::Deleted)
        {
            return Ok((thread_id, false));
        }
        if row.status != "published" {
            return Err(LibraryError::Conflict(
                "Only published resources can be discussed.".into(),
                vec![],
            ));
        }
        let resource = Resource::load(c, row)?;
        let Some(topic) = resource.topics.first() else {
            return Err(LibraryError::Conflict(
                "This resource has no topic, so there is no space to discuss it in.".into(),
                vec![],
            ));
        };
        let category = crate::db::forum::Category::find_by_slug(c, topic)?
            .filter(|s| !s.archived)
            .ok_or_else(|| {
                LibraryError::Conflict("The resource's topic space is archived.".into(), vec![])
            })?;
        let title: String = format!("Discussion: {}", resource.title)
            .chars()
            .take(150)
            .collect();
        let markdown_body = format!(
            "This thread is for discussing the library resource [{}]({}/library/{}).\n\n> {}\n",
            resource.title.replace(['[', ']'], ""),
            public_url.trim_end_matches('/'),
            resource.slug,
            resource.summary.replace('\n', "\n> "),
        );
        let rendered = markdown::render(&markdown_body)
            .map_err(|e| LibraryError::field("body_markdown", e.to_string()))?;
        // The opening post is made from the published resource, not written by the member:
        // it is neither screened nor held, like a curator's publication.
        let checked = crate::forum::Checked {
            rendered,
            findings: Vec::new(),
            watched: Default::default(),
        };
        let tags: Vec<crate::db::tags::TagInput> = resource
            .tags
            .iter()
            .take(crate::api::tags::MAX_TAGS)
            .filter_map(|t| crate::api::tags::normalise_tag(t).ok())
            .collect();
        let (thread_id, _) = crate::forum::write_thread(
            c,
            &crate::forum::ThreadDraft {
                category: &category,
                author: actor,
                title: &title,
                kind: "discussion",
                markdown: &markdown_body,
                checked: &checked,
                held: None,
                tags: &tags,
            },
        )?;
        ResourceRow::set_discussion(c, resource.id, thread_id)?;
        Ok((thread_id, true))
    })
}
