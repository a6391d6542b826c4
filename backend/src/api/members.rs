//! Membership administration: the pending queue, approval and decline, roles, suspension.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use super::{Member, cursor, page_limit, paginate};
use crate::auth::Viewer;
use crate::db::audit::NewAudit;
use crate::db::users::{User, UserFilter, UserId, UserUpdate};
use crate::db::{DbError, now};
use crate::error::{ApiError, ApiResult};
use crate::mail::Mail;
use crate::model::{MemberStatus, Role};
use crate::state::AppState;
use crate::validate;

#[derive(Tags)]
enum Tag {
    /// Membership administration (moderators and admins).
    Members,
}

#[derive(Object)]
pub struct MemberPage {
    pub items: Vec<Member>,
    pub next_cursor: Option<String>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct OptionalReason {
    pub reason: Option<String>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct RequiredReason {
    pub reason: String,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct RoleChange {
    pub role: Role,
    pub reason: Option<String>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct Suspension {
    pub until: DateTime<Utc>,
    pub reason: String,
}

pub struct MembersApi;

#[OpenApi(prefix_path = "/members", tag = "Tag::Members")]
impl MembersApi {
    /// Members, newest first, filtered by status, role or text.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/", method = "get", operation_id = "listMembers")]
    async fn list(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        status: Query<Option<MemberStatus>>,
        role: Query<Option<Role>>,
        q: Query<Option<String>>,
        #[oai(name = "cursor")] cursor_param: Query<Option<String>>,
        limit: Query<Option<i64>>,
    ) -> ApiResult<Json<MemberPage>> {
        viewer.require_moderator()?;
        let limit = page_limit(limit.0)?;
        let text = q.0.map(|t| t.trim().chars().take(100).collect::<String>());
        let filter = UserFilter {
            status: status.0,
            role: role.0,
            text,
            before_id: cursor(cursor_param.0.as_deref())?,
            limit,
        };
        let rows = state.db.run(move |c| User::list(c, &filter)).await?;
        let (rows, next_cursor) = paginate(rows, limit, |u| u.id);
        Ok(Json(MemberPage {
            items: rows.iter().map(Member::from).collect(),
            next_cursor,
        }))
    }

    /// One member.
    #[oai(path = "/:id", method = "get", operation_id = "getMember")]
    async fn get(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
    ) -> ApiResult<Json<Member>> {
        viewer.require_moderator()?;
        let user = find(&state, id.0).await?;
        Ok(Json(Member::from(&user)))
    }

    /// Approve a pending member; they are told by e-mail.
    #[oai(path = "/:id/approve", method = "post", operation_id = "approveMember")]
    async fn approve(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<OptionalReason>,
    ) -> ApiResult<Json<Member>> {
        let actor = viewer.require_moderator()?.id;
        let reason = optional_reason(body.0.reason)?;
        let user = approve_pending(&state, actor, id.0, reason).await?;
        Ok(Json(Member::from(&user)))
    }

    /// Decline a pending member with a reason; they are told by e-mail.
    #[oai(path = "/:id/decline", method = "post", operation_id = "declineMember")]
    async fn decline(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<RequiredReason>,
    ) -> ApiResult<Json<Member>> {
        let actor = viewer.require_moderator()?.id;
        let reason = validate::reason(&body.reason).map_err(|m| ApiError::field("reason", m))?;
        let user = decline_pending(&state, actor, id.0, reason).await?;
        Ok(Json(Member::from(&user)))
    }

    /// Change a member's role (admins).
    #[oai(path = "/:id", method = "patch", operation_id = "changeMemberRole")]
    async fn change_role(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<RoleChange>,
    ) -> ApiResult<Json<Member>> {
        let actor = viewer.require_admin()?.id;
        let to = body.role;
        let reason = optional_reason(body.0.reason)?;
        if actor == id.0 {
            return Err(ApiError::conflict(
                "You can't change your own role; ask another admin.",
                vec![],
            ));
        }
        let target = find(&state, id.0).await?;
        let from = target.role();
        let user = state
            .db
            .run(move |c| {
                c.write_transaction::<_, DbError, _>(|c| {
                    let user = User::update(
                        c,
                        target.id(),
                        UserUpdate {
                            role: Some(to.as_str().into()),
                            ..Default::default()
                        },
                    )?;
                    NewAudit::member(Some(actor), "member.role_changed", user.id)
                        .reason(reason.as_deref())
                        .details(&format!("{} -> {}", from.as_str(), to.as_str()))
                        .write(c)?;
                    Ok(user)
                })
            })
            .await?;
        Ok(Json(Member::from(&user)))
    }

    /// Suspend a member until a time, with a reason: they can read but not write.
    #[oai(path = "/:id/suspend", method = "post", operation_id = "suspendMember")]
    async fn suspend(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<Suspension>,
    ) -> ApiResult<Json<Member>> {
        let actor = viewer.require_moderator()?;
        let reason = validate::reason(&body.reason).map_err(|m| ApiError::field("reason", m))?;
        let until = body.until.naive_utc();
        if until <= now() {
            return Err(ApiError::field(
                "until",
                "The end of the suspension must be in the future",
            ));
        }
        if until > now() + chrono::TimeDelta::days(3660) {
            return Err(ApiError::field(
                "until",
                "The end of the suspension must be within ten years",
            ));
        }
        if actor.id == id.0 {
            return Err(ApiError::conflict("You can't suspend yourself.", vec![]));
        }
        let target = find(&state, id.0).await?;
        if target.role().can_moderate() && !actor.role().is_admin() {
            return Err(ApiError::forbidden(
                "forbidden",
                "You can't do that",
                "Only admins can suspend moderators and admins.",
            ));
        }
        let actor_id = actor.id;
        let until_text = until.format("%-d %B %Y %H:%M").to_string();
        let mail =
            state
                .mailer
                .suspended(&target.email, &target.display_name, &until_text, &reason);
        let user = state
            .db
            .run(move |c| {
                c.write_transaction::<_, DbError, _>(|c| {
                    let user = User::update(
                        c,
                        target.id(),
                        UserUpdate {
                            suspended_until: Some(Some(until)),
                            suspension_reason: Some(Some(reason.clone())),
                            ..Default::default()
                        },
                    )?;
                    NewAudit::member(Some(actor_id), "member.suspended", user.id)
                        .subject(user.id)
                        .reason(Some(&reason))
                        .details(&format!("until {until_text} UTC"))
                        .write(c)?;
                    mail.queue(c)?;
                    Ok(user)
                })
            })
            .await?;
        state.mailer.nudge();
        Ok(Json(Member::from(&user)))
    }

    /// Lift a suspension.
    #[oai(
        path = "/:id/unsuspend",
        method = "post",
        operation_id = "unsuspendMember"
    )]
    async fn unsuspend(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<OptionalReason>,
    ) -> ApiResult<Json<Member>> {
        let actor = viewer.require_moderator()?.id;
        let reason = optional_reason(body.0.reason)?;
        let target = find(&state, id.0).await?;
        let user = state
            .db
            .run(move |c| {
                c.write_transaction::<_, DbError, _>(|c| {
                    let user = User::update(
                        c,
                        target.id(),
                        UserUpdate {
                            suspended_until: Some(None),
                            suspension_reason: Some(None),
                            ..Default::default()
                        },
                    )?;
                    NewAudit::member(Some(actor), "member.unsuspended", user.id)
                        .subject(user.id)
                        .reason(reason.as_deref())
                        .write(c)?;
                    Ok(user)
                })
            })
            .await?;
        Ok(Json(Member::from(&user)))
    }
}

/// Approves a pending member with its audit row and e-mail (also the review queue's approval).
pub(crate) async fn approve_pending(
    state: &AppState,
    actor: i64,
    id: i64,
    reason: Option<String>,
) -> ApiResult<User> {
    let target = find(state, id).await?;
    if target.status() != MemberStatus::Pending {
        return Err(ApiError::conflict(
            format!("This member is {}, not pending.", target.status().as_str()),
            vec![],
        ));
    }
    let mail = state.mailer.approved(&target.email, &target.display_name);
    decide(
        state,
        actor,
        target.id(),
        MemberStatus::Active,
        "member.approved",
        reason,
        mail,
    )
    .await
}

/// Declines a pending member with its audit row and e-mail, and signs them out everywhere.
pub(crate) async fn decline_pending(
    state: &AppState,
    actor: i64,
    id: i64,
    reason: String,
) -> ApiResult<User> {
    let target = find(state, id).await?;
    if target.status() != MemberStatus::Pending {
        return Err(ApiError::conflict(
            format!("This member is {}, not pending.", target.status().as_str()),
            vec![],
        ));
    }
    let mail = state
        .mailer
        .declined(&target.email, &target.display_name, &reason);
    let user = decide(
        state,
        actor,
        target.id(),
        MemberStatus::Declined,
        "member.declined",
        Some(reason),
        mail,
    )
    .await?;
    state
        .sessions
        .revoke_all(user.id, None)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    Ok(user)
}

async fn find(state: &AppState, id: i64) -> ApiResult<User> {
    if id <= 0 {
        return Err(ApiError::not_found("member"));
    }
    state
        .db
        .run(move |c| User::find(c, UserId(id)))
        .await?
        .ok_or_else(|| ApiError::not_found("member"))
}

fn optional_reason(reason: Option<String>) -> ApiResult<Option<String>> {
    match reason.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(r) => validate::reason(r)
            .map(Some)
            .map_err(|m| ApiError::field("reason", m)),
    }
}

/// Moves a pending member to `to` with its audit row and e-mail, in one transaction.
async fn decide(
    state: &AppState,
    actor: i64,
    target: UserId,
    to: MemberStatus,
    action: &'static str,
    reason: Option<String>,
    mail: Mail,
) -> ApiResult<User> {
    let user = state
        .db
        .run(move |c| {
            c.write_transaction::<_, DbError, _>(|c| {
                // Re-checked inside the transaction: two moderators may decide at once.
                let current = User::find(c, target)?.map(|u| u.status());
                if current != Some(MemberStatus::Pending) {
                    return Ok(None);
                }
                let user = User::update(
                    c,
                    target,
                    UserUpdate {
                        status: Some(to.as_str().into()),
                        ..Default::default()
                    },
                )?;
                NewAudit::member(Some(actor), action, target.0)
                    .reason(reason.as_deref())
                    .subject(target.0)
                    .write(c)?;
                if to == MemberStatus::Active {
                    crate::notify::membership_approved(c, target.0, actor)?;
                }
                mail.queue(c)?;
                // The member's review-queue item is done, whoever had claimed it.
                crate::db::moderation::Claim::release(c, &format!("member-{}", target.0))?;
                Ok(Some(user))
            })
        })
        .await?;
    state.mailer.nudge();
    user.ok_or_else(|| {
        ApiError::conflict(
            "Another moderator has already decided on this member.",
            vec![],
        )
    })
}
