//! How each post and thread action is applied: finding the content within the moderator's
//! spaces, refusing what is already so, and the change with its log entry and notifications.

use poem_openapi::payload::Json;

use super::{PostAction, ThreadAction};
use crate::api::moderation::{
    ActionResult, ReasonRequest, moderator_scope, not_your_space, reason_and_message,
};
use crate::auth::Viewer;
use crate::db::audit::NewAudit;
use crate::db::flags::{FlagOutcome, PostFlag};
use crate::db::forum::{ContentStatus, Post, Thread};
use crate::db::moderation::{Claim, lock_post, lock_thread};
use crate::db::users::User;
use crate::db::{DbConn, DbError};
use crate::error::{ApiError, ApiResult};
use crate::forum::{REASON_HIDDEN_BY_FLAGS, visibility};
use crate::moderation::{self as rules, set_post_status, set_thread_status, tell_author};
use crate::state::AppState;

/// The thread, when the viewer moderates its space; 404 for what they can't see as a member,
/// 403 for what they can.
pub(super) fn thread_in_scope(
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
fn post_in_scope(
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

pub(super) fn already(what: &str) -> ApiError {
    ApiError::conflict(format!("This {what}."), vec![])
}

pub(super) async fn post_action(
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
            // Locked and re-read inside the transaction, so two moderators acting at once
            // can't both apply the same change.
            c.write_transaction::<_, DbError, _>(|c| {
                lock_post(c, id)?;
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
                    PostAction::Redact => {
                        post.redacted.then(|| already("post is already redacted"))
                    }
                };
                if let Some(e) = refused {
                    return Ok(Err(e));
                }
                let result = c.write_transaction::<_, DbError, _>(|c| {
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
                                "The post was redacted: it comes back as the marker only."
                                    .to_owned()
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
        })
        .await??;
    Ok(Json(result))
}

pub(super) async fn thread_action(
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
            c.write_transaction::<_, DbError, _>(|c| {
                lock_thread(c, id)?;
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
                    ThreadAction::Lock => {
                        thread.locked.then(|| already("thread is already locked"))
                    }
                    ThreadAction::Unlock => {
                        (!thread.locked).then(|| already("thread is not locked"))
                    }
                    ThreadAction::Pin => thread.pinned.then(|| already("thread is already pinned")),
                    ThreadAction::Unpin => {
                        (!thread.pinned).then(|| already("thread is not pinned"))
                    }
                };
                if let Some(e) = refused {
                    return Ok(Err(e));
                }
                let result = c.write_transaction::<_, DbError, _>(|c| {
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
