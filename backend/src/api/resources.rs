//! Library resources: browsing with filters, reading one, creating and editing (each change a
//! revision), the history with per-field diffs and restore, the status workflow, and the
//! resource's discussion thread. Published and archived resources are public; drafts and those
//! in review only reach curators, admins and the owner.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};

use super::{page_limit, utc};
use crate::auth::Viewer;
use crate::db::DbConn;
use crate::db::forum::Category;
use crate::db::library::{
    ResourceFilter, ResourceRow, RevisionRow, StatusChangeRow, current_attachments,
};
use crate::db::users::User;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::library::resources::{self as lib, KINDS, Resource, ResourceInput, STATUSES};
use crate::library::revisions::{self, FieldDiff};
use crate::library::{LibraryError, can_edit, can_see, is_curator};
use crate::model::{MemberStatus, Region};
use crate::state::AppState;

#[derive(Tags)]
enum Tag {
    /// The knowledge base: curated resources.
    Resources,
}

/// A topic space or region: its slug and name.
#[derive(Debug, Clone, Object)]
pub struct Label {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Object)]
pub struct Person {
    pub id: i64,
    pub display_name: String,
}

/// A resource in a list (browse, related, collections).
#[derive(Debug, Clone, Object)]
pub struct ResourceSummary {
    pub id: i64,
    pub slug: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub status: String,
    pub topics: Vec<Label>,
    pub regions: Vec<Label>,
    pub tags: Vec<String>,
    pub featured: bool,
    pub is_demo: bool,
    pub published_on: Option<NaiveDate>,
    /// Only for curators and the owner.
    pub review_by: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

/// A current attachment; `download_url` serves its newest version.
#[derive(Debug, Clone, Object)]
#[oai(rename = "ResourceAttachment")]
pub struct AttachmentView {
    pub id: i64,
    pub title: String,
    pub version: i32,
    pub file_name: String,
    pub file_type: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// pending, done, failed or none.
    pub extract_status: String,
    pub page_count: Option<i32>,
    pub download_url: String,
}

#[derive(Debug, Clone, Object)]
pub struct ResourceLink {
    pub slug: String,
    pub title: String,
}

#[derive(Debug, Clone, Object)]
pub struct Discussion {
    pub thread_id: i64,
    /// The thread's page in the app.
    pub url: String,
}

#[derive(Debug, Clone, Object)]
pub struct ResourceView {
    pub id: i64,
    pub slug: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    /// Sanitised HTML.
    pub body_html: String,
    pub source_org: Option<String>,
    pub authors: Vec<String>,
    pub audience: Option<String>,
    pub external_url: Option<String>,
    pub published_on: Option<NaiveDate>,
    /// Only for curators and the owner.
    pub review_by: Option<NaiveDate>,
    pub owner: Option<Person>,
    pub status: String,
    pub superseded_by: Option<ResourceLink>,
    pub featured: bool,
    pub is_demo: bool,
    pub revision: i32,
    pub topics: Vec<Label>,
    pub regions: Vec<Label>,
    pub tags: Vec<String>,
    pub attachments: Vec<AttachmentView>,
    /// Visible resources sharing a topic or tag, most shared first.
    pub related: Vec<ResourceSummary>,
    pub discussion: Option<Discussion>,
    /// Whether the viewer may edit it (curators, the owner) and see its history.
    pub can_edit: bool,
    /// Whether the viewer curates (changes status, restores revisions).
    pub can_curate: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Object)]
pub struct KindCount {
    pub kind: String,
    pub count: i64,
}

#[derive(Object)]
pub struct ResourceList {
    pub items: Vec<ResourceSummary>,
    pub next_cursor: Option<String>,
}

