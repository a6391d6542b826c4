//! Settings that admins change at run time, stored as JSON values by key.

use diesel::prelude::*;

use super::schema::settings;
use super::{DbConn, DbError, now};

pub const APPROVED_DOMAINS: &str = "approved_domains";
/// How many of a new member's first posts wait for a moderator.
pub const HELD_FIRST_POSTS: &str = "held_first_posts";
/// Open flags from this many distinct members hide a post until a moderator reviews it.
pub const FLAG_HIDE_THRESHOLD: &str = "flag_hide_threshold";

pub const DEFAULT_HELD_FIRST_POSTS: i64 = 2;
pub const DEFAULT_FLAG_HIDE_THRESHOLD: i64 = 3;

pub fn get(conn: &mut DbConn, key: &str) -> Result<Option<String>, DbError> {
    Ok(settings::table
        .find(key)
        .select(settings::value)
        .first(conn)
        .optional()?)
}

pub fn put(conn: &mut DbConn, key: &str, value: &str) -> Result<(), DbError> {
    let at = now();
    let updated = diesel::update(settings::table.find(key))
        .set((settings::value.eq(value), settings::updated_at.eq(at)))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((
                settings::key.eq(key),
                settings::value.eq(value),
                settings::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The approved e-mail domains; `default` (from the configuration) until an admin sets them.
pub fn approved_domains(conn: &mut DbConn, default: &[String]) -> Result<Vec<String>, DbError> {
    Ok(get(conn, APPROVED_DOMAINS)?
        .and_then(|v| serde_json::from_str::<Vec<String>>(&v).ok())
        .unwrap_or_else(|| default.to_vec()))
}

fn number(conn: &mut DbConn, key: &str, default: i64) -> Result<i64, DbError> {
    Ok(get(conn, key)?
        .and_then(|v| serde_json::from_str::<i64>(&v).ok())
        .unwrap_or(default))
}

/// A new member's first this-many posts are held for review.
pub fn held_first_posts(conn: &mut DbConn) -> Result<i64, DbError> {
    number(conn, HELD_FIRST_POSTS, DEFAULT_HELD_FIRST_POSTS)
}

/// Flags from this many distinct members hide a post until reviewed.
pub fn flag_hide_threshold(conn: &mut DbConn) -> Result<i64, DbError> {
    number(conn, FLAG_HIDE_THRESHOLD, DEFAULT_FLAG_HIDE_THRESHOLD)
}
