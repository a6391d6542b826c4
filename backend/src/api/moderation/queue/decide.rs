//! Decisions on queue items: posts (held or flagged) and appeals. Members' decisions reuse the
//! members API's approval and decline.

use super::items::{ItemKey, entry};
use super::{DecisionAction, ItemKind};
use crate::api::moderation::ActionResult;
use crate::api::moderation::actions::{author_wording, redact_and_resolve, resolve_flags};
use crate::db::audit::{AuditRow, NewAudit};
use crate::db::flags::FlagOutcome;
use crate::db::forum::{ContentStatus, Post, Thread, enqueue_search};
use crate::db::moderation::{Appeal, AppealStatus, Claim, lock_post};
use crate::db::notifications::{NewNotification, NotificationKind};
use crate::db::users::{User, UserId, UserUpdate};
use crate::db::{DbConn, DbError};
use crate::error::ApiError;
use crate::forum::REASON_HIDDEN_BY_FLAGS;
use crate::moderation::{set_post_status, set_thread_status, tell_author};

pub(super) fn decided_already() -> ApiError {
    ApiError::conflict(
        "Another moderator has already decided on this item.",
        vec![],
    )
}

pub(super) fn decide_post(
    c: &mut DbConn,
    user: &User,
    post_id: i64,
    action: DecisionAction,
    reason: &str,
    message: Option<&str>,
) -> Result<Result<ActionResult, ApiError>, DbError> {
    c.write_transaction::<_, DbError, _>(|c| {
        // Locked and re-read inside the transaction: another moderator may have decided
        // meanwhile.
        lock_post(c, post_id)?;
        let Some(e) = entry(c, ItemKey::Post(post_id))? else {
            return Ok(Err(decided_already()));
        };
        let Some(post) = Post::find(c, post_id)? else {
            return Ok(Err(decided_already()));
        };
        let Some(thread) = Thread::find(c, post.thread_id)? else {
            return Ok(Err(decided_already()));
        };
        let held = e.kind == ItemKind::Held;
        let hidden_by_flags = post.status() == ContentStatus::Hidden
            && post.held_reason.as_deref() == Some(REASON_HIDDEN_BY_FLAGS);
        let (name, verb, to, note) = match action {
            DecisionAction::Approve => {
                let to = if held || hidden_by_flags {
                    ContentStatus::Visible
                } else {
                    post.status()
                };
                if to != post.status() {
                    // Publishing a held post announces it (notify::post_published) here too.
                    set_post_status(c, &post, &thread, to, None)?;
                }
                resolve_flags(c, user.id, post.id, FlagOutcome::Dismissed)?;
                let verb = if held {
                    "approved"
                } else {
                    "reviewed and kept"
                };
                ("post.approved", verb, to, None)
            }
            DecisionAction::Reject | DecisionAction::Hide => {
                set_post_status(c, &post, &thread, ContentStatus::Hidden, None)?;
                resolve_flags(c, user.id, post.id, FlagOutcome::Upheld)?;
                let (name, verb) = match (action, held) {
                    (DecisionAction::Reject, true) => ("post.rejected", "did not approve"),
                    (DecisionAction::Reject, false) => ("post.rejected", "hid"),
                    _ => ("post.hidden", "hid"),
                };
                (name, verb, ContentStatus::Hidden, None)
            }
            DecisionAction::Redact => {
                let to = redact_and_resolve(c, user.id, &post, &thread)?;
                (
                    "post.redacted",
                    "removed the text of",
                    to,
                    Some("A redaction can't be undone.".to_owned()),
                )
            }
        };
        let details = if held { "held" } else { "flagged" };
        let log_id = NewAudit::content(
            Some(user.id),
            name,
            "post",
            post.id,
            thread.category_id,
            post.author_id,
        )
        .reason(Some(reason))
        .message(message)
        .details(details)
        .write_returning_id(c)?;
        Claim::release(c, &e.key.text())?;
        let (kind, id) = crate::moderation::search_target(&post);
        enqueue_search(c, kind, id)?;
        let what = if post.is_first { "thread" } else { "post" };
        tell_author(
            c,
            Some(user.id),
            post.author_id,
            &thread,
            Some(post.id),
            message,
            &|title| author_wording(verb, what, title),
        )?;
        Ok(Ok(ActionResult {
            log_id,
            status: to.as_str().into(),
            note,
        }))
    })
}