/// Every editable field; on update, a missing `slug`, `status` or `owner` keeps its value.
#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct ResourceRequest {
    /// guidance, toolkit, framework, report, video, training, practice_example or template.
    pub kind: Option<String>,
    pub title: Option<String>,
    pub slug: Option<String>,
    pub summary: Option<String>,
    /// Markdown, rendered as forum posts are.
    pub body_markdown: Option<String>,
    pub source_org: Option<String>,
    pub authors: Option<Vec<String>>,
    pub audience: Option<String>,
    /// http or https only.
    pub external_url: Option<String>,
    /// YYYY-MM-DD.
    pub published_on: Option<String>,
    /// YYYY-MM-DD.
    pub review_by: Option<String>,
    /// The owner's member id (curators only).
    pub owner: Option<i64>,
    /// Topic space slugs.
    pub topics: Option<Vec<String>>,
    /// Region slugs.
    pub regions: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    /// draft, in_review, published or archived; changing it needs a `note`.
    pub status: Option<String>,
    /// The slug of the resource replacing this one.
    pub superseded_by: Option<String>,
    pub featured: Option<bool>,
    pub is_demo: Option<bool>,
    /// What changed and why, kept with the revision.
    pub note: Option<String>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct StatusRequest {
    /// draft, in_review, published or archived.
    pub to: String,
    pub reason: String,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct RestoreRequest {
    /// Why the revision is restored (kept as the new revision's note).
    pub note: Option<String>,
}

#[derive(Object)]
pub struct RevisionView {
    pub number: i32,
    pub note: Option<String>,
    pub author: Option<Person>,
    pub created_at: DateTime<Utc>,
    pub current: bool,
}

#[derive(Object)]
pub struct StatusChangeView {
    pub from: String,
    pub to: String,
    pub reason: String,
    pub actor: Option<Person>,
    pub created_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct History {
    pub slug: String,
    pub title: String,
    /// Newest first.
    pub revisions: Vec<RevisionView>,
    /// Newest first.
    pub status_changes: Vec<StatusChangeView>,
    pub can_restore: bool,
}

#[derive(Object)]
pub struct DiffHunk {
    /// equal, insert or delete.
    pub kind: String,
    pub text: String,
}

#[derive(Object)]
pub struct FieldChange {
    pub field: String,
    pub hunks: Vec<DiffHunk>,
}

#[derive(Object)]
pub struct RevisionDiff {
    pub slug: String,
    /// The older revision (0 when comparing the first revision with nothing).
    pub from: i32,
    pub to: i32,
    /// Only the fields that differ.
    pub fields: Vec<FieldChange>,
}

#[derive(ApiResponse)]
pub enum CreatedResource {
    #[oai(status = 201)]
    Created(Json<ResourceView>),
}

#[derive(ApiResponse)]
pub enum DiscussionResponse {
    /// The thread already existed.
    #[oai(status = 200)]
    Existing(Json<Discussion>),
    /// The thread was opened now.
    #[oai(status = 201)]
    Opened(Json<Discussion>),
}

/// The reader behind a request: an active member, or nobody (anonymous readers, and members
/// still waiting for approval, see only what is public).
pub fn reader(viewer: &Viewer) -> Option<User> {
    viewer
        .user()
        .filter(|u| u.status() == MemberStatus::Active)
        .cloned()
}

fn parse_date(errors: &mut Vec<FieldError>, field: &str, raw: Option<&str>) -> Option<NaiveDate> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError {
                field: field.into(),
                message: "Enter a real date, like 2026-03-31".into(),
            });
            None
        }
    }
}

/// The request as the library's input, refusing unreadable dates with the other field errors.
fn to_input(r: ResourceRequest) -> Result<(ResourceInput, Option<String>), LibraryError> {
    let mut errors = Vec::new();
    let published_on = parse_date(&mut errors, "published_on", r.published_on.as_deref());
    let review_by = parse_date(&mut errors, "review_by", r.review_by.as_deref());
    if !errors.is_empty() {
        return Err(LibraryError::Invalid(errors));
    }
    Ok((
        ResourceInput {
            kind: r.kind.unwrap_or_default(),
            title: r.title.unwrap_or_default(),
            slug: r.slug,
            summary: r.summary.unwrap_or_default(),
            body_markdown: r.body_markdown.unwrap_or_default(),
            source_org: r.source_org,
            authors: r.authors.unwrap_or_default(),
            audience: r.audience,
            external_url: r.external_url,
            published_on,
            review_by,
            owner: r.owner,
            topics: r.topics.unwrap_or_default(),
            regions: r.regions.unwrap_or_default(),
            tags: r.tags.unwrap_or_default(),
            status: r.status.unwrap_or_default(),
            superseded_by: r.superseded_by,
            featured: r.featured.unwrap_or(false),
            is_demo: r.is_demo.unwrap_or(false),
        },
        r.note,
    ))
}

/// Topic names by slug, for labels.
fn topic_names(c: &mut DbConn) -> Result<HashMap<String, String>, crate::db::DbError> {
    Ok(Category::list(c)?
        .into_iter()
        .map(|s| (s.slug, s.name))
        .collect())
}

fn labels(topics: &[String], names: &HashMap<String, String>) -> Vec<Label> {
    topics
        .iter()
        .map(|t| Label {
            slug: t.clone(),
            name: names.get(t).cloned().unwrap_or_else(|| t.clone()),
        })
        .collect()
}

