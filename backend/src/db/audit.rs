//! The audit log: who did what to whom, when and why. Rows are only ever added.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_log;
use super::{DbConn, DbError, now};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: i64,
    pub created_at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub reason: Option<String>,
    pub details: Option<String>,
    /// The space the entry happened in (moderation of content), for space moderators' log.
    pub category_id: Option<i64>,
    /// The member the entry is about (the author of moderated content, or the member), who may
    /// see it in their own log and appeal it.
    pub subject_user_id: Option<i64>,
    /// What the moderator told the member, if anything.
    pub message: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAudit<'a> {
    pub created_at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: Option<i64>,
    pub reason: Option<&'a str>,
    pub details: Option<&'a str>,
    pub category_id: Option<i64>,
    pub subject_user_id: Option<i64>,
    pub message: Option<&'a str>,
}

impl<'a> NewAudit<'a> {
    /// An entry about a member account.
    pub fn member(actor: Option<i64>, action: &'a str, member: i64) -> Self {
        NewAudit {
            created_at: now(),
            actor_id: actor,
            action,
            target_type: "member",
            target_id: Some(member),
            reason: None,
            details: None,
            category_id: None,
            subject_user_id: None,
            message: None,
        }
    }

    /// An entry about a thread, post or other content item, in a space.
    pub fn content(
        actor: Option<i64>,
        action: &'a str,
        target_type: &'a str,
        target_id: i64,
        category_id: i64,
        subject: i64,
    ) -> Self {
        NewAudit {
            target_type,
            category_id: Some(category_id),
            subject_user_id: Some(subject),
            ..NewAudit::member(actor, action, target_id)
        }
    }

    pub fn category(mut self, category_id: Option<i64>) -> Self {
        self.category_id = category_id;
        self
    }

    pub fn subject(mut self, user_id: i64) -> Self {
        self.subject_user_id = Some(user_id);
        self
    }

    pub fn message(mut self, message: Option<&'a str>) -> Self {
        self.message = message.filter(|m| !m.is_empty());
        self
    }

    /// Writes the entry and returns its id.
    pub fn write_returning_id(&self, conn: &mut DbConn) -> Result<i64, DbError> {
        Ok(diesel::insert_into(audit_log::table)
            .values(self)
            .returning(audit_log::id)
            .get_result(conn)?)
    }

    pub fn reason(mut self, reason: Option<&'a str>) -> Self {
        self.reason = reason.filter(|r| !r.is_empty());
        self
    }

    pub fn details(mut self, details: &'a str) -> Self {
        self.details = Some(details);
        self
    }

    pub fn write(&self, conn: &mut DbConn) -> Result<(), DbError> {
        diesel::insert_into(audit_log::table)
            .values(self)
            .execute(conn)?;
        Ok(())
    }
}

#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor_id: Option<i64>,
    pub target_id: Option<i64>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub before_id: Option<i64>,
    pub limit: i64,
}

impl AuditRow {
    pub fn find(conn: &mut DbConn, id: i64) -> Result<Option<AuditRow>, DbError> {
        Ok(audit_log::table
            .find(id)
            .select(AuditRow::as_select())
            .first(conn)
            .optional()?)
    }

    /// Newest first, `limit + 1` rows so the caller knows whether there is a next page.
    pub fn list(conn: &mut DbConn, f: &AuditFilter) -> Result<Vec<AuditRow>, DbError> {
        let mut q = audit_log::table
            .select(AuditRow::as_select())
            .order(audit_log::id.desc())
            .into_boxed();
        if let Some(action) = &f.action {
            q = q.filter(audit_log::action.eq(action.clone()));
        }
        if let Some(actor) = f.actor_id {
            q = q.filter(audit_log::actor_id.eq(actor));
        }
        if let Some(target) = f.target_id {
            q = q.filter(audit_log::target_id.eq(target));
        }
        if let Some(from) = f.from {
            q = q.filter(audit_log::created_at.ge(from));
        }
        if let Some(to) = f.to {
            q = q.filter(audit_log::created_at.le(to));
        }
        if let Some(before) = f.before_id {
            q = q.filter(audit_log::id.lt(before));
        }
        Ok(q.limit(f.limit + 1).load(conn)?)
    }
}
