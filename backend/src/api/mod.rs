//! The REST API under /api: one module per resource, each an OpenAPI struct.

pub mod activity;
pub mod admin;
pub mod answers;
pub mod auth;
pub mod categories;
pub mod flags;
pub mod me;
pub mod members;
pub mod meta;
pub mod moderation;
pub mod notifications;
pub mod posts;
pub mod search;
pub mod space_moderators;
pub mod spaces;
pub mod tags;
pub mod thread_edits;
pub mod threads;
pub mod watched_words;
pub mod watching;

use chrono::{DateTime, NaiveDateTime, Utc};
use poem_openapi::{Object, OpenApiService};

use crate::db::users::User;
use crate::model::{MemberStatus, Region, Role};

pub type Apis = (
    auth::AuthApi,
    me::MeApi,
    members::MembersApi,
    admin::AdminApi,
    meta::MetaApi,
    categories::CategoriesApi,
    threads::ThreadsApi,
    posts::PostsApi,
    activity::ActivityApi,
    flags::FlagsApi,
    ModerationApis,
    notifications::NotificationsApi,
    watching::WatchingApi,
    answers::AnswersApi,
    SpacesAndRules,
    SearchApis,
);

/// Search and its glossary, as one entry for the same reason.
type SearchApis = (search::SearchApi, search::GlossaryApi);

/// The moderation queue, actions and log, as one entry so the tuple above stays within
/// poem-openapi's limit of 16.
type ModerationApis = (
    moderation::queue::ModerationQueueApi,
    moderation::actions::ModerationActionsApi,
    moderation::log::ModerationLogApi,
);

/// Spaces administration, tags, watched words and thread settings, as one entry for the same
/// reason.
type SpacesAndRules = (
    spaces::SpacesAdminApi,
    space_moderators::SpaceModeratorsApi,
    tags::TagsApi,
    watched_words::WatchedWordsApi,
    thread_edits::ThreadEditsApi,
);

fn apis() -> Apis {
    (
        auth::AuthApi,
        me::MeApi,
        members::MembersApi,
        admin::AdminApi,
        meta::MetaApi,
        categories::CategoriesApi,
        threads::ThreadsApi,
        posts::PostsApi,
        activity::ActivityApi,
        flags::FlagsApi,
        (
            moderation::queue::ModerationQueueApi,
            moderation::actions::ModerationActionsApi,
            moderation::log::ModerationLogApi,
        ),
        notifications::NotificationsApi,
        watching::WatchingApi,
        answers::AnswersApi,
        (
            spaces::SpacesAdminApi,
            space_moderators::SpaceModeratorsApi,
            tags::TagsApi,
            watched_words::WatchedWordsApi,
            thread_edits::ThreadEditsApi,
        ),
        (search::SearchApi, search::GlossaryApi),
    )
}

pub fn service(public_url: &str) -> OpenApiService<Apis, ()> {
    OpenApiService::new(
        apis(),
        "Partners in Practice",
        env!("CARGO_PKG_VERSION"),
    )
    .description("A community of practice for NHS England mental health social workers: accounts, membership, moderation.")
    .server(format!("{public_url}/api"))
}

/// The OpenAPI document, as served at /api/openapi.json.
pub fn openapi_json() -> String {
    // The server URL is left relative so the document is the same for every deployment.
    OpenApiService::new(
        apis(),
        "Partners in Practice",
        env!("CARGO_PKG_VERSION"),
    )
    .description("A community of practice for NHS England mental health social workers: accounts, membership, moderation.")
    .server("/api")
    .spec()
}

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// A member as the API shows them (to themselves, moderators and admins).
#[derive(Debug, Clone, Object)]
pub struct Member {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub organisation: String,
    pub job_role: String,
    pub region: Region,
    pub role: Role,
    pub status: MemberStatus,
    pub email_verified: bool,
    pub suspended_until: Option<DateTime<Utc>>,
    pub suspension_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Only in `GET /api/me`: the open spaces you moderate as a space moderator (slugs), so the
    /// app can offer the review queue to members whose role alone doesn't say so.
    #[oai(skip_serializing_if_is_none)]
    pub moderates_spaces: Option<Vec<String>>,
}

impl From<&User> for Member {
    fn from(u: &User) -> Member {
        let suspended = u.suspended_now();
        Member {
            id: u.id,
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            organisation: u.organisation.clone(),
            job_role: u.job_role.clone(),
            region: u.region(),
            role: u.role(),
            status: u.status(),
            email_verified: u.email_verified,
            suspended_until: suspended.map(utc),
            suspension_reason: suspended.and(u.suspension_reason.clone()),
            created_at: utc(u.created_at),
            moderates_spaces: None,
        }
    }
}

/// `limit` clamped to 1..=100 (default 20).
pub fn page_limit(limit: Option<i64>) -> crate::error::ApiResult<i64> {
    match limit {
        None => Ok(20),
        Some(n) if (1..=100).contains(&n) => Ok(n),
        Some(_) => Err(crate::error::ApiError::field(
            "limit",
            "limit must be between 1 and 100",
        )),
    }
}

/// Splits `limit + 1` rows into a page and the cursor for the next one.
pub fn paginate<T>(
    mut rows: Vec<T>,
    limit: i64,
    id: impl Fn(&T) -> i64,
) -> (Vec<T>, Option<String>) {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if more {
        rows.last().map(|r| id(r).to_string())
    } else {
        None
    };
    (rows, next)
}

/// Parses a cursor, refusing anything that isn't one of ours.
pub fn cursor(raw: Option<&str>) -> crate::error::ApiResult<Option<i64>> {
    match raw.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(c) => crate::db::parse_cursor(Some(c))
            .map(Some)
            .ok_or_else(|| crate::error::ApiError::field("cursor", "Not a valid cursor")),
    }
}
