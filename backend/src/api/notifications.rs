//! A member's notifications and how they want them by e-mail. Each notification is re-checked
//! against what the member may see now: those about content they can no longer see are left
//! out of the list and the unread count.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi, Tags};

use super::auth::NoContent;
use super::{cursor, page_limit, utc};
use crate::auth::Viewer;
use crate::db::notifications::{EmailPreference, Notification, NotificationPreferences};
use crate::error::{ApiError, ApiResult};
use crate::notify::{Shown, shown};
use crate::state::AppState;

/// Unread notifications are counted up to this many (the badge shows "999+" beyond).
const UNREAD_COUNT_CAP: i64 = 1000;

#[derive(Tags)]
enum Tag {
    /// Notifications and e-mail preferences.
    Notifications,
}

#[derive(Object)]
pub struct NotificationView {
    pub id: i64,
    /// `reply`, `mention`, `new_thread`, `moderation`, `flag_outcome`, `approval` or
    /// `practice_example` (a curator's decision on your practice example).
    pub kind: String,
    /// Our wording (or a moderator's message to you); never a copy of a post.
    pub message: String,
    /// The thread, while you can see it.
    pub thread_id: Option<i64>,
    pub thread_title: Option<String>,
    /// Where to go in the app: `/threads/{id}`, with `#post-{id}` when it is about a post.
    pub url: Option<String>,
    /// The post, while you can see it.
    pub post_id: Option<i64>,
    /// Who did it (the post's author, or the moderator).
    pub actor_name: Option<String>,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    pub next_cursor: Option<String>,
    /// Unread notifications you can see (counted up to 1000).
    pub unread_count: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum EmailChoice {
    /// One e-mail per notification, within a minute or two.
    Immediate,
    /// One digest a day, after 07:00 UTC (the default).
    Daily,
    /// No e-mail: notifications only in the forum.
    Off,
}

impl From<EmailPreference> for EmailChoice {
    fn from(p: EmailPreference) -> EmailChoice {
        match p {
            EmailPreference::Immediate => EmailChoice::Immediate,
            EmailPreference::Daily => EmailChoice::Daily,
            EmailPreference::Off => EmailChoice::Off,
        }
    }
}

impl From<EmailChoice> for EmailPreference {
    fn from(p: EmailChoice) -> EmailPreference {
        match p {
            EmailChoice::Immediate => EmailPreference::Immediate,
            EmailChoice::Daily => EmailPreference::Daily,
            EmailChoice::Off => EmailPreference::Off,
        }
    }
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct NotificationPreferencesBody {
    pub email: EmailChoice,
}

pub struct NotificationsApi;

#[OpenApi(tag = "Tag::Notifications")]
impl NotificationsApi {
    /// Your notifications, newest first, with how many are unread.
    #[oai(
        path = "/notifications",
        method = "get",
        operation_id = "listNotifications"
    )]
    async fn list(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        #[oai(name = "cursor")] cursor_param: Query<Option<String>>,
        limit: Query<Option<i64>>,
        /// Only unread notifications.
        unread: Query<Option<bool>>,
    ) -> ApiResult<Json<NotificationPage>> {
        let user = viewer.require_member()?.clone();
        let limit = page_limit(limit.0)?;
        let before = cursor(cursor_param.0.as_deref())?;
        let unread_only = unread.0.unwrap_or(false);
        let (items, more, unread_count) = state
            .db
            .run(move |c| {
                // Rows the member can no longer see are dropped, so read on until the page is
                // full or the rows run out.
                let mut items: Vec<Shown> = Vec::new();
                let mut before = before;
                let mut more = false;
                loop {
                    let rows = Notification::page_for(c, user.id, before, unread_only, limit + 1)?;
                    let exhausted = rows.len() as i64 <= limit;
                    before = rows.last().map(|n| n.id);
                    items.extend(shown(c, &user, rows)?);
                    if items.len() as i64 > limit {
                        more = true;
                        break;
                    }
                    if exhausted {
                        break;
                    }
                }
                items.truncate(limit as usize);
                let unread = Notification::unread_for(c, user.id, UNREAD_COUNT_CAP)?;
                let unread = shown(c, &user, unread)?;
                Ok((items, more, unread.len() as i64))
            })
            .await?;
        let next_cursor = if more {
            items.last().map(|s| s.notification.id.to_string())
        } else {
            None
        };
        Ok(Json(NotificationPage {
            items: items.into_iter().map(view).collect(),
            next_cursor,
            unread_count,
        }))
    }

    /// Mark one notification read.
    #[oai(
        path = "/notifications/:id/read",
        method = "post",
        operation_id = "markNotificationRead"
    )]
    async fn read(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
    ) -> ApiResult<NoContent> {
        let user = viewer.require_member()?.clone();
        let id = id.0;
        let found = state
            .db
            .run(move |c| {
                let Some(n) = Notification::find_for(c, id, user.id)? else {
                    return Ok(false);
                };
                if shown(c, &user, vec![n])?.is_empty() {
                    return Ok(false);
                }
                Notification::mark_read(c, id, user.id)?;
                Ok(true)
            })
            .await?;
        if !found {
            return Err(ApiError::not_found("notification"));
        }
        Ok(NoContent::NoContent)
    }

    /// Mark all your notifications read.
    #[oai(
        path = "/notifications/read-all",
        method = "post",
        operation_id = "markAllNotificationsRead"
    )]
    async fn read_all(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
    ) -> ApiResult<NoContent> {
        let user_id = viewer.require_member()?.id;
        state
            .db
            .run(move |c| Notification::mark_all_read(c, user_id))
            .await?;
        Ok(NoContent::NoContent)
    }

    /// How you want notifications by e-mail.
    #[oai(
        path = "/me/notification-preferences",
        method = "get",
        operation_id = "getNotificationPreferences"
    )]
    async fn preferences(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
    ) -> ApiResult<Json<NotificationPreferencesBody>> {
        let user_id = viewer.require_member()?.id;
        let email = state
            .db
            .run(move |c| NotificationPreferences::email_for(c, user_id))
            .await?;
        Ok(Json(NotificationPreferencesBody {
            email: email.into(),
        }))
    }

    /// Choose how you want notifications by e-mail: `immediate`, `daily` or `off`.
    #[oai(
        path = "/me/notification-preferences",
        method = "put",
        operation_id = "setNotificationPreferences"
    )]
    async fn set_preferences(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        body: Json<NotificationPreferencesBody>,
    ) -> ApiResult<Json<NotificationPreferencesBody>> {
        let user_id = viewer.require_member()?.id;
        let email = body.email;
        state
            .db
            .run(move |c| NotificationPreferences::set_email(c, user_id, email.into()))
            .await?;
        Ok(Json(NotificationPreferencesBody { email }))
    }
}

fn view(s: Shown) -> NotificationView {
    let url = s.thread.as_ref().map(|(id, _)| match s.post_id {
        Some(post) => format!("/threads/{id}#post-{post}"),
        None => format!("/threads/{id}"),
    });
    let (thread_id, thread_title) = match s.thread {
        Some((id, title)) => (Some(id), Some(title)),
        None => (None, None),
    };
    NotificationView {
        id: s.notification.id,
        kind: s.notification.kind,
        message: s.notification.message,
        thread_id,
        thread_title,
        url,
        post_id: s.post_id,
        actor_name: s.actor_name,
        read: s.notification.read_at.is_some(),
        created_at: utc(s.notification.created_at),
    }
}
