//! Flags: members telling moderators that a post needs a look. Enough of them hide the post
//! until a moderator has reviewed it.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};

use crate::auth::Viewer;
use crate::db::DbError;
use crate::db::flags::{FlagReason, PostFlag};
use crate::db::forum::{Post, Thread};
use crate::error::{ApiError, ApiResult};
use crate::forum::visibility;
use crate::state::AppState;

#[derive(Tags)]
enum Tag {
    /// Flagging posts for moderators.
    Flags,
}

#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "snake_case")]
pub enum FlagReasonParam {
    /// It could identify a person who uses services.
    IdentifiesPerson,
    Disrespectful,
    Spam,
    OffTopic,
    /// Say what in `details`.
    Other,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct FlagRequest {
    pub reason: FlagReasonParam,
    /// Required for `other`; at most 500 characters.
    pub details: Option<String>,
}

#[derive(Object)]
pub struct FlagCreated {
    pub id: i64,
}

#[derive(ApiResponse)]
pub enum FlagResponse {
    /// Flagged; moderators will look at it.
    #[oai(status = 201)]
    Created(Json<FlagCreated>),
}

pub struct FlagsApi;

#[OpenApi(tag = "Tag::Flags")]
impl FlagsApi {
    /// Flag a post you can see for moderators (once per post; not your own).
    #[oai(path = "/posts/:id/flags", method = "post", operation_id = "flagPost")]
    async fn flag(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<FlagRequest>,
    ) -> ApiResult<FlagResponse> {
        let user = viewer.require_writer()?.clone();
        let reason = match body.reason {
            FlagReasonParam::IdentifiesPerson => FlagReason::IdentifiesPerson,
            FlagReasonParam::Disrespectful => FlagReason::Disrespectful,
            FlagReasonParam::Spam => FlagReason::Spam,
            FlagReasonParam::OffTopic => FlagReason::OffTopic,
            FlagReasonParam::Other => FlagReason::Other,
        };
        let details = body
            .0
            .details
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty());
        if reason == FlagReason::Other && details.is_none() {
            return Err(ApiError::field(
                "details",
                "Say what is wrong with the post",
            ));
        }
        if let Some(d) = &details {
            if d.chars().count() > 500 {
                return Err(ApiError::field(
                    "details",
                    "Details must be 500 characters or fewer",
                ));
            }
            if d.chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
            {
                return Err(ApiError::field(
                    "details",
                    "Details must not contain control characters",
                ));
            }
        }
        let id = id.0;
        let created = state
            .db
            .run(move |c| {
                let Some(post) = Post::find(c, id)? else {
                    return Ok(Err(ApiError::not_found("post")));
                };
                let Some(thread) = Thread::find(c, post.thread_id)? else {
                    return Ok(Err(ApiError::not_found("post")));
                };
                let v = visibility(c, &user, thread.category_id)?;
                if !thread.visible_to(v) || !post.visible_to(v) {
                    return Ok(Err(ApiError::not_found("post")));
                }
                if post.author_id == user.id {
                    return Ok(Err(ApiError::forbidden(
                        "own-post",
                        "You can't flag your own post",
                        "Edit or delete it instead.",
                    )));
                }
                let flag = c.write_transaction::<_, DbError, _>(|c| {
                    // Flags on one post are counted one transaction at a time, so the one that
                    // reaches the threshold sees all the others.
                    crate::db::moderation::lock_post(c, post.id)?;
                    if PostFlag::exists(c, post.id, user.id)? {
                        return Ok(None);
                    }
                    let flag_id = match PostFlag::insert(
                        c,
                        post.id,
                        Some(user.id),
                        reason,
                        details.as_deref(),
                    ) {
                        Ok(id) => id,
                        Err(e) if e.is_unique_violation() => return Ok(None),
                        Err(e) => return Err(e),
                    };
                    crate::moderation::hide_if_flagged_enough(c, post.id)?;
                    Ok(Some(flag_id))
                })?;
                Ok(flag.ok_or_else(|| {
                    ApiError::conflict("You have already flagged this post.", vec![])
                }))
            })
            .await??;
        Ok(FlagResponse::Created(Json(FlagCreated { id: created })))
    }
}
