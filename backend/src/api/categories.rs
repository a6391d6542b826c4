//! Spaces: the regional communities and topic spaces, and their thread lists.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi, Tags};

use super::{page_limit, utc};
use crate::auth::Viewer;
use crate::db::forum::{Category, Thread, ThreadSort};
use crate::db::tags::Tag as TagRow;
use crate::db::users::User;
use crate::db::watches::CategoryWatch;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Tags)]
enum Tag {
    /// Regional communities and topic spaces.
    Spaces,
}

#[derive(Object)]
pub struct Space {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// `region` or `topic`.
    pub kind: String,
    pub pre_moderated: bool,
    /// Archived spaces appear only in the admins' list; their threads stay readable.
    pub archived: bool,
    /// Threads anyone in the space can see.
    pub thread_count: i64,
    /// Whether the viewer watches this space (told of every new thread).
    pub watching: bool,
}

#[derive(Object)]
pub struct SpaceList {
    pub items: Vec<Space>,
}

#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "lowercase")]
pub enum SortParam {
    Activity,
    New,
    Unanswered,
}

#[derive(Object)]
pub struct ThreadSummary {
    pub id: i64,
    pub category: String,
    pub title: String,
    /// `discussion` or `question`.
    pub kind: String,
    /// `visible`, or `held` (awaiting review: shown only to its author and moderators), `hidden`.
    pub status: String,
    pub pinned: bool,
    pub locked: bool,
    pub answered: bool,
    pub reply_count: i32,
    pub author_id: i64,
    pub author_name: String,
    pub last_activity_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// Tag slugs, alphabetically.
    pub tags: Vec<String>,
    /// 0 when off; otherwise members may reply once per this many seconds.
    pub slow_mode_seconds: i32,
}

#[derive(Object)]
pub struct ThreadList {
    pub space: Space,
    pub items: Vec<ThreadSummary>,
    pub next_cursor: Option<String>,
}

pub struct CategoriesApi;

#[OpenApi(prefix_path = "/categories", tag = "Tag::Spaces")]
impl CategoriesApi {
    /// Every open space, in the admins' order; with `include_archived` (admins only) archived
    /// spaces too.
    #[oai(path = "/", method = "get", operation_id = "listSpaces")]
    async fn list(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        include_archived: Query<Option<bool>>,
    ) -> ApiResult<Json<SpaceList>> {
        let user = viewer.require_member()?;
        let all = include_archived.0.unwrap_or(false);
        if all && !user.role().is_admin() {
            return Err(ApiError::not_allowed());
        }
        let user_id = user.id;
        let (spaces, counts, watched) = state
            .db
            .run(move |c| {
                let spaces = if all {
                    Category::list_all(c)?
                } else {
                    Category::list(c)?
                };
                Ok((
                    spaces,
                    Category::visible_thread_counts(c)?,
                    CategoryWatch::watched_by(c, user_id)?,
                ))
            })
            .await?;
        Ok(Json(SpaceList {
            items: spaces
                .into_iter()
                .map(|s| {
                    let n = counts
                        .iter()
                        .find(|(id, _)| *id == s.id)
                        .map_or(0, |(_, n)| *n);
                    let watching = watched.contains(&s.id);
                    Space {
                        watching,
                        ..space(s, n)
                    }
                })
                .collect(),
        }))
    }

    /// Add a space, after the others (admins).
    #[oai(path = "/", method = "post", operation_id = "createSpace")]
    async fn create(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        body: Json<super::spaces::NewSpaceRequest>,
    ) -> ApiResult<super::spaces::SpaceCreated> {
        super::spaces::create_space(&state, &viewer, body.0).await
    }

