//! Flags on posts: raised by members (one per member per post) or by a watched word (no
//! flagger), open until a moderator decides about the post.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{post_flags, posts, threads};
use super::{DbConn, DbError, now};

/// Why a post was flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagReason {
    IdentifiesPerson,
    Disrespectful,
    Spam,
    OffTopic,
    Other,
    /// Raised automatically when a post contains a watched word.
    WatchedWord,
}

impl FlagReason {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagReason::IdentifiesPerson => "identifies_person",
            FlagReason::Disrespectful => "disrespectful",
            FlagReason::Spam => "spam",
            FlagReason::OffTopic => "off_topic",
            FlagReason::Other => "other",
            FlagReason::WatchedWord => "watched_word",
        }
    }
}

/// How a moderator's decision ended a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagOutcome {
    /// The post was left in place (or put back).
    Dismissed,
    /// The post was hidden, rejected or redacted.
    Upheld,
}

impl FlagOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagOutcome::Dismissed => "dismissed",
            FlagOutcome::Upheld => "upheld",
        }
    }
}

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

impl PostFlag {
    /// Inserts a flag; a second flag by the same member on the same post is a unique violation.
    pub fn insert(
        conn: &mut DbConn,
        post_id: i64,
        flagger_id: Option<i64>,
        reason: FlagReason,
        details: Option<&str>,
    ) -> Result<i64, DbError> {
        Ok(diesel::insert_into(post_flags::table)
            .values((
                post_flags::post_id.eq(post_id),
                post_flags::flagger_id.eq(flagger_id),
                post_flags::reason.eq(reason.as_str()),
                post_flags::details.eq(details),
                post_flags::created_at.eq(now()),
            ))
            .returning(post_flags::id)
            .get_result(conn)?)
    }

    /// Whether this member has flagged this post before (open or resolved).
    pub fn exists(conn: &mut DbConn, post_id: i64, flagger_id: i64) -> Result<bool, DbError> {
        let n: i64 = post_flags::table
            .filter(post_flags::post_id.eq(post_id))
            .filter(post_flags::flagger_id.eq(flagger_id))
            .count()
            .get_result(conn)?;
        Ok(n > 0)
    }

    /// The open flags on some posts, oldest first.
    pub fn open_for_posts(conn: &mut DbConn, post_ids: &[i64]) -> Result<Vec<PostFlag>, DbError> {
        Ok(post_flags::table
            .filter(post_flags::post_id.eq_any(post_ids))
            .filter(post_flags::resolved_at.is_null())
            .order(post_flags::id.asc())
            .select(PostFlag::as_select())
            .load(conn)?)
    }

    /// How many distinct members have open flags on a post (watched-word flags don't count).
    pub fn open_member_flaggers(conn: &mut DbConn, post_id: i64) -> Result<i64, DbError> {
        let ids: Vec<Option<i64>> = post_flags::table
            .filter(post_flags::post_id.eq(post_id))
            .filter(post_flags::resolved_at.is_null())
            .filter(post_flags::flagger_id.is_not_null())
            .select(post_flags::flagger_id)
            .distinct()
            .load(conn)?;
        Ok(ids.len() as i64)
    }

    /// Resolves every open flag on a post; returns the members who raised them.
    pub fn resolve_for_post(
        conn: &mut DbConn,
        post_id: i64,
        outcome: FlagOutcome,
    ) -> Result<Vec<i64>, DbError> {
        let open = post_flags::table
            .filter(post_flags::post_id.eq(post_id))
            .filter(post_flags::resolved_at.is_null());
        let mut flaggers: Vec<i64> = open
            .select(post_flags::flagger_id)
            .load::<Option<i64>>(conn)?
            .into_iter()
            .flatten()
            .collect();
        flaggers.sort_unstable();
        flaggers.dedup();
        diesel::update(open)
            .set((
                post_flags::resolved_at.eq(Some(now())),
                post_flags::outcome.eq(Some(outcome.as_str())),
            ))
            .execute(conn)?;
        Ok(flaggers)
    }

    /// Posts with open flags, as (post id, when the first open flag was raised, space id),
    /// leaving out deleted posts and posts whose thread is gone from view by deletion.
    pub fn open_posts(conn: &mut DbConn) -> Result<Vec<(i64, NaiveDateTime, i64)>, DbError> {
        let rows: Vec<(i64, NaiveDateTime, i64)> = post_flags::table
            .inner_join(posts::table.on(posts::id.eq(post_flags::post_id)))
            .inner_join(threads::table.on(threads::id.eq(posts::thread_id)))
            .filter(post_flags::resolved_at.is_null())
            .filter(posts::status.ne("deleted"))
            .filter(threads::status.ne("deleted"))
            .order((posts::id.asc(), post_flags::created_at.asc()))
            .select((posts::id, post_flags::created_at, threads::category_id))
            .load(conn)?;
        // Rows come ordered by post, earliest flag first: keep the first of each post.
        let mut out: Vec<(i64, NaiveDateTime, i64)> = Vec::new();
        for row in rows {
            if out.last().is_none_or(|last| last.0 != row.0) {
                out.push(row);
            }
        }
        Ok(out)
    }
}

/// Flags a post for containing a watched word, for a moderator to review. `word` is kept as the
/// flag's details so the review queue can say which word it was.
pub fn raise_watched_word_flag(c: &mut DbConn, post_id: i64, word: &str) -> Result<(), DbError> {
    PostFlag::insert(c, post_id, None, FlagReason::WatchedWord, Some(word))?;
    Ok(())
}
