//! The signed-in member's own account: profile, password, sessions.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use super::auth::NoContent;
use super::{Member, utc};
use crate::auth::Viewer;
use crate::db::DbError;
use crate::db::audit::NewAudit;
use crate::db::forum::Category;
use crate::db::users::{User, UserUpdate};
use crate::error::{ApiError, ApiResult, FieldError, Validation};
use crate::model::Region;
use crate::state::AppState;
use crate::validate;

#[derive(Tags)]
enum Tag {
    /// The signed-in member's own account.
    Me,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct ProfileUpdate {
    pub display_name: Option<String>,
    pub organisation: Option<String>,
    pub job_role: Option<String>,
    pub region: Option<String>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

#[derive(Object)]
pub struct SessionInfo {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// True for the session making this request.
    pub current: bool,
}

#[derive(Object)]
pub struct SessionList {
    pub items: Vec<SessionInfo>,
}

pub struct MeApi;

#[OpenApi(prefix_path = "/me", tag = "Tag::Me")]
impl MeApi {
    /// Who is signed in.
    #[oai(path = "/", method = "get", operation_id = "getMe")]
    async fn me(&self, state: Data<&AppState>, viewer: Data<&Viewer>) -> ApiResult<Json<Member>> {
        let (user, _) = viewer.require_user()?;
        let mut member = Member::from(user);
        let id = user.id;
        let slugs = state
            .db
            .run(move |c| Category::moderated_slugs(c, id))
            .await?;
        member.moderates_spaces = Some(slugs);
        Ok(Json(member))
    }

    /// Change your profile.
    #[oai(path = "/", method = "patch", operation_id = "updateMe")]
    async fn update(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        body: Json<ProfileUpdate>,
    ) -> ApiResult<Json<Member>> {
        let (user, _) = viewer.require_user()?;
        if user.suspended_now().is_some() {
            viewer.require_writer()?;
        }
        let mut v = Validation::default();
        let mut changes = UserUpdate::default();
        if let Some(name) = &body.display_name
            && let Some(name) = v.check("display_name", validate::display_name(name))
        {
            changes.display_name_key = Some(validate::display_name_key(&name));
            changes.display_name = Some(name);
        }
        if let Some(org) = &body.organisation {
            changes.organisation = v.check(
                "organisation",
                validate::short_text(org, 120, "Enter your organisation"),
            );
        }
        if let Some(role) = &body.job_role {
            changes.job_role = v.check(
                "job_role",
                validate::short_text(role, 100, "Enter your job role"),
            );
        }
        if let Some(region) = &body.region {
            changes.region = v.check(
                "region",
                Region::parse(region.trim())
                    .map(|r| r.as_str().to_owned())
                    .ok_or("Select your region"),
            );
        }
        v.finish()?;
        let id = user.id();
        let result = state
            .db
            .run(move |c| {
                c.write_transaction::<_, DbError, _>(|c| {
                    if let Some(key) = &changes.display_name_key
                        && User::display_name_key_taken(c, key, Some(id))?
                    {
                        return Ok(None);
                    }
                    let user = User::update(c, id, changes)?;
                    NewAudit::member(Some(id.0), "member.profile_updated", id.0).write(c)?;
                    Ok(Some(user))
                })
            })
            .await;
        match result {
            Ok(Some(user)) => Ok(Json(Member::from(&user))),
            Ok(None) => Err(name_taken()),
            Err(e) if e.is_unique_violation() => Err(name_taken()),
            Err(e) => Err(e.into()),
        }
    }

    /// Change your password. Every other session is signed out.
    #[oai(path = "/password", method = "post", operation_id = "changePassword")]
    async fn change_password(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        body: Json<PasswordChange>,
    ) -> ApiResult<NoContent> {
        let (user, session) = viewer.require_user()?;
        if body.current.len() > 4 * validate::PASSWORD_MAX {
            return Err(ApiError::field(
                "current",
                "Your current password is not right",
            ));
        }
        let ok = state
            .hasher
            .verify(body.current.clone(), Some(user.password_hash.clone()))
            .await
            .map_err(|e| ApiError::internal(&e))?;
        if !ok {
            return Err(ApiError::field(
                "current",
                "Your current password is not right",
            ));
        }
        validate::password(&body.new, &user.email).map_err(|m| ApiError::field("new", m))?;
        if body.new == body.current {
            return Err(ApiError::field(
                "new",
                "Choose a password different from your current one",
            ));
        }
        let hash = state
            .hasher
            .hash(body.0.new)
            .await
            .map_err(|e| ApiError::internal(&e))?;
        let (id, email, name) = (user.id(), user.email.clone(), user.display_name.clone());
        let mail = state.mailer.password_changed(&email, &name);
        state
            .db
            .run(move |c| {
                c.write_transaction::<_, DbError, _>(|c| {
                    User::update(
                        c,
                        id,
                        UserUpdate {
                            password_hash: Some(hash),
                            ..Default::default()
                        },
                    )?;
                    NewAudit::member(Some(id.0), "member.password_changed", id.0).write(c)?;
                    mail.queue(c)
                })
            })
            .await?;
        state.mailer.nudge();
        state
            .sessions
            .revoke_all(id.0, Some(&session.id_hash))
            .await
            .map_err(|e| ApiError::internal(&e))?;
        Ok(NoContent::NoContent)
    }

    /// Your signed-in sessions.
    #[oai(path = "/sessions", method = "get", operation_id = "listMySessions")]
    async fn sessions(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
    ) -> ApiResult<Json<SessionList>> {
        let (user, current) = viewer.require_user()?;
        let sessions = state
            .sessions
            .list(user.id)
            .await
            .map_err(|e| ApiError::internal(&e))?;
        Ok(Json(SessionList {
            items: sessions
                .into_iter()
                .map(|s| SessionInfo {
                    current: s.id_hash == current.id_hash,
                    id: s.public_id,
                    created_at: utc(s.created_at),
                    last_seen_at: utc(s.last_seen_at),
                    user_agent: s.user_agent,
                    ip: s.ip,
                })
                .collect(),
        }))
    }

    /// Sign out one of your sessions.
    #[oai(
        path = "/sessions/:id",
        method = "delete",
        operation_id = "revokeMySession"
    )]
    async fn revoke_session(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<String>,
    ) -> ApiResult<NoContent> {
        let (user, _) = viewer.require_user()?;
        let sessions = state
            .sessions
            .list(user.id)
            .await
            .map_err(|e| ApiError::internal(&e))?;
        let session = sessions
            .into_iter()
            .find(|s| s.public_id == id.0)
            .ok_or_else(|| ApiError::not_found("session"))?;
        state
            .sessions
            .revoke(&session)
            .await
            .map_err(|e| ApiError::internal(&e))?;
        Ok(NoContent::NoContent)
    }
}

fn name_taken() -> ApiError {
    let message = "That name is already taken, or looks too like one that is: choose another";
    ApiError::conflict(
        message,
        vec![FieldError {
            field: "display_name".into(),
            message: message.into(),
        }],
    )
}
