//! Practice examples: members submit them through the template, curators publish them, ask for
//! changes or decline them. Until published, a submission is seen only by its author and curators.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};

use super::{cursor, page_limit, paginate, utc};
use crate::auth::Viewer;
use crate::db::forum::Category;
use crate::db::practice_examples::{ExampleEvent, ExampleStatus, PracticeExample, ResourceBrief};
use crate::db::users::User;
use crate::db::{DbConn, DbError};
use crate::error::{ApiError, ApiResult};
use crate::library::practice_examples::{
    Decision, ReviewError, StoredFinding, TemplateInput, decision_message, findings_of, review,
    validate,
};
use crate::state::AppState;

#[derive(Tags)]
enum Tag {
    /// Practice examples members submit and curators review.
    PracticeExamples,
}

/// The template.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct PracticeExampleRequest {
    /// 5 to 150 characters.
    pub title: String,
    /// Where it happened, e.g. "Community mental health team, inner city".
    pub setting: String,
    /// A region slug (`north-west`, `london`, ..., `national`).
    pub region: String,
    /// A topic space's slug: the discussion opens there when it is published.
    pub topic: String,
    pub challenge: String,
    pub what_we_did: String,
    /// The legal framework or powers involved, if any.
    pub legal_framework: Option<String>,
    pub outcomes: String,
    pub learning: String,
    /// A work contact for others who want to know more, if you want one shown.
    pub contact: Option<String>,
}

