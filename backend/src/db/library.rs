//! The knowledge base's tables: resources with their topics, regions, tags, revisions and status
//! changes, collections in sections, and the current version of each attachment (read here for
//! the resource page; uploads live with the attachment handlers).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    attachment_versions, attachments, categories, collection_items, collection_sections,
    collections, resource_regions, resource_revisions, resource_status_changes, resource_tags,
    resource_topics, resources, tags,
};
use super::{DbConn, DbError, like_pattern, lower};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = resources)]
pub struct ResourceRow {
    pub id: i64,
    pub slug: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub body_html: String,
    pub source_org: Option<String>,
    /// JSON array of names.
    pub authors: String,
    pub audience: Option<String>,
    pub external_url: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub review_by: Option<NaiveDate>,
    pub owner_id: Option<i64>,
    pub status: String,
    pub superseded_by_id: Option<i64>,
    pub featured: bool,
    pub is_demo: bool,
    pub discussion_thread_id: Option<i64>,
    pub revision: i32,
    pub review_reminded_for: Option<NaiveDate>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Every editable column, written on insert and on each update.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = resources, treat_none_as_null = true)]
pub struct ResourceFields<'a> {
    pub slug: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body_markdown: &'a str,
    pub body_html: &'a str,
    pub source_org: Option<&'a str>,
    pub authors: &'a str,
    pub audience: Option<&'a str>,
    pub external_url: Option<&'a str>,
    pub published_on: Option<NaiveDate>,
    pub review_by: Option<NaiveDate>,
    pub owner_id: Option<i64>,
    pub status: &'a str,
    pub superseded_by_id: Option<i64>,
    pub featured: bool,
    pub is_demo: bool,
    pub revision: i32,
    pub updated_at: NaiveDateTime,
}

