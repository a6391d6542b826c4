//! In-app notifications. A row records who is told about what; the text shown is re-checked
//! against what the recipient may see when it is read or mailed, never trusted from the row.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{notification_preferences, notifications};
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
    /// A curator decided about the recipient's practice example (changes requested, declined,
    /// published).
    PracticeExample,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 7] = [
        NotificationKind::Reply,
        NotificationKind::Mention,
        NotificationKind::Moderation,
        NotificationKind::FlagOutcome,
        NotificationKind::Approval,
        NotificationKind::NewThread,
        NotificationKind::PracticeExample,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Reply => "reply",
            NotificationKind::Mention => "mention",
            NotificationKind::Moderation => "moderation",
            NotificationKind::FlagOutcome => "flag_outcome",
            NotificationKind::Approval => "approval",
            NotificationKind::NewThread => "new_thread",
            NotificationKind::PracticeExample => "practice_example",
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

/// Where a notification stands for e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailState {
    /// Not yet considered by the e-mail job.
    Pending,
    /// Mailed, on its own or in a digest.
    Sent,
    /// Not mailed: the member chose no e-mail, can no longer see it, or it was mailed otherwise.
    Skipped,
}

impl EmailState {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailState::Pending => "pending",
            EmailState::Sent => "sent",
            EmailState::Skipped => "skipped",
        }
    }
}

impl Notification {
    pub fn kind(&self) -> Option<NotificationKind> {
        NotificationKind::parse(&self.kind)
    }

    /// One page of a member's notifications, newest first, before `before_id`, at most `limit`
    /// rows (the caller filters what the member may no longer see and asks again).
    pub fn page_for(
        conn: &mut DbConn,
        user_id: i64,
        before_id: Option<i64>,
        unread_only: bool,
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
        if unread_only {
            q = q.filter(notifications::read_at.is_null());
        }
        Ok(q.limit(limit).load(conn)?)
    }

    /// Every unread notification of a member, newest first, up to `cap`.
    pub fn unread_for(
        conn: &mut DbConn,
        user_id: i64,
        cap: i64,
    ) -> Result<Vec<Notification>, DbError> {
        Ok(notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::read_at.is_null())
            .select(Notification::as_select())
            .order(notifications::id.desc())
            .limit(cap)
            .load(conn)?)
    }

    pub fn find_for(
        conn: &mut DbConn,
        id: i64,
        user_id: i64,
    ) -> Result<Option<Notification>, DbError> {
        Ok(notifications::table
            .find(id)
            .filter(notifications::user_id.eq(user_id))
            .select(Notification::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn mark_read(conn: &mut DbConn, id: i64, user_id: i64) -> Result<(), DbError> {
        diesel::update(
            notifications::table
                .find(id)
                .filter(notifications::user_id.eq(user_id))
                .filter(notifications::read_at.is_null()),
        )
        .set(notifications::read_at.eq(Some(now())))
        .execute(conn)?;
        Ok(())
    }

    pub fn mark_all_read(conn: &mut DbConn, user_id: i64) -> Result<usize, DbError> {
        Ok(diesel::update(
            notifications::table
                .filter(notifications::user_id.eq(user_id))
                .filter(notifications::read_at.is_null()),
        )
        .set(notifications::read_at.eq(Some(now())))
        .execute(conn)?)
    }

    /// Who has already been told about a post (as a reply, mention or new thread), so a post
    /// published again after moderation tells nobody twice.
    pub fn told_about_post(conn: &mut DbConn, post_id: i64) -> Result<Vec<i64>, DbError> {
        let kinds = [
            NotificationKind::Reply.as_str(),
            NotificationKind::Mention.as_str(),
            NotificationKind::NewThread.as_str(),
        ];
        Ok(notifications::table
            .filter(notifications::post_id.eq(post_id))
            .filter(notifications::kind.eq_any(kinds))
            .select(notifications::user_id)
            .load(conn)?)
    }

    /// Notifications the e-mail job has not yet considered, created at or before `until`,
    /// oldest first.
    pub fn pending_email(
        conn: &mut DbConn,
        until: NaiveDateTime,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<Notification>, DbError> {
        Ok(notifications::table
            .filter(notifications::email_state.eq(EmailState::Pending.as_str()))
            .filter(notifications::created_at.le(until))
            .filter(notifications::id.gt(after_id))
            .select(Notification::as_select())
            .order(notifications::id.asc())
            .limit(limit)
            .load(conn)?)
    }

    /// A member's notifications still waiting for e-mail, created at or before `until`.
    pub fn pending_email_for(
        conn: &mut DbConn,
        user_id: i64,
        until: NaiveDateTime,
    ) -> Result<Vec<Notification>, DbError> {
        Ok(notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::email_state.eq(EmailState::Pending.as_str()))
            .filter(notifications::created_at.le(until))
            .select(Notification::as_select())
            .order(notifications::id.asc())
            .load(conn)?)
    }

    /// Moves pending notifications to `to`; returns how many were still pending. Another node
    /// that got there first leaves nothing to claim, so nothing is mailed twice.
    pub fn settle_email(conn: &mut DbConn, ids: &[i64], to: EmailState) -> Result<usize, DbError> {
        if ids.is_empty() {
            return Ok(0);
        }
        Ok(diesel::update(
            notifications::table
                .filter(notifications::id.eq_any(ids))
                .filter(notifications::email_state.eq(EmailState::Pending.as_str())),
        )
        .set(notifications::email_state.eq(to.as_str()))
        .execute(conn)?)
    }
}

/// How a member wants notifications by e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailPreference {
    /// One e-mail per notification, within a minute or so.
    Immediate,
    /// One digest a day listing them (the default).
    Daily,
    /// None: notifications only in the forum.
    Off,
}

impl EmailPreference {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailPreference::Immediate => "immediate",
            EmailPreference::Daily => "daily",
            EmailPreference::Off => "off",
        }
    }

    pub fn parse(s: &str) -> EmailPreference {
        match s {
            "immediate" => EmailPreference::Immediate,
            "off" => EmailPreference::Off,
            _ => EmailPreference::Daily,
        }
    }
}