fn region_labels(regions: &[String]) -> Vec<Label> {
    regions
        .iter()
        .map(|r| Label {
            slug: r.clone(),
            name: Region::parse(r).map_or_else(|| r.clone(), |x| x.name().to_owned()),
        })
        .collect()
}

/// Whether the viewer may see review dates and history: curators and the owner.
fn maintains(viewer: Option<&User>, owner_id: Option<i64>) -> bool {
    is_curator(viewer) || viewer.is_some_and(|u| owner_id == Some(u.id))
}

pub fn summaries(
    c: &mut DbConn,
    viewer: Option<&User>,
    resources: Vec<Resource>,
) -> Result<Vec<ResourceSummary>, crate::db::DbError> {
    let names = topic_names(c)?;
    Ok(resources
        .into_iter()
        .map(|r| ResourceSummary {
            review_by: r.review_by.filter(|_| maintains(viewer, r.owner_id)),
            topics: labels(&r.topics, &names),
            regions: region_labels(&r.regions),
            id: r.id,
            slug: r.slug,
            kind: r.kind,
            title: r.title,
            summary: r.summary,
            status: r.status,
            tags: r.tags,
            featured: r.featured,
            is_demo: r.is_demo,
            published_on: r.published_on,
            updated_at: utc(r.updated_at),
        })
        .collect())
}

/// The full resource as `viewer` may see it.
fn view(
    c: &mut DbConn,
    viewer: Option<&User>,
    r: Resource,
) -> Result<ResourceView, crate::db::DbError> {
    let names = topic_names(c)?;
    let owner = match r.owner_id {
        Some(id) => User::names(c, &[id])?
            .pop()
            .map(|(id, display_name)| Person { id, display_name }),
        None => None,
    };
    let superseded_by = match r.superseded_by_id {
        Some(id) => ResourceRow::find(c, id)?
            .filter(|s| can_see(viewer, s))
            .map(|s| ResourceLink {
                slug: s.slug,
                title: s.title,
            }),
        None => None,
    };
    let attachments = current_attachments(c, r.id)?
        .into_iter()
        .map(|a| AttachmentView {
            download_url: format!("/api/attachments/{}/download", a.id),
            id: a.id,
            title: a.title,
            version: a.version,
            file_name: a.file_name,
            file_type: a.file_type,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            extract_status: a.extract_status,
            page_count: a.page_count,
        })
        .collect();
    let related_ids = ResourceRow::related_ids(c, r.id, 50)?;
    let mut related_rows: Vec<ResourceRow> = ResourceRow::find_many(c, &related_ids)?
        .into_iter()
        .filter(|x| can_see(viewer, x))
        .collect();
    related_rows.sort_by_key(|x| related_ids.iter().position(|id| *id == x.id));
    related_rows.truncate(6);
    let related = Resource::load_many(c, related_rows)?;
    let related = summaries(c, viewer, related)?;
    let discussion = match r.discussion_thread_id {
        Some(id) => crate::db::forum::Thread::find(c, id)?
            .filter(|t| t.status() != crate::db::forum::ContentStatus::Deleted)
            .map(|t| Discussion {
                thread_id: t.id,
                url: format!("/threads/{}", t.id),
            }),
        None => None,
    };
    let row_for_edit = ResourceRow::find(c, r.id)?;
    let can_edit = viewer
        .zip(row_for_edit.as_ref())
        .is_some_and(|(u, row)| can_edit(u, row));
    Ok(ResourceView {
        review_by: r.review_by.filter(|_| maintains(viewer, r.owner_id)),
        topics: labels(&r.topics, &names),
        regions: region_labels(&r.regions),
        id: r.id,
        slug: r.slug,
        kind: r.kind,
        title: r.title,
        summary: r.summary,
        body_markdown: r.body_markdown,
        body_html: r.body_html,
        source_org: r.source_org,
        authors: r.authors,
        audience: r.audience,
        external_url: r.external_url,
        published_on: r.published_on,
        owner,
        status: r.status,
        superseded_by,
        featured: r.featured,
        is_demo: r.is_demo,
        revision: r.revision,
        tags: r.tags,
        attachments,
        related,
        discussion,
        can_edit,
        can_curate: is_curator(viewer),
        created_at: utc(r.created_at),
        updated_at: utc(r.updated_at),
    })
}

