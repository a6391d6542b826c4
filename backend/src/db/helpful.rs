//! "Helpful" marks: one per member per post, with `posts.helpful_count` kept equal to the
//! number of marks in the same transaction.

use diesel::prelude::*;

use super::schema::{post_helpful, posts};
use super::{DbConn, DbError, now};

pub struct HelpfulMark;

impl HelpfulMark {
    /// Marks a post helpful for a member; does nothing when they already have. Returns whether a
    /// mark was added. Call inside a transaction.
    pub fn add(conn: &mut DbConn, post_id: i64, user_id: i64) -> Result<bool, DbError> {
        if Self::exists(conn, post_id, user_id)? {
            return Ok(false);
        }
        diesel::insert_into(post_helpful::table)
            .values((
                post_helpful::post_id.eq(post_id),
                post_helpful::user_id.eq(user_id),
                post_helpful::created_at.eq(now()),
            ))
            .execute(conn)?;
        diesel::update(posts::table.find(post_id))
            .set(posts::helpful_count.eq(posts::helpful_count + 1))
            .execute(conn)?;
        Ok(true)
    }

    /// Takes a member's mark away; does nothing when there is none. Returns whether one was
    /// removed. Call inside a transaction.
    pub fn remove(conn: &mut DbConn, post_id: i64, user_id: i64) -> Result<bool, DbError> {
        let removed = diesel::delete(post_helpful::table.find((post_id, user_id))).execute(conn)?;
        if removed > 0 {
            diesel::update(posts::table.find(post_id))
                .set(posts::helpful_count.eq(posts::helpful_count - 1))
                .execute(conn)?;
        }
        Ok(removed > 0)
    }

    pub fn exists(conn: &mut DbConn, post_id: i64, user_id: i64) -> Result<bool, DbError> {
        let n: i64 = post_helpful::table
            .filter(post_helpful::post_id.eq(post_id))
            .filter(post_helpful::user_id.eq(user_id))
            .count()
            .get_result(conn)?;
        Ok(n > 0)
    }

    /// Which of `post_ids` the member has marked helpful.
    pub fn marked_by(
        conn: &mut DbConn,
        user_id: i64,
        post_ids: &[i64],
    ) -> Result<Vec<i64>, DbError> {
        if post_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(post_helpful::table
            .filter(post_helpful::user_id.eq(user_id))
            .filter(post_helpful::post_id.eq_any(post_ids))
            .select(post_helpful::post_id)
            .load(conn)?)
    }
}
