//! Moderation's own tables: claims on review-queue items, the admins' preset reasons, appeals,
//! and the moderation log read out of audit_log.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::AuditRow;
use super::forum::{Category, ContentStatus, Post, Thread};
use super::schema::{appeals, audit_log, moderation_claims, moderation_reasons};
use super::{DbConn, DbError, now};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = moderation_claims)]
pub struct Claim {
    pub item_key: String,
    pub user_id: i64,
    pub claimed_at: NaiveDateTime,
}

impl Claim {
    pub fn find(conn: &mut DbConn, key: &str) -> Result<Option<Claim>, DbError> {
        Ok(moderation_claims::table
            .find(key)
            .select(Claim::as_select())
            .first(conn)
            .optional()?)
    }

    /// Claims the item for `user_id`, replacing any earlier claim (the caller has checked that
    /// it may).
    pub fn put(conn: &mut DbConn, key: &str, user_id: i64) -> Result<(), DbError> {
        Claim::release(conn, key)?;
        diesel::insert_into(moderation_claims::table)
            .values((
                moderation_claims::item_key.eq(key),
                moderation_claims::user_id.eq(user_id),
                moderation_claims::claimed_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub fn release(conn: &mut DbConn, key: &str) -> Result<(), DbError> {
        diesel::delete(moderation_claims::table.find(key)).execute(conn)?;
        Ok(())
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = moderation_reasons)]
pub struct PresetReason {
    pub id: i64,
    pub text: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl PresetReason {
    pub fn list(conn: &mut DbConn) -> Result<Vec<PresetReason>, DbError> {
        Ok(moderation_reasons::table
            .order(moderation_reasons::id.asc())
            .select(PresetReason::as_select())
            .load(conn)?)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> Result<Option<PresetReason>, DbError> {
        Ok(moderation_reasons::table
            .find(id)
            .select(PresetReason::as_select())
            .first(conn)
            .optional()?)
    }

    /// Adds a reason; the same text twice is a unique violation.
    pub fn insert(conn: &mut DbConn, text: &str, by: i64) -> Result<PresetReason, DbError> {
        let id: i64 = diesel::insert_into(moderation_reasons::table)
            .values((
                moderation_reasons::text.eq(text),
                moderation_reasons::created_by.eq(Some(by)),
                moderation_reasons::created_at.eq(now()),
            ))
            .returning(moderation_reasons::id)
            .get_result(conn)?;
        Ok(moderation_reasons::table
            .find(id)
            .select(PresetReason::as_select())
            .first(conn)?)
    }

    pub fn delete(conn: &mut DbConn, id: i64) -> Result<bool, DbError> {
        Ok(diesel::delete(moderation_reasons::table.find(id)).execute(conn)? > 0)
    }
}

/// Where an appeal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppealStatus {
    Open,
    /// The decision stands.
    Upheld,
    /// The decision was reversed as far as it can be.
    Overturned,
}

impl AppealStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AppealStatus::Open => "open",
            AppealStatus::Upheld => "upheld",
            AppealStatus::Overturned => "overturned",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = appeals)]
pub struct Appeal {
    pub id: i64,
    pub audit_id: i64,
    pub appellant_id: i64,
    pub text: String,
    pub status: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl Appeal {
    /// Records an appeal; a second appeal against the same decision is a unique violation.
    pub fn insert(
        conn: &mut DbConn,
        audit_id: i64,
        appellant_id: i64,
        text: &str,
    ) -> Result<Appeal, DbError> {
        let id: i64 = diesel::insert_into(appeals::table)
            .values((
                appeals::audit_id.eq(audit_id),
                appeals::appellant_id.eq(appellant_id),
                appeals::text.eq(text),
                appeals::status.eq(AppealStatus::Open.as_str()),
                appeals::created_at.eq(now()),
            ))
            .returning(appeals::id)
            .get_result(conn)?;
        Ok(appeals::table
            .find(id)
            .select(Appeal::as_select())
            .first(conn)?)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> Result<Option<Appeal>, DbError> {
        Ok(appeals::table
            .find(id)
            .select(Appeal::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn exists_for(conn: &mut DbConn, audit_id: i64) -> Result<bool, DbError> {
        let n: i64 = appeals::table
            .filter(appeals::audit_id.eq(audit_id))
            .count()
            .get_result(conn)?;
        Ok(n > 0)
    }

    /// Open appeals with the decision each is about.
    pub fn open(conn: &mut DbConn) -> Result<Vec<(Appeal, AuditRow)>, DbError> {
        Ok(appeals::table
            .inner_join(audit_log::table)
            .filter(appeals::status.eq(AppealStatus::Open.as_str()))
            .order(appeals::id.asc())
            .select((Appeal::as_select(), AuditRow::as_select()))
            .load(conn)?)
    }

    /// Closes an open appeal; false when someone else already decided it.
    pub fn decide(
        conn: &mut DbConn,
        id: i64,
        status: AppealStatus,
        by: i64,
    ) -> Result<bool, DbError> {
        let n = diesel::update(
            appeals::table
                .find(id)
                .filter(appeals::status.eq(AppealStatus::Open.as_str())),
        )
        .set((
            appeals::status.eq(status.as_str()),
            appeals::decided_by.eq(Some(by)),
            appeals::decided_at.eq(Some(now())),
        ))
        .execute(conn)?;
        Ok(n > 0)
    }
}

/// Whose part of the moderation log a viewer may read.
#[derive(Debug, Clone)]
pub enum LogScope {
    /// Global moderators and admins: everything.
    All,
    /// Space moderators: their spaces' entries, and entries about themselves.
    Spaces { spaces: Vec<i64>, user_id: i64 },
    /// Members: entries about their own content or account.
    Own(i64),
}

#[derive(Debug, Clone)]
pub struct LogFilter {
    pub scope: LogScope,
    pub actions: Vec<&'static str>,
    pub space: Option<i64>,
    pub action: Option<String>,
    pub actor_id: Option<i64>,
    pub target_type: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// Moderation log entries, newest first, `limit + 1` rows.
pub fn log(conn: &mut DbConn, f: &LogFilter) -> Result<Vec<AuditRow>, DbError> {
    let mut q = audit_log::table
        .filter(audit_log::action.eq_any(f.actions.clone()))
        .select(AuditRow::as_select())
        .order(audit_log::id.desc())
        .into_boxed();
    q = match &f.scope {
        LogScope::All => q,
        LogScope::Spaces { spaces, user_id } => q.filter(
            audit_log::category_id
                .eq_any(spaces.clone())
                .or(audit_log::subject_user_id.eq(*user_id)),
        ),
        LogScope::Own(user_id) => q.filter(audit_log::subject_user_id.eq(*user_id)),
    };
    if let Some(space) = f.space {
        q = q.filter(audit_log::category_id.eq(space));
    }
    if let Some(action) = &f.action {
        q = q.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(actor) = f.actor_id {
        q = q.filter(audit_log::actor_id.eq(actor));
    }
    if let Some(t) = &f.target_type {
        q = q.filter(audit_log::target_type.eq(t.clone()));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_log::created_at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(audit_log::created_at.le(to));
    }
    if let Some(before) = f.before_id {
        q = q.filter(audit_log::id.lt(before));
    }
    Ok(q.limit(f.limit + 1).load(conn)?)
}

/// Pending members waiting for approval, as (id, registered at).
pub fn pending_members(conn: &mut DbConn) -> Result<Vec<(i64, NaiveDateTime)>, DbError> {
    use super::schema::users;
    Ok(users::table
        .filter(users::status.eq("pending"))
        .order(users::id.asc())
        .select((users::id, users::created_at))
        .load(conn)?)
}

/// Held posts, as (post id, written at, space id), leaving out deleted threads.
pub fn held_posts(conn: &mut DbConn) -> Result<Vec<(i64, NaiveDateTime, i64)>, DbError> {
    use super::schema::{posts, threads};
    Ok(posts::table
        .inner_join(threads::table)
        .filter(posts::status.eq(ContentStatus::Held.as_str()))
        .filter(threads::status.ne(ContentStatus::Deleted.as_str()))
        .order(posts::id.asc())
        .select((posts::id, posts::created_at, threads::category_id))
        .load(conn)?)
}

impl Category {
    /// The spaces a member moderates as a space moderator.
    pub fn moderated_by(conn: &mut DbConn, user_id: i64) -> Result<Vec<i64>, DbError> {
        use super::schema::category_moderators;
        Ok(category_moderators::table
            .filter(category_moderators::user_id.eq(user_id))
            .select(category_moderators::category_id)
            .load(conn)?)
    }
}

impl Thread {
    pub fn set_locked(conn: &mut DbConn, id: i64, locked: bool) -> Result<(), DbError> {
        use super::schema::threads;
        diesel::update(threads::table.find(id))
            .set((threads::locked.eq(locked), threads::updated_at.eq(now())))
            .execute(conn)?;
        Ok(())
    }

    pub fn set_pinned(conn: &mut DbConn, id: i64, pinned: bool) -> Result<(), DbError> {
        use super::schema::threads;
        diesel::update(threads::table.find(id))
            .set((threads::pinned.eq(pinned), threads::updated_at.eq(now())))
            .execute(conn)?;
        Ok(())
    }

    pub fn set_category(conn: &mut DbConn, id: i64, category_id: i64) -> Result<(), DbError> {
        use super::schema::threads;
        diesel::update(threads::table.find(id))
            .set((
                threads::category_id.eq(category_id),
                threads::updated_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(())
    }
}

impl Post {
    /// The post that opened a thread.
    pub fn first_of(conn: &mut DbConn, thread_id: i64) -> Result<Option<Post>, DbError> {
        use super::schema::posts;
        Ok(posts::table
            .filter(posts::thread_id.eq(thread_id))
            .filter(posts::is_first.eq(true))
            .select(Post::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn ids_in_thread(conn: &mut DbConn, thread_id: i64) -> Result<Vec<i64>, DbError> {
        use super::schema::posts;
        Ok(posts::table
            .filter(posts::thread_id.eq(thread_id))
            .select(posts::id)
            .load(conn)?)
    }

    /// Replaces the post's text, and every earlier version of it, with `marker`; for good.
    pub fn redact(
        conn: &mut DbConn,
        id: i64,
        markdown: &str,
        html: &str,
        text: &str,
    ) -> Result<(), DbError> {
        use super::schema::{post_revisions, posts};
        diesel::update(posts::table.find(id))
            .set((
                posts::body_markdown.eq(markdown),
                posts::body_html.eq(html),
                posts::body_text.eq(text),
                posts::redacted.eq(true),
                posts::updated_at.eq(now()),
            ))
            .execute(conn)?;
        diesel::update(post_revisions::table.filter(post_revisions::post_id.eq(id)))
            .set(post_revisions::body_markdown.eq(markdown))
            .execute(conn)?;
        Ok(())
    }
}

/// Takes the row lock on a post (PostgreSQL; SQLite has one writer at a time anyway), so that
/// concurrent flags and decisions on it are applied one after the other and each sees the last.
pub fn lock_post(conn: &mut DbConn, post_id: i64) -> Result<(), DbError> {
    use super::schema::posts;
    diesel::update(posts::table.find(post_id))
        .set(posts::id.eq(posts::id))
        .execute(conn)?;
    Ok(())
}

/// The same for a thread.
pub fn lock_thread(conn: &mut DbConn, thread_id: i64) -> Result<(), DbError> {
    use super::schema::threads;
    diesel::update(threads::table.find(thread_id))
        .set(threads::id.eq(threads::id))
        .execute(conn)?;
    Ok(())
}
