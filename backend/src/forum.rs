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

/// A new thread to write: what the handler checked, and why it is held, if it is.
pub struct StartThread<'a> {
    pub category_id: i64,
    pub author_id: i64,
    pub title: &'a str,
    /// `discussion` or `question`.
    pub kind: &'a str,
    pub markdown: &'a str,
    pub checked: &'a Checked,
    pub held: Option<&'a str>,
    pub tags: &'a [crate::db::tags::TagInput],
}

/// Writes a thread with its first post, tags and flags, in the caller's transaction: a visible
/// thread is announced to watchers at once, a held one is watched by its author while it waits.
/// Returns the thread's and the first post's ids.
pub fn start_thread(conn: &mut DbConn, new: &StartThread<'_>) -> Result<(i64, i64), DbError> {
    use crate::db::forum::{ContentStatus, NewPost, NewThread, Thread, enqueue_search};
    let status = if new.held.is_some() {
        ContentStatus::Held
    } else {
        ContentStatus::Visible
    };
    let at = crate::db::now();
    let thread_id = Thread::insert(
        conn,
        &NewThread {
            category_id: new.category_id,
            author_id: new.author_id,
            title: new.title,
            kind: new.kind,
            status: status.as_str(),
            last_activity_at: at,
            created_at: at,
            updated_at: at,
        },
    )?;
    let post_id = Post::insert(
        conn,
        &NewPost {
            thread_id,
            author_id: new.author_id,
            reply_to_id: None,
            is_first: true,
            body_markdown: new.markdown,
            body_html: &new.checked.rendered.html,
            body_text: &new.checked.rendered.text,
            status: status.as_str(),
            held_reason: new.held,
            created_at: at,
            updated_at: at,
        },
    )?;
    crate::db::tags::Tag::set_for_thread(conn, thread_id, new.tags)?;
    crate::watched::raise_flags(conn, post_id, &new.checked.watched, new.held.is_some())?;
    enqueue_search(conn, "thread", thread_id)?;
    if status == ContentStatus::Visible {
        crate::notify::post_published(conn, post_id)?;
    } else {
        // The author watches their thread from the start, even while it waits.
        crate::db::watches::ThreadWatch::watch_automatically(conn, new.author_id, thread_id)?;
    }
    Ok((thread_id, post_id))
}