/// The resource at `slug` if the viewer may see it, else 404 (drafts are not acknowledged).
fn visible(c: &mut DbConn, viewer: Option<&User>, slug: &str) -> Result<ResourceRow, LibraryError> {
    ResourceRow::find_by_slug(c, slug)?
        .filter(|r| can_see(viewer, r))
        .ok_or(LibraryError::NotFound("resource"))
}

fn person(names: &HashMap<i64, String>, id: Option<i64>) -> Option<Person> {
    id.and_then(|id| {
        names.get(&id).map(|n| Person {
            id,
            display_name: n.clone(),
        })
    })
}

fn check_list(field: &str, values: &[String], allowed: &[&str]) -> ApiResult<()> {
    match values.iter().find(|v| !allowed.contains(&v.as_str())) {
        Some(bad) => Err(ApiError::field(
            field,
            format!(
                "Unknown {field} “{}”: choose from {}",
                bad.chars().take(40).collect::<String>(),
                allowed.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

pub struct ResourcesApi;

#[OpenApi(prefix_path = "/resources", tag = "Tag::Resources")]
impl ResourcesApi {
    /// Resources, newest first. Repeat a filter to allow several values (`kind=guidance&kind=toolkit`);
    /// different filters combine. Published resources by default; curators may ask for any
    /// status, others see drafts and resources in review only when they own them. `q` matches
    /// the title and summary.
    #[oai(path = "/", method = "get", operation_id = "listResources")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        kind: Query<Vec<String>>,
        topic: Query<Vec<String>>,
        region: Query<Vec<String>>,
        tag: Query<Vec<String>>,
        status: Query<Vec<String>>,
        q: Query<Option<String>>,
        cursor: Query<Option<String>>,
        limit: Query<Option<i64>>,
    ) -> ApiResult<Json<ResourceList>> {
        let user = reader(&viewer);
        let limit = page_limit(limit.0)?;
        let before = super::cursor(cursor.0.as_deref())?;
        let kinds: Vec<String> = kind
            .0
            .iter()
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .collect();
        check_list("kind", &kinds, &KINDS)?;
        let statuses: Vec<String> = status
            .0
            .iter()
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .collect();
        check_list("status", &statuses, &STATUSES)?;
        let regions: Vec<String> = region
            .0
            .iter()
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .collect();
        let region_slugs: Vec<&str> = Region::ALL.iter().map(|r| r.as_str()).collect();
        check_list("region", &regions, &region_slugs)?;
        let topics: Vec<String> = topic
            .0
            .iter()
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .collect();
        let tags: Vec<String> = tag
            .0
            .iter()
            .map(|k| k.trim().to_lowercase())
            .filter(|k| !k.is_empty())
            .collect();
        if topics.len() > 50 || tags.len() > 50 {
            return Err(ApiError::field("topic", "Too many filters"));
        }
        let text = q.0.map(|t| t.trim().chars().take(200).collect::<String>());
        let items = state
            .db
            .run(move |c| {
                let topic_ids = crate::db::library::topic_ids(c, &topics)?;
                if let Some(bad) = topics.iter().find(|t| !topic_ids.contains_key(*t)) {
                    return Ok(Err(ApiError::field(
                        "topic",
                        format!(
                            "Unknown topic “{}”",
                            bad.chars().take(40).collect::<String>()
                        ),
                    )));
                }
                let mut tag_ids = Vec::new();
                for t in &tags {
                    match crate::db::tags::Tag::find_by_slug(c, t)? {
                        Some(tag) => tag_ids.push(tag.id),
                        // No resource carries a tag that doesn't exist.
                        None => tag_ids.push(-1),
                    }
                }
                let curator = is_curator(user.as_ref());
                let filter = ResourceFilter {
                    kinds,
                    topic_ids: topic_ids.into_values().collect(),
                    regions,
                    tag_ids,
                    statuses: if statuses.is_empty() {
                        vec!["published".into()]
                    } else {
                        statuses
                    },
                    drafts_only_of_owner: user.as_ref().map(|u| u.id),
                    all_drafts: curator,
                    text,
                    before_id: before,
                    limit,
                };
                let rows = ResourceRow::list(c, &filter)?;
                let (rows, next) = super::paginate(rows, limit, |r| r.id);
                let resources = Resource::load_many(c, rows)?;
                Ok(Ok((summaries(c, user.as_ref(), resources)?, next)))
            })
            .await??;
        Ok(Json(ResourceList {
            items: items.0,
            next_cursor: items.1,
        }))
    }

    /// Create a resource (curators). Revision 1 records every field.
    #[oai(path = "/", method = "post", operation_id = "createResource")]
    async fn create(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        body: Json<ResourceRequest>,
    ) -> ApiResult<CreatedResource> {
        let actor = viewer.require_writer()?.clone();
        if !actor.role().can_curate() {
            return Err(ApiError::not_allowed());
        }
        let (input, note) = to_input(body.0)?;
        let out = state
            .db
            .run(move |c| {
                let r = match lib::create(c, &actor, &input, note.as_deref()) {
                    Ok(r) => r,
                    Err(LibraryError::Db(e)) => return Err(e),
                    Err(e) => return Ok(Err(e)),
                };
                Ok(Ok(view(c, Some(&actor), r)?))
            })
            .await??;
        Ok(CreatedResource::Created(Json(out)))
    }

    /// One resource with its attachments, labels, related resources and discussion thread.
    #[oai(path = "/:slug", method = "get", operation_id = "getResource")]
    async fn get(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
    ) -> ApiResult<Json<ResourceView>> {
        let user = reader(&viewer);
        let out = state
            .db
            .run(move |c| {
                let row = match visible(c, user.as_ref(), &slug.0) {
                    Ok(r) => r,
                    Err(LibraryError::Db(e)) => return Err(e),
                    Err(e) => return Ok(Err(e)),
                };
                let r = Resource::load(c, row)?;
                Ok(Ok(view(c, user.as_ref(), r)?))
            })
            .await??;
        Ok(Json(out))
    }

    /// Change a resource (curators, or its owner). Send every field: what is left out is
    /// cleared, except `slug`, `status` and `owner`, which then stay. Nothing changed, no revision.
    #[oai(path = "/:slug", method = "put", operation_id = "updateResource")]
    async fn update(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
        body: Json<ResourceRequest>,
    ) -> ApiResult<Json<ResourceView>> {
        let actor = viewer.require_writer()?.clone();
        let (input, note) = to_input(body.0)?;
        let out = state
            .db
            .run(move |c| {
                let r = match lib::update(c, &actor, &slug.0, &input, note.as_deref()) {
                    Ok(r) => r,
                    Err(LibraryError::Db(e)) => return Err(e),
                    Err(e) => return Ok(Err(e)),
                };
                Ok(Ok(view(c, Some(&actor), r)?))
            })
            .await??;
        Ok(Json(out))
    }

    /// The resource's revisions and status changes, newest first (curators and the owner).
    #[oai(
        path = "/:slug/revisions",
        method = "get",
        operation_id = "listResourceRevisions"
    )]
    async fn revisions(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
    ) -> ApiResult<Json<History>> {
        let actor = viewer.require_member()?.clone();
        let out = state
            .db
            .run(move |c| {
                let row = match lib::editable(c, &actor, &slug.0) {
                    Ok(r) => r,
                    Err(LibraryError::Db(e)) => return Err(e),
                    Err(e) => return Ok(Err(e)),
                };
                let revs = RevisionRow::list(c, row.id)?;
                let changes = StatusChangeRow::list(c, row.id)?;
                let mut ids: Vec<i64> = revs.iter().filter_map(|r| r.author_id).collect();
                ids.extend(changes.iter().filter_map(|s| s.actor_id));
                let names: HashMap<i64, String> = User::names(c, &ids)?.into_iter().collect();
                Ok(Ok(History {
                    slug: row.slug,
                    title: row.title,
                    revisions: revs
                        .into_iter()
                        .map(|r| RevisionView {
                            current: r.number == row.revision,
                            number: r.number,
                            note: r.note,
                            author: person(&names, r.author_id),
                            created_at: utc(r.created_at),
                        })
                        .collect(),
                    status_changes: changes
                        .into_iter()
                        .map(|s| StatusChangeView {
                            from: s.from_status,
                            to: s.to_status,
                            reason: s.reason,
                            actor: person(&names, s.actor_id),
                            created_at: utc(s.created_at),
                        })
                        .collect(),
                    can_restore: actor.role().can_curate(),
                }))
            })
            .await??;
        Ok(Json(out))
    }

    /// What changed in revision `n`: against revision n−1, or `against` when given. Per field,
    /// a line diff as runs of equal, inserted and deleted text.
    #[oai(
        path = "/:slug/revisions/:n/diff",
        method = "get",
        operation_id = "diffResourceRevision"
    )]
    async fn diff(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
        n: Path<i32>,
        against: Query<Option<i32>>,
    ) -> ApiResult<Json<RevisionDiff>> {
        let actor = viewer.require_member()?.clone();
        let n = n.0;
        let from = against.0.unwrap_or(n - 1);
        if from < 0 || n < 1 {
            return Err(ApiError::not_found("revision"));
        }
        let out = state
            .db
            .run(move |c| {
                let row = match lib::editable(c, &actor, &slug.0) {
                    Ok(r) => r,
                    Err(LibraryError::Db(e)) => return Err(e),
                    Err(e) => return Ok(Err(e)),
                };
                let Some(new) = RevisionRow::find(c, row.id, n)? else {
                    return Ok(Err(LibraryError::NotFound("revision")));
                };
                let old = if from == 0 {
                    None
                } else {
                    match RevisionRow::find(c, row.id, from)? {
                        Some(r) => Some(r),
                        None => return Ok(Err(LibraryError::NotFound("revision"))),
                    }
                };
                let read = |r: &RevisionRow| revisions::snapshot_of(r);
                let new_snap = match read(&new) {
                    Ok(s) => s,
                    Err(e) => return Ok(Err(e)),
                };
                let old_snap = match old.as_ref().map(read).transpose() {
                    Ok(s) => s.unwrap_or_default(),
                    Err(e) => return Ok(Err(e)),
                };
                let fields: Vec<FieldDiff> = revisions::diff(&old_snap, &new_snap);
                Ok(Ok(RevisionDiff {
                    slug: row.slug,
                    from,
                    to: n,
                    fields: fields
                        .into_iter()
                        .map(|f| FieldChange {
                            field: f.field,
                            hunks: f
                                .hunks
                                .into_iter()
                                .map(|h| DiffHunk {
                                    kind: h.kind.to_owned(),
                                    text: h.text,
                                })
                                .collect(),
                        })
                        .collect(),
                }))
            })
            .await??;
        Ok(Json(out))
    }

    /// Write revision `n` again as the newest revision (curators). Slug and status stay.
    #[oai(
        path = "/:slug/revisions/:n/restore",
        method = "post",
        operation_id = "restoreResourceRevision"
    )]
    async fn restore(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
        n: Path<i32>,
        body: Json<RestoreRequest>,
    ) -> ApiResult<Json<ResourceView>> {
        let actor = viewer.require_writer()?.clone();
        let out = state
            .db
            .run(move |c| {
                let r = match revisions::restore(c, &actor, &slug.0, n.0, body.0.note.as_deref()) {
                    Ok(r) => r,
                    Err(LibraryError::Db(e)) => return Err(e),
                    Err(e) => return Ok(Err(e)),
                };
                Ok(Ok(view(c, Some(&actor), r)?))
            })
            .await??;
        Ok(Json(out))
    }

    /// Move the resource through draft → in_review → published → archived (or back), with a
    /// reason. Curators; an owner may send their draft for review and take it back.
    #[oai(
        path = "/:slug/status",
        method = "post",
        operation_id = "changeResourceStatus"
    )]
    async fn status(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
        body: Json<StatusRequest>,
    ) -> ApiResult<Json<ResourceView>> {
        let actor = viewer.require_writer()?.clone();
        let out = state
            .db
            .run(move |c| {
                let r = match lib::change_status(c, &actor, &slug.0, &body.0.to, &body.0.reason) {
                    Ok(r) => r,
                    Err(LibraryError::Db(e)) => return Err(e),
                    Err(e) => return Ok(Err(e)),
                };
                Ok(Ok(view(c, Some(&actor), r)?))
            })
            .await??;
        Ok(Json(out))
    }

    /// The resource's discussion thread, opened now in its first topic space if there is none.
    #[oai(
        path = "/:slug/discussion",
        method = "post",
        operation_id = "openResourceDiscussion"
    )]
    async fn discussion(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
    ) -> ApiResult<DiscussionResponse> {
        let actor = viewer.require_writer()?.clone();
        let public_url = state.config.public_url.clone();
        let out = state
            .db
            .run(
                move |c| match lib::open_discussion(c, &actor, &slug.0, &public_url) {
                    Ok(r) => Ok(Ok(r)),
                    Err(LibraryError::Db(e)) => Err(e),
                    Err(e) => Ok(Err(e)),
                },
            )
            .await??;
        let (thread_id, opened) = out;
        state.notifier.nudge();
        let d = Discussion {
            thread_id,
            url: format!("/threads/{thread_id}"),
        };
        Ok(if opened {
            DiscussionResponse::Opened(Json(d))
        } else {
            DiscussionResponse::Existing(Json(d))
        })
    }
}
