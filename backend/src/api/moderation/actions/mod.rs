//! Moderators' actions outside the queue: on posts (hide, unhide, restore, redact), on threads
//! (hide, unhide, lock, unlock, pin, unpin, restore, move) and warnings to members. Each takes a
//! reason and writes its log entry in the same transaction as the change.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

mod apply;

pub(crate) use self::apply::{author_wording, redact_and_resolve, resolve_flags};
use self::apply::{post_action, thread_action, thread_in_scope};
use super::{
    ActionResult, ReasonRequest, Tag, moderator_scope, not_your_space, reason_and_message,
};
use crate::auth::Viewer;
use crate::db::DbError;
use crate::db::audit::NewAudit;
use crate::db::forum::{Category, Post, Thread, enqueue_search};
use crate::db::notifications::{NewNotification, NotificationKind};
use crate::db::users::{User, UserId};
use crate::error::{ApiError, ApiResult};
use crate::moderation as rules;
use crate::state::AppState;

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct MoveRequest {
    /// The slug of the space to move the thread to.
    pub category: String,
    /// Why (required, at most 500 characters).
    pub reason: Option<String>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct WarnRequest {
    /// What the member is told (required, at most 2000 characters).
    pub message: Option<String>,
    /// Why, for the log (required, at most 500 characters).
    pub reason: Option<String>,
    /// The slug of the space the warning is about. Space moderators must name one of theirs;
    /// global moderators may leave it out.
    pub category: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum PostAction {
    Hide,
    Unhide,
    Restore,
    Redact,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum ThreadAction {
    Hide,
    Unhide,
    Restore,
    Lock,
    Unlock,
    Pin,
    Unpin,
}

pub struct ModerationActionsApi;

#[OpenApi(tag = "Tag::Moderation")]
impl ModerationActionsApi {
    /// Hide a post (a first post hides its thread too).
    #[oai(
        path = "/moderation/posts/:id/hide",
        method = "post",
        operation_id = "hidePost"
    )]
    async fn hide_post(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<ReasonRequest>,
    ) -> ApiResult<Json<ActionResult>> {
        post_action(&state, &viewer, id.0, body.0, PostAction::Hide).await
    }

    /// Show a hidden post again.
    #[oai(
        path = "/moderation/posts/:id/unhide",
        method = "post",
        operation_id = "unhidePost"
    )]
    async fn unhide_post(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<ReasonRequest>,
    ) -> ApiResult<Json<ActionResult>> {
        post_action(&state, &viewer, id.0, body.0, PostAction::Unhide).await
    }

    /// Restore a deleted post (a redacted post keeps its marker).
    #[oai(
        path = "/moderation/posts/:id/restore",
        method = "post",
        operation_id = "restorePost"
    )]
    async fn restore_post(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<ReasonRequest>,
    ) -> ApiResult<Json<ActionResult>> {
        post_action(&state, &viewer, id.0, body.0, PostAction::Restore).await
    }

    /// Redact a post: its text and every earlier version are replaced by a marker, for good.
    #[oai(
        path = "/moderation/posts/:id/redact",
        method = "post",
        operation_id = "redactPost"
    )]
    async fn redact_post(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<ReasonRequest>,
    ) -> ApiResult<Json<ActionResult>> {
        post_action(&state, &viewer, id.0, body.0, PostAction::Redact).await
    }

    /// Hide a thread.
    #[oai(
        path = "/moderation/threads/:id/hide",
        method = "post",
        operation_id = "hideThread"
    )]
    async fn hide_thread(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<ReasonRequest>,
    ) -> ApiResult<Json<ActionResult>> {
        thread_action(&state, &viewer, id.0, body.0, ThreadAction::Hide).await
    }

    /// Show a hidden thread again.
    #[oai(
        path = "/moderation/threads/:id/unhide",
        method = "post",
        operation_id = "unhideThread"
    )]
    async fn unhide_thread(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<ReasonRequest>,
    ) -> ApiResult<Json<ActionResult>> {
        thread_action(&state, &viewer, id.0, body.0, ThreadAction::Unhide).await
    }

    /// Restore a deleted thread.
    #[oai(
        path = "/moderation/threads/:id/restore",
        method = "post",
        operation_id = "restoreThread"
    )]
    async fn restore_thread(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<ReasonRequest>,
    ) -> ApiResult<Json<ActionResult>> {
        thread_action(&state, &viewer, id.0, body.0, ThreadAction::Restore).await
    }

    /// Lock a thread: it takes no more replies.
    #[oai(
        path = "/moderation/threads/:id/lock",
        method = "post",
        operation_id = "lockThread"
    )]
    async fn lock_thread(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<ReasonRequest>,
    ) -> ApiResult<Json<ActionResult>> {
        thread_action(&state, &viewer, id.0, body.0, ThreadAction::Lock).await
    }

    /// Unlock a thread.
    #[oai(
        path = "/moderation/threads/:id/unlock",
        method = "post",
        operation_id = "unlockThread"
    )]
    async fn unlock_thread(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<ReasonRequest>,
    ) -> ApiResult<Json<ActionResult>> {
        thread_action(&state, &viewer, id.0, body.0, ThreadAction::Unlock).await
    }

    /// Pin a thread to the top of its space.
    #[oai(
        path = "/moderation/threads/:id/pin",
        method = "post",
        operation_id = "pinThread"
    )]
    async fn pin_thread(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<ReasonRequest>,
    ) -> ApiResult<Json<ActionResult>> {
        thread_action(&state, &viewer, id.0, body.0, ThreadAction::Pin).await
    }

    /// Unpin a thread.
    #[oai(
        path = "/moderation/threads/:id/unpin",
        method = "post",
        operation_id = "unpinThread"
    )]
    async fn unpin_thread(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<ReasonRequest>,
    ) -> ApiResult<Json<ActionResult>> {
        thread_action(&state, &viewer, id.0, body.0, ThreadAction::Unpin).await
    }

    /// Move a thread to another space (the moderator must moderate both).
    #[oai(
        path = "/moderation/threads/:id/move",
        method = "post",
        operation_id = "moveThread"
    )]
    async fn move_thread(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<MoveRequest>,
    ) -> ApiResult<Json<ActionResult>> {
        let user = viewer.require_writer()?.clone();
        let (reason, _) = reason_and_message(body.reason.as_deref(), None)?;
        let slug = body.0.category.trim().to_owned();
        let id = id.0;
        let result = state
            .db
            .run(move |c| {
                let scope = match moderator_scope(c, &user)? {
                    Ok(s) => s,
                    Err(e) => return Ok(Err(e)),
                };
                let thread = match thread_in_scope(c, &user, &scope, id)? {
                    Ok(t) => t,
                    Err(e) => return Ok(Err(e)),
                };
                let Some(to) = Category::find_by_slug(c, &slug)?.filter(|s| !s.archived) else {
                    return Ok(Err(ApiError::field("category", "Choose a space")));
                };
                if to.id == thread.category_id {
                    return Ok(Err(ApiError::field(
                        "category",
                        "The thread is already in this space",
                    )));
                }
                if !scope.moderates(to.id) {
                    return Ok(Err(not_your_space()));
                }
                let from = Category::find(c, thread.category_id)?
                    .map(|s| s.slug)
                    .unwrap_or_default();
                let log_id = c.write_transaction::<_, DbError, _>(|c| {
                    Thread::set_category(c, thread.id, to.id)?;
                    enqueue_search(c, "thread", thread.id)?;
                    for post_id in Post::ids_in_thread(c, thread.id)? {
                        enqueue_search(c, "post", post_id)?;
                    }
                    let details = format!("from {from} to {}", to.slug);
                    NewAudit::content(
                        Some(user.id),
                        "thread.moved",
                        "thread",
                        thread.id,
                        to.id,
                        thread.author_id,
                    )
                    .reason(Some(&reason))
                    .details(&details)
                    .write_returning_id(c)
                })?;
                Ok(Ok(ActionResult {
                    log_id,
                    status: thread.status,
                    note: None,
                }))
            })
            .await??;
        Ok(Json(result))
    }

    /// Warn a member: they get a notification and an e-mail with the message.
    #[oai(
        path = "/members/:id/warn",
        method = "post",
        operation_id = "warnMember"
    )]
    async fn warn(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<WarnRequest>,
    ) -> ApiResult<Json<ActionResult>> {
        let user = viewer.require_writer()?.clone();
        let mut v = crate::error::Validation::default();
        let reason = v.check(
            "reason",
            rules::reason(body.reason.as_deref().unwrap_or_default()),
        );
        let message = v.check("message", rules::message(body.message.as_deref()));
        if matches!(message, Some(None)) {
            v.fail("message", "Write the message the member will read");
        }
        v.finish()?;
        let reason = reason.unwrap_or_default();
        let message = message.flatten().unwrap_or_default();
        let slug = body.0.category.map(|s| s.trim().to_owned());
        let id = id.0;
        let mailer = state.mailer.clone();
        let result = state
            .db
            .run(move |c| {
                let scope = match moderator_scope(c, &user)? {
                    Ok(s) => s,
                    Err(e) => return Ok(Err(e)),
                };
                let category = match &slug {
                    Some(slug) => match Category::find_by_slug(c, slug)? {
                        Some(s) => Some(s),
                        None => return Ok(Err(ApiError::field("category", "Choose a space"))),
                    },
                    None => None,
                };
                match &category {
                    Some(s) if !scope.moderates(s.id) => return Ok(Err(not_your_space())),
                    None if !scope.global => {
                        return Ok(Err(ApiError::field(
                            "category",
                            "Choose the space the warning is about",
                        )));
                    }
                    _ => {}
                }
                let Some(target) = User::find(c, UserId(id))? else {
                    return Ok(Err(ApiError::not_found("member")));
                };
                if target.id == user.id {
                    return Ok(Err(ApiError::conflict("You can't warn yourself.", vec![])));
                }
                let mail = mailer.warning(&target.email, &target.display_name, &message);
                let log_id = c.write_transaction::<_, DbError, _>(|c| {
                    let log_id = NewAudit::member(Some(user.id), "member.warned", target.id)
                        .subject(target.id)
                        .category(category.as_ref().map(|s| s.id))
                        .reason(Some(&reason))
                        .message(Some(&message))
                        .write_returning_id(c)?;
                    NewNotification {
                        user_id: target.id,
                        kind: NotificationKind::Moderation,
                        thread_id: None,
                        post_id: None,
                        actor_id: Some(user.id),
                        message: &message,
                    }
                    .write(c)?;
                    mail.queue(c)?;
                    Ok(log_id)
                })?;
                Ok(Ok(ActionResult {
                    log_id,
                    status: target.status,
                    note: None,
                }))
            })
            .await??;
        state.mailer.nudge();
        Ok(Json(result))
    }
}
