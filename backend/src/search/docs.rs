//! Turning database rows into search documents: what each entity type contributes to the
//! index, and who may see it. The forum's threads and posts are indexed only while visible
//! (held, hidden, deleted and redacted content is removed from the index); library resources
//! and collections are indexed in every status, drafts for curators and their owner only.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};
use search_index::{AttachmentText, Audience, Change, DocType, SearchDoc, Visibility};

use crate::db::forum::{Category, ContentStatus, Post, Thread};
use crate::db::schema::{
    attachment_versions, attachments, categories, collection_items, collection_sections,
    collections, posts, resource_regions, resource_tags, resource_topics, resources, tags,
    thread_tags, threads,
};
use crate::db::{DbConn, DbError};

/// The principal string a member is known by in the index (a draft's owner).
pub fn principal(user_id: i64) -> String {
    format!("user:{user_id}")
}

pub fn doc_id(doc_type: DocType, id: i64) -> String {
    format!("{}:{id}", doc_type.as_str())
}

/// `resource:12` → (Resource, 12).
pub fn parse_doc_id(id: &str) -> Option<(DocType, i64)> {
    let (kind, n) = id.split_once(':')?;
    Some((DocType::parse(kind)?, n.parse().ok()?))
}

fn secs(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp()
}

/// Resources in these states are public (like published NHS guidance); the others are drafts.
pub fn resource_is_public(status: &str) -> bool {
    matches!(status, "published" | "archived")
}

pub fn collection_is_public(status: &str) -> bool {
    matches!(status, "published" | "archived")
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = resources)]
pub struct ResourceRow {
    pub id: i64,
    pub slug: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub source_org: Option<String>,
    pub authors: String,
    pub published_on: Option<chrono::NaiveDate>,
    pub owner_id: Option<i64>,
    pub status: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = collections)]
pub struct CollectionRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub intro_markdown: String,
    pub status: String,
    pub owner_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

fn plain_text(markdown: &str) -> String {
    crate::content::markdown::render(markdown)
        .map(|r| r.text)
        .unwrap_or_else(|_| markdown.to_owned())
}

fn space_facets(category: Option<&Category>) -> (Vec<String>, Vec<String>) {
    match category {
        Some(c) if c.kind == "region" => (Vec::new(), vec![c.slug.clone()]),
        Some(c) => (vec![c.slug.clone()], Vec::new()),
        None => (Vec::new(), Vec::new()),
    }
}

fn thread_tag_names(conn: &mut DbConn, thread_id: i64) -> Result<Vec<String>, DbError> {
    Ok(thread_tags::table
        .inner_join(tags::table)
        .filter(thread_tags::thread_id.eq(thread_id))
        .select(tags::name)
        .load(conn)?)
}

/// The changes that bring the index in line with the database for one outbox row.
pub fn changes_for(
    conn: &mut DbConn,
    entity_type: &str,
    entity_id: i64,
) -> Result<Vec<Change>, DbError> {
    match entity_type {
        "thread" => thread_changes(conn, entity_id),
        "post" => post_changes(conn, entity_id),
        "resource" => Ok(vec![resource_change(conn, entity_id)?]),
        "collection" => Ok(vec![collection_change(conn, entity_id)?]),
        other => {
            tracing::warn!(
                entity_type = other,
                entity_id,
                "search outbox: unknown entity type"
            );
            Ok(Vec::new())
        }
    }
}

