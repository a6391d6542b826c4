//! The review queue: held posts and threads, flagged posts, pending members and appeals, derived
//! from the content tables (so it can never disagree with them), with claims and decisions.
//!
//! An item's id names what it is about: `post-<post id>` (held or flagged), `member-<user id>`,
//! `appeal-<appeal id>`. It stays the same for as long as the item is open.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::Connection as _;
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};

use super::actions::{author_wording, redact_and_resolve, resolve_flags};
use super::{ActionResult, PersonRef, SpaceRef, Tag, moderator_scope, name_of};
use crate::api::auth::NoContent;
use crate::api::posts::{CaseFinding, finding};
use crate::api::{page_limit, utc};
use crate::auth::Viewer;
use crate::db::audit::{AuditFilter, AuditRow, NewAudit};
use crate::db::flags::{FlagOutcome, PostFlag};
use crate::db::forum::{Category, ContentStatus, Post, Thread, enqueue_search};
use crate::db::moderation::{self as queries, Appeal, AppealStatus, Claim};
use crate::db::notifications::{NewNotification, NotificationKind};
use crate::db::users::{User, UserId, UserUpdate};
use crate::db::{DbConn, DbError};
use crate::error::{ApiError, ApiResult};
use crate::forum::REASON_HIDDEN_BY_FLAGS;
use crate::model::{MemberStatus, Region};
use crate::moderation::{Scope, set_post_status, set_thread_status, tell_author};
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemKey {
    Post(i64),
    Member(i64),
    Appeal(i64),
}

impl ItemKey {
    fn parse(raw: &str) -> Option<ItemKey> {
        let (kind, id) = raw.trim().split_once('-')?;
        let id = id.parse::<i64>().ok().filter(|id| *id > 0)?;
        match kind {
            "post" => Some(ItemKey::Post(id)),
            "member" => Some(ItemKey::Member(id)),
            "appeal" => Some(ItemKey::Appeal(id)),
            _ => None,
        }
    }

    fn text(self) -> String {
        match self {
            ItemKey::Post(id) => format!("post-{id}"),
            ItemKey::Member(id) => format!("member-{id}"),
            ItemKey::Appeal(id) => format!("appeal-{id}"),
        }
    }
}

/// An open item: what, since when, and in which space.
#[derive(Debug, Clone)]
struct Entry {
    key: ItemKey,
    kind: ItemKind,
    created_at: NaiveDateTime,
    category_id: Option<i64>,
}

impl Entry {
    /// Space moderators see their spaces' items; pending members and appeals about accounts
    /// only reach global moderators.
    fn visible_to(&self, scope: &Scope) -> bool {
        match (self.kind, self.category_id) {
            (ItemKind::Member, _) | (_, None) => scope.global,
            (_, Some(category)) => scope.moderates(category),
        }
    }

    fn sort_key(&self) -> (NaiveDateTime, String) {
        (self.created_at, self.key.text())
    }
}

/// Every open item, oldest first.
fn entries(c: &mut DbConn) -> Result<Vec<Entry>, DbError> {
    let mut out = Vec::new();
    let held = queries::held_posts(c)?;
    for (post_id, at, category) in &held {
        out.push(Entry {
            key: ItemKey::Post(*post_id),
            kind: ItemKind::Held,
            created_at: *at,
            category_id: Some(*category),
        });
    }
    for (post_id, at, category) in PostFlag::open_posts(c)? {
        // A held post with flags (a watched word) is one item: it is held.
        if held.iter().any(|(id, _, _)| *id == post_id) {
            continue;
        }
        out.push(Entry {
            key: ItemKey::Post(post_id),
            kind: ItemKind::Flagged,
            created_at: at,
            category_id: Some(category),
        });
    }
    for (user_id, at) in queries::pending_members(c)? {
        out.push(Entry {
            key: ItemKey::Member(user_id),
            kind: ItemKind::Member,
            created_at: at,
            category_id: None,
        });
    }
    for (appeal, decision) in Appeal::open(c)? {
        out.push(Entry {
            key: ItemKey::Appeal(appeal.id),
            kind: ItemKind::Appeal,
            created_at: appeal.created_at,
            category_id: decision.category_id,
        });
    }
    out.sort_by_key(Entry::sort_key);
    Ok(out)
}

