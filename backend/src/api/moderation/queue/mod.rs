//! The review queue: held posts and threads, flagged posts, pending members and appeals, derived
//! from the content tables (so it can never disagree with them), with claims and decisions.
//!
//! An item's id names what it is about: `post-<post id>` (held or flagged), `member-<user id>`,
//! `appeal-<appeal id>`. It stays the same for as long as the item is open.

mod decide;
mod items;

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};

use self::decide::{decide_appeal, decide_post};
use self::items::{Entry, ItemKey, entries, item, parse_cursor, person, visible_entry};
use super::{ActionResult, PersonRef, SpaceRef, Tag, moderator_scope};
use crate::api::auth::NoContent;
use crate::api::page_limit;
use crate::api::posts::CaseFinding;
use crate::auth::Viewer;
use crate::db::DbError;
use crate::db::audit::{AuditFilter, AuditRow};
use crate::db::forum::Category;
use crate::db::moderation::Claim;
use crate::error::{ApiError, ApiResult};
use crate::model::{MemberStatus, Region};
use crate::state::AppState;

/// What a queue item asks of a moderator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum ItemKind {
    /// A post (or, for a first post, a thread) held when it was written.
    Held,
    /// A post with open flags, including watched-word flags and posts hidden by flags.
    Flagged,
    /// A member waiting for approval (global moderators only).
    Member,
    /// A member's appeal against a decision.
    Appeal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum DecisionAction {
    Approve,
    Reject,
    Hide,
    Redact,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct DecisionRequest {
    /// Posts: any; members: approve or reject (decline); appeals: approve (overturn) or reject
    /// (uphold).
    pub action: DecisionAction,
    /// Why (required, at most 500 characters).
    pub reason: Option<String>,
    /// Sent to the author instead of our own wording.
    pub message: Option<String>,
}

#[derive(Object)]
pub struct FlagView {
    /// `identifies_person`, `disrespectful`, `spam`, `off_topic`, `other` or `watched_word`.
    pub reason: String,
    /// The flagger's words (for `other`), or the watched word.
    pub details: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct PendingMember {
    pub id: i64,
    pub display_name: String,
    pub email: String,
    pub organisation: String,
    pub job_role: String,
    pub region: Region,
}

#[derive(Object)]
pub struct AppealedDecision {
    pub log_id: i64,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub actor: Option<PersonRef>,
    pub created_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct AppealView {
    pub id: i64,
    pub text: String,
    pub appellant: PersonRef,
    pub decision: AppealedDecision,
}

/// What the moderator needs to decide.
#[derive(Object, Default)]
pub struct ItemSummary {
    pub thread_id: Option<i64>,
    pub thread_title: Option<String>,
    pub post_id: Option<i64>,
    /// A first post stands for its thread: approving it publishes the thread.
    pub is_first_post: Option<bool>,
    pub author: Option<PersonRef>,
    /// The post as it would be shown (sanitised when it was written).
    pub body_html: Option<String>,
    /// The post's status now (`held`, `visible`, `hidden`).
    pub status: Option<String>,
    pub held_reason: Option<String>,
    /// What the case-information guard finds in the post (and a first post's title) now.
    pub findings: Vec<CaseFinding>,
    pub flags: Vec<FlagView>,
    pub flag_count: i64,
    pub member: Option<PendingMember>,
    pub appeal: Option<AppealView>,
}

#[derive(Object)]
pub struct QueueItem {
    /// Stable while the item is open: `post-12`, `member-3`, `appeal-5`.
    pub id: String,
    pub kind: ItemKind,
    /// The space (members have none).
    pub space: Option<SpaceRef>,
    pub summary: ItemSummary,
    pub claimed_by: Option<PersonRef>,
    /// When the item entered the queue (written, first flagged, registered, appealed).
    pub created_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub next_cursor: Option<String>,
}

#[derive(Object)]
pub struct ClaimView {
    pub id: String,
    pub claimed_by: PersonRef,
}

pub struct ModerationQueueApi;

#[OpenApi(prefix_path = "/moderation/queue", tag = "Tag::Moderation")]
impl ModerationQueueApi {
    /// The review queue, oldest first, limited to the spaces the viewer moderates.
    #[oai(path = "/", method = "get", operation_id = "listModerationQueue")]
    async fn list(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        space: Query<Option<String>>,
        kind: Query<Option<ItemKind>>,
        cursor: Query<Option<String>>,
        limit: Query<Option<i64>>,
    ) -> ApiResult<Json<QueuePage>> {
        let user = viewer.require_writer()?.clone();
        let limit = page_limit(limit.0)?;
        let after = parse_cursor(cursor.0.as_deref())?;
        let slug = space
            .0
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        let kind = kind.0;
        let page = state
            .db
            .run(move |c| {
                let scope = match moderator_scope(c, &user)? {
                    Ok(s) => s,
                    Err(e) => return Ok(Err(e)),
                };
                let space = match &slug {
                    Some(slug) => match Category::find_by_slug(c, slug)? {
                        Some(s) => Some(s.id),
                        None => return Ok(Err(ApiError::field("space", "No such space"))),
                    },
                    None => None,
                };
                let mut chosen: Vec<Entry> = entries(c)?
                    .into_iter()
                    .filter(|e| e.visible_to(&scope))
                    .filter(|e| space.is_none() || e.category_id == space)
                    .filter(|e| kind.is_none_or(|k| e.kind == k))
                    .filter(|e| after.as_ref().is_none_or(|a| e.sort_key() > *a))
                    .take(limit as usize + 1)
                    .collect();
                let more = chosen.len() as i64 > limit;
                chosen.truncate(limit as usize);
                let next_cursor = if more {
                    chosen.last().map(|e| {
                        format!(
                            "{}~{}",
                            e.created_at.and_utc().timestamp_micros(),
                            e.key.text()
                        )
                    })
                } else {
                    None
                };
                let items = chosen
                    .iter()
                    .map(|e| item(c, e))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Ok(QueuePage { items, next_cursor }))
            })
            .await??;
        Ok(Json(page))
    }

    /// Claim an item so other moderators know it is being looked at. Claiming an item someone
    /// else holds is refused (409), except for admins, who take it over.
    #[oai(path = "/:id/claim", method = "post", operation_id = "claimQueueItem")]
    async fn claim(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<String>,
    ) -> ApiResult<Json<ClaimView>> {
        let user = viewer.require_writer()?.clone();
        let raw = id.0;
        let claimed = state
            .db
            .run(move |c| {
                let scope = match moderator_scope(c, &user)? {
                    Ok(s) => s,
                    Err(e) => return Ok(Err(e)),
                };
                let e = match visible_entry(c, &scope, &raw)? {
                    Ok(e) => e,
                    Err(err) => return Ok(Err(err)),
                };
                let key = e.key.text();
                c.write_transaction::<_, DbError, _>(|c| {
                    if let Some(existing) = Claim::find(c, &key)?
                        && existing.user_id != user.id
                        && !scope.admin
                    {
                        let name = person(c, Some(existing.user_id))?.map(|p| p.name);
                        return Ok(Err(ApiError::conflict(
                            format!(
                                "{} is already working on this item.",
                                name.unwrap_or_else(|| "Another moderator".into())
                            ),
                            vec![],
                        )));
                    }
                    Claim::put(c, &key, user.id)?;
                    Ok(Ok(ClaimView {
                        id: key.clone(),
                        claimed_by: PersonRef {
                            id: user.id,
                            name: user.display_name.clone(),
                        },
                    }))
                })
            })
            .await??;
        Ok(Json(claimed))
    }

    /// Release a claim (your own; admins may release anyone's).
    #[oai(
        path = "/:id/claim",
        method = "delete",
        operation_id = "releaseQueueItem"
    )]
    async fn release(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<String>,
    ) -> ApiResult<NoContent> {
        let user = viewer.require_writer()?.clone();
        let raw = id.0;
        state
            .db
            .run(move |c| {
                let scope = match moderator_scope(c, &user)? {
                    Ok(s) => s,
                    Err(e) => return Ok(Err(e)),
                };
                let e = match visible_entry(c, &scope, &raw)? {
                    Ok(e) => e,
                    Err(err) => return Ok(Err(err)),
                };
                let key = e.key.text();
                if let Some(existing) = Claim::find(c, &key)? {
                    if existing.user_id != user.id && !scope.admin {
                        return Ok(Err(ApiError::conflict(
                            "Another moderator is working on this item.",
                            vec![],
                        )));
                    }
                    Claim::release(c, &key)?;
                }
                Ok(Ok(()))
            })
            .await??;
        Ok(NoContent::NoContent)
    }

    /// Decide an item. Every decision writes its log entry, resolves the item and its flags,
    /// and tells the author and the flaggers, in one transaction.
    #[oai(
        path = "/:id/decision",
        method = "post",
        operation_id = "decideQueueItem"
    )]
    async fn decide(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<String>,
        body: Json<DecisionRequest>,
    ) -> ApiResult<Json<ActionResult>> {
        let user = viewer.require_writer()?.clone();
        let (reason, message) =
            super::reason_and_message(body.reason.as_deref(), body.message.as_deref())?;
        let action = body.action;
        let raw = id.0;
        let found = {
            let user = user.clone();
            state
                .db
                .run(move |c| {
                    let scope = match moderator_scope(c, &user)? {
                        Ok(s) => s,
                        Err(e) => return Ok(Err(e)),
                    };
                    visible_entry(c, &scope, &raw)
                })
                .await??
        };
        if matches!(found.kind, ItemKind::Member | ItemKind::Appeal)
            && matches!(action, DecisionAction::Hide | DecisionAction::Redact)
        {
            return Err(ApiError::field(
                "action",
                "Choose approve or reject for this item",
            ));
        }
        let result = match found.key {
            ItemKey::Member(member_id) => {
                let user = match action {
                    DecisionAction::Approve => {
                        crate::api::members::approve_pending(
                            &state,
                            user.id,
                            member_id,
                            Some(reason),
                        )
                        .await?
                    }
                    _ => {
                        crate::api::members::decline_pending(&state, user.id, member_id, reason)
                            .await?
                    }
                };
                let action_name = if user.status() == MemberStatus::Active {
                    "member.approved"
                } else {
                    "member.declined"
                };
                let log_id = state
                    .db
                    .run(move |c| {
                        let rows = AuditRow::list(
                            c,
                            &AuditFilter {
                                action: Some(action_name.into()),
                                target_id: Some(member_id),
                                limit: 1,
                                ..Default::default()
                            },
                        )?;
                        Ok(rows.first().map_or(0, |r| r.id))
                    })
                    .await?;
                ActionResult {
                    log_id,
                    status: user.status,
                    note: None,
                }
            }
            ItemKey::Post(post_id) => {
                state
                    .db
                    .run(move |c| {
                        decide_post(c, &user, post_id, action, &reason, message.as_deref())
                    })
                    .await??
            }
            ItemKey::Appeal(appeal_id) => {
                state
                    .db
                    .run(move |c| {
                        decide_appeal(c, &user, appeal_id, action, &reason, message.as_deref())
                    })
                    .await??
            }
        };
        Ok(Json(result))
    }
}