    /// A space's threads, pinned first.
    #[oai(
        path = "/:slug/threads",
        method = "get",
        operation_id = "listSpaceThreads"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn threads(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
        sort: Query<Option<SortParam>>,
        /// Only threads with this tag (normalised as tags are).
        tag: Query<Option<String>>,
        cursor: Query<Option<String>>,
        limit: Query<Option<i64>>,
    ) -> ApiResult<Json<ThreadList>> {
        let user = viewer.require_member()?.clone();
        let limit = page_limit(limit.0)?;
        // The cursor is the number of threads already shown: pinned threads and activity order
        // move, so a keyset would skip or repeat threads.
        let offset = match cursor.0.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => 0,
            Some(c) => c
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=100_000).contains(n))
                .ok_or_else(|| ApiError::field("cursor", "Not a valid cursor"))?,
        };
        let sort = match sort.0.unwrap_or(SortParam::Activity) {
            SortParam::Activity => ThreadSort::Activity,
            SortParam::New => ThreadSort::New,
            SortParam::Unanswered => ThreadSort::Unanswered,
        };
        let tag = match tag.0.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(t) => Some(
                super::tags::normalise_tag(t)
                    .map_err(|m| ApiError::field("tag", m))?
                    .slug,
            ),
        };
        let slug = slug.0;
        let found = state
            .db
            .run(move |c| {
                let Some(category) = Category::find_by_slug(c, &slug)? else {
                    return Ok(None);
                };
                let v = crate::forum::visibility(c, &user, category.id)?;
                // An archived space's threads stay readable by link; only its moderators list them.
                if category.archived && !v.moderator {
                    return Ok(None);
                }
                let tag_id = match &tag {
                    None => None,
                    // An unknown tag matches no thread.
                    Some(t) => Some(TagRow::find_by_slug(c, t)?.map_or(0, |t| t.id)),
                };
                let rows = Thread::list(c, category.id, v, sort, tag_id, offset, limit)?;
                let count = Category::visible_thread_counts(c)?
                    .into_iter()
                    .find(|(id, _)| *id == category.id)
                    .map_or(0, |(_, n)| n);
                let ids: Vec<i64> = rows.iter().map(|t| t.author_id).collect();
                let names = User::names(c, &ids)?;
                let watching = CategoryWatch::watched_by(c, user.id)?.contains(&category.id);
                let thread_ids: Vec<i64> = rows.iter().map(|t| t.id).collect();
                let tags = TagRow::slugs_for_threads(c, &thread_ids)?;
                Ok(Some((category, rows, count, names, watching, tags)))
            })
            .await?;
        let (category, mut rows, count, names, watching, mut tags) =
            found.ok_or_else(|| ApiError::not_found("space"))?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = more.then(|| (offset + limit).to_string());
        let slug = category.slug.clone();
        Ok(Json(ThreadList {
            items: rows
                .into_iter()
                .map(|t| {
                    let tags = tags.remove(&t.id).unwrap_or_default();
                    ThreadSummary {
                        tags,
                        ..summary(t, &slug, &names)
                    }
                })
                .collect(),
            space: Space {
                watching,
                ..space(category, count)
            },
            next_cursor,
        }))
    }
}

pub fn space(s: Category, thread_count: i64) -> Space {
    Space {
        slug: s.slug,
        name: s.name,
        description: s.description,
        kind: s.kind,
        pre_moderated: s.pre_moderated,
        archived: s.archived,
        thread_count,
        // Filled in where the viewer's watches are known.
        watching: false,
    }
}

pub fn summary(t: Thread, category_slug: &str, names: &[(i64, String)]) -> ThreadSummary {
    ThreadSummary {
        author_name: names
            .iter()
            .find(|(id, _)| *id == t.author_id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default(),
        id: t.id,
        category: category_slug.to_owned(),
        title: t.title,
        kind: t.kind,
        status: t.status,
        pinned: t.pinned,
        locked: t.locked,
        answered: t.accepted_post_id.is_some(),
        reply_count: t.reply_count,
        author_id: t.author_id,
        last_activity_at: utc(t.last_activity_at),
        created_at: utc(t.created_at),
        // Filled in by callers that load tags (`Tag::slugs_for_threads`).
        tags: Vec::new(),
        slow_mode_seconds: t.slow_mode_seconds,
    }
}