/// One item, if it is open.
fn entry(c: &mut DbConn, key: ItemKey) -> Result<Option<Entry>, DbError> {
    Ok(match key {
        ItemKey::Post(id) => {
            let Some(post) = Post::find(c, id)? else {
                return Ok(None);
            };
            let Some(thread) = Thread::find(c, post.thread_id)? else {
                return Ok(None);
            };
            if thread.status() == ContentStatus::Deleted {
                return Ok(None);
            }
            if post.status() == ContentStatus::Held {
                Some(Entry {
                    key,
                    kind: ItemKind::Held,
                    created_at: post.created_at,
                    category_id: Some(thread.category_id),
                })
            } else if post.status() == ContentStatus::Deleted {
                None
            } else {
                PostFlag::open_for_posts(c, &[id])?
                    .first()
                    .map(|flag| Entry {
                        key,
                        kind: ItemKind::Flagged,
                        created_at: flag.created_at,
                        category_id: Some(thread.category_id),
                    })
            }
        }
        ItemKey::Member(id) => User::find(c, UserId(id))?
            .filter(|u| u.status() == MemberStatus::Pending)
            .map(|u| Entry {
                key,
                kind: ItemKind::Member,
                created_at: u.created_at,
                category_id: None,
            }),
        ItemKey::Appeal(id) => match Appeal::find(c, id)? {
            Some(appeal) if appeal.status == AppealStatus::Open.as_str() => {
                let decision = AuditRow::find(c, appeal.audit_id)?;
                Some(Entry {
                    key,
                    kind: ItemKind::Appeal,
                    created_at: appeal.created_at,
                    category_id: decision.and_then(|d| d.category_id),
                })
            }
            _ => None,
        },
    })
}

/// The open item, if the viewer may see it; otherwise 404 (it is not in their queue).
fn visible_entry(
    c: &mut DbConn,
    scope: &Scope,
    raw: &str,
) -> Result<Result<Entry, ApiError>, DbError> {
    let Some(key) = ItemKey::parse(raw) else {
        return Ok(Err(ApiError::not_found("queue item")));
    };
    Ok(match entry(c, key)? {
        Some(e) if e.visible_to(scope) => Ok(e),
        _ => Err(ApiError::not_found("queue item")),
    })
}

fn person(c: &mut DbConn, id: Option<i64>) -> Result<Option<PersonRef>, DbError> {
    let Some(id) = id else { return Ok(None) };
    let names = User::names(c, &[id])?;
    Ok(Some(PersonRef {
        id,
        name: name_of(&names, id),
    }))
}

/// The full item for the page.
fn item(c: &mut DbConn, e: &Entry) -> Result<QueueItem, DbError> {
    let mut summary = ItemSummary::default();
    match e.key {
        ItemKey::Post(id) => {
            if let Some(post) = Post::find(c, id)? {
                let thread = Thread::find(c, post.thread_id)?;
                let mut findings = Vec::new();
                if !post.redacted {
                    findings.extend(crate::content::case_guard::scan(&post.body_markdown));
                    if let (true, Some(t)) = (post.is_first, &thread) {
                        findings.extend(crate::content::case_guard::scan(&t.title));
                    }
                }
                let flags = PostFlag::open_for_posts(c, &[id])?;
                summary = ItemSummary {
                    thread_id: Some(post.thread_id),
                    thread_title: thread.map(|t| t.title),
                    post_id: Some(post.id),
                    is_first_post: Some(post.is_first),
                    author: person(c, Some(post.author_id))?,
                    status: Some(post.status.clone()),
                    held_reason: post.held_reason.clone(),
                    findings: findings.into_iter().map(finding).collect(),
                    flag_count: flags.len() as i64,
                    flags: flags
                        .into_iter()
                        .map(|f| FlagView {
                            reason: f.reason,
                            details: f.details,
                            created_at: utc(f.created_at),
                        })
                        .collect(),
                    body_html: Some(post.body_html),
                    ..Default::default()
                };
            }
        }
        ItemKey::Member(id) => {
            if let Some(u) = User::find(c, UserId(id))? {
                summary.member = Some(PendingMember {
                    id: u.id,
                    region: u.region(),
                    display_name: u.display_name,
                    email: u.email,
                    organisation: u.organisation,
                    job_role: u.job_role,
                });
            }
        }
        ItemKey::Appeal(id) => {
            if let Some(appeal) = Appeal::find(c, id)?
                && let Some(d) = AuditRow::find(c, appeal.audit_id)?
            {
                summary.appeal = Some(AppealView {
                    id: appeal.id,
                    text: appeal.text,
                    appellant: person(c, Some(appeal.appellant_id))?.unwrap_or(PersonRef {
                        id: appeal.appellant_id,
                        name: String::new(),
                    }),
                    decision: AppealedDecision {
                        log_id: d.id,
                        actor: person(c, d.actor_id)?,
                        action: d.action,
                        target_type: d.target_type,
                        target_id: d.target_id,
                        reason: d.reason,
                        message: d.message,
                        created_at: utc(d.created_at),
                    },
                });
            }
        }
    }
    let space = match e.category_id {
        Some(id) => Category::find(c, id)?.map(|s| SpaceRef {
            slug: s.slug,
            name: s.name,
        }),
        None => None,
    };
    let claimed_by = match Claim::find(c, &e.key.text())? {
        Some(claim) => person(c, Some(claim.user_id))?,
        None => None,
    };
    Ok(QueueItem {
        id: e.key.text(),
        kind: e.kind,
        space,
        summary,
        claimed_by,
        created_at: utc(e.created_at),
    })
}

