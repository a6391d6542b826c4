//! Collections: curated, ordered sets of resources in sections. Published (and archived)
//! collections are public; drafts only reach curators. Items hide resources the viewer may not
//! see.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};

use super::resources::{Person, ResourceSummary, reader, summaries};
use super::utc;
use crate::auth::Viewer;
use crate::db::library::{CollectionRow, ResourceRow};
use crate::db::users::User;
use crate::db::{DbConn, DbError};
use crate::error::{ApiError, ApiResult};
use crate::library::collections::{self as lib, CollectionInput, ItemInput, SectionInput};
use crate::library::resources::Resource;
use crate::library::{LibraryError, can_see, is_curator};
use crate::state::AppState;

#[derive(Tags)]
enum Tag {
    /// Curated collections of resources.
    Collections,
}

#[derive(Object)]
pub struct CollectionSummary {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub status: String,
    pub featured: bool,
    pub is_demo: bool,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Object)]
pub struct CollectionList {
    pub items: Vec<CollectionSummary>,
}

#[derive(Object)]
pub struct CollectionItemView {
    pub resource: ResourceSummary,
    pub note: Option<String>,
}

#[derive(Object)]
pub struct CollectionSectionView {
    pub title: String,
    pub intro_markdown: String,
    pub intro_html: String,
    pub items: Vec<CollectionItemView>,
}

