//! Admin views: the audit log, the mail outbox, and settings.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use super::{cursor, page_limit, paginate, utc};
use crate::auth::Viewer;
use crate::db::audit::{AuditFilter, AuditRow, NewAudit};
use crate::db::outbox::OutboxRow;
use crate::db::users::User;
use crate::db::{DbError, settings};
use crate::error::{ApiError, ApiResult, Validation};
use crate::state::AppState;
use crate::validate;

#[derive(Tags)]
enum Tag {
    /// Administration (admins).
    Admin,
}

#[derive(Object)]
pub struct AuditEntry {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub target_name: Option<String>,
    pub reason: Option<String>,
    pub details: Option<String>,
}

#[derive(Object)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

#[derive(Object)]
pub struct OutboxMail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body_text: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Object)]
pub struct OutboxPage {
    pub items: Vec<OutboxMail>,
    pub next_cursor: Option<String>,
}

#[derive(Object)]
pub struct Settings {
    /// E-mail domains whose members are approved on verification (`nhs.net`, `*.nhs.uk`).
    pub approved_domains: Vec<String>,
    /// A new member's first this-many posts wait for a moderator (0 turns it off).
    pub held_first_posts: i64,
    /// Open flags from this many distinct members hide a post until a moderator reviews it.
    pub flag_hide_threshold: i64,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct SettingsUpdate {
    /// E-mail domains whose members are approved on verification (`nhs.net`, `*.nhs.uk`).
    pub approved_domains: Vec<String>,
    /// 0 to 50; left as it is when absent.
    pub held_first_posts: Option<i64>,
    /// 1 to 100; left as it is when absent.
    pub flag_hide_threshold: Option<i64>,
}

pub struct AdminApi;

#[OpenApi(prefix_path = "/admin", tag = "Tag::Admin")]
impl AdminApi {
    /// The audit log, newest first.
    #[oai(path = "/audit", method = "get", operation_id = "listAudit")]
    #[allow(clippy::too_many_arguments)]
    async fn audit(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        action: Query<Option<String>>,
        actor_id: Query<Option<i64>>,
        target_id: Query<Option<i64>>,
        from: Query<Option<DateTime<Utc>>>,
        to: Query<Option<DateTime<Utc>>>,
        #[oai(name = "cursor")] cursor_param: Query<Option<String>>,
        limit: Query<Option<i64>>,
    ) -> ApiResult<Json<AuditPage>> {
        viewer.require_admin()?;
        let limit = page_limit(limit.0)?;
        let filter = AuditFilter {
            action: action
                .0
                .map(|a| a.trim().chars().take(100).collect::<String>())
                .filter(|a| !a.is_empty()),
            actor_id: actor_id.0,
            target_id: target_id.0,
            from: from.0.map(|t| t.naive_utc()),
            to: to.0.map(|t| t.naive_utc()),
            before_id: cursor(cursor_param.0.as_deref())?,
            limit,
        };
        let (rows, names) = state
            .db
            .run(move |c| {
                let rows = AuditRow::list(c, &filter)?;
                let mut ids: Vec<i64> = rows
                    .iter()
                    .flat_map(|r| {
                        [
                            r.actor_id,
                            r.target_id.filter(|_| r.target_type == "member"),
                        ]
                    })
                    .flatten()
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                let names = User::names(c, &ids)?;
                Ok((rows, names))
            })
            .await?;
        let name = |id: Option<i64>| {
            id.and_then(|id| names.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone()))
        };
        let (rows, next_cursor) = paginate(rows, limit, |r| r.id);
        Ok(Json(AuditPage {
            items: rows
                .into_iter()
                .map(|r| AuditEntry {
                    id: r.id,
                    created_at: utc(r.created_at),
                    actor_name: name(r.actor_id),
                    actor_id: r.actor_id,
                    target_name: if r.target_type == "member" {
                        name(r.target_id)
                    } else {
                        None
                    },
                    action: r.action,
                    target_type: r.target_type,
                    target_id: r.target_id,
                    reason: r.reason,
                    details: r.details,
                })
                .collect(),
            next_cursor,
        }))
    }