fn parse_cursor(raw: Option<&str>) -> ApiResult<Option<(NaiveDateTime, String)>> {
    let Some(raw) = raw.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let bad = || ApiError::field("cursor", "Not a valid cursor");
    let (micros, key) = raw.split_once('~').ok_or_else(bad)?;
    let micros = micros.parse::<i64>().map_err(|_| bad())?;
    let at = DateTime::<Utc>::from_timestamp_micros(micros).ok_or_else(bad)?;
    ItemKey::parse(key).ok_or_else(bad)?;
    Ok(Some((at.naive_utc(), key.to_owned())))
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
                c.transaction::<_, DbError, _>(|c| {
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

fn decided_already() -> ApiError {
    ApiError::conflict(
        "Another moderator has already decided on this item.",
        vec![],
    )
}

fn decide_post(
    c: &mut DbConn,
    user: &User,
    post_id: i64,
    action: DecisionAction,
    reason: &str,
    message: Option<&str>,
) -> Result<Result<ActionResult, ApiError>, DbError> {
    c.transaction::<_, DbError, _>(|c| {
        // Re-read inside the transaction: another moderator may have decided meanwhile.
        let Some(e) = entry(c, ItemKey::Post(post_id))? else {
            return Ok(Err(decided_already()));
        };
        let Some(post) = Post::find(c, post_id)? else {
            return Ok(Err(decided_already()));
        };
        let Some(thread) = Thread::find(c, post.thread_id)? else {
            return Ok(Err(decided_already()));
        };
        let held = e.kind == ItemKind::Held;
        let hidden_by_flags = post.status() == ContentStatus::Hidden
            && post.held_reason.as_deref() == Some(REASON_HIDDEN_BY_FLAGS);
        let (name, verb, to, note) = match action {
            DecisionAction::Approve => {
                let to = if held || hidden_by_flags {
                    ContentStatus::Visible
                } else {
                    post.status()
                };
                if to != post.status() {
                    // Publishing a held post announces it (notify::post_published) here too.
                    set_post_status(c, &post, &thread, to, None)?;
                }
                resolve_flags(c, user.id, post.id, FlagOutcome::Dismissed)?;
                let verb = if held {
                    "approved"
                } else {
                    "reviewed and kept"
                };
                ("post.approved", verb, to, None)
            }
            DecisionAction::Reject | DecisionAction::Hide => {
                set_post_status(c, &post, &thread, ContentStatus::Hidden, None)?;
                resolve_flags(c, user.id, post.id, FlagOutcome::Upheld)?;
                let (name, verb) = match (action, held) {
                    (DecisionAction::Reject, true) => ("post.rejected", "did not approve"),
                    (DecisionAction::Reject, false) => ("post.rejected", "hid"),
                    _ => ("post.hidden", "hid"),
                };
                (name, verb, ContentStatus::Hidden, None)
            }
            DecisionAction::Redact => {
                let to = redact_and_resolve(c, user.id, &post, &thread)?;
                (
                    "post.redacted",
                    "removed the text of",
                    to,
                    Some("A redaction can't be undone.".to_owned()),
                )
            }
        };
        let details = if held { "held" } else { "flagged" };
        let log_id = NewAudit::content(
            Some(user.id),
            name,
            "post",
            post.id,
            thread.category_id,
            post.author_id,
        )
        .reason(Some(reason))
        .message(message)
        .details(details)
        .write_returning_id(c)?;
        Claim::release(c, &e.key.text())?;
        let (kind, id) = crate::moderation::search_target(&post);
        enqueue_search(c, kind, id)?;
        let what = if post.is_first { "thread" } else { "post" };
        tell_author(
            c,
            Some(user.id),
            post.author_id,
            &thread,
            Some(post.id),
            message,
            &|title| author_wording(verb, what, title),
        )?;
        Ok(Ok(ActionResult {
            log_id,
            status: to.as_str().into(),
            note,
        }))
    })
}

fn decide_appeal(
    c: &mut DbConn,
    user: &User,
    appeal_id: i64,
    action: DecisionAction,
    reason: &str,
    message: Option<&str>,
) -> Result<Result<ActionResult, ApiError>, DbError> {
    let Some(appeal) = Appeal::find(c, appeal_id)? else {
        return Ok(Err(ApiError::not_found("queue item")));
    };
    let Some(decision) = AuditRow::find(c, appeal.audit_id)? else {
        return Ok(Err(ApiError::not_found("queue item")));
    };
    if decision.actor_id == Some(user.id) {
        return Ok(Err(ApiError::forbidden(
            "own-decision",
            "Another moderator must decide this appeal",
            "You made the decision being appealed, so a different moderator has to review it.",
        )));
    }
    if appeal.appellant_id == user.id {
        return Ok(Err(ApiError::forbidden(
            "own-appeal",
            "Another moderator must decide this appeal",
            "You can't decide your own appeal.",
        )));
    }
    let overturn = action == DecisionAction::Approve;
    c.transaction::<_, DbError, _>(|c| {
        let status = if overturn {
            AppealStatus::Overturned
        } else {
            AppealStatus::Upheld
        };
        if !Appeal::decide(c, appeal.id, status, user.id)? {
            return Ok(Err(decided_already()));
        }
        let note = if overturn {
            reverse(c, &decision)?
        } else {
            None
        };
        let name = if overturn {
            "appeal.overturned"
        } else {
            "appeal.upheld"
        };
        let details = format!("appeal against log entry {}", decision.id);
        let log_id = NewAudit {
            target_type: "appeal",
            ..NewAudit::member(Some(user.id), name, appeal.id)
        }
        .category(decision.category_id)
        .subject(appeal.appellant_id)
        .reason(Some(reason))
        .message(message)
        .details(&details)
        .write_returning_id(c)?;
        Claim::release(c, &ItemKey::Appeal(appeal.id).text())?;
        let mut text = match (message, overturn) {
            (Some(m), _) => m.to_owned(),
            (None, true) => {
                "A moderator reviewed your appeal and reversed the decision.".to_owned()
            }
            (None, false) => "A moderator reviewed your appeal and upheld the decision.".to_owned(),
        };
        if let Some(n) = &note {
            text.push(' ');
            text.push_str(n);
        }
        NewNotification {
            user_id: appeal.appellant_id,
            kind: NotificationKind::Moderation,
            thread_id: None,
            post_id: None,
            actor_id: Some(user.id),
            message: &text,
        }
        .write(c)?;
        Ok(Ok(ActionResult {
            log_id,
            status: status.as_str().into(),
            note,
        }))
    })
}

/// Undoes an appealed decision as far as it can be undone; returns what could not be.
fn reverse(c: &mut DbConn, decision: &AuditRow) -> Result<Option<String>, DbError> {
    let Some(target) = decision.target_id else {
        return Ok(None);
    };
    match decision.action.as_str() {
        "post.rejected" | "post.hidden" | "post.deleted" | "post.redacted" => {
            let Some(post) = Post::find(c, target)? else {
                return Ok(None);
            };
            let Some(thread) = Thread::find(c, post.thread_id)? else {
                return Ok(None);
            };
            if post.status() != ContentStatus::Visible {
                // A rejected post was never published: this announces it.
                set_post_status(c, &post, &thread, ContentStatus::Visible, None)?;
            }
            Ok(post.redacted.then(|| {
                "The post's text was redacted and can't be brought back; it is shown as removed."
                    .to_owned()
            }))
        }
        "thread.hidden" => {
            if let Some(thread) = Thread::find(c, target)?
                && thread.status() != ContentStatus::Visible
            {
                set_thread_status(c, &thread, ContentStatus::Visible)?;
            }
            Ok(None)
        }
        "thread.locked" => {
            Thread::set_locked(c, target, false)?;
            Ok(None)
        }
        "member.suspended" => {
            User::update(
                c,
                UserId(target),
                UserUpdate {
                    suspended_until: Some(None),
                    suspension_reason: Some(None),
                    ..Default::default()
                },
            )?;
            Ok(None)
        }
        "member.warned" => Ok(Some(
            "A warning can't be unsent; the log now shows it was overturned.".to_owned(),
        )),
        _ => Ok(None),
    }
}
