//! Practice examples members submit, the curators' decisions on them, and the resource queries
//! behind the curator dashboard, the link checker and the review reminders.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{link_checks, practice_example_events, practice_examples, resources};
use super::{DbConn, DbError, now};

/// Where a practice example is: waiting for a curator, back with its author, or decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleStatus {
    InReview,
    ChangesRequested,
    Published,
    Declined,
}

impl ExampleStatus {
    pub const ALL: [ExampleStatus; 4] = [
        ExampleStatus::InReview,
        ExampleStatus::ChangesRequested,
        ExampleStatus::Published,
        ExampleStatus::Declined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExampleStatus::InReview => "in_review",
            ExampleStatus::ChangesRequested => "changes_requested",
            ExampleStatus::Published => "published",
            ExampleStatus::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<ExampleStatus> {
        ExampleStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = practice_examples)]
pub struct PracticeExample {
    pub id: i64,
    pub author_id: i64,
    pub status: String,
    pub title: String,
    pub setting: String,
    pub region: String,
    pub topic_id: Option<i64>,
    pub challenge: String,
    pub what_we_did: String,
    pub legal_framework: Option<String>,
    pub outcomes: String,
    pub learning: String,
    pub contact: Option<String>,
    /// JSON array of what the case-information guard found at the last submission.
    pub case_information: String,
    pub resource_id: Option<i64>,
    pub is_demo: bool,
    pub submitted_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The template's sections as the member wrote them (also the update form on resubmission).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = practice_examples, treat_none_as_null = true)]
pub struct ExampleFields {
    pub title: String,
    pub setting: String,
    pub region: String,
    pub topic_id: Option<i64>,
    pub challenge: String,
    pub what_we_did: String,
    pub legal_framework: Option<String>,
    pub outcomes: String,
    pub learning: String,
    pub contact: Option<String>,
    pub case_information: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = practice_example_events)]
pub struct ExampleEvent {
    pub id: i64,
    pub practice_example_id: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub message: Option<String>,
    pub created_at: NaiveDateTime,
}

impl PracticeExample {
    pub fn status(&self) -> Option<ExampleStatus> {
        ExampleStatus::parse(&self.status)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> Result<Option<PracticeExample>, DbError> {
        Ok(practice_examples::table
            .find(id)
            .select(PracticeExample::as_select())
            .first(conn)
            .optional()?)
    }

    /// Writes a new submission (in review) and its `submit` event; returns its id.
    pub fn insert(
        conn: &mut DbConn,
        author_id: i64,
        fields: &ExampleFields,
    ) -> Result<i64, DbError> {
        let at = now();
        let id = diesel::insert_into(practice_examples::table)
            .values((
                fields,
                practice_examples::author_id.eq(author_id),
                practice_examples::status.eq(ExampleStatus::InReview.as_str()),
                practice_examples::submitted_at.eq(at),
                practice_examples::created_at.eq(at),
                practice_examples::updated_at.eq(at),
            ))
            .returning(practice_examples::id)
            .get_result(conn)?;
        ExampleEvent::insert(conn, id, Some(author_id), "submit", None)?;
        Ok(id)
    }

    /// Replaces the sections and sends it back to review, with a `resubmit` event.
    pub fn resubmit(
        conn: &mut DbConn,
        id: i64,
        author_id: i64,
        fields: &ExampleFields,
    ) -> Result<(), DbError> {
        let at = now();
        diesel::update(practice_examples::table.find(id))
            .set((
                fields,
                practice_examples::status.eq(ExampleStatus::InReview.as_str()),
                practice_examples::submitted_at.eq(at),
                practice_examples::updated_at.eq(at),
            ))
            .execute(conn)?;
        ExampleEvent::insert(conn, id, Some(author_id), "resubmit", None)
    }

    /// Records a curator's decision.
    pub fn decide(
        conn: &mut DbConn,
        id: i64,
        to: ExampleStatus,
        resource_id: Option<i64>,
    ) -> Result<(), DbError> {
        let at = now();
        diesel::update(practice_examples::table.find(id))
            .set((
                practice_examples::status.eq(to.as_str()),
                practice_examples::decided_at.eq(Some(at)),
                practice_examples::updated_at.eq(at),
            ))
            .execute(conn)?;
        if let Some(rid) = resource_id {
            diesel::update(practice_examples::table.find(id))
                .set(practice_examples::resource_id.eq(Some(rid)))
                .execute(conn)?;
        }
        Ok(())
    }

    /// Newest first, `limit + 1` rows: one author's, or everyone's (for curators), optionally
    /// in one status.
    pub fn list(
        conn: &mut DbConn,
        author_id: Option<i64>,
        status: Option<ExampleStatus>,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<PracticeExample>, DbError> {
        let mut q = practice_examples::table
            .select(PracticeExample::as_select())
            .order(practice_examples::id.desc())
            .into_boxed();
        if let Some(a) = author_id {
            q = q.filter(practice_examples::author_id.eq(a));
        }
        if let Some(s) = status {
            q = q.filter(practice_examples::status.eq(s.as_str()));
        }
        if let Some(b) = before_id {
            q = q.filter(practice_examples::id.lt(b));
        }
        Ok(q.limit(limit + 1).load(conn)?)
    }

    /// Submissions waiting for a curator, oldest first.
    pub fn waiting(conn: &mut DbConn, limit: i64) -> Result<Vec<PracticeExample>, DbError> {
        Ok(practice_examples::table
            .filter(practice_examples::status.eq(ExampleStatus::InReview.as_str()))
            .order((
                practice_examples::submitted_at.asc(),
                practice_examples::id.asc(),
            ))
            .limit(limit)
            .select(PracticeExample::as_select())
            .load(conn)?)
    }
}

impl ExampleEvent {
    pub fn insert(
        conn: &mut DbConn,
        example_id: i64,
        actor_id: Option<i64>,
        action: &str,
        message: Option<&str>,
    ) -> Result<(), DbError> {
        diesel::insert_into(practice_example_events::table)
            .values((
                practice_example_events::practice_example_id.eq(example_id),
                practice_example_events::actor_id.eq(actor_id),
                practice_example_events::action.eq(action),
                practice_example_events::message.eq(message),
                practice_example_events::created_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// A submission's history, oldest first.
    pub fn for_example(conn: &mut DbConn, example_id: i64) -> Result<Vec<ExampleEvent>, DbError> {
        Ok(practice_example_events::table
            .filter(practice_example_events::practice_example_id.eq(example_id))
            .order(practice_example_events::id.asc())
            .select(ExampleEvent::as_select())
            .load(conn)?)
    }
}

/// What the dashboard, the link checker and the reminders need of a resource.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = resources)]
pub struct ResourceBrief {
    pub id: i64,
    pub slug: String,
    pub kind: String,
    pub title: String,
    pub status: String,
    pub external_url: Option<String>,
    pub review_by: Option<NaiveDate>,
    pub owner_id: Option<i64>,
    pub review_reminded_for: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
}

impl ResourceBrief {
    pub fn find(conn: &mut DbConn, id: i64) -> Result<Option<ResourceBrief>, DbError> {
        Ok(resources::table
            .find(id)
            .select(ResourceBrief::as_select())
            .first(conn)
            .optional()?)
    }

    /// Resources in one status, most recently changed first.
    pub fn in_status(
        conn: &mut DbConn,
        status: &str,
        limit: i64,
    ) -> Result<Vec<ResourceBrief>, DbError> {
        Ok(resources::table
            .filter(resources::status.eq(status))
            .order((resources::updated_at.desc(), resources::id.desc()))
            .limit(limit)
            .select(ResourceBrief::as_select())
            .load(conn)?)
    }

    /// Published resources whose review is due by `by`, soonest first.
    pub fn review_due_by(
        conn: &mut DbConn,
        by: NaiveDate,
        limit: i64,
    ) -> Result<Vec<ResourceBrief>, DbError> {
        Ok(resources::table
            .filter(resources::status.eq("published"))
            .filter(resources::review_by.le(by))
            .order((resources::review_by.asc(), resources::id.asc()))
            .limit(limit)
            .select(ResourceBrief::as_select())
            .load(conn)?)
    }

    /// Published resources whose review has arrived and whose owner has not yet been reminded
    /// for that date.
    pub fn unreminded_due(
        conn: &mut DbConn,
        today: NaiveDate,
    ) -> Result<Vec<ResourceBrief>, DbError> {
        Ok(resources::table
            .filter(resources::status.eq("published"))
            .filter(resources::review_by.le(today))
            .filter(resources::owner_id.is_not_null())
            .filter(
                resources::review_reminded_for
                    .is_null()
                    .or(resources::review_reminded_for.ne(resources::review_by.nullable())),
            )
            .order(resources::id.asc())
            .select(ResourceBrief::as_select())
            .load(conn)?)
    }

    /// Records the due date the owner is reminded for; false when someone else already did
    /// (another replica), so only one reminder goes out.
    pub fn claim_reminder(conn: &mut DbConn, id: i64, due: NaiveDate) -> Result<bool, DbError> {
        let n = diesel::update(
            resources::table.find(id).filter(
                resources::review_reminded_for
                    .is_null()
                    .or(resources::review_reminded_for.ne(Some(due))),
            ),
        )
        .set(resources::review_reminded_for.eq(Some(due)))
        .execute(conn)?;
        Ok(n == 1)
    }

    /// Published and archived resources that link elsewhere, after `after_id`.
    pub fn with_external_url(
        conn: &mut DbConn,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<ResourceBrief>, DbError> {
        Ok(resources::table
            .filter(resources::external_url.is_not_null())
            .filter(resources::status.eq_any(["published", "in_review", "draft"]))
            .filter(resources::id.gt(after_id))
            .order(resources::id.asc())
            .limit(limit)
            .select(ResourceBrief::as_select())
            .load(conn)?)
    }
}

/// The latest check of a resource's external URL.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = link_checks, treat_none_as_null = true)]
pub struct LinkCheck {
    pub resource_id: i64,
    pub url: String,
    pub ok: bool,
    pub http_status: Option<i32>,
    pub error: Option<String>,
    pub checked_at: NaiveDateTime,
}

impl LinkCheck {
    /// Replaces the resource's latest check (update, else insert: the multi-backend
    /// connection has no upsert).
    pub fn record(conn: &mut DbConn, check: &LinkCheck) -> Result<(), DbError> {
        conn.write_transaction::<_, DbError, _>(|c| {
            let updated = diesel::update(link_checks::table.find(check.resource_id))
                .set(check)
                .execute(c)?;
            if updated == 0 {
                diesel::insert_into(link_checks::table)
                    .values(check)
                    .execute(c)?;
            }
            Ok(())
        })
    }

    pub fn find(conn: &mut DbConn, resource_id: i64) -> Result<Option<LinkCheck>, DbError> {
        Ok(link_checks::table
            .find(resource_id)
            .select(LinkCheck::as_select())
            .first(conn)
            .optional()?)
    }

    /// Broken links whose resource still links to the URL checked, with the resource.
    pub fn broken(
        conn: &mut DbConn,
        limit: i64,
    ) -> Result<Vec<(LinkCheck, ResourceBrief)>, DbError> {
        Ok(link_checks::table
            .inner_join(resources::table)
            .filter(link_checks::ok.eq(false))
            .filter(resources::external_url.eq(link_checks::url.nullable()))
            .filter(resources::status.ne("archived"))
            .order(link_checks::checked_at.desc())
            .limit(limit)
            .select((LinkCheck::as_select(), ResourceBrief::as_select()))
            .load(conn)?)
    }
}
