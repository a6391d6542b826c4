//! Watching threads (told of every reply) and spaces (told of every new thread).

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use crate::auth::Viewer;
use crate::db::DbError;
use crate::db::forum::{Category, Thread};
use crate::db::watches::{CategoryWatch, ThreadWatch};
use crate::error::{ApiError, ApiResult};
use crate::forum::visibility;
use crate::state::AppState;

#[derive(Tags)]
enum Tag {
    /// Watching threads and spaces.
    Watching,
}

#[derive(Object)]
pub struct WatchState {
    pub watching: bool,
}

pub struct WatchingApi;

#[OpenApi(tag = "Tag::Watching")]
impl WatchingApi {
    /// Watch a thread: you are told of every reply.
    #[oai(
        path = "/threads/:id/watch",
        method = "put",
        operation_id = "watchThread"
    )]
    async fn watch_thread(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
    ) -> ApiResult<Json<WatchState>> {
        set_thread(&state, &viewer, id.0, true).await
    }

    /// Stop watching a thread. Replying in it again does not watch it again.
    #[oai(
        path = "/threads/:id/watch",
        method = "delete",
        operation_id = "unwatchThread"
    )]
    async fn unwatch_thread(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
    ) -> ApiResult<Json<WatchState>> {
        set_thread(&state, &viewer, id.0, false).await
    }

    /// Watch a space: you are told of every new thread in it.
    #[oai(
        path = "/categories/:slug/watch",
        method = "put",
        operation_id = "watchSpace"
    )]
    async fn watch_space(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
    ) -> ApiResult<Json<WatchState>> {
        set_space(&state, &viewer, slug.0, true).await
    }

    /// Stop watching a space.
    #[oai(
        path = "/categories/:slug/watch",
        method = "delete",
        operation_id = "unwatchSpace"
    )]
    async fn unwatch_space(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
    ) -> ApiResult<Json<WatchState>> {
        set_space(&state, &viewer, slug.0, false).await
    }
}

async fn set_thread(
    state: &AppState,
    viewer: &Viewer,
    thread_id: i64,
    watching: bool,
) -> ApiResult<Json<WatchState>> {
    let user = viewer.require_writer()?.clone();
    let result = state
        .db
        .run(move |c| {
            let Some(thread) = Thread::find(c, thread_id)? else {
                return Ok(false);
            };
            let v = visibility(c, &user, thread.category_id)?;
            if !thread.visible_to(v) {
                return Ok(false);
            }
            c.write_transaction::<_, DbError, _>(|c| {
                ThreadWatch::set(c, user.id, thread_id, watching)
            })?;
            Ok(true)
        })
        .await;
    match result {
        Ok(true) => Ok(Json(WatchState { watching })),
        Ok(false) => Err(ApiError::not_found("thread")),
        // Two requests at once: the other one did the same thing.
        Err(e) if e.is_unique_violation() => Ok(Json(WatchState { watching })),
        Err(e) => Err(e.into()),
    }
}

async fn set_space(
    state: &AppState,
    viewer: &Viewer,
    slug: String,
    watching: bool,
) -> ApiResult<Json<WatchState>> {
    let user = viewer.require_writer()?.clone();
    let result = state
        .db
        .run(move |c| {
            let Some(space) = Category::find_by_slug(c, slug.trim())?.filter(|s| !s.archived)
            else {
                return Ok(false);
            };
            CategoryWatch::set(c, user.id, space.id, watching)?;
            Ok(true)
        })
        .await;
    match result {
        Ok(true) => Ok(Json(WatchState { watching })),
        Ok(false) => Err(ApiError::not_found("space")),
        Err(e) if e.is_unique_violation() => Ok(Json(WatchState { watching })),
        Err(e) => Err(e.into()),
    }
}
