//! Forum rules shared by the thread and post handlers: who moderates a space, what is held for
//! review and why, and rendering off the async runtime.

use crate::content::{case_guard, markdown};
use crate::db::forum::{Category, Post, Visibility};
use crate::db::users::User;
use crate::db::{DbConn, DbError};
use crate::error::{ApiError, ApiResult};

/// Authors may edit their own posts for this long.
pub const EDIT_WINDOW: chrono::TimeDelta = chrono::TimeDelta::minutes(30);

pub const REASON_CASE_INFORMATION: &str = "possible case information";
pub const REASON_PRE_MODERATED: &str = "this space is pre-moderated";
pub const REASON_NEW_MEMBER: &str = "a new member's first posts are reviewed";
pub const REASON_HIDDEN_BY_FLAGS: &str = "hidden after members' flags, awaiting review";
/// A held post a moderator kept out of view: it has never been published.
pub const REASON_NOT_APPROVED: &str = "not approved by a moderator";
pub const REASON_WATCHED_WORD: &str = "watched word";

/// Whether `user` moderates `category`: global moderators and admins everywhere, space
/// moderators in their own spaces.
pub fn moderates(conn: &mut DbConn, user: &User, category_id: i64) -> Result<bool, DbError> {
    if user.role().can_moderate() {
        return Ok(true);
    }
    Category::is_space_moderator(conn, category_id, user.id)
}

pub fn visibility(conn: &mut DbConn, user: &User, category_id: i64) -> Result<Visibility, DbError> {
    Ok(Visibility {
        viewer_id: user.id,
        moderator: moderates(conn, user, category_id)?,
    })
}

/// Rendered Markdown and what the case-information guard found in it.
pub struct Checked {
    pub rendered: markdown::Rendered,
    pub findings: Vec<case_guard::Finding>,
    /// What the watched-word rules found (filled in by `crate::watched::screen`).
    pub watched: crate::watched::Verdict,
}

/// Renders and scans on the blocking pool (html5ever and the guard's regexes are CPU work).
pub async fn render_and_scan(body: String, extra: Option<String>) -> ApiResult<Checked> {
    let result = tokio::task::spawn_blocking(move || {
        let rendered = markdown::render(&body)?;
        let mut findings = case_guard::scan(&body);
        if let Some(extra) = extra {
            findings.extend(case_guard::scan(&extra));
        }
        Ok::<_, markdown::RenderError>(Checked {
            rendered,
            findings,
            watched: Default::default(),
        })
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    result.map_err(|e| ApiError::field("body", e.to_string()))
}

/// Why a new post must wait for a moderator, if it must.
pub fn hold_reason(
    conn: &mut DbConn,
    author: &User,
    category: &Category,
    checked: &Checked,
) -> Result<Option<&'static str>, DbError> {
    if !checked.findings.is_empty() {
        return Ok(Some(REASON_CASE_INFORMATION));
    }
    if moderates(conn, author, category.id)? {
        return Ok(None);
    }
    if checked.watched.holds() {
        return Ok(Some(REASON_WATCHED_WORD));
    }
    if category.pre_moderated {
        return Ok(Some(REASON_PRE_MODERATED));
    }
    // A member's first posts are held until the admins' setting's number have been published.
    if Post::published_count_by(conn, author.id)? < crate::db::settings::held_first_posts(conn)? {
        return Ok(Some(REASON_NEW_MEMBER));
    }
    Ok(None)
}