/// A member's notification settings; members without a row have the defaults.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notification_preferences)]
pub struct NotificationPreferences {
    pub user_id: i64,
    pub email: String,
    pub last_digest_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

impl NotificationPreferences {
    pub fn email(&self) -> EmailPreference {
        EmailPreference::parse(&self.email)
    }

    pub fn find(conn: &mut DbConn, user_id: i64) -> Result<Option<Self>, DbError> {
        Ok(notification_preferences::table
            .find(user_id)
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn email_for(conn: &mut DbConn, user_id: i64) -> Result<EmailPreference, DbError> {
        Ok(Self::find(conn, user_id)?.map_or(EmailPreference::Daily, |p| p.email()))
    }

    pub fn set_email(
        conn: &mut DbConn,
        user_id: i64,
        email: EmailPreference,
    ) -> Result<(), DbError> {
        let at = now();
        let updated = diesel::update(notification_preferences::table.find(user_id))
            .set((
                notification_preferences::email.eq(email.as_str()),
                notification_preferences::updated_at.eq(at),
            ))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(notification_preferences::table)
                .values((
                    notification_preferences::user_id.eq(user_id),
                    notification_preferences::email.eq(email.as_str()),
                    notification_preferences::updated_at.eq(at),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// Records that a digest went out at `at`, only if the last one is still `previous` (so two
    /// nodes can't both send today's digest). Returns whether this caller claimed it.
    pub fn claim_digest(
        conn: &mut DbConn,
        user_id: i64,
        previous: Option<NaiveDateTime>,
        at: NaiveDateTime,
    ) -> Result<bool, DbError> {
        let Some(row) = Self::find(conn, user_id)? else {
            diesel::insert_into(notification_preferences::table)
                .values((
                    notification_preferences::user_id.eq(user_id),
                    notification_preferences::email.eq(EmailPreference::Daily.as_str()),
                    notification_preferences::last_digest_at.eq(Some(at)),
                    notification_preferences::updated_at.eq(at),
                ))
                .execute(conn)?;
            return Ok(true);
        };
        if row.last_digest_at != previous {
            return Ok(false);
        }
        let target = notification_preferences::table.find(user_id);
        let updated = match previous {
            Some(p) => {
                diesel::update(target.filter(notification_preferences::last_digest_at.eq(p)))
                    .set(notification_preferences::last_digest_at.eq(Some(at)))
                    .execute(conn)?
            }
            None => {
                diesel::update(target.filter(notification_preferences::last_digest_at.is_null()))
                    .set(notification_preferences::last_digest_at.eq(Some(at)))
                    .execute(conn)?
            }
        };
        Ok(updated > 0)
    }
}
