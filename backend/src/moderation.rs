//! Moderation rules shared by the queue, the actions and flags: who moderates where, how a
//! post's or thread's status changes (keeping reply counts and the search index right), what
//! redaction writes, when flags hide a post, and the notifications a decision sends.

use crate::db::audit::NewAudit;
use crate::db::flags::{FlagOutcome, PostFlag};
use crate::db::forum::{Category, ContentStatus, Post, Thread, enqueue_search};
use crate::db::notifications::{NewNotification, NotificationKind};
use crate::db::users::{User, UserId};
use crate::db::{DbConn, DbError, now, settings};
use crate::forum::{REASON_HIDDEN_BY_FLAGS, REASON_NOT_APPROVED};

/// What a redacted post shows instead of its text, in each of its forms. The HTML is a
/// constant, so nothing a member wrote can reach it.
pub const REDACTED_MARKDOWN: &str = "*Removed by moderators.*";
pub const REDACTED_HTML: &str = "<p class=\"app-redacted\">Removed by moderators.</p>";
pub const REDACTED_TEXT: &str = "Removed by moderators.";

/// Every audit action the moderation log shows.
pub const LOG_ACTIONS: &[&str] = &[
    "post.approved",
    "post.rejected",
    "post.hidden",
    "post.unhidden",
    "post.restored",
    "post.redacted",
    "post.deleted",
    "post.edited",
    "post.hidden_by_flags",
    "thread.hidden",
    "thread.unhidden",
    "thread.restored",
    "thread.locked",
    "thread.unlocked",
    "thread.pinned",
    "thread.unpinned",
    "thread.moved",
    "thread.slow_mode",
    "thread.edited",
    "thread.answer_accepted",
    "thread.answer_cleared",
    "member.approved",
    "member.declined",
    "member.suspended",
    "member.unsuspended",
    "member.warned",
    "appeal.upheld",
    "appeal.overturned",
    "moderation_reason.added",
    "moderation_reason.removed",
];

/// Decisions a member may appeal: those that took their content out of view or changed it, and
/// warnings and suspensions.
pub const APPEALABLE_ACTIONS: &[&str] = &[
    "post.rejected",
    "post.hidden",
    "post.redacted",
    "post.deleted",
    "thread.hidden",
    "thread.locked",
    "member.warned",
    "member.suspended",
];

/// Where a member moderates.
#[derive(Debug, Clone)]
pub struct Scope {
    pub user_id: i64,
    /// Global moderators and admins moderate every space.
    pub global: bool,
    pub admin: bool,
    /// The spaces they moderate as a space moderator.
    pub spaces: Vec<i64>,
}

impl Scope {
    pub fn of(conn: &mut DbConn, user: &User) -> Result<Scope, DbError> {
        Ok(Scope {
            user_id: user.id,
            global: user.role().can_moderate(),
            admin: user.role().is_admin(),
            spaces: Category::moderated_by(conn, user.id)?,
        })
    }

    /// Whether they moderate anywhere at all.
    pub fn is_moderator(&self) -> bool {
        self.global || !self.spaces.is_empty()
    }

    pub fn moderates(&self, category_id: i64) -> bool {
        self.global || self.spaces.contains(&category_id)
    }
}

/// The entity the search index keeps for a post: a first post is indexed as its thread.
pub fn search_target(post: &Post) -> (&'static str, i64) {
    if post.is_first {
        ("thread", post.thread_id)
    } else {
        ("post", post.id)
    }
}

/// Whether a post has never been shown to members: held, or held and then kept out of view.
fn never_published(post: &Post) -> bool {
    post.status() == ContentStatus::Held
        || (post.status() == ContentStatus::Hidden
            && post.held_reason.as_deref() == Some(REASON_NOT_APPROVED))
}

/// Moves a post to `to`, keeping its thread in step: a first post and its thread share one
/// status, and a reply's thread counts only visible replies. A held post leaving view keeps a
/// reason saying it was never published; one becoming visible for the first time is announced
/// (`notify::post_published`) in the same transaction.
pub fn set_post_status(
    conn: &mut DbConn,
    post: &Post,
    thread: &Thread,
    to: ContentStatus,
    held_reason: Option<&str>,
) -> Result<(), DbError> {
    let was_visible = post.status() == ContentStatus::Visible;
    let now_visible = to == ContentStatus::Visible;
    let held_reason = match (never_published(post), to) {
        (true, ContentStatus::Hidden) => Some(REASON_NOT_APPROVED),
        _ => held_reason,
    };
    Post::set_status(conn, post.id, to, held_reason)?;
    // An accepted answer that leaves view can't stay the thread's answer.
    if !now_visible && thread.accepted_post_id == Some(post.id) {
        Thread::set_accepted(conn, thread.id, None)?;
    }
    if post.is_first {
        Thread::set_status(conn, thread.id, to)?;
    } else if was_visible != now_visible {
        if now_visible {
            // A held reply is news when it is published; a restored one keeps its place.
            let at = if never_published(post) {
                now()
            } else {
                thread.last_activity_at
            };
            Thread::touch_activity(conn, thread.id, at, 1)?;
        } else {
            Thread::touch_activity(conn, thread.id, thread.last_activity_at, -1)?;
        }
    }
    // Only now can members see the post (and, for a first post, its thread), so only now can
    // the notifications about it reach anyone.
    if now_visible && never_published(post) {
        crate::notify::post_published(conn, post.id)?;
    }
    let (kind, id) = search_target(post);
    enqueue_search(conn, kind, id)
}

