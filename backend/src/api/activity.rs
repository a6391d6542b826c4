//! Latest activity for the signed-in home page: recent threads across the spaces a member can
//! see, their own region's space first.

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use super::categories::{ThreadSummary, summary};
use super::page_limit;
use crate::auth::Viewer;
use crate::db::forum::{Category, Thread};
use crate::db::users::User;
use crate::error::ApiResult;
use crate::state::AppState;

#[derive(Tags)]
enum Tag {
    /// What has happened lately across the spaces.
    Activity,
}

#[derive(Object)]
pub struct ActivityFeed {
    /// The slug of the viewer's regional space, when their region has one.
    pub region_space: Option<String>,
    /// Threads from the viewer's regional space first, then the other spaces, each part by
    /// latest activity. Held threads appear only to their author, with `status` `held`.
    pub items: Vec<ThreadSummary>,
}

pub struct ActivityApi;

#[OpenApi(prefix_path = "/activity", tag = "Tag::Activity")]
impl ActivityApi {
    /// Recent threads across the open spaces: visible ones, and the viewer's own held ones.
    #[oai(path = "/", method = "get", operation_id = "listActivity")]
    async fn list(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        limit: Query<Option<i64>>,
    ) -> ApiResult<Json<ActivityFeed>> {
        let user = viewer.require_member()?.clone();
        let limit = page_limit(limit.0.or(Some(10)))?;
        let region = user.region().as_str().to_owned();
        let (region_space, items, names) = state
            .db
            .run(move |c| {
                let region_space = Category::find_by_slug(c, &region)?
                    .filter(|s| !s.archived && s.kind == "region");
                let region_id = region_space.as_ref().map(|s| s.id);
                let own = match region_id {
                    Some(id) => Thread::recent(c, user.id, Some(id), None, limit)?,
                    None => Vec::new(),
                };
                let others = Thread::recent(c, user.id, None, region_id, limit)?;
                let items = region_first(own, others, limit as usize);
                let ids: Vec<i64> = items.iter().map(|(t, _)| t.author_id).collect();
                let names = User::names(c, &ids)?;
                Ok((region_space.map(|s| s.slug), items, names))
            })
            .await?;
        Ok(Json(ActivityFeed {
            region_space,
            items: items
                .into_iter()
                .map(|(t, slug)| summary(t, &slug, &names))
                .collect(),
        }))
    }
}

/// The region's threads first, but never more than half the page when other spaces have
/// threads to show too, so the feed always says what is happening elsewhere.
fn region_first<T>(mut own: Vec<T>, mut others: Vec<T>, limit: usize) -> Vec<T> {
    let others_wanted = others.len().min(limit / 2);
    own.truncate(limit.saturating_sub(others_wanted));
    others.truncate(limit.saturating_sub(own.len()));
    own.extend(others);
    own
}

#[cfg(test)]
mod tests {
    use super::region_first;

    #[test]
    fn the_region_comes_first_and_leaves_room_for_other_spaces() {
        assert_eq!(
            region_first(vec![1, 2, 3], vec![7, 8, 9], 4),
            vec![1, 2, 7, 8]
        );
        assert_eq!(region_first(vec![1, 2, 3], vec![], 4), vec![1, 2, 3]);
        assert_eq!(
            region_first(vec![1], vec![7, 8, 9, 10], 4),
            vec![1, 7, 8, 9]
        );
        assert_eq!(
            region_first(vec![1, 2, 3, 4, 5], vec![7], 4),
            vec![1, 2, 3, 7]
        );
        assert_eq!(region_first(Vec::<i32>::new(), vec![7, 8], 1), vec![7]);
    }
}
