//! Flags on posts: raised by members, or by a watched word (no flagger), for moderators to review.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::post_flags;
use super::{DbConn, DbError, now};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = post_flags)]
pub struct PostFlag {
    pub id: i64,
    pub post_id: i64,
    pub flagger_id: Option<i64>,
    pub reason: String,
    pub details: Option<String>,
    pub created_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
    pub outcome: Option<String>,
}

/// Raises a flag for moderators because a watched word matched the post, in the caller's
/// transaction. `word` is the rule that matched, kept in the flag's details.
pub fn raise_watched_word_flag(c: &mut DbConn, post_id: i64, word: &str) -> Result<(), DbError> {
    diesel::insert_into(post_flags::table)
        .values((
            post_flags::post_id.eq(post_id),
            post_flags::flagger_id.eq(None::<i64>),
            post_flags::reason.eq("watched_word"),
            post_flags::details.eq(Some(word)),
            post_flags::created_at.eq(now()),
        ))
        .execute(c)?;
    Ok(())
}
