//! Who watches which threads and spaces. A thread watch row with `watching = false` records
//! that the member unwatched it on purpose, so taking part again does not watch it again.

use diesel::prelude::*;

use super::schema::{category_watches, thread_watches};
use super::{DbConn, DbError, now};

pub struct ThreadWatch;

impl ThreadWatch {
    /// Watches (`true`) or unwatches (`false`) a thread on the member's request.
    pub fn set(
        conn: &mut DbConn,
        user_id: i64,
        thread_id: i64,
        watching: bool,
    ) -> Result<(), DbError> {
        let at = now();
        let updated = diesel::update(thread_watches::table.find((user_id, thread_id)))
            .set((
                thread_watches::watching.eq(watching),
                thread_watches::updated_at.eq(at),
            ))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(thread_watches::table)
                .values((
                    thread_watches::user_id.eq(user_id),
                    thread_watches::thread_id.eq(thread_id),
                    thread_watches::watching.eq(watching),
                    thread_watches::created_at.eq(at),
                    thread_watches::updated_at.eq(at),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// Watches a thread the member takes part in, unless they have unwatched it before.
    pub fn watch_automatically(
        conn: &mut DbConn,
        user_id: i64,
        thread_id: i64,
    ) -> Result<(), DbError> {
        let known: i64 = thread_watches::table
            .filter(thread_watches::user_id.eq(user_id))
            .filter(thread_watches::thread_id.eq(thread_id))
            .count()
            .get_result(conn)?;
        if known == 0 {
            Self::set(conn, user_id, thread_id, true)?;
        }
        Ok(())
    }

    pub fn is_watching(conn: &mut DbConn, user_id: i64, thread_id: i64) -> Result<bool, DbError> {
        Ok(thread_watches::table
            .find((user_id, thread_id))
            .select(thread_watches::watching)
            .first::<bool>(conn)
            .optional()?
            .unwrap_or(false))
    }

    pub fn watchers(conn: &mut DbConn, thread_id: i64) -> Result<Vec<i64>, DbError> {
        Ok(thread_watches::table
            .filter(thread_watches::thread_id.eq(thread_id))
            .filter(thread_watches::watching.eq(true))
            .select(thread_watches::user_id)
            .load(conn)?)
    }
}

pub struct CategoryWatch;

impl CategoryWatch {
    pub fn set(
        conn: &mut DbConn,
        user_id: i64,
        category_id: i64,
        watching: bool,
    ) -> Result<(), DbError> {
        if !watching {
            diesel::delete(category_watches::table.find((user_id, category_id))).execute(conn)?;
            return Ok(());
        }
        let known: i64 = category_watches::table
            .filter(category_watches::user_id.eq(user_id))
            .filter(category_watches::category_id.eq(category_id))
            .count()
            .get_result(conn)?;
        if known == 0 {
            diesel::insert_into(category_watches::table)
                .values((
                    category_watches::user_id.eq(user_id),
                    category_watches::category_id.eq(category_id),
                    category_watches::created_at.eq(now()),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// The spaces a member watches.
    pub fn watched_by(conn: &mut DbConn, user_id: i64) -> Result<Vec<i64>, DbError> {
        Ok(category_watches::table
            .filter(category_watches::user_id.eq(user_id))
            .select(category_watches::category_id)
            .load(conn)?)
    }

    pub fn watchers(conn: &mut DbConn, category_id: i64) -> Result<Vec<i64>, DbError> {
        Ok(category_watches::table
            .filter(category_watches::category_id.eq(category_id))
            .select(category_watches::user_id)
            .load(conn)?)
    }
}