/// Moves a thread (with its first post) to `to`.
pub fn set_thread_status(
    conn: &mut DbConn,
    thread: &Thread,
    to: ContentStatus,
) -> Result<(), DbError> {
    match Post::first_of(conn, thread.id)? {
        Some(first) => set_post_status(conn, &first, thread, to, None),
        None => {
            Thread::set_status(conn, thread.id, to)?;
            enqueue_search(conn, "thread", thread.id)
        }
    }
}

/// Replaces a post's text and all its revisions with the marker. There is no way back.
pub fn redact(conn: &mut DbConn, post: &Post) -> Result<(), DbError> {
    Post::redact(
        conn,
        post.id,
        REDACTED_MARKDOWN,
        REDACTED_HTML,
        REDACTED_TEXT,
    )?;
    let (kind, id) = search_target(post);
    enqueue_search(conn, kind, id)
}

/// After a flag: hides the post once open flags from enough distinct members are in, with an
/// automatic audit row. Returns whether it hid the post.
pub fn hide_if_flagged_enough(conn: &mut DbConn, post_id: i64) -> Result<bool, DbError> {
    let Some(post) = Post::find(conn, post_id)? else {
        return Ok(false);
    };
    if post.status() != ContentStatus::Visible {
        return Ok(false);
    }
    let flaggers = PostFlag::open_member_flaggers(conn, post_id)?;
    let threshold = settings::flag_hide_threshold(conn)?;
    if flaggers < threshold {
        return Ok(false);
    }
    let Some(thread) = Thread::find(conn, post.thread_id)? else {
        return Ok(false);
    };
    set_post_status(
        conn,
        &post,
        &thread,
        ContentStatus::Hidden,
        Some(REASON_HIDDEN_BY_FLAGS),
    )?;
    let reason = format!("flags from {flaggers} members");
    NewAudit::content(
        None,
        "post.hidden_by_flags",
        "post",
        post.id,
        thread.category_id,
        post.author_id,
    )
    .reason(Some(&reason))
    .write(conn)?;
    tell_author(
        conn,
        None,
        post.author_id,
        &thread,
        Some(post.id),
        None,
        &|title| match title {
            Some(t) => format!(
                "Your post in “{t}” was hidden after members flagged it. A moderator will review it."
            ),
            None => {
                "Your post was hidden after members flagged it. A moderator will review it.".into()
            }
        },
    )?;
    Ok(true)
}

/// Tells the author about a decision on their content: the moderator's own message if there is
/// one, else our wording, naming the thread only when the author can (still) see it.
pub fn tell_author(
    conn: &mut DbConn,
    actor: Option<i64>,
    author_id: i64,
    thread: &Thread,
    post_id: Option<i64>,
    message: Option<&str>,
    wording: &dyn Fn(Option<&str>) -> String,
) -> Result<(), DbError> {
    let Some(author) = User::find(conn, UserId(author_id))? else {
        return Ok(());
    };
    let current = Thread::find(conn, thread.id)?;
    let v = crate::forum::visibility(conn, &author, thread.category_id)?;
    let sees_thread = current.as_ref().is_some_and(|t| t.visible_to(v));
    let sees_post = match post_id {
        Some(id) => sees_thread && Post::find(conn, id)?.is_some_and(|p| p.visible_to(v)),
        None => false,
    };
    let text = match message {
        Some(m) => m.to_owned(),
        None => wording(
            sees_thread
                .then_some(current.as_ref())
                .flatten()
                .map(|t| t.title.as_str()),
        ),
    };
    NewNotification {
        user_id: author_id,
        kind: NotificationKind::Moderation,
        thread_id: sees_thread.then_some(thread.id),
        post_id: if sees_post { post_id } else { None },
        actor_id: actor,
        message: &text,
    }
    .write(conn)
}

/// Tells the members who flagged a post what the moderator decided, without its text.
pub fn tell_flaggers(
    conn: &mut DbConn,
    actor: i64,
    flaggers: &[i64],
    outcome: FlagOutcome,
) -> Result<(), DbError> {
    let message = match outcome {
        FlagOutcome::Dismissed => {
            "Thank you for flagging a post. A moderator has reviewed it and decided it can stay."
        }
        FlagOutcome::Upheld => {
            "Thank you for flagging a post. A moderator has reviewed it and taken it out of view."
        }
    };
    for &user_id in flaggers {
        NewNotification {
            user_id,
            kind: NotificationKind::FlagOutcome,
            thread_id: None,
            post_id: None,
            actor_id: Some(actor),
            message,
        }
        .write(conn)?;
    }
    Ok(())
}

/// A moderator's reason: required, at most 500 characters, no control characters.
pub fn reason(raw: &str) -> Result<String, String> {
    let text = crate::validate::reason(raw)?;
    if text.chars().count() > 500 {
        return Err("Reason must be 500 characters or fewer".into());
    }
    Ok(text)
}

/// An optional message to the member, at most 2000 characters.
pub fn message(raw: Option<&str>) -> Result<Option<String>, String> {
    let Some(text) = raw.map(str::trim).filter(|m| !m.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > 2000 {
        return Err("Message must be 2000 characters or fewer".into());
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("Message must not contain control characters".into());
    }
    Ok(Some(text.to_owned()))
}