    /// Mail written to the outbox, newest first.
    #[oai(path = "/outbox", method = "get", operation_id = "listOutbox")]
    async fn outbox(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        to: Query<Option<String>>,
        #[oai(name = "cursor")] cursor_param: Query<Option<String>>,
        limit: Query<Option<i64>>,
    ) -> ApiResult<Json<OutboxPage>> {
        viewer.require_admin()?;
        let limit = page_limit(limit.0)?;
        let before = cursor(cursor_param.0.as_deref())?;
        let to =
            to.0.map(|t| validate::canonical_email(&t).unwrap_or_else(|_| t.trim().to_lowercase()));
        let rows = state
            .db
            .run(move |c| OutboxRow::list(c, to.as_deref(), before, limit))
            .await?;
        let (rows, next_cursor) = paginate(rows, limit, |r| r.id);
        Ok(Json(OutboxPage {
            items: rows
                .into_iter()
                .map(|r| OutboxMail {
                    id: r.id,
                    to: r.to_address,
                    subject: r.subject,
                    body_text: r.body_text,
                    created_at: utc(r.created_at),
                    sent_at: r.sent_at.map(utc),
                })
                .collect(),
            next_cursor,
        }))
    }

    /// Current settings.
    #[oai(path = "/settings", method = "get", operation_id = "getSettings")]
    async fn settings(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
    ) -> ApiResult<Json<Settings>> {
        viewer.require_admin()?;
        let defaults = state.config.approved_domains.clone();
        let current = state.db.run(move |c| current(c, &defaults)).await?;
        Ok(Json(current))
    }

    /// Change settings.
    #[oai(path = "/settings", method = "put", operation_id = "putSettings")]
    async fn put_settings(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        body: Json<SettingsUpdate>,
    ) -> ApiResult<Json<Settings>> {
        let actor = viewer.require_admin()?.id;
        let mut v = Validation::default();
        let mut domains: Vec<String> = Vec::new();
        if body.approved_domains.len() > 200 {
            v.fail("approved_domains", "At most 200 domains");
        }
        for d in &body.approved_domains {
            let d = d.trim().to_ascii_lowercase();
            if d.is_empty() {
                continue;
            }
            if !validate::is_domain_pattern(&d) || d.len() > 253 {
                v.fail(
                    "approved_domains",
                    format!("{d} is not a domain such as nhs.net or *.nhs.uk"),
                );
            } else if !domains.contains(&d) {
                domains.push(d);
            }
        }
        if body
            .held_first_posts
            .is_some_and(|n| !(0..=50).contains(&n))
        {
            v.fail("held_first_posts", "Enter a number from 0 to 50");
        }
        if body
            .flag_hide_threshold
            .is_some_and(|n| !(1..=100).contains(&n))
        {
            v.fail("flag_hide_threshold", "Enter a number from 1 to 100");
        }
        v.finish()?;
        let value = serde_json::to_string(&domains).map_err(|e| ApiError::internal(&e))?;
        let mut changes = vec![(settings::APPROVED_DOMAINS, value)];
        if let Some(n) = body.held_first_posts {
            changes.push((settings::HELD_FIRST_POSTS, n.to_string()));
        }
        if let Some(n) = body.flag_hide_threshold {
            changes.push((settings::FLAG_HIDE_THRESHOLD, n.to_string()));
        }
        let defaults = state.config.approved_domains.clone();
        let updated = state
            .db
            .run(move |c| {
                c.write_transaction::<_, DbError, _>(|c| {
                    for (key, value) in &changes {
                        settings::put(c, key, value)?;
                        let mut entry =
                            NewAudit::member(Some(actor), "settings.updated", 0).details(value);
                        entry.target_type = "setting";
                        entry.target_id = None;
                        entry.reason = Some(key);
                        entry.write(c)?;
                    }
                    current(c, &defaults)
                })
            })
            .await?;
        Ok(Json(updated))
    }
}

fn current(c: &mut crate::db::DbConn, default_domains: &[String]) -> Result<Settings, DbError> {
    Ok(Settings {
        approved_domains: settings::approved_domains(c, default_domains)?,
        held_first_posts: settings::held_first_posts(c)?,
        flag_hide_threshold: settings::flag_hide_threshold(c)?,
    })
}
