//! Threads: starting one, reading one with its posts, and replying.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};

use super::categories::{ThreadSummary, summary};
use super::page_limit;
use super::posts::{PostView, post_view};
use crate::auth::Viewer;
use crate::db::DbError;
use crate::db::forum::{Category, ContentStatus, Post, Thread};
use crate::db::tags::Tag as TagRow;
use crate::db::users::User;
use crate::error::{ApiError, ApiResult, Validation};
use crate::forum::{hold_reason, render_and_scan, visibility};
use crate::state::AppState;

#[derive(Tags)]
enum Tag {
    /// Threads and replies.
    Threads,
}

#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "lowercase")]
pub enum ThreadKind {
    Discussion,
    Question,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct NewThreadRequest {
    /// The space's slug.
    pub category: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub kind: Option<ThreadKind>,
    /// Up to 5 tags, normalised (lower case, spaces become hyphens).
    pub tags: Option<Vec<String>>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct ReplyRequest {
    /// Markdown.
    pub body: String,
    /// The post this answers, shown quoted above the reply.
    pub reply_to: Option<i64>,
}

/// What was created, and whether it waits for a moderator.
#[derive(Object)]
pub struct Created {
    pub id: i64,
    pub thread_id: i64,
    /// `visible`, or `held` when it waits for review.
    pub status: String,
    pub held_reason: Option<String>,
}

#[derive(ApiResponse)]
pub enum CreatedResponse {
    /// Created (possibly held for review).
    #[oai(status = 201)]
    Created(Json<Created>),
}

#[derive(Object)]
pub struct ThreadPage {
    pub thread: ThreadSummary,
    pub posts: Vec<PostView>,
    pub next_cursor: Option<String>,
    /// Whether the viewer moderates this space.
    pub can_moderate: bool,
    /// Whether the viewer watches this thread (told of every reply).
    pub watching: bool,
    /// The reply accepted as the answer to this question, when the viewer can see it.
    pub accepted_post_id: Option<i64>,
}

pub struct ThreadsApi;

#[OpenApi(prefix_path = "/threads", tag = "Tag::Threads")]
impl ThreadsApi {
    /// Start a thread. New members' first posts, posts in pre-moderated spaces and anything
    /// that looks like case information wait for a moderator.
    #[oai(path = "/", method = "post", operation_id = "createThread")]
    async fn create(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        body: Json<NewThreadRequest>,
    ) -> ApiResult<CreatedResponse> {
        let author = viewer.require_writer()?.clone();
        let mut v = Validation::default();
        let title = v.check(
            "title",
            crate::validate::short_text(&body.title, 150, "Enter a title"),
        );
        if title.as_ref().is_some_and(|t| t.chars().count() < 5) {
            v.fail("title", "Title must be at least 5 characters");
        }
        if body.body.trim().is_empty() {
            v.fail("body", "Enter your post");
        }
        v.finish()?;
        let tags = super::tags::parse_tags(body.tags.as_deref().unwrap_or_default())?;
        let title = title.unwrap_or_default();
        let mut checked = render_and_scan(body.body.clone(), Some(title.clone())).await?;
        checked.watched =
            crate::watched::screen_post(&state, Some(&title), &body.body, &checked).await?;
        let config = state.config.clone();
        let slug = body.category.trim().to_owned();
        let kind = match body.kind.unwrap_or(ThreadKind::Discussion) {
            ThreadKind::Discussion => "discussion",
            ThreadKind::Question => "question",
        };
        let markdown = body.0.body;
        let created = state
            .db
            .run(move |c| {
                let Some(category) = Category::find_by_slug(c, &slug)?.filter(|s| !s.archived)
                else {
                    return Ok(Err(ApiError::field("category", "Choose a space")));
                };
                let moderator = crate::forum::moderates(c, &author, category.id)?;
                if let Err(refused) =
                    crate::posting::may_post(c, &config, &author, &category, None, moderator)?
                {
                    return Ok(Err(refused));
                }
                let held = hold_reason(c, &author, &category, &checked)?;
                let status = if held.is_some() {
                    ContentStatus::Held
                } else {
                    ContentStatus::Visible
                };
                c.write_transaction::<_, DbError, _>(|c| {
                    let (thread_id, _) = crate::forum::write_thread(
                        c,
                        &crate::forum::ThreadDraft {
                            category: &category,
                            author: &author,
                            title: &title,
                            kind,
                            markdown: &markdown,
                            checked: &checked,
                            held,
                            tags: &tags,
                        },
                    )?;
                    Ok(Ok(Created {
                        id: thread_id,
                        thread_id,
                        status: status.as_str().into(),
                        held_reason: held.map(str::to_owned),
                    }))
                })
            })
            .await??;
        state.notifier.nudge();
        Ok(CreatedResponse::Created(Json(created)))
    }

    /// A thread and a page of its posts, in order.
    #[oai(path = "/:id", method = "get", operation_id = "getThread")]
    async fn get(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        cursor: Query<Option<String>>,
        limit: Query<Option<i64>>,
    ) -> ApiResult<Json<ThreadPage>> {
        let user = viewer.require_member()?.clone();
        let limit = page_limit(limit.0.or(Some(50)))?;
        let after = super::cursor(cursor.0.as_deref())?.unwrap_or(0);
        let id = id.0;
        let found = state
            .db
            .run(move |c| {
                let Some(thread) = Thread::find(c, id)? else {
                    return Ok(None);
                };
                let v = visibility(c, &user, thread.category_id)?;
                if !thread.visible_to(v) {
                    return Ok(None);
                }
                let Some(category) = Category::find(c, thread.category_id)? else {
                    return Ok(None);
                };
                let posts = Post::list_for_thread(c, id, v, after, limit)?;
                let mut ids: Vec<i64> = posts.iter().map(|p| p.author_id).collect();
                ids.push(thread.author_id);
                let names = User::names(c, &ids)?;
                let extras = crate::api::answers::thread_extras(c, &user, &thread, &posts, v)?;
                let tags = TagRow::slugs_for_threads(c, &[id])?
                    .remove(&id)
                    .unwrap_or_default();
                Ok(Some((thread, category, posts, names, v, extras, tags)))
            })
            .await?;
        let (thread, category, mut posts, names, v, extras, tags) =
            found.ok_or_else(|| ApiError::not_found("thread"))?;
        let more = posts.len() as i64 > limit;
        posts.truncate(limit as usize);
        let next_cursor = if more {
            posts.last().map(|p| p.id.to_string())
        } else {
            None
        };
        Ok(Json(ThreadPage {
            posts: posts
                .into_iter()
                .map(|p| {
                    let helpful = extras.found_helpful.contains(&p.id);
                    PostView {
                        viewer_found_helpful: helpful,
                        ..post_view(p, &names, v)
                    }
                })
                .collect(),
            watching: extras.watching,
            accepted_post_id: extras.accepted_post_id,
            thread: ThreadSummary {
                tags,
                ..summary(thread, &category.slug, &names)
            },
            next_cursor,
            can_moderate: v.moderator,
        }))
    }

    /// Change a thread's title or tags: its author within the edit window, or a moderator of
    /// the space (with a reason).
    #[oai(path = "/:id", method = "patch", operation_id = "updateThread")]
    async fn update(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<super::thread_edits::ThreadChanges>,
    ) -> ApiResult<Json<ThreadSummary>> {
        super::thread_edits::update_thread(&state, &viewer, id.0, body.0).await
    }

    /// Reply in a thread.
    #[oai(path = "/:id/posts", method = "post", operation_id = "replyToThread")]
    async fn reply(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<ReplyRequest>,
    ) -> ApiResult<CreatedResponse> {
        let author = viewer.require_writer()?.clone();
        if body.body.trim().is_empty() {
            return Err(ApiError::field("body", "Enter your reply"));
        }
        let mut checked = render_and_scan(body.body.clone(), None).await?;
        checked.watched = crate::watched::screen_post(&state, None, &body.body, &checked).await?;
        let config = state.config.clone();
        let thread_id = id.0;
        let reply_to = body.reply_to;
        let markdown = body.0.body;
        let outcome = state
            .db
            .run(move |c| {
                let Some(thread) = Thread::find(c, thread_id)? else {
                    return Ok(Err(ApiError::not_found("thread")));
                };
                let v = visibility(c, &author, thread.category_id)?;
                if !thread.visible_to(v) {
                    return Ok(Err(ApiError::not_found("thread")));
                }
                if thread.locked && !v.moderator {
                    return Ok(Err(ApiError::conflict(
                        "This thread is locked: it takes no more replies.",
                        vec![],
                    )));
                }
                if let Some(parent) = reply_to {
                    let ok = Post::find(c, parent)?
                        .is_some_and(|p| p.thread_id == thread_id && p.visible_to(v));
                    if !ok {
                        return Ok(Err(ApiError::field(
                            "reply_to",
                            "That post is not in this thread",
                        )));
                    }
                }
                let Some(category) = Category::find(c, thread.category_id)? else {
                    return Ok(Err(ApiError::not_found("thread")));
                };
                if let Err(refused) = crate::posting::may_post(
                    c,
                    &config,
                    &author,
                    &category,
                    Some(&thread),
                    v.moderator,
                )? {
                    return Ok(Err(refused));
                }
                let held = hold_reason(c, &author, &category, &checked)?;
                let status = if held.is_some() {
                    ContentStatus::Held
                } else {
                    ContentStatus::Visible
                };
                let created = c.write_transaction::<_, DbError, _>(|c| {
                    let post_id = crate::forum::write_reply(
                        c, thread_id, &author, reply_to, &markdown, &checked, held,
                    )?;
                    Ok(Created {
                        id: post_id,
                        thread_id,
                        status: status.as_str().into(),
                        held_reason: held.map(str::to_owned),
                    })
                })?;
                Ok(Ok(created))
            })
            .await??;
        state.notifier.nudge();
        Ok(CreatedResponse::Created(Json(outcome)))
    }
}
