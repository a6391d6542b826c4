//! Single-use, expiring tokens for e-mail verification and password reset. Only a hash is kept.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::account_tokens;
use super::{DbConn, DbError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    PasswordReset,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::PasswordReset => "password_reset",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = account_tokens)]
pub struct AccountToken {
    pub token_hash: String,
    pub user_id: i64,
    pub purpose: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

impl AccountToken {
    pub fn insert(conn: &mut DbConn, row: &AccountToken) -> Result<(), DbError> {
        diesel::insert_into(account_tokens::table)
            .values(row)
            .execute(conn)?;
        Ok(())
    }

    /// Marks an unused, unexpired token of this purpose as used and returns it; None when the
    /// token is unknown, used or expired. The conditional update makes it single-use under races.
    pub fn consume(
        conn: &mut DbConn,
        token_hash: &str,
        purpose: TokenPurpose,
        now: NaiveDateTime,
    ) -> Result<Option<AccountToken>, DbError> {
        let updated = diesel::update(
            account_tokens::table
                .filter(account_tokens::token_hash.eq(token_hash))
                .filter(account_tokens::purpose.eq(purpose.as_str()))
                .filter(account_tokens::used_at.is_null())
                .filter(account_tokens::expires_at.gt(now)),
        )
        .set(account_tokens::used_at.eq(Some(now)))
        .execute(conn)?;
        if updated == 0 {
            return Ok(None);
        }
        Ok(account_tokens::table
            .find(token_hash)
            .select(AccountToken::as_select())
            .first(conn)
            .optional()?)
    }

    /// Retires a member's outstanding tokens of one purpose (a new link replaces the old ones).
    pub fn retire_for_user(
        conn: &mut DbConn,
        user_id: i64,
        purpose: TokenPurpose,
        now: NaiveDateTime,
    ) -> Result<(), DbError> {
        diesel::update(
            account_tokens::table
                .filter(account_tokens::user_id.eq(user_id))
                .filter(account_tokens::purpose.eq(purpose.as_str()))
                .filter(account_tokens::used_at.is_null()),
        )
        .set(account_tokens::used_at.eq(Some(now)))
        .execute(conn)?;
        Ok(())
    }
}
