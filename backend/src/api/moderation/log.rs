//! The moderation log (everyone sees the part that concerns them), appeals against its
//! decisions, and the preset reasons admins keep for moderators.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::{PersonRef, SpaceRef, Tag, moderator_scope, name_of};
use crate::api::auth::NoContent;
use crate::api::{cursor, page_limit, paginate, utc};
use crate::auth::Viewer;
use crate::db::audit::{AuditRow, NewAudit};
use crate::db::forum::{Category, Post, Thread};
use crate::db::moderation::{self as queries, Appeal, LogFilter, LogScope, PresetReason};
use crate::db::users::User;
use crate::db::{DbConn, DbError};
use crate::error::{ApiError, ApiResult};
use crate::forum::visibility;
use crate::moderation::{APPEALABLE_ACTIONS, LOG_ACTIONS, Scope};
use crate::state::AppState;

#[derive(Object)]
pub struct LogTarget {
    /// `post`, `thread`, `member`, `appeal` or `moderation_reason`.
    #[oai(rename = "type")]
    pub kind: String,
    pub id: Option<i64>,
    /// The thread's title or the member's name, when the viewer may see it.
    pub label: Option<String>,
    /// The thread a post or thread target belongs to, when the viewer may see it.
    pub thread_id: Option<i64>,
}