impl From<PracticeExampleRequest> for TemplateInput {
    fn from(r: PracticeExampleRequest) -> TemplateInput {
        TemplateInput {
            title: r.title,
            setting: r.setting,
            region: r.region,
            topic: r.topic,
            challenge: r.challenge,
            what_we_did: r.what_we_did,
            legal_framework: r.legal_framework,
            outcomes: r.outcomes,
            learning: r.learning,
            contact: r.contact,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ReviewAction {
    Publish,
    RequestChanges,
    Decline,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct ReviewRequest {
    pub action: ReviewAction,
    /// To the member: required to request changes (what to change) and to decline (why).
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ExampleStatusParam {
    InReview,
    ChangesRequested,
    Published,
    Declined,
}

impl From<ExampleStatusParam> for ExampleStatus {
    fn from(s: ExampleStatusParam) -> ExampleStatus {
        match s {
            ExampleStatusParam::InReview => ExampleStatus::InReview,
            ExampleStatusParam::ChangesRequested => ExampleStatus::ChangesRequested,
            ExampleStatusParam::Published => ExampleStatus::Published,
            ExampleStatusParam::Declined => ExampleStatus::Declined,
        }
    }
}

/// What the case-information guard found in one section.
#[derive(Object)]
pub struct ExampleFinding {
    /// The section: `title`, `setting`, `challenge`, `what_we_did`, `legal_framework`,
    /// `outcomes`, `learning` or `contact`.
    pub field: String,
    pub kind: String,
    pub description: String,
    /// Byte offsets into that section.
    pub start: u32,
    pub end: u32,
    pub matched: String,
}

impl From<StoredFinding> for ExampleFinding {
    fn from(f: StoredFinding) -> ExampleFinding {
        ExampleFinding {
            field: f.field,
            kind: f.kind,
            description: f.description,
            start: f.start as u32,
            end: f.end as u32,
            matched: f.matched,
        }
    }
}

#[derive(Object)]
pub struct ExampleEventView {
    /// `submit`, `resubmit`, `publish`, `request_changes` or `decline`.
    pub action: String,
    pub actor_name: Option<String>,
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct PracticeExampleView {
    pub id: i64,
    /// `in_review`, `changes_requested`, `published` or `declined`.
    pub status: String,
    pub author_id: i64,
    pub author_name: String,
    pub title: String,
    pub setting: String,
    pub region: String,
    pub topic: Option<String>,
    pub topic_name: Option<String>,
    pub challenge: String,
    pub what_we_did: String,
    pub legal_framework: Option<String>,
    pub outcomes: String,
    pub learning: String,
    pub contact: Option<String>,
    /// What the case-information guard found at the last submission (author and curators).
    pub case_information: Vec<ExampleFinding>,
    /// The latest curator message (changes requested or the reason for declining).
    pub curator_message: Option<String>,
    /// The history of submissions and decisions (author and curators).
    pub events: Vec<ExampleEventView>,
    /// The published resource's slug: `/library/{slug}`.
    pub resource_slug: Option<String>,
    /// The discussion thread: `/threads/{id}`.
    pub discussion_thread_id: Option<i64>,
    /// Whether you may edit and resubmit it now (its author, when changes were requested).
    pub can_edit: bool,
    /// Whether you may review it now (a curator other than its author, while in review).
    pub can_review: bool,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Object)]
pub struct PracticeExampleSummary {
    pub id: i64,
    pub status: String,
    pub title: String,
    pub author_name: String,
    pub region: String,
    pub topic_name: Option<String>,
    /// How many possible identifiers the guard found at the last submission.
    pub case_information_count: u32,
    pub resource_slug: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Object)]
pub struct PracticeExamplePage {
    pub items: Vec<PracticeExampleSummary>,
    pub next_cursor: Option<String>,
}

#[derive(ApiResponse)]
pub enum SubmittedResponse {
    /// Submitted: it waits for a curator (`case_information` lists what the guard found).
    #[oai(status = 201)]
    Created(Json<PracticeExampleView>),
}

fn is_curator(u: &User) -> bool {
    u.role().can_curate()
}

/// Whether `viewer` may see the example: its author and curators always, others once published.
fn may_see(viewer: &User, e: &PracticeExample) -> bool {
    e.author_id == viewer.id || is_curator(viewer) || e.status() == Some(ExampleStatus::Published)
}

pub(crate) fn topics_of(
    c: &mut DbConn,
    rows: &[PracticeExample],
) -> Result<Vec<(i64, String, String)>, DbError> {
    let mut out = Vec::new();
    for id in rows.iter().filter_map(|r| r.topic_id) {
        if out.iter().any(|(t, _, _)| *t == id) {
            continue;
        }
        if let Some(cat) = Category::find(c, id)? {
            out.push((cat.id, cat.slug, cat.name));
        }
    }
    Ok(out)
}

pub(crate) fn summaries(
    c: &mut DbConn,
    rows: Vec<PracticeExample>,
) -> Result<Vec<PracticeExampleSummary>, DbError> {
    let authors: Vec<i64> = rows.iter().map(|r| r.author_id).collect();
    let names = User::names(c, &authors)?;
    let topics = topics_of(c, &rows)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let slug = match r.resource_id {
            Some(id) => ResourceBrief::find(c, id)?.map(|b| b.slug),
            None => None,
        };
        out.push(PracticeExampleSummary {
            id: r.id,
            author_name: name_of(&names, r.author_id),
            topic_name: r
                .topic_id
                .and_then(|t| topics.iter().find(|(id, _, _)| *id == t))
                .map(|(_, _, n)| n.clone()),
            case_information_count: findings_of(&r).len() as u32,
            resource_slug: slug,
            status: r.status,
            title: r.title,
            region: r.region,
            submitted_at: utc(r.submitted_at),
            decided_at: r.decided_at.map(utc),
        });
    }
    Ok(out)
}

fn name_of(names: &[(i64, String)], id: i64) -> String {
    names
        .iter()
        .find(|(n, _)| *n == id)
        .map(|(_, n)| n.clone())
        .unwrap_or_default()
}

fn view(c: &mut DbConn, viewer: &User, e: PracticeExample) -> Result<PracticeExampleView, DbError> {
    let insider = e.author_id == viewer.id || is_curator(viewer);
    let events = if insider {
        ExampleEvent::for_example(c, e.id)?
    } else {
        Vec::new()
    };
    let mut people: Vec<i64> = events.iter().filter_map(|ev| ev.actor_id).collect();
    people.push(e.author_id);
    let names = User::names(c, &people)?;
    let topic = match e.topic_id {
        Some(t) => Category::find(c, t)?,
        None => None,
    };
    let resource = match e.resource_id {
        Some(id) => ResourceBrief::find(c, id)?,
        None => None,
    };
    let thread = match e.resource_id {
        Some(id) => discussion_thread(c, id)?,
        None => None,
    };
    let status = e.status();
    let curator_message = events
        .iter()
        .rev()
        .find(|ev| {
            matches!(
                ev.action.as_str(),
                "request_changes" | "decline" | "publish"
            )
        })
        .filter(|ev| ev.action != "publish")
        .and_then(|ev| ev.message.clone());
    let findings = if insider { findings_of(&e) } else { Vec::new() };
    Ok(PracticeExampleView {
        id: e.id,
        can_edit: e.author_id == viewer.id && status == Some(ExampleStatus::ChangesRequested),
        can_review: is_curator(viewer)
            && e.author_id != viewer.id
            && status == Some(ExampleStatus::InReview),
        author_name: name_of(&names, e.author_id),
        author_id: e.author_id,
        status: e.status,
        title: e.title,
        setting: e.setting,
        region: e.region,
        topic: topic.as_ref().map(|t| t.slug.clone()),
        topic_name: topic.map(|t| t.name),
        challenge: e.challenge,
        what_we_did: e.what_we_did,
        legal_framework: e.legal_framework,
        outcomes: e.outcomes,
        learning: e.learning,
        contact: e.contact,
        case_information: findings.into_iter().map(Into::into).collect(),
        curator_message,
        events: events
            .into_iter()
            .map(|ev| ExampleEventView {
                actor_name: ev.actor_id.map(|a| name_of(&names, a)),
                action: ev.action,
                message: ev.message,
                created_at: utc(ev.created_at),
            })
            .collect(),
        resource_slug: resource.map(|r| r.slug),
        discussion_thread_id: thread,
        submitted_at: utc(e.submitted_at),
        decided_at: e.decided_at.map(utc),
    })
}

fn discussion_thread(c: &mut DbConn, resource_id: i64) -> Result<Option<i64>, DbError> {
    use crate::db::schema::resources;
    use diesel::prelude::*;
    Ok(resources::table
        .find(resource_id)
        .select(resources::discussion_thread_id)
        .first::<Option<i64>>(c)
        .optional()?
        .flatten())
}

pub struct PracticeExamplesApi;

#[OpenApi(prefix_path = "/practice-examples", tag = "Tag::PracticeExamples")]
impl PracticeExamplesApi {
    /// Submit a practice example. It goes to the curators for review; the case-information
    /// guard reads every section and the curator sees what it found.
    #[oai(path = "/", method = "post", operation_id = "submitPracticeExample")]
    async fn submit(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        body: Json<PracticeExampleRequest>,
    ) -> ApiResult<SubmittedResponse> {
        let author = viewer.require_writer()?.clone();
        let input: TemplateInput = body.0.into();
        let created = state
            .db
            .run(move |c| {
                let (fields, _) = match validate(c, &input)? {
                    Ok(v) => v,
                    Err(e) => return Ok(Err(e)),
                };
                let id = diesel::Connection::transaction::<_, DbError, _>(c, |c| {
                    PracticeExample::insert(c, author.id, &fields)
                })?;
                let Some(row) = PracticeExample::find(c, id)? else {
                    return Ok(Err(ApiError::not_found("practice example")));
                };
                Ok(Ok(view(c, &author, row)?))
            })
            .await??;
        Ok(SubmittedResponse::Created(Json(created)))
    }

    /// Your practice examples, newest first; curators see everyone's (`mine=true` for their
    /// own), optionally in one status.
    #[oai(path = "/", method = "get", operation_id = "listPracticeExamples")]
    async fn list(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        status: Query<Option<ExampleStatusParam>>,
        /// Only your own (curators see everyone's otherwise).
        mine: Query<Option<bool>>,
        #[oai(name = "cursor")] cursor_param: Query<Option<String>>,
        limit: Query<Option<i64>>,
    ) -> ApiResult<Json<PracticeExamplePage>> {
        let user = viewer.require_member()?.clone();
        let limit = page_limit(limit.0)?;
        let before = cursor(cursor_param.0.as_deref())?;
        let author = if is_curator(&user) && !mine.0.unwrap_or(false) {
            None
        } else {
            Some(user.id)
        };
        let status = status.0.map(ExampleStatus::from);
        let (items, next_cursor) = state
            .db
            .run(move |c| {
                let rows = PracticeExample::list(c, author, status, before, limit)?;
                let (rows, next) = paginate(rows, limit, |r| r.id);
                Ok((summaries(c, rows)?, next))
            })
            .await?;
        Ok(Json(PracticeExamplePage { items, next_cursor }))
    }

    /// One practice example: its author and curators until it is published.
    #[oai(path = "/:id", method = "get", operation_id = "getPracticeExample")]
    async fn get(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
    ) -> ApiResult<Json<PracticeExampleView>> {
        let user = viewer.require_member()?.clone();
        let id = id.0;
        let found = state
            .db
            .run(move |c| match PracticeExample::find(c, id)? {
                Some(e) if may_see(&user, &e) => Ok(Some(view(c, &user, e)?)),
                _ => Ok(None),
            })
            .await?;
        found
            .map(Json)
            .ok_or_else(|| ApiError::not_found("practice example"))
    }

    /// Change and resubmit a practice example after a curator asked for changes: it goes back
    /// to review, and the guard reads it again.
    #[oai(
        path = "/:id",
        method = "put",
        operation_id = "resubmitPracticeExample"
    )]
    async fn resubmit(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<PracticeExampleRequest>,
    ) -> ApiResult<Json<PracticeExampleView>> {
        let author = viewer.require_writer()?.clone();
        let id = id.0;
        let input: TemplateInput = body.0.into();
        let updated = state
            .db
            .run(move |c| {
                let Some(existing) = PracticeExample::find(c, id)?.filter(|e| may_see(&author, e))
                else {
                    return Ok(Err(ApiError::not_found("practice example")));
                };
                if existing.author_id != author.id {
                    return Ok(Err(ApiError::forbidden(
                        "not-author",
                        "Only its author can change a practice example",
                        "Curators ask the author for changes instead.",
                    )));
                }
                if existing.status() != Some(ExampleStatus::ChangesRequested) {
                    return Ok(Err(ApiError::conflict(
                        "You can change a practice example only when a curator has asked for changes.",
                        vec![],
                    )));
                }
                let (fields, _) = match validate(c, &input)? {
                    Ok(v) => v,
                    Err(e) => return Ok(Err(e)),
                };
                diesel::Connection::transaction::<_, DbError, _>(c, |c| {
                    PracticeExample::resubmit(c, id, author.id, &fields)
                })?;
                let Some(row) = PracticeExample::find(c, id)? else {
                    return Ok(Err(ApiError::not_found("practice example")));
                };
                Ok(Ok(view(c, &author, row)?))
            })
            .await??;
        Ok(Json(updated))
    }

    /// Decide on a practice example in review (curators; not your own): publish it (refused
    /// with 422 while the case-information guard still finds something), ask for changes or
    /// decline it, with a message to the member (required for the last two).
    #[oai(
        path = "/:id/review",
        method = "post",
        operation_id = "reviewPracticeExample"
    )]
    async fn review(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<ReviewRequest>,
    ) -> ApiResult<Json<PracticeExampleView>> {
        let curator = viewer.require_writer()?.clone();
        if !is_curator(&curator) {
            return Err(ApiError::not_allowed());
        }
        let decision = match body.action {
            ReviewAction::Publish => Decision::Publish,
            ReviewAction::RequestChanges => Decision::RequestChanges,
            ReviewAction::Decline => Decision::Decline,
        };
        let message = decision_message(decision, body.message.as_deref())
            .map_err(|m| ApiError::field("message", m))?;
        let id = id.0;
        let public_url = state.config.public_url.clone();
        let result = state
            .db
            .run(move |c| {
                match review(c, &public_url, &curator, id, decision, message.as_deref()) {
                    Ok(_) => {}
                    Err(ReviewError::Refused(e)) => return Ok(Err(e)),
                    Err(ReviewError::Db(e)) => return Err(e),
                }
                let Some(row) = PracticeExample::find(c, id)? else {
                    return Ok(Err(ApiError::not_found("practice example")));
                };
                Ok(Ok(view(c, &curator, row)?))
            })
            .await??;
        state.notifier.nudge();
        state.mailer.nudge();
        Ok(Json(result))
    }
}
