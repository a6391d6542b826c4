//! Who is told when content is published: watchers of the thread or space, the author of the
//! post replied to, and members @mentioned. Called in the same transaction that makes a post
//! visible, whether at creation or when a moderator approves it. What a member is shown of a
//! notification, and what is e-mailed, is decided again when it is read or sent.

mod email;
mod mentions;
mod shown;

use crate::db::forum::{Category, ContentStatus, Post, Thread};
use crate::db::notifications::{NewNotification, Notification, NotificationKind};
use crate::db::users::{User, UserId};
use crate::db::watches::{CategoryWatch, ThreadWatch};
use crate::db::{DbConn, DbError};
use crate::model::MemberStatus;

pub use email::{BatchReport, DIGEST_HOUR_UTC, Notifier, run_email_batch};
pub use shown::{Shown, shown};

/// Why a member is told about a post; when several apply, the first in this order wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reason {
    Mentioned,
    RepliedToYou,
    WatchedThread,
    WatchedSpace,
}

impl Reason {
    fn kind(self) -> NotificationKind {
        match self {
            Reason::Mentioned => NotificationKind::Mention,
            Reason::RepliedToYou | Reason::WatchedThread => NotificationKind::Reply,
            Reason::WatchedSpace => NotificationKind::NewThread,
        }
    }

    /// Our own wording: never the post's text.
    fn message(self, actor: &str, is_first: bool, space: &str) -> String {
        match self {
            Reason::Mentioned if is_first => format!("{actor} mentioned you in a new thread"),
            Reason::Mentioned => format!("{actor} mentioned you in a reply"),
            Reason::RepliedToYou => format!("{actor} replied to your post"),
            Reason::WatchedThread => format!("{actor} replied in a thread you watch"),
            Reason::WatchedSpace => format!("{actor} started a new thread in {space}"),
        }
    }
}

/// Sends the notifications due for a post that has just become visible to members, and makes
/// its author watch the thread (unless they unwatched it). Call it after the post (and, for a
/// thread's first post, the thread) has been set visible, in the same transaction: only members
/// who can see both are told. Safe to call again for the same post: nobody is told twice.
pub fn post_published(conn: &mut DbConn, post_id: i64) -> Result<(), DbError> {
    let Some(post) = Post::find(conn, post_id)? else {
        return Ok(());
    };
    if post.status() != ContentStatus::Visible {
        return Ok(());
    }
    let Some(thread) = Thread::find(conn, post.thread_id)? else {
        return Ok(());
    };
    let Some(space) = Category::find(conn, thread.category_id)? else {
        return Ok(());
    };
    ThreadWatch::watch_automatically(conn, post.author_id, thread.id)?;

    let mut due: Vec<(i64, Reason)> = Vec::new();
    let mut add = |user_id: i64, reason: Reason| match due.iter_mut().find(|(u, _)| *u == user_id) {
        Some((_, r)) => *r = (*r).min(reason),
        None => due.push((user_id, reason)),
    };
    if post.is_first {
        for user in CategoryWatch::watchers(conn, space.id)? {
            add(user, Reason::WatchedSpace);
        }
    } else {
        for user in ThreadWatch::watchers(conn, thread.id)? {
            add(user, Reason::WatchedThread);
        }
        let parent = match post.reply_to_id {
            Some(id) => Post::find(conn, id)?,
            None => None,
        };
        if let Some(parent) = parent {
            add(parent.author_id, Reason::RepliedToYou);
        }
    }
    for user in mentions::mentioned_members(conn, &post.body_markdown)? {
        add(user, Reason::Mentioned);
    }

    let told = Notification::told_about_post(conn, post.id)?;
    let actor = User::names(conn, &[post.author_id])?
        .into_iter()
        .next()
        .map(|(_, name)| name)
        .unwrap_or_else(|| "A member".into());
    for (user_id, reason) in due {
        if user_id == post.author_id || told.contains(&user_id) {
            continue;
        }
        // Only members who can see the post now are told; a post someone can't see tells
        // them nothing (and is re-checked whenever the notification is read or mailed).
        let Some(recipient) = User::find(conn, UserId(user_id))? else {
            continue;
        };
        if recipient.status() != MemberStatus::Active {
            continue;
        }
        let v = crate::forum::visibility(conn, &recipient, thread.category_id)?;
        if !thread.visible_to(v) || !post.visible_to(v) {
            continue;
        }
        let message = reason.message(&actor, post.is_first, &space.name);
        NewNotification {
            user_id,
            kind: reason.kind(),
            thread_id: Some(thread.id),
            post_id: Some(post.id),
            actor_id: Some(post.author_id),
            message: &message,
        }
        .write(conn)?;
    }
    Ok(())
}

/// Tells a member their membership was approved (in the approval's transaction).
pub fn membership_approved(
    conn: &mut DbConn,
    member_id: i64,
    moderator_id: i64,
) -> Result<(), DbError> {
    NewNotification {
        user_id: member_id,
        kind: NotificationKind::Approval,
        thread_id: None,
        post_id: None,
        actor_id: Some(moderator_id),
        message: "Your membership was approved: welcome to Partners in Practice",
    }
    .write(conn)
}
