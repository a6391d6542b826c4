//! Members: the `users` table and its queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::users;
use super::{DbConn, DbError, like_pattern, lower, now};
use crate::model::{MemberStatus, Region, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UserId(pub i64);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub display_name_key: String,
    pub organisation: String,
    pub job_role: String,
    pub region: String,
    pub role: String,
    pub status: String,
    pub email_verified: bool,
    pub suspended_until: Option<NaiveDateTime>,
    pub suspension_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub display_name_key: &'a str,
    pub organisation: &'a str,
    pub job_role: &'a str,
    pub region: &'a str,
    pub role: &'a str,
    pub status: &'a str,
    pub email_verified: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserUpdate {
    pub password_hash: Option<String>,
    pub display_name: Option<String>,
    pub display_name_key: Option<String>,
    pub organisation: Option<String>,
    pub job_role: Option<String>,
    pub region: Option<String>,
    pub role: Option<String>,
    pub status: Option<String>,
    pub email_verified: Option<bool>,
    pub suspended_until: Option<Option<NaiveDateTime>>,
    pub suspension_reason: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

/// Filters for the members list.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub status: Option<MemberStatus>,
    pub role: Option<Role>,
    pub text: Option<String>,
    pub before_id: Option<i64>,
    pub limit: i64,
}

impl User {
    pub fn id(&self) -> UserId {
        UserId(self.id)
    }

    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Member)
    }

    pub fn status(&self) -> MemberStatus {
        MemberStatus::parse(&self.status).unwrap_or(MemberStatus::Unverified)
    }

    pub fn region(&self) -> Region {
        Region::parse(&self.region).unwrap_or(Region::National)
    }

    /// The suspension in force now, if any.
    pub fn suspended_now(&self) -> Option<NaiveDateTime> {
        self.suspended_until.filter(|until| *until > now())
    }

    pub fn insert(conn: &mut DbConn, new: &NewUser<'_>) -> Result<User, DbError> {
        let id: i64 = diesel::insert_into(users::table)
            .values(new)
            .returning(users::id)
            .get_result(conn)?;
        User::find(conn, UserId(id))?.ok_or(DbError::Query(diesel::result::Error::NotFound))
    }

    pub fn find(conn: &mut DbConn, id: UserId) -> Result<Option<User>, DbError> {
        Ok(users::table
            .find(id.0)
            .select(User::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn find_by_email(conn: &mut DbConn, email: &str) -> Result<Option<User>, DbError> {
        Ok(users::table
            .filter(users::email.eq(email))
            .select(User::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn display_name_key_taken(
        conn: &mut DbConn,
        key: &str,
        except: Option<UserId>,
    ) -> Result<bool, DbError> {
        let mut q = users::table
            .filter(users::display_name_key.eq(key))
            .into_boxed();
        if let Some(id) = except {
            q = q.filter(users::id.ne(id.0));
        }
        Ok(q.count().get_result::<i64>(conn)? > 0)
    }

    pub fn update(conn: &mut DbConn, id: UserId, mut changes: UserUpdate) -> Result<User, DbError> {
        changes.updated_at = Some(now());
        diesel::update(users::table.find(id.0))
            .set(&changes)
            .execute(conn)?;
        User::find(conn, id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))
    }

    /// Newest first, `limit + 1` rows so the caller knows whether there is a next page.
    pub fn list(conn: &mut DbConn, filter: &UserFilter) -> Result<Vec<User>, DbError> {
        let mut q = users::table
            .select(User::as_select())
            .order(users::id.desc())
            .into_boxed();
        if let Some(status) = filter.status {
            q = q.filter(users::status.eq(status.as_str()));
        }
        if let Some(role) = filter.role {
            q = q.filter(users::role.eq(role.as_str()));
        }
        if let Some(text) = filter.text.as_deref().filter(|t| !t.is_empty()) {
            let pattern = like_pattern(text);
            q = q.filter(
                lower(users::email)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(users::display_name)
                        .like(pattern.clone())
                        .escape('\\'))
                    .or(lower(users::organisation).like(pattern).escape('\\')),
            );
        }
        if let Some(before) = filter.before_id {
            q = q.filter(users::id.lt(before));
        }
        Ok(q.limit(filter.limit + 1).load(conn)?)
    }

    /// Display names by id, for labelling audit rows.
    pub fn names(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<(i64, String)>, DbError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(users::table
            .filter(users::id.eq_any(ids))
            .select((users::id, users::display_name))
            .load(conn)?)
    }

    /// Members whose `display_name_key` is one of `keys`, as (id, key).
    pub fn ids_by_name_keys(
        conn: &mut DbConn,
        keys: &[String],
    ) -> Result<Vec<(i64, String)>, DbError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        Ok(users::table
            .filter(users::display_name_key.eq_any(keys))
            .select((users::id, users::display_name_key))
            .load(conn)?)
    }

    /// Addresses of everyone who moderates, for "a member awaits approval" mail.
    pub fn moderator_emails(conn: &mut DbConn) -> Result<Vec<String>, DbError> {
        Ok(users::table
            .filter(users::role.eq_any(["moderator", "admin"]))
            .filter(users::status.eq("active"))
            .select(users::email)
            .load(conn)?)
    }
}
