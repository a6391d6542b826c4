//! Forum rules shared by the thread and post handlers: who moderates a space, what is held for
//! review and why, and rendering off the async runtime.

use crate::content::{case_guard, markdown};
use crate::db::forum::{
    Category, ContentStatus, NewPost, NewThread, Post, Thread, Visibility, enqueue_search,
};
use crate::db::tags::Tag as TagRow;
use crate::db::users::User;
use crate::db::watches::ThreadWatch;
use crate::db::{DbConn, DbError, now};
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

/// Renders `body` and scans it (and `extra`, e.g. a title) for case information. CPU work:
/// async callers use `render_and_scan`.
pub fn check(body: &str, extra: Option<&str>) -> Result<Checked, markdown::RenderError> {
    let rendered = markdown::render(body)?;
    let mut findings = case_guard::scan(body);
    if let Some(extra) = extra {
        findings.extend(case_guard::scan(extra));
    }
    Ok(Checked {
        rendered,
        findings,
        watched: Default::default(),
    })
}

/// Renders and scans on the blocking pool (html5ever and the guard's regexes are CPU work).
pub async fn render_and_scan(body: String, extra: Option<String>) -> ApiResult<Checked> {
    let result = tokio::task::spawn_blocking(move || check(&body, extra.as_deref()))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    result.map_err(|e| ApiError::field("body", e.to_string()))
}

/// A thread about to be written: its first post checked, and `held` when it waits for review.
pub struct ThreadDraft<'a> {
    pub category: &'a Category,
    pub author: &'a User,
    pub title: &'a str,
    /// `discussion` or `question`.
    pub kind: &'a str,
    pub markdown: &'a str,
    pub checked: &'a Checked,
    pub held: Option<&'static str>,
    pub tags: &'a [crate::db::tags::TagInput],
}

/// Writes a thread and its first post in the caller's transaction, with its tags, flags from
/// watched words, the search outbox row and notifications (or the author's watch while held).
/// Every new thread is written here: a member's from the API, a published practice example's,
/// a library resource's discussion and the demo's. Returns (thread id, first post id).
pub fn write_thread(c: &mut DbConn, d: &ThreadDraft<'_>) -> Result<(i64, i64), DbError> {
    let status = if d.held.is_some() {
        ContentStatus::Held
    } else {
        ContentStatus::Visible
    };
    let at = now();
    let thread_id = Thread::insert(
        c,
        &NewThread {
            category_id: d.category.id,
            author_id: d.author.id,
            title: d.title,
            kind: d.kind,
            status: status.as_str(),
            last_activity_at: at,
            created_at: at,
            updated_at: at,
        },
    )?;
    let post_id = Post::insert(
        c,
        &NewPost {
            thread_id,
            author_id: d.author.id,
            reply_to_id: None,
            is_first: true,
            body_markdown: d.markdown,
            body_html: &d.checked.rendered.html,
            body_text: &d.checked.rendered.text,
            status: status.as_str(),
            held_reason: d.held,
            created_at: at,
            updated_at: at,
        },
    )?;
    TagRow::set_for_thread(c, thread_id, d.tags)?;
    crate::watched::raise_flags(c, post_id, &d.checked.watched, d.held.is_some())?;
    enqueue_search(c, "thread", thread_id)?;
    if status == ContentStatus::Visible {
        crate::notify::post_published(c, post_id)?;
    } else {
        // The author watches their thread from the start, even while it waits.
        ThreadWatch::watch_automatically(c, d.author.id, thread_id)?;
    }
    Ok((thread_id, post_id))
}

/// Writes a reply in the caller's transaction: the post, the thread's activity and reply count
/// when it is visible, notifications, flags and the search outbox row. Returns the post id.
pub fn write_reply(
    c: &mut DbConn,
    thread_id: i64,
    author: &User,
    reply_to: Option<i64>,
    markdown: &str,
    checked: &Checked,
    held: Option<&'static str>,
) -> Result<i64, DbError> {
    let status = if held.is_some() {
        ContentStatus::Held
    } else {
        ContentStatus::Visible
    };
    let at = now();
    let post_id = Post::insert(
        c,
        &NewPost {
            thread_id,
            author_id: author.id,
            reply_to_id: reply_to,
            is_first: false,
            body_markdown: markdown,
            body_html: &checked.rendered.html,
            body_text: &checked.rendered.text,
            status: status.as_str(),
            held_reason: held,
            created_at: at,
            updated_at: at,
        },
    )?;
    if status == ContentStatus::Visible {
        Thread::touch_activity(c, thread_id, at, 1)?;
        crate::notify::post_published(c, post_id)?;
    } else {
        ThreadWatch::watch_automatically(c, author.id, thread_id)?;
    }
    crate::watched::raise_flags(c, post_id, &checked.watched, held.is_some())?;
    enqueue_search(c, "post", post_id)?;
    Ok(post_id)
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
