//! In-app notifications. A row records who is told about what; the text shown is re-checked
//! against what the recipient may see when it is read or mailed, never trusted from the row.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::notifications;
use super::{DbConn, DbError, now};

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    /// A reply in a thread the recipient watches, or to their post.
    Reply,
    /// Someone @mentioned the recipient.
    Mention,
    /// A moderator decided about the recipient's post or thread (approved, rejected, hidden, ...).
    Moderation,
    /// The outcome of a flag the recipient raised.
    FlagOutcome,
    /// The recipient's membership was approved.
    Approval,
    /// A new thread in a space the recipient watches.
    NewThread,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 6] = [
        NotificationKind::Reply,
        NotificationKind::Mention,
        NotificationKind::Moderation,
        NotificationKind::FlagOutcome,
        NotificationKind::Approval,
        NotificationKind::NewThread,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Reply => "reply",
            NotificationKind::Mention => "mention",
            NotificationKind::Moderation => "moderation",
            NotificationKind::FlagOutcome => "flag_outcome",
            NotificationKind::Approval => "approval",
            NotificationKind::NewThread => "new_thread",
        }
    }

    pub fn parse(s: &str) -> Option<NotificationKind> {
        NotificationKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub thread_id: Option<i64>,
    pub post_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub message: String,
    pub read_at: Option<NaiveDateTime>,
    pub email_state: String,
    pub created_at: NaiveDateTime,
}

/// A notification to write. `message` is our own wording (or a moderator's message to the
/// author), never a copy of post content.
#[derive(Debug, Clone)]
pub struct NewNotification<'a> {
    pub user_id: i64,
    pub kind: NotificationKind,
    pub thread_id: Option<i64>,
    pub post_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub message: &'a str,
}

impl NewNotification<'_> {
    /// Writes the notification, in the caller's transaction. Nobody is notified of their own
    /// action.
    pub fn write(&self, conn: &mut DbConn) -> Result<(), DbError> {
        if self.actor_id == Some(self.user_id) {
            return Ok(());
        }
        diesel::insert_into(notifications::table)
            .values((
                notifications::user_id.eq(self.user_id),
                notifications::kind.eq(self.kind.as_str()),
                notifications::thread_id.eq(self.thread_id),
                notifications::post_id.eq(self.post_id),
                notifications::actor_id.eq(self.actor_id),
                notifications::message.eq(self.message),
                notifications::created_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(())
    }
}

impl Notification {
    /// A member's notifications, newest first, `limit + 1` rows.
    pub fn list_for(
        conn: &mut DbConn,
        user_id: i64,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Notification>, DbError> {
        let mut q = notifications::table
            .filter(notifications::user_id.eq(user_id))
            .select(Notification::as_select())
            .order(notifications::id.desc())
            .into_boxed();
        if let Some(before) = before_id {
            q = q.filter(notifications::id.lt(before));
        }
        Ok(q.limit(limit + 1).load(conn)?)
    }
}
