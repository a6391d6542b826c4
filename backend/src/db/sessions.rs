//! Server-side sessions kept in the database (the embedded default; Redis holds them when set).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::sessions;
use super::{DbConn, DbError};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id_hash: String,
    pub public_id: String,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

impl SessionRow {
    pub fn insert(conn: &mut DbConn, row: &SessionRow) -> Result<(), DbError> {
        diesel::insert_into(sessions::table)
            .values(row)
            .execute(conn)?;
        Ok(())
    }

    pub fn find(conn: &mut DbConn, id_hash: &str) -> Result<Option<SessionRow>, DbError> {
        Ok(sessions::table
            .find(id_hash)
            .select(SessionRow::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn touch(conn: &mut DbConn, id_hash: &str, at: NaiveDateTime) -> Result<(), DbError> {
        diesel::update(sessions::table.find(id_hash))
            .set(sessions::last_seen_at.eq(at))
            .execute(conn)?;
        Ok(())
    }

    pub fn delete(conn: &mut DbConn, id_hash: &str) -> Result<(), DbError> {
        diesel::delete(sessions::table.find(id_hash)).execute(conn)?;
        Ok(())
    }

    pub fn list_for_user(conn: &mut DbConn, user_id: i64) -> Result<Vec<SessionRow>, DbError> {
        Ok(sessions::table
            .filter(sessions::user_id.eq(user_id))
            .order(sessions::last_seen_at.desc())
            .select(SessionRow::as_select())
            .load(conn)?)
    }

    /// Ends every session of a member except (optionally) one.
    pub fn delete_for_user(
        conn: &mut DbConn,
        user_id: i64,
        except_hash: Option<&str>,
    ) -> Result<usize, DbError> {
        let q = sessions::table.filter(sessions::user_id.eq(user_id));
        Ok(match except_hash {
            Some(keep) => diesel::delete(q.filter(sessions::id_hash.ne(keep))).execute(conn)?,
            None => diesel::delete(q).execute(conn)?,
        })
    }

    pub fn delete_expired(
        conn: &mut DbConn,
        now: NaiveDateTime,
        idle_cutoff: NaiveDateTime,
    ) -> Result<usize, DbError> {
        Ok(diesel::delete(
            sessions::table.filter(
                sessions::expires_at
                    .le(now)
                    .or(sessions::last_seen_at.le(idle_cutoff)),
            ),
        )
        .execute(conn)?)
    }
}
