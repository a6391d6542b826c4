//! Administering spaces (admins): creating, editing, ordering and archiving them. Every change is
//! audited in its transaction.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};

use super::categories::{Space, SpaceList, space};
use crate::auth::Viewer;
use crate::db::DbError;
use crate::db::audit::NewAudit;
use crate::db::forum::Category;
use crate::db::now;
use crate::db::spaces::{CategoryUpdate, NewCategory};
use crate::error::{ApiError, ApiResult, Validation};
use crate::state::AppState;

#[derive(Tags)]
enum Tag {
    /// Administering spaces and their moderators (admins).
    SpacesAdmin,
}

#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "lowercase")]
pub enum SpaceKind {
    Region,
    Topic,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct NewSpaceRequest {
    /// Lower-case letters, digits and hyphens, 2 to 60 characters; it can't change later.
    pub slug: String,
    pub name: String,
    #[oai(default)]
    pub description: String,
    pub kind: SpaceKind,
    #[oai(default)]
    pub pre_moderated: bool,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct SpaceChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub pre_moderated: Option<bool>,
    /// Archived spaces leave every list and take no new threads or replies.
    pub archived: Option<bool>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct SpaceOrder {
    /// Spaces in the order to show them; spaces left out keep their order after these.
    pub slugs: Vec<String>,
}

#[derive(ApiResponse)]
pub enum SpaceCreated {
    #[oai(status = 201)]
    Created(Json<Space>),
}

pub struct SpacesAdminApi;

#[OpenApi(prefix_path = "/categories", tag = "Tag::SpacesAdmin")]
impl SpacesAdminApi {
    /// Put the spaces in order.
    #[oai(path = "/order", method = "put", operation_id = "orderSpaces")]
    async fn order(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        body: Json<SpaceOrder>,
    ) -> ApiResult<Json<SpaceList>> {
        let actor = viewer.require_admin()?.id;
        let slugs: Vec<String> = body.0.slugs.iter().map(|s| s.trim().to_owned()).collect();
        if slugs.is_empty() || slugs.len() > 500 {
            return Err(ApiError::field("slugs", "List the spaces in order"));
        }
        for (i, s) in slugs.iter().enumerate() {
            if slugs[..i].contains(s) {
                return Err(ApiError::field("slugs", format!("{s} is listed twice")));
            }
        }
        let spaces = state
            .db
            .run(move |c| {
                let all = Category::list_all(c)?;
                let mut ids = Vec::with_capacity(slugs.len());
                for s in &slugs {
                    match all.iter().find(|c| &c.slug == s) {
                        Some(found) => ids.push(found.id),
                        None => {
                            return Ok(Err(ApiError::field(
                                "slugs",
                                format!("There is no space {s}"),
                            )));
                        }
                    }
                }
                c.write_transaction::<_, DbError, _>(|c| {
                    Category::reorder(c, &ids)?;
                    let details = serde_json::to_string(&slugs).unwrap_or_default();
                    let mut entry =
                        NewAudit::member(Some(actor), "space.reordered", 0).details(&details);
                    entry.target_type = "category";
                    entry.target_id = None;
                    entry.write(c)
                })?;
                let counts = Category::visible_thread_counts(c)?;
                Ok(Ok((Category::list_all(c)?, counts)))
            })
            .await??;
        Ok(Json(space_list(spaces)))
    }

    /// Change a space's name, description, pre-moderation, or archive it (and back).
    #[oai(path = "/:slug", method = "patch", operation_id = "updateSpace")]
    async fn update(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
        body: Json<SpaceChanges>,
    ) -> ApiResult<Json<Space>> {
        let actor = viewer.require_admin()?.id;
        if body.name.is_none()
            && body.description.is_none()
            && body.pre_moderated.is_none()
            && body.archived.is_none()
        {
            return Err(ApiError::field("name", "Say what to change"));
        }
        let mut v = Validation::default();
        let name = body
            .name
            .as_deref()
            .and_then(|n| v.check("name", check_name(n)));
        let description = body
            .description
            .as_deref()
            .and_then(|d| v.check("description", check_description(d)));
        v.finish()?;
        let changes = CategoryUpdate {
            name,
            description,
            pre_moderated: body.pre_moderated,
            archived: body.archived,
            updated_at: Some(now()),
        };
        let slug = slug.0;
        let updated = state
            .db
            .run(move |c| {
                let Some(before) = Category::find_by_slug(c, &slug)? else {
                    return Ok(None);
                };
                let updated = c.write_transaction::<_, DbError, _>(|c| {
                    let updated = Category::update(c, before.id, &changes)?;
                    let action = match (before.archived, updated.archived) {
                        (false, true) => "space.archived",
                        (true, false) => "space.restored",
                        _ => "space.updated",
                    };
                    let details = serde_json::json!({
                        "slug": updated.slug,
                        "name": changes.name,
                        "description": changes.description.as_ref().map(|_| "changed"),
                        "pre_moderated": changes.pre_moderated,
                        "archived": changes.archived,
                    })
                    .to_string();
                    audit(c, actor, action, updated.id, None, &details)?;
                    Ok(updated)
                })?;
                let count = Category::visible_thread_counts(c)?
                    .into_iter()
                    .find(|(id, _)| *id == updated.id)
                    .map_or(0, |(_, n)| n);
                Ok(Some((updated, count)))
            })
            .await?;
        let (updated, count) = updated.ok_or_else(|| ApiError::not_found("space"))?;
        Ok(Json(space(updated, count)))
    }
}

/// Adds a space after the others (`POST /api/categories`, served by `CategoriesApi` because two
/// API structs can't share a path in the OpenAPI document).
pub async fn create_space(
    state: &AppState,
    viewer: &Viewer,
    body: NewSpaceRequest,
) -> ApiResult<SpaceCreated> {
    let actor = viewer.require_admin()?.id;
    let mut v = Validation::default();
    let slug = v.check("slug", check_slug(&body.slug));
    let name = v.check("name", check_name(&body.name));
    let description = v.check("description", check_description(&body.description));
    v.finish()?;
    let (slug, name, description) = (
        slug.unwrap_or_default(),
        name.unwrap_or_default(),
        description.unwrap_or_default(),
    );
    let kind = match body.kind {
        SpaceKind::Region => "region",
        SpaceKind::Topic => "topic",
    };
    let pre_moderated = body.pre_moderated;
    let created = state
        .db
        .run(move |c| {
            if Category::find_by_slug(c, &slug)?.is_some() {
                return Ok(None);
            }
            let created = c.write_transaction::<_, DbError, _>(|c| {
                let at = now();
                let position = Category::next_position(c)?;
                let created = Category::insert(
                    c,
                    &NewCategory {
                        slug: &slug,
                        name: &name,
                        description: &description,
                        kind,
                        position,
                        pre_moderated,
                        archived: false,
                        created_at: at,
                        updated_at: at,
                    },
                )?;
                audit(c, actor, "space.created", created.id, None, &created.slug)?;
                Ok(created)
            });
            match created {
                Ok(created) => Ok(Some(created)),
                // Another admin took the slug a moment ago.
                Err(e) if e.is_unique_violation() => Ok(None),
                Err(e) => Err(e),
            }
        })
        .await?;
    let created = created.ok_or_else(slug_taken)?;
    Ok(SpaceCreated::Created(Json(space(created, 0))))
}

fn audit(
    c: &mut crate::db::DbConn,
    actor: i64,
    action: &str,
    category_id: i64,
    reason: Option<&str>,
    details: &str,
) -> Result<(), DbError> {
    let mut entry = NewAudit::member(Some(actor), action, category_id)
        .reason(reason)
        .details(details);
    entry.target_type = "category";
    entry.write(c)
}

pub fn space_list((spaces, counts): (Vec<Category>, Vec<(i64, i64)>)) -> SpaceList {
    SpaceList {
        items: spaces
            .into_iter()
            .map(|s| {
                let n = counts
                    .iter()
                    .find(|(id, _)| *id == s.id)
                    .map_or(0, |(_, n)| *n);
                space(s, n)
            })
            .collect(),
    }
}

fn slug_taken() -> ApiError {
    ApiError::conflict(
        "A space with this slug already exists.",
        vec![crate::error::FieldError {
            field: "slug".into(),
            message: "Choose another slug: this one is taken".into(),
        }],
    )
}

/// Lower-case letters, digits and single hyphens, 2 to 60 characters, starting with a letter or
/// digit.
pub fn check_slug(raw: &str) -> Result<String, String> {
    let slug = raw.trim();
    let n = slug.chars().count();
    if !(2..=60).contains(&n) {
        return Err("The slug must be 2 to 60 characters".into());
    }
    if !slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err("Use only lower-case letters, digits and hyphens".into());
    }
    if slug.starts_with('-') || slug.ends_with('-') || slug.contains("--") {
        return Err("Hyphens go between letters or digits, one at a time".into());
    }
    // `order` is taken by the ordering endpoint.
    if slug == "order" {
        return Err("That slug is reserved".into());
    }
    Ok(slug.to_owned())
}

fn check_name(raw: &str) -> Result<String, String> {
    let name = crate::validate::short_text(raw, 80, "Enter a name")?;
    if name.chars().count() < 2 {
        return Err("The name must be at least 2 characters".into());
    }
    Ok(name)
}

fn check_description(raw: &str) -> Result<String, String> {
    let text = raw.trim();
    if text.chars().count() > 500 {
        return Err("The description must be 500 characters or fewer".into());
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("The description must not contain control characters".into());
    }
    Ok(text.to_owned())
}