#[derive(Object)]
pub struct LogEntry {
    pub id: i64,
    /// Who acted; absent for automatic actions (and, for members reading about their own
    /// content, moderators are not named).
    pub actor: Option<PersonRef>,
    /// Whether the platform did this by itself (e.g. hiding a post after members' flags).
    pub automatic: bool,
    pub action: String,
    pub target: LogTarget,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub details: Option<String>,
    pub space: Option<SpaceRef>,
    /// Whether the viewer may appeal this entry now.
    pub appealable: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct LogPage {
    pub items: Vec<LogEntry>,
    pub next_cursor: Option<String>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct AppealRequest {
    /// Why the decision should be changed (required, at most 2000 characters).
    pub text: Option<String>,
}

#[derive(Object)]
pub struct AppealCreated {
    pub id: i64,
    /// The appeal's id in the review queue.
    pub item_id: String,
    pub status: String,
}

#[derive(ApiResponse)]
pub enum AppealResponse {
    #[oai(status = 201)]
    Created(Json<AppealCreated>),
}

#[derive(Object)]
pub struct PresetReasonView {
    pub id: i64,
    pub text: String,
}

#[derive(Object)]
pub struct PresetReasonList {
    pub items: Vec<PresetReasonView>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct PresetReasonRequest {
    /// At most 500 characters.
    pub text: Option<String>,
}

#[derive(ApiResponse)]
pub enum PresetReasonCreated {
    #[oai(status = 201)]
    Created(Json<PresetReasonView>),
}

pub struct ModerationLogApi;

#[OpenApi(prefix_path = "/moderation", tag = "Tag::Moderation")]
impl ModerationLogApi {
    /// The moderation log, newest first: everything for global moderators and admins, their
    /// spaces' entries for space moderators, and entries about their own content or account for
    /// members.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/log", method = "get", operation_id = "listModerationLog")]
    async fn log(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        space: Query<Option<String>>,
        action: Query<Option<String>>,
        actor: Query<Option<i64>>,
        target_type: Query<Option<String>>,
        from: Query<Option<DateTime<Utc>>>,
        to: Query<Option<DateTime<Utc>>>,
        #[oai(name = "cursor")] cursor_param: Query<Option<String>>,
        limit: Query<Option<i64>>,
    ) -> ApiResult<Json<LogPage>> {
        let user = viewer.require_member()?.clone();
        let limit = page_limit(limit.0)?;
        let before = cursor(cursor_param.0.as_deref())?;
        let clean = |s: Option<String>| {
            s.map(|a| a.trim().chars().take(100).collect::<String>())
                .filter(|a| !a.is_empty())
        };
        let slug = clean(space.0);
        let (action, target_type) = (clean(action.0), clean(target_type.0));
        let (actor, from, to) = (actor.0, from.0, to.0);
        let (rows, next_cursor) = state
            .db
            .run(move |c| {
                let scope = Scope::of(c, &user)?;
                let log_scope = if scope.global {
                    LogScope::All
                } else if !scope.spaces.is_empty() {
                    LogScope::Spaces {
                        spaces: scope.spaces.clone(),
                        user_id: user.id,
                    }
                } else {
                    LogScope::Own(user.id)
                };
                let space = match &slug {
                    Some(slug) => match Category::find_by_slug(c, slug)? {
                        Some(s) => Some(s.id),
                        None => return Ok(Err(ApiError::field("space", "No such space"))),
                    },
                    None => None,
                };
                let filter = LogFilter {
                    scope: log_scope,
                    actions: LOG_ACTIONS.to_vec(),
                    space,
                    action,
                    // Members can't look entries up by moderator.
                    actor_id: actor.filter(|_| scope.is_moderator()),
                    target_type,
                    from: from.map(|t| t.naive_utc()),
                    to: to.map(|t| t.naive_utc()),
                    before_id: before,
                    limit,
                };
                let rows = queries::log(c, &filter)?;
                let (rows, next) = paginate(rows, limit, |r| r.id);
                let entries = entries(c, &user, &scope, rows)?;
                Ok(Ok((entries, next)))
            })
            .await??;
        Ok(Json(LogPage {
            items: rows,
            next_cursor,
        }))
    }

    /// Appeal a decision about your own content or account (once per decision). The appeal
    /// goes to the review queue for a different moderator.
    #[oai(
        path = "/log/:id/appeal",
        method = "post",
        operation_id = "appealModerationDecision"
    )]
    async fn appeal(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<AppealRequest>,
    ) -> ApiResult<AppealResponse> {
        // Suspended members may appeal their suspension, so reading rights are enough.
        let user = viewer.require_member()?.clone();
        let text = body.0.text.unwrap_or_default().trim().to_owned();
        if text.is_empty() {
            return Err(ApiError::field(
                "text",
                "Say why the decision should change",
            ));
        }
        if text.chars().count() > 2000 {
            return Err(ApiError::field(
                "text",
                "The appeal must be 2000 characters or fewer",
            ));
        }
        let id = id.0;
        let created = state
            .db
            .run(move |c| {
                let Some(entry) = AuditRow::find(c, id)?
                    .filter(|e| e.subject_user_id == Some(user.id))
                    .filter(|e| LOG_ACTIONS.contains(&e.action.as_str()))
                else {
                    return Ok(Err(ApiError::not_found("log entry")));
                };
                if !APPEALABLE_ACTIONS.contains(&entry.action.as_str()) || entry.actor_id.is_none()
                {
                    return Ok(Err(ApiError::conflict(
                        "This entry is not a decision that can be appealed.",
                        vec![],
                    )));
                }
                let appeal = c.write_transaction::<_, DbError, _>(|c| {
                    if Appeal::exists_for(c, entry.id)? {
                        return Ok(None);
                    }
                    match Appeal::insert(c, entry.id, user.id, &text) {
                        Ok(a) => Ok(Some(a)),
                        Err(e) if e.is_unique_violation() => Ok(None),
                        Err(e) => Err(e),
                    }
                })?;
                Ok(match appeal {
                    Some(a) => Ok(AppealCreated {
                        id: a.id,
                        item_id: format!("appeal-{}", a.id),
                        status: a.status,
                    }),
                    None => Err(ApiError::conflict(
                        "You have already appealed this decision.",
                        vec![],
                    )),
                })
            })
            .await??;
        Ok(AppealResponse::Created(Json(created)))
    }

    /// The preset reasons moderators can pick from.
    #[oai(
        path = "/reasons",
        method = "get",
        operation_id = "listModerationReasons"
    )]
    async fn reasons(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
    ) -> ApiResult<Json<PresetReasonList>> {
        let user = viewer.require_writer()?.clone();
        let rows = state
            .db
            .run(move |c| {
                if let Err(e) = moderator_scope(c, &user)? {
                    return Ok(Err(e));
                }
                Ok(Ok(PresetReason::list(c)?))
            })
            .await??;
        Ok(Json(PresetReasonList {
            items: rows
                .into_iter()
                .map(|r| PresetReasonView {
                    id: r.id,
                    text: r.text,
                })
                .collect(),
        }))
    }

    /// Add a preset reason (admins).
    #[oai(
        path = "/reasons",
        method = "post",
        operation_id = "addModerationReason"
    )]
    async fn add_reason(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        body: Json<PresetReasonRequest>,
    ) -> ApiResult<PresetReasonCreated> {
        let actor = viewer.require_admin()?.id;
        let text = crate::moderation::reason(body.text.as_deref().unwrap_or_default())
            .map_err(|m| ApiError::field("text", m))?;
        let created = state
            .db
            .run(move |c| {
                c.write_transaction::<_, DbError, _>(|c| {
                    let row = match PresetReason::insert(c, &text, actor) {
                        Ok(r) => r,
                        Err(e) if e.is_unique_violation() => return Ok(None),
                        Err(e) => return Err(e),
                    };
                    NewAudit {
                        target_type: "moderation_reason",
                        ..NewAudit::member(Some(actor), "moderation_reason.added", row.id)
                    }
                    .details(&row.text)
                    .write(c)?;
                    Ok(Some(row))
                })
            })
            .await?;
        let row = created.ok_or_else(|| {
            ApiError::conflict(
                "That reason is already in the list.",
                vec![crate::error::FieldError {
                    field: "text".into(),
                    message: "That reason is already in the list".into(),
                }],
            )
        })?;
        Ok(PresetReasonCreated::Created(Json(PresetReasonView {
            id: row.id,
            text: row.text,
        })))
    }

    /// Remove a preset reason (admins).
    #[oai(
        path = "/reasons/:id",
        method = "delete",
        operation_id = "removeModerationReason"
    )]
    async fn remove_reason(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
    ) -> ApiResult<NoContent> {
        let actor = viewer.require_admin()?.id;
        let id = id.0;
        let removed = state
            .db
            .run(move |c| {
                c.write_transaction::<_, DbError, _>(|c| {
                    let Some(row) = PresetReason::find(c, id)? else {
                        return Ok(false);
                    };
                    PresetReason::delete(c, id)?;
                    NewAudit {
                        target_type: "moderation_reason",
                        ..NewAudit::member(Some(actor), "moderation_reason.removed", id)
                    }
                    .details(&row.text)
                    .write(c)?;
                    Ok(true)
                })
            })
            .await?;
        if !removed {
            return Err(ApiError::not_found("reason"));
        }
        Ok(NoContent::NoContent)
    }
}