/// A thread (title and first post) and every reply in it: a thread that is hidden takes its
/// replies out of the index with it, and the replies carry the thread's title.
fn thread_changes(conn: &mut DbConn, thread_id: i64) -> Result<Vec<Change>, DbError> {
    let mut out = Vec::new();
    let thread = Thread::find(conn, thread_id)?;
    let all_posts: Vec<Post> = posts::table
        .filter(posts::thread_id.eq(thread_id))
        .order(posts::id.asc())
        .select(Post::as_select())
        .load(conn)?;
    let Some(thread) = thread.filter(|t| t.status() == ContentStatus::Visible) else {
        out.push(Change::Delete(doc_id(DocType::Thread, thread_id)));
        out.extend(
            all_posts
                .iter()
                .map(|p| Change::Delete(doc_id(DocType::Post, p.id))),
        );
        return Ok(out);
    };
    let category = Category::find(conn, thread.category_id)?;
    let (topics, regions) = space_facets(category.as_ref());
    let tags = thread_tag_names(conn, thread.id)?;
    let first_body = all_posts
        .iter()
        .find(|p| p.is_first)
        .filter(|p| p.status() == ContentStatus::Visible && !p.redacted)
        .map(|p| p.body_text.clone())
        .unwrap_or_default();
    out.push(Change::Upsert(SearchDoc {
        id: doc_id(DocType::Thread, thread.id),
        doc_type: DocType::Thread,
        title: thread.title.clone(),
        body: first_body,
        extra_text: String::new(),
        attachments: Vec::new(),
        tags: tags.clone(),
        kind: Some(thread.kind.clone()),
        topics: topics.clone(),
        regions: regions.clone(),
        visibility: Visibility::members(),
        published_at: secs(thread.created_at),
        url: format!("/threads/{}", thread.id),
        slug: None,
    }));
    for post in all_posts.iter().filter(|p| !p.is_first) {
        out.push(post_change(post, &thread, &topics, &regions));
    }
    // The first post is part of the thread's document, never one of its own.
    out.extend(
        all_posts
            .iter()
            .filter(|p| p.is_first)
            .map(|p| Change::Delete(doc_id(DocType::Post, p.id))),
    );
    Ok(out)
}

fn post_change(post: &Post, thread: &Thread, topics: &[String], regions: &[String]) -> Change {
    let id = doc_id(DocType::Post, post.id);
    if post.status() != ContentStatus::Visible
        || post.redacted
        || thread.status() != ContentStatus::Visible
    {
        return Change::Delete(id);
    }
    Change::Upsert(SearchDoc {
        id,
        doc_type: DocType::Post,
        title: thread.title.clone(),
        body: post.body_text.clone(),
        extra_text: String::new(),
        attachments: Vec::new(),
        tags: Vec::new(),
        kind: None,
        topics: topics.to_vec(),
        regions: regions.to_vec(),
        visibility: Visibility::members(),
        published_at: secs(post.created_at),
        url: format!("/threads/{}#post-{}", thread.id, post.id),
        slug: None,
    })
}

fn post_changes(conn: &mut DbConn, post_id: i64) -> Result<Vec<Change>, DbError> {
    let Some(post) = Post::find(conn, post_id)? else {
        return Ok(vec![Change::Delete(doc_id(DocType::Post, post_id))]);
    };
    if post.is_first {
        return thread_changes(conn, post.thread_id);
    }
    let Some(thread) = Thread::find(conn, post.thread_id)? else {
        return Ok(vec![Change::Delete(doc_id(DocType::Post, post_id))]);
    };
    let category = Category::find(conn, thread.category_id)?;
    let (topics, regions) = space_facets(category.as_ref());
    Ok(vec![post_change(&post, &thread, &topics, &regions)])
}

/// Page texts of a resource's current attachment versions whose text was extracted.
fn attachment_texts(conn: &mut DbConn, resource_id: i64) -> Result<Vec<AttachmentText>, DbError> {
    let rows: Vec<(i64, String, i32, Option<String>)> = attachments::table
        .inner_join(attachment_versions::table)
        .filter(attachments::resource_id.eq(resource_id))
        .filter(attachments::deleted.eq(false))
        .order((
            attachments::position.asc(),
            attachments::id.asc(),
            attachment_versions::version.desc(),
        ))
        .select((
            attachments::id,
            attachments::title,
            attachment_versions::version,
            attachment_versions::extracted_text,
        ))
        .load(conn)?;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (attachment_id, title, _, text) in rows {
        // The first row of each attachment is its newest version: only that one counts.
        if !seen.insert(attachment_id) {
            continue;
        }
        let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        out.push(AttachmentText {
            title,
            pages: text.split('\u{c}').map(str::to_owned).collect(),
        });
    }
    Ok(out)
}

