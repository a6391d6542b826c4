//! Marking posts helpful, and a question's accepted answer.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use crate::auth::Viewer;
use crate::db::audit::NewAudit;
use crate::db::forum::{ContentStatus, Post, Thread};
use crate::db::helpful::HelpfulMark;
use crate::db::{DbConn, DbError};
use crate::error::{ApiError, ApiResult};
use crate::forum::visibility;
use crate::state::AppState;

#[derive(Tags)]
enum Tag {
    /// Helpful posts and accepted answers.
    Answers,
}

#[derive(Object)]
pub struct HelpfulState {
    pub post_id: i64,
    pub helpful_count: i32,
    pub viewer_found_helpful: bool,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct AcceptRequest {
    /// A visible reply in this thread.
    pub post_id: i64,
    /// Required when a moderator decides for someone else's question.
    pub reason: Option<String>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct UnacceptRequest {
    /// Required when a moderator decides for someone else's question.
    pub reason: Option<String>,
}

#[derive(Object)]
pub struct AcceptedState {
    pub thread_id: i64,
    pub accepted_post_id: Option<i64>,
    pub answered: bool,
}

pub struct AnswersApi;

#[OpenApi(tag = "Tag::Answers")]
impl AnswersApi {
    /// Mark a post helpful (once per member; not your own post).
    #[oai(
        path = "/posts/:id/helpful",
        method = "put",
        operation_id = "markHelpful"
    )]
    async fn mark_helpful(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
    ) -> ApiResult<Json<HelpfulState>> {
        set_helpful(&state, &viewer, id.0, true).await
    }

    /// Take back your "helpful" mark.
    #[oai(
        path = "/posts/:id/helpful",
        method = "delete",
        operation_id = "unmarkHelpful"
    )]
    async fn unmark_helpful(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
    ) -> ApiResult<Json<HelpfulState>> {
        set_helpful(&state, &viewer, id.0, false).await
    }

    /// Accept a reply as the answer to a question: the question's author, or a moderator of
    /// the space (with a reason, audited).
    #[oai(
        path = "/threads/:id/accepted",
        method = "put",
        operation_id = "acceptAnswer"
    )]
    async fn accept(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<AcceptRequest>,
    ) -> ApiResult<Json<AcceptedState>> {
        set_accepted(&state, &viewer, id.0, Some(body.post_id), body.0.reason).await
    }

    /// Clear a question's accepted answer (same rules as accepting).
    #[oai(
        path = "/threads/:id/accepted",
        method = "delete",
        operation_id = "clearAcceptedAnswer"
    )]
    async fn clear(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<UnacceptRequest>,
    ) -> ApiResult<Json<AcceptedState>> {
        set_accepted(&state, &viewer, id.0, None, body.0.reason).await
    }
}