pub(super) fn decide_appeal(
    c: &mut DbConn,
    user: &User,
    appeal_id: i64,
    action: DecisionAction,
    reason: &str,
    message: Option<&str>,
) -> Result<Result<ActionResult, ApiError>, DbError> {
    let Some(appeal) = Appeal::find(c, appeal_id)? else {
        return Ok(Err(ApiError::not_found("queue item")));
    };
    let Some(decision) = AuditRow::find(c, appeal.audit_id)? else {
        return Ok(Err(ApiError::not_found("queue item")));
    };
    if decision.actor_id == Some(user.id) {
        return Ok(Err(ApiError::forbidden(
            "own-decision",
            "Another moderator must decide this appeal",
            "You made the decision being appealed, so a different moderator has to review it.",
        )));
    }
    if appeal.appellant_id == user.id {
        return Ok(Err(ApiError::forbidden(
            "own-appeal",
            "Another moderator must decide this appeal",
            "You can't decide your own appeal.",
        )));
    }
    let overturn = action == DecisionAction::Approve;
    c.write_transaction::<_, DbError, _>(|c| {
        let status = if overturn {
            AppealStatus::Overturned
        } else {
            AppealStatus::Upheld
        };
        if !Appeal::decide(c, appeal.id, status, user.id)? {
            return Ok(Err(decided_already()));
        }
        let note = if overturn {
            reverse(c, &decision)?
        } else {
            None
        };
        let name = if overturn {
            "appeal.overturned"
        } else {
            "appeal.upheld"
        };
        let details = format!("appeal against log entry {}", decision.id);
        let log_id = NewAudit {
            target_type: "appeal",
            ..NewAudit::member(Some(user.id), name, appeal.id)
        }
        .category(decision.category_id)
        .subject(appeal.appellant_id)
        .reason(Some(reason))
        .message(message)
        .details(&details)
        .write_returning_id(c)?;
        Claim::release(c, &ItemKey::Appeal(appeal.id).text())?;
        let mut text = match (message, overturn) {
            (Some(m), _) => m.to_owned(),
            (None, true) => {
                "A moderator reviewed your appeal and reversed the decision.".to_owned()
            }
            (None, false) => "A moderator reviewed your appeal and upheld the decision.".to_owned(),
        };
        if let Some(n) = &note {
            text.push(' ');
            text.push_str(n);
        }
        NewNotification {
            user_id: appeal.appellant_id,
            kind: NotificationKind::Moderation,
            thread_id: None,
            post_id: None,
            actor_id: Some(user.id),
            message: &text,
        }
        .write(c)?;
        Ok(Ok(ActionResult {
            log_id,
            status: status.as_str().into(),
            note,
        }))
    })
}

/// Undoes an appealed decision as far as it can be undone; returns what could not be.
fn reverse(c: &mut DbConn, decision: &AuditRow) -> Result<Option<String>, DbError> {
    let Some(target) = decision.target_id else {
        return Ok(None);
    };
    match decision.action.as_str() {
        "post.rejected" | "post.hidden" | "post.deleted" | "post.redacted" => {
            let Some(post) = Post::find(c, target)? else {
                return Ok(None);
            };
            let Some(thread) = Thread::find(c, post.thread_id)? else {
                return Ok(None);
            };
            if post.status() != ContentStatus::Visible {
                // A rejected post was never published: this announces it.
                set_post_status(c, &post, &thread, ContentStatus::Visible, None)?;
            }
            Ok(post.redacted.then(|| {
                "The post's text was redacted and can't be brought back; it is shown as removed."
                    .to_owned()
            }))
        }
        "thread.hidden" => {
            if let Some(thread) = Thread::find(c, target)?
                && thread.status() != ContentStatus::Visible
            {
                set_thread_status(c, &thread, ContentStatus::Visible)?;
            }
            Ok(None)
        }
        "thread.locked" => {
            Thread::set_locked(c, target, false)?;
            Ok(None)
        }
        "member.suspended" => {
            User::update(
                c,
                UserId(target),
                UserUpdate {
                    suspended_until: Some(None),
                    suspension_reason: Some(None),
                    ..Default::default()
                },
            )?;
            Ok(None)
        }
        "member.warned" => Ok(Some(
            "A warning can't be unsent; the log now shows it was overturned.".to_owned(),
        )),
        _ => Ok(None),
    }
}
