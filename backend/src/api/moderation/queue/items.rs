//! Queue items: what is open, read from the content tables, and what each shows.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::{
    AppealView, AppealedDecision, FlagView, ItemKind, ItemSummary, PendingMember, QueueItem,
};
use crate::api::moderation::{PersonRef, SpaceRef, name_of};
use crate::api::posts::finding;
use crate::api::utc;
use crate::db::audit::AuditRow;
use crate::db::flags::PostFlag;
use crate::db::forum::{Category, ContentStatus, Post, Thread};
use crate::db::moderation::{self as queries, Appeal, AppealStatus, Claim};
use crate::db::users::{User, UserId};
use crate::db::{DbConn, DbError};
use crate::error::{ApiError, ApiResult};
use crate::model::MemberStatus;
use crate::moderation::Scope;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ItemKey {
    Post(i64),
    Member(i64),
    Appeal(i64),
}

impl ItemKey {
    pub(super) fn parse(raw: &str) -> Option<ItemKey> {
        let (kind, id) = raw.trim().split_once('-')?;
        let id = id.parse::<i64>().ok().filter(|id| *id > 0)?;
        match kind {
            "post" => Some(ItemKey::Post(id)),
            "member" => Some(ItemKey::Member(id)),
            "appeal" => Some(ItemKey::Appeal(id)),
            _ => None,
        }
    }

    pub(super) fn text(self) -> String {
        match self {
            ItemKey::Post(id) => format!("post-{id}"),
            ItemKey::Member(id) => format!("member-{id}"),
            ItemKey::Appeal(id) => format!("appeal-{id}"),
        }
    }
}

/// An open item: what, since when, and in which space.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) key: ItemKey,
    pub(super) kind: ItemKind,
    pub(super) created_at: NaiveDateTime,
    pub(super) category_id: Option<i64>,
}

impl Entry {
    /// Space moderators see their spaces' items; pending members and appeals about accounts
    /// only reach global moderators.
    pub(super) fn visible_to(&self, scope: &Scope) -> bool {
        match (self.kind, self.category_id) {
            (ItemKind::Member, _) | (_, None) => scope.global,
            (_, Some(category)) => scope.moderates(category),
        }
    }

    pub(super) fn sort_key(&self) -> (NaiveDateTime, String) {
        (self.created_at, self.key.text())
    }
}

/// Every open item, oldest first.
pub(super) fn entries(c: &mut DbConn) -> Result<Vec<Entry>, DbError> {
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
pub(super) fn entry(c: &mut DbConn, key: ItemKey) -> Result<Option<Entry>, DbError> {
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
pub(super) fn visible_entry(
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

pub(super) fn person(c: &mut DbConn, id: Option<i64>) -> Result<Option<PersonRef>, DbError> {
    let Some(id) = id else { return Ok(None) };
    let names = User::names(c, &[id])?;
    Ok(Some(PersonRef {
        id,
        name: name_of(&names, id),
    }))
}

/// The full item for the page.
pub(super) fn item(c: &mut DbConn, e: &Entry) -> Result<QueueItem, DbError> {
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

pub(super) fn parse_cursor(raw: Option<&str>) -> ApiResult<Option<(NaiveDateTime, String)>> {
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
