//! What the posting rules count: a member's recent posts (the rate limit) and their last post in
//! a thread (slow mode). Counted from `posts`, so the limits hold across replicas.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::forum::Thread;
use super::schema::{posts, threads};
use super::{DbConn, DbError, now};

impl Thread {
    pub fn set_slow_mode(conn: &mut DbConn, id: i64, seconds: i32) -> Result<(), DbError> {
        diesel::update(threads::table.find(id))
            .set((
                threads::slow_mode_seconds.eq(seconds),
                threads::updated_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(())
    }
}

/// When the member's posts since `since` were written, oldest first (at most `cap` of them).
/// Every post counts, held or deleted too: deleting a post doesn't give the allowance back.
pub fn post_times_since(
    conn: &mut DbConn,
    author_id: i64,
    since: NaiveDateTime,
    cap: i64,
) -> Result<Vec<NaiveDateTime>, DbError> {
    Ok(posts::table
        .filter(posts::author_id.eq(author_id))
        .filter(posts::created_at.gt(since))
        .order(posts::created_at.asc())
        .select(posts::created_at)
        .limit(cap)
        .load(conn)?)
}

/// When the member last posted in the thread (the opening post counts), if ever.
pub fn last_post_in_thread(
    conn: &mut DbConn,
    author_id: i64,
    thread_id: i64,
) -> Result<Option<NaiveDateTime>, DbError> {
    Ok(posts::table
        .filter(posts::author_id.eq(author_id))
        .filter(posts::thread_id.eq(thread_id))
        .select(diesel::dsl::max(posts::created_at))
        .first(conn)?)
}