#[derive(Object)]
pub struct CollectionView {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub intro_markdown: String,
    /// Sanitised HTML.
    pub intro_html: String,
    pub status: String,
    pub featured: bool,
    pub is_demo: bool,
    pub owner: Option<Person>,
    pub sections: Vec<CollectionSectionView>,
    pub can_edit: bool,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct ItemRequest {
    /// The resource's slug.
    pub resource: String,
    pub note: Option<String>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct SectionRequest {
    pub title: Option<String>,
    pub intro_markdown: Option<String>,
    pub items: Option<Vec<ItemRequest>>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct CollectionRequest {
    pub title: Option<String>,
    pub slug: Option<String>,
    pub summary: Option<String>,
    /// Markdown.
    pub intro_markdown: Option<String>,
    /// draft, published or archived.
    pub status: Option<String>,
    pub featured: Option<bool>,
    pub is_demo: Option<bool>,
    /// In order; each section's items in order. Replaces what is there.
    pub sections: Option<Vec<SectionRequest>>,
}

#[derive(ApiResponse)]
pub enum CreatedCollection {
    #[oai(status = 201)]
    Created(Json<CollectionView>),
}

fn to_input(r: CollectionRequest) -> CollectionInput {
    CollectionInput {
        title: r.title.unwrap_or_default(),
        slug: r.slug,
        summary: r.summary.unwrap_or_default(),
        intro_markdown: r.intro_markdown.unwrap_or_default(),
        status: r.status.unwrap_or_default(),
        featured: r.featured.unwrap_or(false),
        is_demo: r.is_demo.unwrap_or(false),
        sections: r
            .sections
            .unwrap_or_default()
            .into_iter()
            .map(|s| SectionInput {
                title: s.title.unwrap_or_default(),
                intro_markdown: s.intro_markdown.unwrap_or_default(),
                items: s
                    .items
                    .unwrap_or_default()
                    .into_iter()
                    .map(|i| ItemInput {
                        resource: i.resource,
                        note: i.note,
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn collection_visible(viewer: Option<&User>, c: &CollectionRow) -> bool {
    c.status != "draft" || is_curator(viewer)
}

fn view(
    c: &mut DbConn,
    viewer: Option<&User>,
    row: CollectionRow,
) -> Result<CollectionView, DbError> {
    let sections = CollectionRow::sections(c, row.id)?;
    let ids: Vec<i64> = sections
        .iter()
        .flat_map(|(_, items)| items.iter().map(|i| i.resource_id))
        .collect();
    let visible_rows: Vec<ResourceRow> = ResourceRow::find_many(c, &ids)?
        .into_iter()
        .filter(|r| can_see(viewer, r))
        .collect();
    let resources = Resource::load_many(c, visible_rows)?;
    let loaded = summaries(c, viewer, resources)?;
    let owner = match row.owner_id {
        Some(id) => User::names(c, &[id])?
            .pop()
            .map(|(id, display_name)| Person { id, display_name }),
        None => None,
    };
    let sections = sections
        .into_iter()
        .map(|(s, items)| CollectionSectionView {
            title: s.title,
            intro_markdown: s.intro_markdown,
            intro_html: s.intro_html,
            items: items
                .into_iter()
                .filter_map(|i| {
                    loaded
                        .iter()
                        .find(|r| r.id == i.resource_id)
                        .map(|r| CollectionItemView {
                            resource: r.clone(),
                            note: i.note,
                        })
                })
                .collect(),
        })
        .collect();
    Ok(CollectionView {
        slug: row.slug,
        title: row.title,
        summary: row.summary,
        intro_markdown: row.intro_markdown,
        intro_html: row.intro_html,
        status: row.status,
        featured: row.featured,
        is_demo: row.is_demo,
        owner,
        sections,
        can_edit: is_curator(viewer),
        updated_at: utc(row.updated_at),
    })
}

pub struct CollectionsApi;

#[OpenApi(prefix_path = "/collections", tag = "Tag::Collections")]
impl CollectionsApi {
    /// Collections, featured first. Published ones for everyone; curators see drafts and
    /// archived ones too.
    #[oai(path = "/", method = "get", operation_id = "listCollections")]
    async fn list(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
    ) -> ApiResult<Json<CollectionList>> {
        let user = reader(&viewer);
        let rows = state
            .db
            .run(move |c| {
                let statuses: &[&str] = if is_curator(user.as_ref()) {
                    &[]
                } else {
                    &["published"]
                };
                CollectionRow::list(c, statuses)
            })
            .await?;
        Ok(Json(CollectionList {
            items: rows
                .into_iter()
                .map(|r| CollectionSummary {
                    slug: r.slug,
                    title: r.title,
                    summary: r.summary,
                    status: r.status,
                    featured: r.featured,
                    is_demo: r.is_demo,
                    updated_at: utc(r.updated_at),
                })
                .collect(),
        }))
    }

    /// Create a collection (curators).
    #[oai(path = "/", method = "post", operation_id = "createCollection")]
    async fn create(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        body: Json<CollectionRequest>,
    ) -> ApiResult<CreatedCollection> {
        let actor = viewer.require_writer()?.clone();
        if !actor.role().can_curate() {
            return Err(ApiError::not_allowed());
        }
        let input = to_input(body.0);
        let out = state
            .db
            .run(move |c| match lib::create(c, &actor, &input) {
                Ok(row) => Ok(Ok(view(c, Some(&actor), row)?)),
                Err(LibraryError::Db(e)) => Err(e),
                Err(e) => Ok(Err(e)),
            })
            .await??;
        Ok(CreatedCollection::Created(Json(out)))
    }

    /// One collection with its sections and the resources in them the viewer may see.
    #[oai(path = "/:slug", method = "get", operation_id = "getCollection")]
    async fn get(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
    ) -> ApiResult<Json<CollectionView>> {
        let user = reader(&viewer);
        let out = state
            .db
            .run(move |c| {
                match CollectionRow::find_by_slug(c, &slug.0)?
                    .filter(|r| collection_visible(user.as_ref(), r))
                {
                    Some(row) => Ok(Some(view(c, user.as_ref(), row)?)),
                    None => Ok(None),
                }
            })
            .await?;
        out.map(Json)
            .ok_or_else(|| ApiError::not_found("collection"))
    }

    /// Change a collection (curators): every field, sections and items replaced in order.
    #[oai(path = "/:slug", method = "put", operation_id = "updateCollection")]
    async fn update(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
        body: Json<CollectionRequest>,
    ) -> ApiResult<Json<CollectionView>> {
        let actor = viewer.require_writer()?.clone();
        if !actor.role().can_curate() {
            return Err(ApiError::not_allowed());
        }
        let input = to_input(body.0);
        let out = state
            .db
            .run(move |c| match lib::update(c, &actor, &slug.0, &input) {
                Ok(row) => Ok(Ok(view(c, Some(&actor), row)?)),
                Err(LibraryError::Db(e)) => Err(e),
                Err(e) => Ok(Err(e)),
            })
            .await??;
        Ok(Json(out))
    }
}
