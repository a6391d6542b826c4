//! Moderation: the review queue and its decisions, actions on posts, threads and members, the
//! moderation log with appeals, and the admins' preset reasons.
//!
//! Authorisation is the same everywhere: members who moderate nowhere get 403; a moderator
//! acting outside their spaces gets 404 for what they could not see as a member (queue items,
//! held or hidden content) and 403 for what they can see but may not act on.

pub mod actions;
pub mod log;
pub mod queue;

use poem_openapi::{Object, Tags};

use crate::db::users::User;
use crate::db::{DbConn, DbError};
use crate::error::{ApiError, ApiResult};
use crate::moderation::Scope;

#[derive(Tags)]
pub(crate) enum Tag {
    /// Moderation: the review queue, decisions, actions, the log and appeals.
    Moderation,
}

/// A member named in moderation (a moderator, an author).
#[derive(Debug, Clone, Object)]
pub struct PersonRef {
    pub id: i64,
    pub name: String,
}

/// A space named in moderation.
#[derive(Debug, Clone, Object)]
pub struct SpaceRef {
    pub slug: String,
    pub name: String,
}

/// A moderation action's reason and an optional message to the member.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct ReasonRequest {
    /// Why (required, at most 500 characters); recorded in the moderation log.
    pub reason: Option<String>,
    /// Sent to the author instead of our own wording (at most 2000 characters).
    pub message: Option<String>,
}

/// What an action or decision did.
#[derive(Object)]
pub struct ActionResult {
    /// The moderation log entry it wrote.
    pub log_id: i64,
    /// The content's or member's status afterwards (`visible`, `hidden`, `active`, ...).
    pub status: String,
    /// Something the moderator should know, e.g. that a redaction can't be undone.
    pub note: Option<String>,
}

/// The reason and message of a request, validated together so every problem is reported.
pub(crate) fn reason_and_message(
    reason: Option<&str>,
    message: Option<&str>,
) -> ApiResult<(String, Option<String>)> {
    let mut v = crate::error::Validation::default();
    let reason = v.check(
        "reason",
        crate::moderation::reason(reason.unwrap_or_default()),
    );
    let message = v.check("message", crate::moderation::message(message));
    v.finish()?;
    Ok((reason.unwrap_or_default(), message.flatten()))
}

/// A reason that only some callers must give (a moderator acting on someone else's content,
/// where the author needs none): absent or blank is None, anything else is checked as a reason.
pub(crate) fn optional_reason(reason: Option<&str>) -> ApiResult<Option<String>> {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(r) => crate::moderation::reason(r)
            .map(Some)
            .map_err(|m| ApiError::field("reason", m)),
    }
}

/// The viewer's moderation scope, or 403 when they moderate nowhere.
pub(crate) fn moderator_scope(
    c: &mut DbConn,
    user: &User,
) -> Result<Result<Scope, ApiError>, DbError> {
    let scope = Scope::of(c, user)?;
    if !scope.is_moderator() {
        return Ok(Err(ApiError::forbidden(
            "not-a-moderator",
            "You can't do that",
            "Only moderators can do this.",
        )));
    }
    Ok(Ok(scope))
}

pub(crate) fn not_your_space() -> ApiError {
    ApiError::forbidden(
        "not-your-space",
        "You can't do that",
        "You don't moderate this space.",
    )
}

pub(crate) fn name_of(names: &[(i64, String)], id: i64) -> String {
    names
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, n)| n.clone())
        .unwrap_or_default()
}
