//! Moderators' actions outside the queue: on posts (hide, unhide, restore, redact), on threads
//! (hide, unhide, lock, unlock, pin, unpin, restore, move) and warnings to members. Each takes a
//! reason and writes its log entry in the same transaction as the change.

use diesel::Connection as _;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::{
    ActionResult, ReasonRequest, Tag, moderator_scope, not_your_space, reason_and_message,
};
use crate::auth::Viewer;
use crate::db::audit::NewAudit;
use crate::db::flags::{FlagOutcome, PostFlag};
use crate::db::forum::{Category, ContentStatus, Post, Thread, enqueue_search};
use crate::db::moderation::Claim;
use crate::db::notifications::{NewNotification, NotificationKind};
use crate::db::users::{User, UserId};
use crate::db::{DbConn, DbError};
use crate::error::{ApiError, ApiResult};
use crate::forum::{REASON_HIDDEN_BY_FLAGS, visibility};
use crate::moderation::{self as rules, set_post_status, set_thread_status, tell_author};
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
enum PostAction {
    Hide,
    Unhide,
    Restore,
    Redact,
}

#[derive(Debug, Clone, Copy)]
enum ThreadAction {
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
                let log_id = c.transaction::<_, DbError, _>(|c| {
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
                let log_id = c.transaction::<_, DbError, _>(|c| {
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

/// The thread, when the viewer moderates its space; 404 for what they can't see as a member,
/// 403 for what they can.
fn thread_in_scope(
    c: &mut DbConn,
    user: &User,
    scope: &rules::Scope,
    id: i64,
) -> Result<Result<Thread, ApiError>, DbError> {
    let Some(thread) = Thread::find(c, id)? else {
        return Ok(Err(ApiError::not_found("thread")));
    };
    if !scope.moderates(thread.category_id) {
        let v = visibility(c, user, thread.category_id)?;
        return Ok(Err(if thread.visible_to(v) {
            not_your_space()
        } else {
            ApiError::not_found("thread")
        }));
    }
    Ok(Ok(thread))
}

/// The post and its thread, when the viewer moderates the space (same rule as threads).
pub(crate) fn post_in_scope(
    c: &mut DbConn,
    user: &User,
    scope: &rules::Scope,
    id: i64,
) -> Result<Result<(Post, Thread), ApiError>, DbError> {
    let Some(post) = Post::find(c, id)? else {
        return Ok(Err(ApiError::not_found("post")));
    };
    let Some(thread) = Thread::find(c, post.thread_id)? else {
        return Ok(Err(ApiError::not_found("post")));
    };
    if !scope.moderates(thread.category_id) {
        let v = visibility(c, user, thread.category_id)?;
        return Ok(Err(if thread.visible_to(v) && post.visible_to(v) {
            not_your_space()
        } else {
            ApiError::not_found("post")
        }));
    }
    Ok(Ok((post, thread)))
}

fn already(what: &str) -> ApiError {
    ApiError::conflict(format!("This {what}."), vec![])
}

async fn post_action(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    body: ReasonRequest,
    action: PostAction,
) -> ApiResult<Json<ActionResult>> {
    let user = viewer.require_writer()?.clone();
    let (reason, message) = reason_and_message(body.reason.as_deref(), body.message.as_deref())?;
    let result = state
        .db
        .run(move |c| {
            let scope = match moderator_scope(c, &user)? {
                Ok(s) => s,
                Err(e) => return Ok(Err(e)),
            };
            let (post, thread) = match post_in_scope(c, &user, &scope, id)? {
                Ok(found) => found,
                Err(e) => return Ok(Err(e)),
            };
            let status = post.status();
            let refused = match action {
                PostAction::Hide => {
                    matches!(status, ContentStatus::Hidden | ContentStatus::Deleted)
                        .then(|| already("post is already out of view"))
                }
                PostAction::Unhide => {
                    (status != ContentStatus::Hidden).then(|| already("post is not hidden"))
                }
                PostAction::Restore => {
                    (status != ContentStatus::Deleted).then(|| already("post is not deleted"))
                }
                PostAction::Redact => post.redacted.then(|| already("post is already redacted")),
            };
            if let Some(e) = refused {
                return Ok(Err(e));
            }
            let result = c.transaction::<_, DbError, _>(|c| {
                let (name, verb, to, note) = match action {
                    PostAction::Hide => {
                        set_post_status(c, &post, &thread, ContentStatus::Hidden, None)?;
                        resolve_flags(c, user.id, post.id, FlagOutcome::Upheld)?;
                        ("post.hidden", "hid", ContentStatus::Hidden, None)
                    }
                    PostAction::Unhide => {
                        set_post_status(c, &post, &thread, ContentStatus::Visible, None)?;
                        resolve_flags(c, user.id, post.id, FlagOutcome::Dismissed)?;
                        ("post.unhidden", "restored", ContentStatus::Visible, None)
                    }
                    PostAction::Restore => {
                        set_post_status(c, &post, &thread, ContentStatus::Visible, None)?;
                        let note = post.redacted.then(|| {
                            "The post was redacted: it comes back as the marker only.".to_owned()
                        });
                        ("post.restored", "restored", ContentStatus::Visible, note)
                    }
                    PostAction::Redact => {
                        let to = redact_and_resolve(c, user.id, &post, &thread)?;
                        (
                            "post.redacted",
                            "removed the text of",
                            to,
                            Some("A redaction can't be undone.".to_owned()),
                        )
                    }
                };
                let log_id = NewAudit::content(
                    Some(user.id),
                    name,
                    "post",
                    post.id,
                    thread.category_id,
                    post.author_id,
                )
                .reason(Some(&reason))
                .message(message.as_deref())
                .write_returning_id(c)?;
                Claim::release(c, &format!("post-{}", post.id))?;
                tell_author(
                    c,
                    Some(user.id),
                    post.author_id,
                    &thread,
                    Some(post.id),
                    message.as_deref(),
                    &|title| author_wording(verb, "post", title),
                )?;
                Ok(ActionResult {
                    log_id,
                    status: to.as_str().into(),
                    note,
                })
            })?;
            Ok(Ok(result))
        })
        .await??;
    Ok(Json(result))
}

async fn thread_action(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    body: ReasonRequest,
    action: ThreadAction,
) -> ApiResult<Json<ActionResult>> {
    let user = viewer.require_writer()?.clone();
    let (reason, message) = reason_and_message(body.reason.as_deref(), body.message.as_deref())?;
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
            let status = thread.status();
            let refused = match action {
                ThreadAction::Hide => {
                    matches!(status, ContentStatus::Hidden | ContentStatus::Deleted)
                        .then(|| already("thread is already out of view"))
                }
                ThreadAction::Unhide => {
                    (status != ContentStatus::Hidden).then(|| already("thread is not hidden"))
                }
                ThreadAction::Restore => {
                    (status != ContentStatus::Deleted).then(|| already("thread is not deleted"))
                }
                ThreadAction::Lock => thread.locked.then(|| already("thread is already locked")),
                ThreadAction::Unlock => (!thread.locked).then(|| already("thread is not locked")),
                ThreadAction::Pin => thread.pinned.then(|| already("thread is already pinned")),
                ThreadAction::Unpin => (!thread.pinned).then(|| already("thread is not pinned")),
            };
            if let Some(e) = refused {
                return Ok(Err(e));
            }
            let result = c.transaction::<_, DbError, _>(|c| {
                let (name, verb) = match action {
                    ThreadAction::Hide => {
                        set_thread_status(c, &thread, ContentStatus::Hidden)?;
                        ("thread.hidden", Some("hid"))
                    }
                    ThreadAction::Unhide => {
                        set_thread_status(c, &thread, ContentStatus::Visible)?;
                        ("thread.unhidden", Some("restored"))
                    }
                    ThreadAction::Restore => {
                        set_thread_status(c, &thread, ContentStatus::Visible)?;
                        ("thread.restored", Some("restored"))
                    }
                    ThreadAction::Lock => {
                        Thread::set_locked(c, thread.id, true)?;
                        ("thread.locked", Some("locked"))
                    }
                    ThreadAction::Unlock => {
                        Thread::set_locked(c, thread.id, false)?;
                        ("thread.unlocked", None)
                    }
                    ThreadAction::Pin => {
                        Thread::set_pinned(c, thread.id, true)?;
                        ("thread.pinned", None)
                    }
                    ThreadAction::Unpin => {
                        Thread::set_pinned(c, thread.id, false)?;
                        ("thread.unpinned", None)
                    }
                };
                let log_id = NewAudit::content(
                    Some(user.id),
                    name,
                    "thread",
                    thread.id,
                    thread.category_id,
                    thread.author_id,
                )
                .reason(Some(&reason))
                .message(message.as_deref())
                .write_returning_id(c)?;
                if let Some(verb) = verb {
                    tell_author(
                        c,
                        Some(user.id),
                        thread.author_id,
                        &thread,
                        None,
                        message.as_deref(),
                        &|title| author_wording(verb, "thread", title),
                    )?;
                }
                let status =
                    Thread::find(c, thread.id)?.map_or(thread.status.clone(), |t| t.status);
                Ok(ActionResult {
                    log_id,
                    status,
                    note: None,
                })
            })?;
            Ok(Ok(result))
        })
        .await??;
    Ok(Json(result))
}

/// "A moderator hid your post in “title”." (the title only when the author can see it).
pub(crate) fn author_wording(verb: &str, what: &str, title: Option<&str>) -> String {
    match title {
        Some(t) => format!("A moderator {verb} your {what} in “{t}”."),
        None => format!("A moderator {verb} your {what}."),
    }
}

/// Resolves a post's open flags and tells the members who raised them.
pub(crate) fn resolve_flags(
    c: &mut DbConn,
    actor: i64,
    post_id: i64,
    outcome: FlagOutcome,
) -> Result<(), DbError> {
    let flaggers = PostFlag::resolve_for_post(c, post_id, outcome)?;
    rules::tell_flaggers(c, actor, &flaggers, outcome)
}

/// Redacts a post and settles its status: a held post stays out of view (hidden), one hidden
/// by flags comes back as the marker; its flags are upheld. Returns the new status.
pub(crate) fn redact_and_resolve(
    c: &mut DbConn,
    actor: i64,
    post: &Post,
    thread: &Thread,
) -> Result<ContentStatus, DbError> {
    rules::redact(c, post)?;
    let to = match post.status() {
        ContentStatus::Held => ContentStatus::Hidden,
        ContentStatus::Hidden if post.held_reason.as_deref() == Some(REASON_HIDDEN_BY_FLAGS) => {
            ContentStatus::Visible
        }
        other => other,
    };
    if to != post.status() {
        set_post_status(c, post, thread, to, None)?;
    }
    resolve_flags(c, actor, post.id, FlagOutcome::Upheld)?;
    Ok(to)
}
