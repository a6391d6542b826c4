//! The curator dashboard: what needs a curator now (drafts, resources in review, practice
//! examples waiting, reviews due within 30 days or past, and broken external links).

use chrono::{DateTime, NaiveDate, Utc};
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use super::practice_examples::{PracticeExampleSummary, summaries};
use super::utc;
use crate::auth::Viewer;
use crate::db::practice_examples::{LinkCheck, PracticeExample, ResourceBrief};
use crate::db::users::User;
use crate::db::{DbConn, DbError};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Each list on the dashboard holds at most this many.
const LIST_MAX: i64 = 50;
/// Reviews due within this many days are listed.
pub const REVIEW_WINDOW_DAYS: i64 = 30;

#[derive(Tags)]
enum Tag {
    /// The curator dashboard.
    Curation,
}

#[derive(Object)]
pub struct DashboardResource {
    pub id: i64,
    pub slug: String,
    pub kind: String,
    pub title: String,
    pub status: String,
    pub review_by: Option<NaiveDate>,
    /// Whether the review-by date has passed.
    pub review_overdue: bool,
    pub owner_name: Option<String>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct BrokenLink {
    pub resource: DashboardResource,
    pub url: String,
    pub http_status: Option<i32>,
    pub error: Option<String>,
    pub checked_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct Dashboard {
    pub drafts: Vec<DashboardResource>,
    pub in_review: Vec<DashboardResource>,
    /// Practice examples waiting for a curator, oldest first.
    pub practice_examples: Vec<PracticeExampleSummary>,
    /// Published resources whose review-by date is past or within 30 days, soonest first.
    pub review_due: Vec<DashboardResource>,
    pub broken_links: Vec<BrokenLink>,
}

fn resources(
    c: &mut DbConn,
    rows: Vec<ResourceBrief>,
    today: NaiveDate,
) -> Result<Vec<DashboardResource>, DbError> {
    let owners: Vec<i64> = rows.iter().filter_map(|r| r.owner_id).collect();
    let names = User::names(c, &owners)?;
    Ok(rows
        .into_iter()
        .map(|r| DashboardResource {
            owner_name: r
                .owner_id
                .and_then(|o| names.iter().find(|(id, _)| *id == o))
                .map(|(_, n)| n.clone()),
            review_overdue: r.review_by.is_some_and(|d| d < today),
            id: r.id,
            slug: r.slug,
            kind: r.kind,
            title: r.title,
            status: r.status,
            review_by: r.review_by,
            updated_at: utc(r.updated_at),
        })
        .collect())
}

pub struct CurationApi;

#[OpenApi(prefix_path = "/curation", tag = "Tag::Curation")]
impl CurationApi {
    /// What needs a curator now (curators and admins).
    #[oai(
        path = "/dashboard",
        method = "get",
        operation_id = "curationDashboard"
    )]
    async fn dashboard(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
    ) -> ApiResult<Json<Dashboard>> {
        let user = viewer.require_member()?;
        if !user.role().can_curate() {
            return Err(ApiError::not_allowed());
        }
        let today = Utc::now().date_naive();
        let dashboard = state
            .db
            .run(move |c| {
                let drafts = ResourceBrief::in_status(c, "draft", LIST_MAX)?;
                let in_review = ResourceBrief::in_status(c, "in_review", LIST_MAX)?;
                let due = ResourceBrief::review_due_by(
                    c,
                    today + chrono::TimeDelta::days(REVIEW_WINDOW_DAYS),
                    LIST_MAX,
                )?;
                let waiting = PracticeExample::waiting(c, LIST_MAX)?;
                let broken = LinkCheck::broken(c, LIST_MAX)?;
                let (checks, briefs): (Vec<LinkCheck>, Vec<ResourceBrief>) =
                    broken.into_iter().unzip();
                let briefs = resources(c, briefs, today)?;
                Ok(Dashboard {
                    drafts: resources(c, drafts, today)?,
                    in_review: resources(c, in_review, today)?,
                    practice_examples: summaries(c, waiting)?,
                    review_due: resources(c, due, today)?,
                    broken_links: checks
                        .into_iter()
                        .zip(briefs)
                        .map(|(k, r)| BrokenLink {
                            resource: r,
                            url: k.url,
                            http_status: k.http_status,
                            error: k.error,
                            checked_at: utc(k.checked_at),
                        })
                        .collect(),
                })
            })
            .await?;
        Ok(Json(dashboard))
    }
}
