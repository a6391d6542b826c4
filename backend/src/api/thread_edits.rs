//! Changing a thread itself: its title and tags (author within the edit window, or a moderator
//! of the space with a reason), and slow mode (moderators of the space).

use diesel::prelude::*;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use super::categories::{ThreadSummary, summary};
use super::tags::parse_tags;
use crate::auth::Viewer;
use crate::db::audit::NewAudit;
use crate::db::forum::{Category, ContentStatus, Post, Thread, enqueue_search};
use crate::db::schema::{posts, threads};
use crate::db::tags::{Tag as TagRow, TagInput};
use crate::db::users::User;
use crate::db::{DbConn, DbError, now};
use crate::error::{ApiError, ApiResult};
use crate::forum::{EDIT_WINDOW, REASON_CASE_INFORMATION, REASON_WATCHED_WORD, visibility};
use crate::posting::MAX_SLOW_MODE;
use crate::state::AppState;

#[derive(Tags)]
enum Tag {
    /// Thread titles, tags and slow mode.
    ThreadSettings,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct ThreadChanges {
    pub title: Option<String>,
    /// Replaces the thread's tags (up to 5).
    pub tags: Option<Vec<String>>,
    /// Required when a moderator changes someone else's thread.
    pub reason: Option<String>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct SlowModeRequest {
    /// Seconds a member waits between their posts in the thread; 0 turns slow mode off.
    pub seconds: i32,
    pub reason: String,
}

pub struct ThreadEditsApi;

#[OpenApi(prefix_path = "/threads", tag = "Tag::ThreadSettings")]
impl ThreadEditsApi {
    /// Turn slow mode on (1 to 86400 seconds between a member's posts in the thread) or off (0).
    #[oai(path = "/:id/slow-mode", method = "post", operation_id = "setSlowMode")]
    async fn slow_mode(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<SlowModeRequest>,
    ) -> ApiResult<Json<ThreadSummary>> {
        let user = viewer.require_writer()?.clone();
        let seconds = body.seconds;
        if !(0..=MAX_SLOW_MODE).contains(&seconds) {
            return Err(ApiError::field(
                "seconds",
                "Choose between 0 (off) and 86400 seconds (a day)",
            ));
        }
        let reason =
            crate::moderation::reason(&body.reason).map_err(|m| ApiError::field("reason", m))?;
        let id = id.0;
        let outcome = state
            .db
            .run(move |c| {
                let Some(thread) = Thread::find(c, id)? else {
                    return Ok(Err(ApiError::not_found("thread")));
                };
                let v = visibility(c, &user, thread.category_id)?;
                if !thread.visible_to(v) {
                    return Ok(Err(ApiError::not_found("thread")));
                }
                if !v.moderator {
                    return Ok(Err(ApiError::not_allowed()));
                }
                c.write_transaction::<_, DbError, _>(|c| {
                    Thread::set_slow_mode(c, thread.id, seconds)?;
                    let details = serde_json::json!({
                        "from": thread.slow_mode_seconds,
                        "to": seconds,
                    })
                    .to_string();
                    NewAudit::content(
                        Some(user.id),
                        "thread.slow_mode",
                        "thread",
                        thread.id,
                        thread.category_id,
                        thread.author_id,
                    )
                    .reason(Some(&reason))
                    .details(&details)
                    .write(c)
                })?;
                Ok(Ok(thread_summary(c, id)?))
            })
            .await??;
        outcome
            .ok_or_else(|| ApiError::not_found("thread"))
            .map(Json)
    }
}

/// Changes a thread's title or tags (`PATCH /api/threads/{id}`, served by `ThreadsApi`
/// because two API structs can't share a path in the OpenAPI document).
pub async fn update_thread(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    body: ThreadChanges,
) -> ApiResult<Json<ThreadSummary>> {
    let editor = viewer.require_writer()?.clone();
    if body.title.is_none() && body.tags.is_none() {
        return Err(ApiError::field("title", "Change the title or the tags"));
    }
    let title = match &body.title {
        None => None,
        Some(raw) => {
            let t = crate::validate::short_text(raw, 150, "Enter a title")
                .map_err(|m| ApiError::field("title", m))?;
            if t.chars().count() < 5 {
                return Err(ApiError::field(
                    "title",
                    "Title must be at least 5 characters",
                ));
            }
            Some(t)
        }
    };
    let tags = body.tags.as_deref().map(parse_tags).transpose()?;
    let reason = super::moderation::optional_reason(body.reason.as_deref())?;
    // A new title goes through the same checks as a new thread's.
    let (case_found, watched) = match &title {
        None => (false, Default::default()),
        Some(t) => {
            let text = t.clone();
            let found = tokio::task::spawn_blocking(move || {
                !crate::content::case_guard::scan(&text).is_empty()
            })
            .await
            .map_err(|e| ApiError::internal(&e))?;
            let verdict = crate::watched::screen(state, vec![("title", t.clone())]).await?;
            (found, verdict)
        }
    };
    // Only rules the old title didn't already match count (as for post edits).
    let watched = if watched.matches.is_empty() {
        watched
    } else {
        let earlier_title = state
            .db
            .run(move |c| Ok(Thread::find(c, id)?.map(|t| t.title)))
            .await?
            .unwrap_or_default();
        watched.new_since(&crate::watched::check(state, vec![("title", earlier_title)]).await?)
    };
    let outcome = state
        .db
        .run(move |c| {
            let Some(thread) = Thread::find(c, id)? else {
                return Ok(Err(ApiError::not_found("thread")));
            };
            let v = visibility(c, &editor, thread.category_id)?;
            if !thread.visible_to(v) {
                return Ok(Err(ApiError::not_found("thread")));
            }
            if thread.status() == ContentStatus::Deleted {
                return Ok(Err(ApiError::conflict(
                    "This thread can't be edited.",
                    vec![],
                )));
            }
            let own = thread.author_id == editor.id;
            if !own && !v.moderator {
                return Ok(Err(ApiError::not_allowed()));
            }
            if !v.moderator {
                if now() - thread.created_at > EDIT_WINDOW {
                    return Ok(Err(ApiError::forbidden(
                        "edit-window",
                        "The time to edit this thread has passed",
                        "A thread's title and tags can be changed for 30 minutes.",
                    )));
                }
                let archived = Category::find(c, thread.category_id)?.is_none_or(|s| s.archived);
                if archived {
                    return Ok(Err(ApiError::conflict(
                        "This space is archived: its threads can't be changed.",
                        vec![],
                    )));
                }
            }
            if !own && reason.is_none() {
                return Ok(Err(ApiError::field(
                    "reason",
                    "Give a reason for changing someone else's thread",
                )));
            }
            // Case information holds a moderator's title too, as it holds their new threads;
            // a hold rule only flags it (see `crate::forum::hold_reason`).
            let hold = if thread.status() != ContentStatus::Visible {
                None
            } else if case_found {
                Some(REASON_CASE_INFORMATION)
            } else if watched.holds() && !v.moderator {
                Some(REASON_WATCHED_WORD)
            } else {
                None
            };
            c.write_transaction::<_, DbError, _>(|c| {
                // Titles keep no revisions, so the log entry keeps the old title and tags.
                let old_tags = if own {
                    Vec::new()
                } else {
                    TagRow::slugs_for_threads(c, &[thread.id])?
                        .remove(&thread.id)
                        .unwrap_or_default()
                };
                apply(c, &thread, title.as_deref(), tags.as_deref(), hold)?;
                if let Some(first) = first_post(c, thread.id)? {
                    crate::watched::raise_flags(c, first, &watched, hold.is_some())?;
                }
                if !own {
                    let details = serde_json::json!({
                        "title": title.as_ref().map(|t| serde_json::json!({"from": thread.title, "to": t})),
                        "tags": tags.as_ref().map(|t| serde_json::json!({
                            "from": old_tags,
                            "to": t.iter().map(|t| t.slug.clone()).collect::<Vec<_>>(),
                        })),
                    })
                    .to_string();
                    NewAudit::content(
                        Some(editor.id),
                        "thread.edited",
                        "thread",
                        thread.id,
                        thread.category_id,
                        thread.author_id,
                    )
                    .reason(reason.as_deref())
                    .details(&details)
                    .write(c)?;
                }
                enqueue_search(c, "thread", thread.id)
            })?;
            Ok(Ok(thread_summary(c, id)?))
        })
        .await??;
    outcome
        .ok_or_else(|| ApiError::not_found("thread"))
        .map(Json)
}

/// Writes the new title and tags; `hold` sends the thread and its opening post back for review.
fn apply(
    c: &mut DbConn,
    thread: &Thread,
    title: Option<&str>,
    tags: Option<&[TagInput]>,
    hold: Option<&str>,
) -> Result<(), DbError> {
    let at = now();
    if let Some(title) = title {
        diesel::update(threads::table.find(thread.id))
            .set((threads::title.eq(title), threads::updated_at.eq(at)))
            .execute(c)?;
    }
    if let Some(tags) = tags {
        TagRow::set_for_thread(c, thread.id, tags)?;
    }
    if let Some(reason) = hold {
        Thread::set_status(c, thread.id, ContentStatus::Held)?;
        if let Some(first) = first_post(c, thread.id)? {
            Post::set_status(c, first, ContentStatus::Held, Some(reason))?;
        }
    }
    Ok(())
}

fn first_post(c: &mut DbConn, thread_id: i64) -> Result<Option<i64>, DbError> {
    Ok(posts::table
        .filter(posts::thread_id.eq(thread_id))
        .filter(posts::is_first.eq(true))
        .select(posts::id)
        .first(c)
        .optional()?)
}

/// The thread as lists show it, with its tags.
pub fn thread_summary(c: &mut DbConn, id: i64) -> Result<Option<ThreadSummary>, DbError> {
    let Some(thread) = Thread::find(c, id)? else {
        return Ok(None);
    };
    let Some(category) = Category::find(c, thread.category_id)? else {
        return Ok(None);
    };
    let names = User::names(c, &[thread.author_id])?;
    let tags = TagRow::slugs_for_threads(c, &[id])?
        .remove(&id)
        .unwrap_or_default();
    Ok(Some(ThreadSummary {
        tags,
        ..summary(thread, &category.slug, &names)
    }))
}