fn resource_doc(conn: &mut DbConn, r: ResourceRow) -> Result<SearchDoc, DbError> {
    let topics: Vec<String> = resource_topics::table
        .inner_join(categories::table.on(categories::id.eq(resource_topics::category_id)))
        .filter(resource_topics::resource_id.eq(r.id))
        .select(categories::slug)
        .load(conn)?;
    let regions: Vec<String> = resource_regions::table
        .filter(resource_regions::resource_id.eq(r.id))
        .select(resource_regions::region)
        .load(conn)?;
    let tags: Vec<String> = resource_tags::table
        .inner_join(tags::table.on(tags::id.eq(resource_tags::tag_id)))
        .filter(resource_tags::resource_id.eq(r.id))
        .select(tags::name)
        .load(conn)?;
    let attachments = attachment_texts(conn, r.id)?;
    let authors: Vec<String> = serde_json::from_str(&r.authors).unwrap_or_default();
    let mut extra = vec![r.summary.clone()];
    extra.extend(r.source_org.clone());
    extra.extend(authors);
    let visibility = if resource_is_public(&r.status) {
        Visibility::public()
    } else {
        Visibility {
            audience: Audience::Curators,
            space: None,
            owner: r.owner_id.map(principal),
        }
    };
    let published = r
        .published_on
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or(r.created_at);
    Ok(SearchDoc {
        id: doc_id(DocType::Resource, r.id),
        doc_type: DocType::Resource,
        title: r.title,
        body: plain_text(&r.body_markdown),
        extra_text: extra.join("\n"),
        attachments,
        tags,
        kind: Some(r.kind),
        topics,
        regions,
        visibility,
        published_at: secs(published),
        url: format!("/library/{}", r.slug),
        slug: Some(r.slug),
    })
}

fn resource_change(conn: &mut DbConn, id: i64) -> Result<Change, DbError> {
    let row = resources::table
        .find(id)
        .select(ResourceRow::as_select())
        .first(conn)
        .optional()?;
    Ok(match row {
        Some(r) => Change::Upsert(resource_doc(conn, r)?),
        None => Change::Delete(doc_id(DocType::Resource, id)),
    })
}

fn collection_doc(conn: &mut DbConn, c: CollectionRow) -> Result<SearchDoc, DbError> {
    let sections: Vec<(i64, String)> = collection_sections::table
        .filter(collection_sections::collection_id.eq(c.id))
        .order(collection_sections::position.asc())
        .select((collection_sections::id, collection_sections::title))
        .load(conn)?;
    let section_ids: Vec<i64> = sections.iter().map(|(id, _)| *id).collect();
    let notes: Vec<Option<String>> = collection_items::table
        .filter(collection_items::section_id.eq_any(&section_ids))
        .select(collection_items::note)
        .load(conn)?;
    let mut extra = vec![c.summary.clone()];
    extra.extend(sections.into_iter().map(|(_, t)| t));
    extra.extend(notes.into_iter().flatten());
    let visibility = if collection_is_public(&c.status) {
        Visibility::public()
    } else {
        Visibility {
            audience: Audience::Curators,
            space: None,
            owner: c.owner_id.map(principal),
        }
    };
    Ok(SearchDoc {
        id: doc_id(DocType::Collection, c.id),
        doc_type: DocType::Collection,
        title: c.title,
        body: plain_text(&c.intro_markdown),
        extra_text: extra.join("\n"),
        attachments: Vec::new(),
        tags: Vec::new(),
        kind: None,
        topics: Vec::new(),
        regions: Vec::new(),
        visibility,
        published_at: secs(c.created_at),
        url: format!("/collections/{}", c.slug),
        slug: Some(c.slug),
    })
}

fn collection_change(conn: &mut DbConn, id: i64) -> Result<Change, DbError> {
    let row = collections::table
        .find(id)
        .select(CollectionRow::as_select())
        .first(conn)
        .optional()?;
    Ok(match row {
        Some(c) => Change::Upsert(collection_doc(conn, c)?),
        None => Change::Delete(doc_id(DocType::Collection, id)),
    })
}

/// Every document the database holds, for a rebuild, handed to `sink` one at a time so the
/// whole corpus is never in memory. `progress` is told the total first, then each step.
pub fn for_each_doc(
    conn: &mut DbConn,
    mut progress: impl FnMut(Option<u64>),
    mut sink: impl FnMut(SearchDoc) -> Result<(), DbError>,
) -> Result<(), DbError> {
    let thread_ids: Vec<i64> = threads::table
        .filter(threads::status.eq(ContentStatus::Visible.as_str()))
        .select(threads::id)
        .order(threads::id.asc())
        .load(conn)?;
    let resource_ids: Vec<i64> = resources::table
        .select(resources::id)
        .order(resources::id.asc())
        .load(conn)?;
    let collection_ids: Vec<i64> = collections::table
        .select(collections::id)
        .order(collections::id.asc())
        .load(conn)?;
    let total = thread_ids.len() + resource_ids.len() + collection_ids.len();
    progress(Some(total as u64));
    for id in thread_ids {
        for change in thread_changes(conn, id)? {
            if let Change::Upsert(doc) = change {
                sink(doc)?;
            }
        }
        progress(None);
    }
    for id in resource_ids {
        if let Change::Upsert(doc) = resource_change(conn, id)? {
            sink(doc)?;
        }
        progress(None);
    }
    for id in collection_ids {
        if let Change::Upsert(doc) = collection_change(conn, id)? {
            sink(doc)?;
        }
        progress(None);
    }
    Ok(())
}

