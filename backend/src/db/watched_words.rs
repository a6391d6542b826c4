//! The watched-word rules admins keep: a word, phrase or regular expression and what to do when
//! a post matches it. Every change also changes `VERSION_KEY`, so each process knows to reload.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::watched_words;
use super::{DbConn, DbError, settings};

/// The settings key whose value changes with every change to the rules.
pub const VERSION_KEY: &str = "watched_words_version";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = watched_words)]
pub struct WatchedWord {
    pub id: i64,
    pub pattern: String,
    /// `word`, `phrase` or `regex`.
    pub kind: String,
    /// `block`, `hold` or `flag`.
    pub action: String,
    pub note: Option<String>,
    pub message: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = watched_words)]
pub struct NewWatchedWord<'a> {
    pub pattern: &'a str,
    pub kind: &'a str,
    pub action: &'a str,
    pub note: Option<&'a str>,
    pub message: Option<&'a str>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = watched_words)]
pub struct WatchedWordUpdate {
    pub pattern: Option<String>,
    pub kind: Option<String>,
    pub action: Option<String>,
    pub note: Option<Option<String>>,
    pub message: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

impl WatchedWord {
    pub fn list(conn: &mut DbConn) -> Result<Vec<WatchedWord>, DbError> {
        Ok(watched_words::table
            .order(watched_words::id.asc())
            .select(WatchedWord::as_select())
            .load(conn)?)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> Result<Option<WatchedWord>, DbError> {
        Ok(watched_words::table
            .find(id)
            .select(WatchedWord::as_select())
            .first(conn)
            .optional()?)
    }

    /// Adds a rule, in the caller's transaction.
    pub fn insert(conn: &mut DbConn, new: &NewWatchedWord<'_>) -> Result<WatchedWord, DbError> {
        let id: i64 = diesel::insert_into(watched_words::table)
            .values(new)
            .returning(watched_words::id)
            .get_result(conn)?;
        bump_version(conn)?;
        WatchedWord::find(conn, id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))
    }

    pub fn update(
        conn: &mut DbConn,
        id: i64,
        changes: &WatchedWordUpdate,
    ) -> Result<Option<WatchedWord>, DbError> {
        diesel::update(watched_words::table.find(id))
            .set(changes)
            .execute(conn)?;
        bump_version(conn)?;
        WatchedWord::find(conn, id)
    }

    /// Whether a rule was deleted.
    pub fn delete(conn: &mut DbConn, id: i64) -> Result<bool, DbError> {
        let n = diesel::delete(watched_words::table.find(id)).execute(conn)?;
        bump_version(conn)?;
        Ok(n > 0)
    }
}

/// The current version of the rules ("" before any change).
pub fn version(conn: &mut DbConn) -> Result<String, DbError> {
    Ok(settings::get(conn, VERSION_KEY)?.unwrap_or_default())
}

/// A fresh random value rather than a counter, so two admins' changes committing at once can't
/// leave two different rule sets under one version.
fn bump_version(conn: &mut DbConn) -> Result<(), DbError> {
    settings::put(conn, VERSION_KEY, &crate::auth::random_token())
}
