//! Each space's own moderators (admins choose them): they moderate that space only. Changes are
//! audited in their transaction, with an optional reason.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use super::Member;
use super::auth::NoContent;
use crate::auth::Viewer;
use crate::db::DbError;
use crate::db::audit::NewAudit;
use crate::db::forum::Category;
use crate::db::users::{User, UserId};
use crate::error::{ApiError, ApiResult};
use crate::model::MemberStatus;
use crate::state::AppState;

#[derive(Tags)]
enum Tag {
    /// Space moderators (admins).
    SpaceModerators,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct ModeratorChange {
    pub reason: Option<String>,
}

#[derive(Object)]
pub struct ModeratorList {
    pub items: Vec<Member>,
}

pub struct SpaceModeratorsApi;

#[OpenApi(prefix_path = "/categories", tag = "Tag::SpaceModerators")]
impl SpaceModeratorsApi {
    /// The members who moderate this space (besides global moderators and admins).
    #[oai(
        path = "/:slug/moderators",
        method = "get",
        operation_id = "listSpaceModerators"
    )]
    async fn moderators(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
    ) -> ApiResult<Json<ModeratorList>> {
        viewer.require_admin()?;
        let slug = slug.0;
        let found = state
            .db
            .run(move |c| {
                let Some(category) = Category::find_by_slug(c, &slug)? else {
                    return Ok(None);
                };
                Ok(Some(Category::moderators(c, category.id)?))
            })
            .await?;
        let users = found.ok_or_else(|| ApiError::not_found("space"))?;
        Ok(Json(ModeratorList {
            items: users.iter().map(Member::from).collect(),
        }))
    }

    /// Make an active member a moderator of this space.
    #[oai(
        path = "/:slug/moderators/:user_id",
        method = "put",
        operation_id = "addSpaceModerator"
    )]
    async fn add_moderator(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
        user_id: Path<i64>,
        body: Json<ModeratorChange>,
    ) -> ApiResult<Json<ModeratorList>> {
        let actor = viewer.require_admin()?.id;
        let reason = optional_reason(body.0.reason)?;
        let (slug, user_id) = (slug.0, user_id.0);
        let users = state
            .db
            .run(move |c| {
                let Some(category) = Category::find_by_slug(c, &slug)? else {
                    return Ok(Err(ApiError::not_found("space")));
                };
                let Some(member) = User::find(c, UserId(user_id))? else {
                    return Ok(Err(ApiError::not_found("member")));
                };
                if member.status() != MemberStatus::Active || member.suspended_now().is_some() {
                    return Ok(Err(ApiError::field(
                        "user_id",
                        "Only an active, unsuspended member can moderate a space",
                    )));
                }
                c.write_transaction::<_, DbError, _>(|c| {
                    if Category::add_moderator(c, category.id, member.id)? {
                        let details = serde_json::json!({"space": category.slug}).to_string();
                        let entry =
                            NewAudit::member(Some(actor), "space.moderator_added", member.id)
                                .reason(reason.as_deref())
                                .details(&details);
                        entry.write(c)?;
                    }
                    Ok(())
                })?;
                Ok(Ok(Category::moderators(c, category.id)?))
            })
            .await??;
        Ok(Json(ModeratorList {
            items: users.iter().map(Member::from).collect(),
        }))
    }

    /// Stop a member moderating this space.
    #[oai(
        path = "/:slug/moderators/:user_id",
        method = "delete",
        operation_id = "removeSpaceModerator"
    )]
    async fn remove_moderator(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
        user_id: Path<i64>,
        body: Json<ModeratorChange>,
    ) -> ApiResult<NoContent> {
        let actor = viewer.require_admin()?.id;
        let reason = optional_reason(body.0.reason)?;
        let (slug, user_id) = (slug.0, user_id.0);
        state
            .db
            .run(move |c| {
                let Some(category) = Category::find_by_slug(c, &slug)? else {
                    return Ok(Err(ApiError::not_found("space")));
                };
                let removed = c.write_transaction::<_, DbError, _>(|c| {
                    let removed = Category::remove_moderator(c, category.id, user_id)?;
                    if removed {
                        let details = serde_json::json!({"space": category.slug}).to_string();
                        NewAudit::member(Some(actor), "space.moderator_removed", user_id)
                            .reason(reason.as_deref())
                            .details(&details)
                            .write(c)?;
                    }
                    Ok(removed)
                })?;
                if removed {
                    Ok(Ok(()))
                } else {
                    Ok(Err(ApiError::not_found("moderator of this space")))
                }
            })
            .await??;
        Ok(NoContent::NoContent)
    }
}

fn optional_reason(raw: Option<String>) -> ApiResult<Option<String>> {
    match raw.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(r) => crate::validate::reason(&r)
            .map(Some)
            .map_err(|m| ApiError::field("reason", m)),
    }
}