/// Who is searching, as the database re-check needs it.
#[derive(Debug, Clone, Copy)]
pub struct Searcher {
    /// `None` for someone not signed in (or whose membership is not active).
    pub member_id: Option<i64>,
    pub curator: bool,
}

type Sql = <DbConn as diesel::Connection>::Backend;
type Condition<QS> = Box<dyn BoxableExpression<QS, Sql, SqlType = Bool>>;

/// `column = ? OR column = ? …` over `first` and `rest`. `eq_any` writes `IN (?, ?, …)`, which
/// diesel never keeps prepared since its text varies with the list; this is kept, one
/// statement for each number of ids, which saves preparing it afresh on every search.
fn one_of<QS, C>(column: C, (first, rest): (&i64, &[i64])) -> Condition<QS>
where
    C: Column<SqlType = BigInt> + ExpressionMethods + Copy,
    diesel::dsl::Eq<C, i64>: BoxableExpression<QS, Sql, SqlType = Bool> + 'static,
    diesel::dsl::Or<Condition<QS>, diesel::dsl::Eq<C, i64>>:
        BoxableExpression<QS, Sql, SqlType = Bool> + 'static,
    QS: 'static,
{
    rest.iter().fold(Box::new(column.eq(*first)), |all, id| {
        Box::new(all.or(column.eq(*id)))
    })
}

/// Of `ids` (index document ids), those this searcher may see now, by the database.
pub fn visible_now(
    conn: &mut DbConn,
    who: Searcher,
    ids: &[String],
) -> Result<BTreeSet<String>, DbError> {
    let mut by_type: BTreeMap<DocType, Vec<i64>> = BTreeMap::new();
    for id in ids {
        if let Some((t, n)) = parse_doc_id(id) {
            by_type.entry(t).or_default().push(n);
        }
    }
    let mut out = BTreeSet::new();
    for (doc_type, ids) in by_type {
        let Some(ids) = ids.split_first() else {
            continue;
        };
        match doc_type {
            DocType::Thread if who.member_id.is_some() => {
                let ok: Vec<i64> = threads::table
                    .filter(one_of(threads::id, ids))
                    .filter(threads::status.eq(ContentStatus::Visible.as_str()))
                    .select(threads::id)
                    .load(conn)?;
                out.extend(ok.into_iter().map(|i| doc_id(DocType::Thread, i)));
            }
            DocType::Post if who.member_id.is_some() => {
                let ok: Vec<i64> = posts::table
                    .inner_join(threads::table)
                    .filter(one_of(posts::id, ids))
                    .filter(posts::status.eq(ContentStatus::Visible.as_str()))
                    .filter(posts::redacted.eq(false))
                    .filter(threads::status.eq(ContentStatus::Visible.as_str()))
                    .select(posts::id)
                    .load(conn)?;
                out.extend(ok.into_iter().map(|i| doc_id(DocType::Post, i)));
            }
            DocType::Resource => {
                let rows: Vec<(i64, String, Option<i64>)> = resources::table
                    .filter(one_of(resources::id, ids))
                    .select((resources::id, resources::status, resources::owner_id))
                    .load(conn)?;
                out.extend(
                    rows.into_iter()
                        .filter(|(_, status, owner)| {
                            resource_is_public(status)
                                || who.curator
                                || (owner.is_some() && *owner == who.member_id)
                        })
                        .map(|(i, ..)| doc_id(DocType::Resource, i)),
                );
            }
            DocType::Collection => {
                let rows: Vec<(i64, String, Option<i64>)> = collections::table
                    .filter(one_of(collections::id, ids))
                    .select((collections::id, collections::status, collections::owner_id))
                    .load(conn)?;
                out.extend(
                    rows.into_iter()
                        .filter(|(_, status, owner)| {
                            collection_is_public(status)
                                || who.curator
                                || (owner.is_some() && *owner == who.member_id)
                        })
                        .map(|(i, ..)| doc_id(DocType::Collection, i)),
                );
            }
            DocType::Thread | DocType::Post => {}
        }
    }
    Ok(out)
}