/// Which statuses a listing may include, and who is looking (owners see their own drafts).
#[derive(Debug, Clone, Default)]
pub struct ResourceFilter {
    pub kinds: Vec<String>,
    pub topic_ids: Vec<i64>,
    pub regions: Vec<String>,
    pub tag_ids: Vec<i64>,
    pub statuses: Vec<String>,
    /// When set, drafts and in-review resources appear only if this member owns them.
    pub drafts_only_of_owner: Option<i64>,
    /// `true` when the viewer sees every status (curators).
    pub all_drafts: bool,
    pub text: Option<String>,
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// Whether text could be a stored slug at all; anything else (NUL bytes, path tricks) names
/// nothing, and is never sent to the database, where PostgreSQL would refuse a NUL.
pub fn slug_like(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 200
        && slug.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

pub const PUBLIC_STATUSES: [&str; 2] = ["published", "archived"];

impl ResourceRow {
    pub fn find(conn: &mut DbConn, id: i64) -> Result<Option<ResourceRow>, DbError> {
        Ok(resources::table
            .find(id)
            .select(ResourceRow::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn find_by_slug(conn: &mut DbConn, slug: &str) -> Result<Option<ResourceRow>, DbError> {
        if !slug_like(slug) {
            return Ok(None);
        }
        Ok(resources::table
            .filter(resources::slug.eq(slug))
            .select(ResourceRow::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn find_many(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<ResourceRow>, DbError> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        Ok(resources::table
            .filter(resources::id.eq_any(ids))
            .select(ResourceRow::as_select())
            .load(conn)?)
    }

    pub fn insert(
        conn: &mut DbConn,
        fields: &ResourceFields<'_>,
        created_by: i64,
    ) -> Result<i64, DbError> {
        Ok(diesel::insert_into(resources::table)
            .values((
                fields,
                resources::created_by.eq(Some(created_by)),
                resources::created_at.eq(fields.updated_at),
            ))
            .returning(resources::id)
            .get_result(conn)?)
    }

    pub fn update(conn: &mut DbConn, id: i64, fields: &ResourceFields<'_>) -> Result<(), DbError> {
        diesel::update(resources::table.find(id))
            .set(fields)
            .execute(conn)?;
        Ok(())
    }

    pub fn set_status(
        conn: &mut DbConn,
        id: i64,
        status: &str,
        revision: i32,
        at: NaiveDateTime,
    ) -> Result<(), DbError> {
        diesel::update(resources::table.find(id))
            .set((
                resources::status.eq(status),
                resources::revision.eq(revision),
                resources::updated_at.eq(at),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub fn set_discussion(conn: &mut DbConn, id: i64, thread_id: i64) -> Result<(), DbError> {
        diesel::update(resources::table.find(id))
            .set(resources::discussion_thread_id.eq(Some(thread_id)))
            .execute(conn)?;
        Ok(())
    }

    /// Newest first, `limit + 1` rows so the caller knows whether there is another page.
    pub fn list(conn: &mut DbConn, f: &ResourceFilter) -> Result<Vec<ResourceRow>, DbError> {
        let mut q = resources::table
            .select(ResourceRow::as_select())
            .order(resources::id.desc())
            .into_boxed();
        if !f.kinds.is_empty() {
            q = q.filter(resources::kind.eq_any(f.kinds.clone()));
        }
        if !f.statuses.is_empty() {
            q = q.filter(resources::status.eq_any(f.statuses.clone()));
        }
        if !f.all_drafts {
            let public = resources::status.eq_any(PUBLIC_STATUSES);
            q = match f.drafts_only_of_owner {
                Some(owner) => q.filter(public.or(resources::owner_id.eq(owner))),
                None => q.filter(public),
            };
        }
        if !f.topic_ids.is_empty() {
            q = q.filter(
                resources::id.eq_any(
                    resource_topics::table
                        .filter(resource_topics::category_id.eq_any(f.topic_ids.clone()))
                        .select(resource_topics::resource_id),
                ),
            );
        }
        if !f.regions.is_empty() {
            q = q.filter(
                resources::id.eq_any(
                    resource_regions::table
                        .filter(resource_regions::region.eq_any(f.regions.clone()))
                        .select(resource_regions::resource_id),
                ),
            );
        }
        if !f.tag_ids.is_empty() {
            q = q.filter(
                resources::id.eq_any(
                    resource_tags::table
                        .filter(resource_tags::tag_id.eq_any(f.tag_ids.clone()))
                        .select(resource_tags::resource_id),
                ),
            );
        }
        if let Some(text) = f.text.as_deref().filter(|t| !t.is_empty()) {
            let pattern = like_pattern(text);
            q = q.filter(
                lower(resources::title)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(resources::summary).like(pattern).escape('\\')),
            );
        }
        if let Some(before) = f.before_id {
            q = q.filter(resources::id.lt(before));
        }
        Ok(q.limit(f.limit + 1).load(conn)?)
    }

    /// Other resources sharing a topic or tag with this one, most shared first (ids only;
    /// the caller filters by visibility).
    pub fn related_ids(conn: &mut DbConn, id: i64, cap: usize) -> Result<Vec<i64>, DbError> {
        let topic_ids: Vec<i64> = resource_topics::table
            .filter(resource_topics::resource_id.eq(id))
            .select(resource_topics::category_id)
            .load(conn)?;
        let tag_ids: Vec<i64> = resource_tags::table
            .filter(resource_tags::resource_id.eq(id))
            .select(resource_tags::tag_id)
            .load(conn)?;
        let mut shared: HashMap<i64, usize> = HashMap::new();
        let by_topic: Vec<i64> = resource_topics::table
            .filter(resource_topics::category_id.eq_any(topic_ids))
            .filter(resource_topics::resource_id.ne(id))
            .select(resource_topics::resource_id)
            .load(conn)?;
        let by_tag: Vec<i64> = resource_tags::table
            .filter(resource_tags::tag_id.eq_any(tag_ids))
            .filter(resource_tags::resource_id.ne(id))
            .select(resource_tags::resource_id)
            .load(conn)?;
        for r in by_topic.into_iter().chain(by_tag) {
            *shared.entry(r).or_default() += 1;
        }
        let mut ranked: Vec<(i64, usize)> = shared.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
        Ok(ranked.into_iter().take(cap).map(|(id, _)| id).collect())
    }

    /// Whether another resource already has this slug.
    pub fn slug_taken(conn: &mut DbConn, slug: &str, except: Option<i64>) -> Result<bool, DbError> {
        let mut q = resources::table
            .filter(resources::slug.eq(slug))
            .select(resources::id)
            .into_boxed();
        if let Some(id) = except {
            q = q.filter(resources::id.ne(id));
        }
        Ok(q.first::<i64>(conn).optional()?.is_some())
    }

    /// Slugs of these resources, by id.
    pub fn slugs(conn: &mut DbConn, ids: &[i64]) -> Result<HashMap<i64, String>, DbError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(resources::table
            .filter(resources::id.eq_any(ids))
            .select((resources::id, resources::slug))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect())
    }
}

/// A resource's topics (topic space slugs), regions and tags (slugs), in name order.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    pub topics: Vec<String>,
    pub regions: Vec<String>,
    pub tags: Vec<String>,
}

pub fn labels_for(conn: &mut DbConn, ids: &[i64]) -> Result<HashMap<i64, Labels>, DbError> {
    let mut out: HashMap<i64, Labels> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let topic_rows: Vec<(i64, String)> = resource_topics::table
        .inner_join(categories::table.on(categories::id.eq(resource_topics::category_id)))
        .filter(resource_topics::resource_id.eq_any(ids))
        .order(categories::position.asc())
        .select((resource_topics::resource_id, categories::slug))
        .load(conn)?;
    for (id, slug) in topic_rows {
        out.entry(id).or_default().topics.push(slug);
    }
    let region_rows: Vec<(i64, String)> = resource_regions::table
        .filter(resource_regions::resource_id.eq_any(ids))
        .order(resource_regions::region.asc())
        .select((resource_regions::resource_id, resource_regions::region))
        .load(conn)?;
    for (id, region) in region_rows {
        out.entry(id).or_default().regions.push(region);
    }
    let tag_rows: Vec<(i64, String)> = resource_tags::table
        .inner_join(tags::table.on(tags::id.eq(resource_tags::tag_id)))
        .filter(resource_tags::resource_id.eq_any(ids))
        .order(tags::slug.asc())
        .select((resource_tags::resource_id, tags::slug))
        .load(conn)?;
    for (id, slug) in tag_rows {
        out.entry(id).or_default().tags.push(slug);
    }
    Ok(out)
}

/// Replaces a resource's topics, regions and tags, in the caller's transaction.
pub fn set_labels(
    conn: &mut DbConn,
    resource_id: i64,
    topic_ids: &[i64],
    regions: &[String],
    tag_ids: &[i64],
) -> Result<(), DbError> {
    diesel::delete(resource_topics::table.filter(resource_topics::resource_id.eq(resource_id)))
        .execute(conn)?;
    for category_id in topic_ids {
        diesel::insert_into(resource_topics::table)
            .values((
                resource_topics::resource_id.eq(resource_id),
                resource_topics::category_id.eq(category_id),
            ))
            .execute(conn)?;
    }
    diesel::delete(resource_regions::table.filter(resource_regions::resource_id.eq(resource_id)))
        .execute(conn)?;
    for region in regions {
        diesel::insert_into(resource_regions::table)
            .values((
                resource_regions::resource_id.eq(resource_id),
                resource_regions::region.eq(region),
            ))
            .execute(conn)?;
    }
    diesel::delete(resource_tags::table.filter(resource_tags::resource_id.eq(resource_id)))
        .execute(conn)?;
    for tag_id in tag_ids {
        diesel::insert_into(resource_tags::table)
            .values((
                resource_tags::resource_id.eq(resource_id),
                resource_tags::tag_id.eq(tag_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The topic spaces (categories of kind `topic`) with these slugs: (slug, id).
pub fn topic_ids(conn: &mut DbConn, slugs: &[String]) -> Result<HashMap<String, i64>, DbError> {
    if slugs.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(categories::table
        .filter(categories::kind.eq("topic"))
        .filter(categories::slug.eq_any(slugs))
        .select((categories::slug, categories::id))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = resource_revisions)]
pub struct RevisionRow {
    pub id: i64,
    pub resource_id: i64,
    pub number: i32,
    pub snapshot: String,
    pub note: Option<String>,
    pub author_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl RevisionRow {
    pub fn insert(
        conn: &mut DbConn,
        resource_id: i64,
        number: i32,
        snapshot: &str,
        note: Option<&str>,
        author_id: i64,
        at: NaiveDateTime,
    ) -> Result<(), DbError> {
        diesel::insert_into(resource_revisions::table)
            .values((
                resource_revisions::resource_id.eq(resource_id),
                resource_revisions::number.eq(number),
                resource_revisions::snapshot.eq(snapshot),
                resource_revisions::note.eq(note),
                resource_revisions::author_id.eq(Some(author_id)),
                resource_revisions::created_at.eq(at),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Newest first.
    pub fn list(conn: &mut DbConn, resource_id: i64) -> Result<Vec<RevisionRow>, DbError> {
        Ok(resource_revisions::table
            .filter(resource_revisions::resource_id.eq(resource_id))
            .order(resource_revisions::number.desc())
            .select(RevisionRow::as_select())
            .load(conn)?)
    }

    pub fn find(
        conn: &mut DbConn,
        resource_id: i64,
        number: i32,
    ) -> Result<Option<RevisionRow>, DbError> {
        Ok(resource_revisions::table
            .filter(resource_revisions::resource_id.eq(resource_id))
            .filter(resource_revisions::number.eq(number))
            .select(RevisionRow::as_select())
            .first(conn)
            .optional()?)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = resource_status_changes)]
pub struct StatusChangeRow {
    pub id: i64,
    pub resource_id: i64,
    pub from_status: String,
    pub to_status: String,
    pub reason: String,
    pub actor_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl StatusChangeRow {
    pub fn insert(
        conn: &mut DbConn,
        resource_id: i64,
        from: &str,
        to: &str,
        reason: &str,
        actor_id: i64,
        at: NaiveDateTime,
    ) -> Result<(), DbError> {
        diesel::insert_into(resource_status_changes::table)
            .values((
                resource_status_changes::resource_id.eq(resource_id),
                resource_status_changes::from_status.eq(from),
                resource_status_changes::to_status.eq(to),
                resource_status_changes::reason.eq(reason),
                resource_status_changes::actor_id.eq(Some(actor_id)),
                resource_status_changes::created_at.eq(at),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Newest first.
    pub fn list(conn: &mut DbConn, resource_id: i64) -> Result<Vec<StatusChangeRow>, DbError> {
        Ok(resource_status_changes::table
            .filter(resource_status_changes::resource_id.eq(resource_id))
            .order(resource_status_changes::id.desc())
            .select(StatusChangeRow::as_select())
            .load(conn)?)
    }
}

/// An attachment with its current (newest) version, as the resource page lists it.
#[derive(Debug, Clone)]
pub struct CurrentAttachment {
    pub id: i64,
    pub title: String,
    pub version: i32,
    pub file_name: String,
    pub file_type: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub extract_status: String,
    pub page_count: Option<i32>,
}

type AttachmentTuple = (
    i64,
    String,
    i32,
    String,
    String,
    String,
    i64,
    String,
    Option<i32>,
);

/// The resource's attachments that are not deleted, in position order, each at its newest version.
pub fn current_attachments(
    conn: &mut DbConn,
    resource_id: i64,
) -> Result<Vec<CurrentAttachment>, DbError> {
    let rows: Vec<AttachmentTuple> = attachments::table
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
            attachment_versions::file_name,
            attachment_versions::file_type,
            attachment_versions::content_type,
            attachment_versions::size_bytes,
            attachment_versions::extract_status,
            attachment_versions::page_count,
        ))
        .load(conn)?;
    let mut out: Vec<CurrentAttachment> = Vec::new();
    for (
        id,
        title,
        version,
        file_name,
        file_type,
        content_type,
        size_bytes,
        extract_status,
        page_count,
    ) in rows
    {
        // Rows come newest version first within each attachment: keep the first of each.
        if out.last().is_some_and(|a| a.id == id) {
            continue;
        }
        out.push(CurrentAttachment {
            id,
            title,
            version,
            file_name,
            file_type,
            content_type,
            size_bytes,
            extract_status,
            page_count,
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = collections)]
pub struct CollectionRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub intro_markdown: String,
    pub intro_html: String,
    pub status: String,
    pub owner_id: Option<i64>,
    pub featured: bool,
    pub is_demo: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = collections, treat_none_as_null = true)]
pub struct CollectionFields<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub intro_markdown: &'a str,
    pub intro_html: &'a str,
    pub status: &'a str,
    pub owner_id: Option<i64>,
    pub featured: bool,
    pub is_demo: bool,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = collection_sections)]
pub struct SectionRow {
    pub id: i64,
    pub collection_id: i64,
    pub position: i32,
    pub title: String,
    pub intro_markdown: String,
    pub intro_html: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = collection_items)]
pub struct ItemRow {
    pub id: i64,
    pub section_id: i64,
    pub resource_id: i64,
    pub position: i32,
    pub note: Option<String>,
}

/// A section to write: its title, intro and items (resource id, note), in order.
pub struct NewSection<'a> {
    pub title: &'a str,
    pub intro_markdown: &'a str,
    pub intro_html: &'a str,
    pub items: Vec<(i64, Option<&'a str>)>,
}

impl CollectionRow {
    pub fn find_by_slug(conn: &mut DbConn, slug: &str) -> Result<Option<CollectionRow>, DbError> {
        if !slug_like(slug) {
            return Ok(None);
        }
        Ok(collections::table
            .filter(collections::slug.eq(slug))
            .select(CollectionRow::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn slug_taken(conn: &mut DbConn, slug: &str, except: Option<i64>) -> Result<bool, DbError> {
        let mut q = collections::table
            .filter(collections::slug.eq(slug))
            .select(collections::id)
            .into_boxed();
        if let Some(id) = except {
            q = q.filter(collections::id.ne(id));
        }
        Ok(q.first::<i64>(conn).optional()?.is_some())
    }

    /// Featured first, then by title. `statuses` empty means every status.
    pub fn list(conn: &mut DbConn, statuses: &[&str]) -> Result<Vec<CollectionRow>, DbError> {
        let mut q = collections::table
            .select(CollectionRow::as_select())
            .order((collections::featured.desc(), collections::title.asc()))
            .into_boxed();
        if !statuses.is_empty() {
            q = q.filter(collections::status.eq_any(statuses.to_vec()));
        }
        Ok(q.load(conn)?)
    }

    pub fn insert(conn: &mut DbConn, fields: &CollectionFields<'_>) -> Result<i64, DbError> {
        Ok(diesel::insert_into(collections::table)
            .values((fields, collections::created_at.eq(fields.updated_at)))
            .returning(collections::id)
            .get_result(conn)?)
    }

    pub fn update(
        conn: &mut DbConn,
        id: i64,
        fields: &CollectionFields<'_>,
    ) -> Result<(), DbError> {
        diesel::update(collections::table.find(id))
            .set(fields)
            .execute(conn)?;
        Ok(())
    }

    /// Replaces the collection's sections and items, in the caller's transaction.
    pub fn set_sections(
        conn: &mut DbConn,
        id: i64,
        sections: &[NewSection<'_>],
    ) -> Result<(), DbError> {
        diesel::delete(
            collection_sections::table.filter(collection_sections::collection_id.eq(id)),
        )
        .execute(conn)?;
        for (position, section) in sections.iter().enumerate() {
            let section_id: i64 = diesel::insert_into(collection_sections::table)
                .values((
                    collection_sections::collection_id.eq(id),
                    collection_sections::position.eq(position as i32),
                    collection_sections::title.eq(section.title),
                    collection_sections::intro_markdown.eq(section.intro_markdown),
                    collection_sections::intro_html.eq(section.intro_html),
                ))
                .returning(collection_sections::id)
                .get_result(conn)?;
            for (item_position, (resource_id, note)) in section.items.iter().enumerate() {
                diesel::insert_into(collection_items::table)
                    .values((
                        collection_items::section_id.eq(section_id),
                        collection_items::resource_id.eq(resource_id),
                        collection_items::position.eq(item_position as i32),
                        collection_items::note.eq(note),
                    ))
                    .execute(conn)?;
            }
        }
        Ok(())
    }

    /// The collection's sections in order, each with its items in order.
    pub fn sections(
        conn: &mut DbConn,
        id: i64,
    ) -> Result<Vec<(SectionRow, Vec<ItemRow>)>, DbError> {
        let sections: Vec<SectionRow> = collection_sections::table
            .filter(collection_sections::collection_id.eq(id))
            .order(collection_sections::position.asc())
            .select(SectionRow::as_select())
            .load(conn)?;
        let ids: Vec<i64> = sections.iter().map(|s| s.id).collect();
        let items: Vec<ItemRow> = collection_items::table
            .filter(collection_items::section_id.eq_any(ids))
            .order(collection_items::position.asc())
            .select(ItemRow::as_select())
            .load(conn)?;
        let mut by_section: HashMap<i64, Vec<ItemRow>> = HashMap::new();
        for item in items {
            by_section.entry(item.section_id).or_default().push(item);
        }
        Ok(sections
            .into_iter()
            .map(|s| {
                let items = by_section.remove(&s.id).unwrap_or_default();
                (s, items)
            })
            .collect())
    }
}