/// Log rows as the viewer may see them: labels only for what they can see, moderators not
/// named to members.
fn entries(
    c: &mut DbConn,
    user: &User,
    scope: &Scope,
    rows: Vec<AuditRow>,
) -> Result<Vec<LogEntry>, DbError> {
    let mut people: Vec<i64> = rows
        .iter()
        .flat_map(|r| [r.actor_id, r.subject_user_id])
        .flatten()
        .collect();
    people.sort_unstable();
    people.dedup();
    let names = User::names(c, &people)?;
    let spaces = Category::list(c)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let thread = match (r.target_type.as_str(), r.target_id) {
            ("post", Some(id)) => match Post::find(c, id)? {
                Some(p) => Thread::find(c, p.thread_id)?,
                None => None,
            },
            ("thread", Some(id)) => Thread::find(c, id)?,
            _ => None,
        };
        let thread = match thread {
            Some(t) => {
                let v = visibility(c, user, t.category_id)?;
                t.visible_to(v).then_some(t)
            }
            None => None,
        };
        let label = match r.target_type.as_str() {
            "post" | "thread" => thread.as_ref().map(|t| t.title.clone()),
            "member" => r.target_id.map(|id| name_of(&names, id)),
            _ => None,
        };
        let show_actor = scope.is_moderator() || r.actor_id == Some(user.id);
        let appealable = r.subject_user_id == Some(user.id)
            && r.actor_id.is_some()
            && APPEALABLE_ACTIONS.contains(&r.action.as_str())
            && !Appeal::exists_for(c, r.id)?;
        out.push(LogEntry {
            id: r.id,
            actor: r.actor_id.filter(|_| show_actor).map(|id| PersonRef {
                id,
                name: name_of(&names, id),
            }),
            automatic: r.actor_id.is_none(),
            target: LogTarget {
                kind: r.target_type,
                id: r.target_id,
                label,
                thread_id: thread.map(|t| t.id),
            },
            space: r
                .category_id
                .and_then(|id| spaces.iter().find(|s| s.id == id))
                .map(|s| SpaceRef {
                    slug: s.slug.clone(),
                    name: s.name.clone(),
                }),
            action: r.action,
            reason: r.reason,
            message: r.message,
            details: r.details,
            appealable,
            created_at: utc(r.created_at),
        });
    }
    Ok(out)
}