async fn set_helpful(
    state: &AppState,
    viewer: &Viewer,
    post_id: i64,
    helpful: bool,
) -> ApiResult<Json<HelpfulState>> {
    let user = viewer.require_writer()?.clone();
    let result = state
        .db
        .run(move |c| {
            let Some((post, thread)) = seen_post(c, &user, post_id)? else {
                return Ok(Err(ApiError::not_found("post")));
            };
            if helpful {
                if post.author_id == user.id {
                    return Ok(Err(ApiError::conflict(
                        "You can't mark your own post as helpful.",
                        vec![],
                    )));
                }
                if post.status() != ContentStatus::Visible
                    || thread.status() != ContentStatus::Visible
                {
                    return Ok(Err(ApiError::conflict(
                        "Only published posts can be marked helpful.",
                        vec![],
                    )));
                }
            }
            c.write_transaction::<_, DbError, _>(|c| {
                if helpful {
                    HelpfulMark::add(c, post_id, user.id)?;
                } else {
                    HelpfulMark::remove(c, post_id, user.id)?;
                }
                Ok(())
            })?;
            Ok(Ok(current(c, post_id, user.id)?))
        })
        .await;
    match result {
        Ok(outcome) => outcome.map(Json),
        // Two marks at once: the other request added it.
        Err(e) if e.is_unique_violation() => {
            let user_id = viewer.require_writer()?.id;
            Ok(Json(
                state.db.run(move |c| current(c, post_id, user_id)).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

fn current(c: &mut DbConn, post_id: i64, user_id: i64) -> Result<HelpfulState, DbError> {
    let count = Post::find(c, post_id)?.map_or(0, |p| p.helpful_count);
    Ok(HelpfulState {
        post_id,
        helpful_count: count,
        viewer_found_helpful: HelpfulMark::exists(c, post_id, user_id)?,
    })
}

/// A post with its thread, when the member may see both.
fn seen_post(
    c: &mut DbConn,
    user: &crate::db::users::User,
    post_id: i64,
) -> Result<Option<(Post, Thread)>, DbError> {
    let Some(post) = Post::find(c, post_id)? else {
        return Ok(None);
    };
    let Some(thread) = Thread::find(c, post.thread_id)? else {
        return Ok(None);
    };
    let v = visibility(c, user, thread.category_id)?;
    if !thread.visible_to(v) || !post.visible_to(v) {
        return Ok(None);
    }
    Ok(Some((post, thread)))
}

async fn set_accepted(
    state: &AppState,
    viewer: &Viewer,
    thread_id: i64,
    post_id: Option<i64>,
    reason: Option<String>,
) -> ApiResult<Json<AcceptedState>> {
    let user = viewer.require_writer()?.clone();
    let reason = super::moderation::optional_reason(reason.as_deref())?;
    let outcome = state
        .db
        .run(move |c| {
            let Some(thread) = Thread::find(c, thread_id)? else {
                return Ok(Err(ApiError::not_found("thread")));
            };
            let v = visibility(c, &user, thread.category_id)?;
            if !thread.visible_to(v) {
                return Ok(Err(ApiError::not_found("thread")));
            }
            if thread.kind != "question" {
                return Ok(Err(ApiError::conflict(
                    "Only questions have an accepted answer; this thread is a discussion.",
                    vec![],
                )));
            }
            let own = thread.author_id == user.id;
            if !own && !v.moderator {
                return Ok(Err(ApiError::forbidden(
                    "forbidden",
                    "You can't do that",
                    "Only the member who asked, or a moderator of the space, can choose the answer.",
                )));
            }
            if !own && reason.is_none() {
                return Ok(Err(ApiError::field(
                    "reason",
                    "Give a reason for choosing the answer to someone else's question",
                )));
            }
            if let Some(post_id) = post_id {
                let ok = Post::find(c, post_id)?.is_some_and(|p| {
                    p.thread_id == thread.id && !p.is_first && p.status() == ContentStatus::Visible
                });
                if !ok {
                    return Ok(Err(ApiError::field(
                        "post_id",
                        "Choose a published reply in this thread",
                    )));
                }
            }
            c.write_transaction::<_, DbError, _>(|c| {
                Thread::set_accepted(c, thread.id, post_id)?;
                if !own {
                    let action = if post_id.is_some() {
                        "thread.answer_accepted"
                    } else {
                        "thread.answer_cleared"
                    };
                    let details = post_id.map(|p| format!("post {p}"));
                    let mut entry = NewAudit::content(
                        Some(user.id),
                        action,
                        "thread",
                        thread.id,
                        thread.category_id,
                        thread.author_id,
                    )
                    .reason(reason.as_deref());
                    entry.details = details.as_deref();
                    entry.write(c)?;
                }
                Ok(())
            })?;
            Ok(Ok(AcceptedState {
                thread_id: thread.id,
                accepted_post_id: post_id,
                answered: post_id.is_some(),
            }))
        })
        .await??;
    Ok(Json(outcome))
}

/// What a thread page shows of the viewer's engagement with it.
pub struct ThreadExtras {
    pub watching: bool,
    pub accepted_post_id: Option<i64>,
    /// The posts on the page the viewer has marked helpful.
    pub found_helpful: Vec<i64>,
}

pub fn thread_extras(
    c: &mut DbConn,
    user: &crate::db::users::User,
    thread: &Thread,
    posts: &[Post],
    v: crate::db::forum::Visibility,
) -> Result<ThreadExtras, DbError> {
    let ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
    let accepted_post_id = match thread.accepted_post_id {
        Some(id) => Post::find(c, id)?
            .filter(|p| p.thread_id == thread.id && p.visible_to(v))
            .map(|p| p.id),
        None => None,
    };
    Ok(ThreadExtras {
        watching: crate::db::watches::ThreadWatch::is_watching(c, user.id, thread.id)?,
        accepted_post_id,
        found_helpful: HelpfulMark::marked_by(c, user.id, &ids)?,
    })
}
