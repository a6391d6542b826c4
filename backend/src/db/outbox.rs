//! Outgoing mail. Every message is written here in the same transaction as the change that
//! caused it, then sent by SMTP when configured, or left here (and in the log) when not.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::outbox;
use super::{DbConn, DbError, now};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub attempts: i32,
    pub last_error: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = outbox)]
struct NewOutbox<'a> {
    to_address: &'a str,
    subject: &'a str,
    body_text: &'a str,
    created_at: NaiveDateTime,
}

impl OutboxRow {
    pub fn enqueue(conn: &mut DbConn, to: &str, subject: &str, body: &str) -> Result<(), DbError> {
        diesel::insert_into(outbox::table)
            .values(NewOutbox {
                to_address: to,
                subject,
                body_text: body,
                created_at: now(),
            })
            .execute(conn)?;
        Ok(())
    }

    pub fn list(
        conn: &mut DbConn,
        to: Option<&str>,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<OutboxRow>, DbError> {
        let mut q = outbox::table
            .select(OutboxRow::as_select())
            .order(outbox::id.desc())
            .into_boxed();
        if let Some(to) = to {
            q = q.filter(outbox::to_address.eq(to.to_owned()));
        }
        if let Some(before) = before_id {
            q = q.filter(outbox::id.lt(before));
        }
        Ok(q.limit(limit + 1).load(conn)?)
    }

    /// Unsent mail, oldest first, that has not failed too often.
    pub fn unsent(conn: &mut DbConn, after_id: i64, limit: i64) -> Result<Vec<OutboxRow>, DbError> {
        Ok(outbox::table
            .filter(outbox::sent_at.is_null())
            .filter(outbox::attempts.lt(10))
            .filter(outbox::id.gt(after_id))
            .order(outbox::id.asc())
            .limit(limit)
            .select(OutboxRow::as_select())
            .load(conn)?)
    }

    pub fn mark_sent(conn: &mut DbConn, id: i64) -> Result<(), DbError> {
        diesel::update(outbox::table.find(id))
            .set((
                outbox::sent_at.eq(Some(now())),
                outbox::attempts.eq(outbox::attempts + 1),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub fn mark_failed(conn: &mut DbConn, id: i64, error: &str) -> Result<(), DbError> {
        diesel::update(outbox::table.find(id))
            .set((
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::last_error.eq(Some(error)),
            ))
            .execute(conn)?;
        Ok(())
    }
}
