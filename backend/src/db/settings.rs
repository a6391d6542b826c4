//! Settings that admins change at run time, stored as JSON values by key.

use diesel::prelude::*;

use super::schema::settings;
use super::{DbConn, DbError, now};

pub const APPROVED_DOMAINS: &str = "approved_domains";

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
