//! Practice examples: what a valid submission is, what the case-information guard finds in it,
//! and what a curator's decision does. Publishing makes a library resource of kind
//! `practice_example` and opens its discussion thread in the topic space, in one transaction.

use crate::content::case_guard;
use crate::db::audit::NewAudit;
use crate::db::forum::{Category, enqueue_search};
use crate::db::notifications::{NewNotification, NotificationKind};
use crate::db::practice_examples::{ExampleEvent, ExampleFields, ExampleStatus, PracticeExample};
use crate::db::users::{User, UserId};
use crate::db::{DbConn, DbError};
use crate::error::{ApiError, FieldError, Validation};
use crate::library::resources::ResourceInput;
use crate::model::Region;

/// The longest a long section (the challenge, what we did, outcomes, learning) may be.
pub const SECTION_MAX: usize = 6000;
/// The longest the legal framework section may be.
pub const LEGAL_MAX: usize = 3000;
/// Every section together, in bytes, so the assembled body stays under the renderer's limit.
const TOTAL_MAX_BYTES: usize = 60 * 1024;

/// The template as a member fills it in.
#[derive(Debug, Clone, Default)]
pub struct TemplateInput {
    pub title: String,
    pub setting: String,
    pub region: String,
    /// A topic space's slug: the discussion opens there.
    pub topic: String,
    pub challenge: String,
    pub what_we_did: String,
    pub legal_framework: Option<String>,
    pub outcomes: String,
    pub learning: String,
    pub contact: Option<String>,
}

/// What the guard found in one section of a submission.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredFinding {
    /// The section (`title`, `setting`, `challenge`, `what_we_did`, `legal_framework`,
    /// `outcomes`, `learning` or `contact`).
    pub field: String,
    pub kind: String,
    pub description: String,
    /// Byte offsets into that section's text.
    pub start: usize,
    pub end: usize,
    pub matched: String,
}

/// The sections the guard reads, with their field names, in the template's order.
fn sections(f: &ExampleFields) -> Vec<(&'static str, &str)> {
    let mut out = vec![
        ("title", f.title.as_str()),
        ("setting", f.setting.as_str()),
        ("challenge", f.challenge.as_str()),
        ("what_we_did", f.what_we_did.as_str()),
    ];
    if let Some(l) = &f.legal_framework {
        out.push(("legal_framework", l));
    }
    out.push(("outcomes", &f.outcomes));
    out.push(("learning", &f.learning));
    if let Some(c) = &f.contact {
        out.push(("contact", c));
    }
    out
}

/// Runs the case-information guard over every section (CPU work: call off the async runtime).
pub fn scan(f: &ExampleFields) -> Vec<StoredFinding> {
    let mut out = Vec::new();
    for (field, text) in sections(f) {
        for found in case_guard::scan(text) {
            out.push(StoredFinding {
                field: field.to_owned(),
                kind: format!("{:?}", found.kind),
                description: found.kind.describe().to_owned(),
                start: found.start,
                end: found.end,
                matched: found.matched,
            });
        }
    }
    out
}

/// The stored findings of a submission (an unreadable column reads as none found, and is logged).
pub fn findings_of(example: &PracticeExample) -> Vec<StoredFinding> {
    serde_json::from_str(&example.case_information).unwrap_or_else(|e| {
        tracing::warn!(id = example.id, error = %e, "unreadable case_information");
        Vec::new()
    })
}

fn long_text(v: &mut Validation, field: &str, raw: &str, max: usize, empty: &str) -> String {
    let text = raw.trim();
    if text.is_empty() {
        v.fail(field, empty);
    } else if text.chars().count() > max {
        v.fail(field, format!("Must be {max} characters or fewer"));
    } else if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        v.fail(field, "Must not contain control characters");
    }
    text.to_owned()
}

fn optional(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|t| !t.is_empty())
}

/// Checks the template, looking up the topic space; every problem is reported at once.
pub fn validate(
    conn: &mut DbConn,
    input: &TemplateInput,
) -> Result<Result<(ExampleFields, Category), ApiError>, DbError> {
    let mut v = Validation::default();
    let title = v
        .check(
            "title",
            crate::validate::short_text(&input.title, 150, "Enter a title"),
        )
        .unwrap_or_default();
    if !title.is_empty() && title.chars().count() < 5 {
        v.fail("title", "Title must be at least 5 characters");
    }
    let setting = v
        .check(
            "setting",
            crate::validate::short_text(
                &input.setting,
                200,
                "Enter the setting, for example a community mental health team",
            ),
        )
        .unwrap_or_default();
    let region = Region::parse(input.region.trim());
    if region.is_none() {
        v.fail("region", "Choose a region");
    }
    let topic = Category::find_by_slug(conn, input.topic.trim())?
        .filter(|c| c.kind == "topic" && !c.archived);
    if topic.is_none() {
        v.fail("topic", "Choose a topic");
    }
    let challenge = long_text(
        &mut v,
        "challenge",
        &input.challenge,
        SECTION_MAX,
        "Describe the challenge",
    );
    let what_we_did = long_text(
        &mut v,
        "what_we_did",
        &input.what_we_did,
        SECTION_MAX,
        "Describe what you did",
    );
    let legal_framework = optional(input.legal_framework.as_deref())
        .map(|l| long_text(&mut v, "legal_framework", l, LEGAL_MAX, ""));
    let outcomes = long_text(
        &mut v,
        "outcomes",
        &input.outcomes,
        SECTION_MAX,
        "Describe the outcomes and the evidence for them",
    );
    let learning = long_text(
        &mut v,
        "learning",
        &input.learning,
        SECTION_MAX,
        "Describe what you and others can learn from it",
    );
    let contact = optional(input.contact.as_deref())
        .and_then(|c| v.check("contact", crate::validate::short_text(c, 300, "")));
    let total = [&challenge, &what_we_did, &outcomes, &learning]
        .iter()
        .map(|s| s.len())
        .sum::<usize>()
        + legal_framework.as_ref().map_or(0, String::len);
    if total > TOTAL_MAX_BYTES {
        v.fail(
            "what_we_did",
            "The practice example is too long altogether: keep it under about 8,000 words",
        );
    }
    if let Err(e) = v.finish() {
        return Ok(Err(e));
    }
    let (Some(region), Some(topic)) = (region, topic) else {
        return Ok(Err(ApiError::field("topic", "Choose a topic")));
    };
    let mut fields = ExampleFields {
        title,
        setting,
        region: region.as_str().to_owned(),
        topic_id: Some(topic.id),
        challenge,
        what_we_did,
        legal_framework,
        outcomes,
        learning,
        contact,
        case_information: "[]".into(),
    };
    fields.case_information = serde_json::to_string(&scan(&fields)).unwrap_or_else(|_| "[]".into());
    Ok(Ok((fields, topic)))
}

/// A curator's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Publish,
    RequestChanges,
    Decline,
}

impl Decision {
    pub fn event(self) -> &'static str {
        match self {
            Decision::Publish => "publish",
            Decision::RequestChanges => "request_changes",
            Decision::Decline => "decline",
        }
    }

    fn audit_action(self) -> &'static str {
        match self {
            Decision::Publish => "practice_example.published",
            Decision::RequestChanges => "practice_example.changes_requested",
            Decision::Decline => "practice_example.declined",
        }
    }
}

/// What publishing made.
#[derive(Debug, Clone)]
pub struct Published {
    pub resource_id: i64,
    pub slug: String,
    pub thread_id: i64,
}

/// Why a decision could not be carried out: a refusal to send, or a failure underneath.
#[derive(Debug)]
pub enum ReviewError {
    Refused(ApiError),
    Db(DbError),
}

impl From<DbError> for ReviewError {
    fn from(e: DbError) -> ReviewError {
        ReviewError::Db(e)
    }
}

impl From<diesel::result::Error> for ReviewError {
    fn from(e: diesel::result::Error) -> ReviewError {
        ReviewError::Db(DbError::Query(e))
    }
}

impl From<ApiError> for ReviewError {
    fn from(e: ApiError) -> ReviewError {
        ReviewError::Refused(e)
    }
}

/// The curator's message: required to request changes or decline, at most 2000 characters.
pub fn decision_message(decision: Decision, raw: Option<&str>) -> Result<Option<String>, String> {
    let message = crate::moderation::message(raw)?;
    if message.is_none() && decision != Decision::Publish {
        return Err(match decision {
            Decision::RequestChanges => "Say what the member should change".into(),
            _ => "Give the reason for declining".into(),
        });
    }
    Ok(message)
}

/// Carries out a curator's decision on an example in review, with its event, audit row and the
/// author's notification, in one transaction.
pub fn review(
    conn: &mut DbConn,
    public_url: &str,
    curator: &User,
    id: i64,
    decision: Decision,
    message: Option<&str>,
) -> Result<Option<Published>, ReviewError> {
    conn.write_transaction::<_, ReviewError, _>(|c| {
        let Some(example) = PracticeExample::find(c, id)? else {
            return Err(ApiError::not_found("practice example").into());
        };
        if example.author_id == curator.id {
            return Err(ApiError::forbidden(
                "own-submission",
                "You can't review your own practice example",
                "Another curator needs to review it.",
            )
            .into());
        }
        if example.status() != Some(ExampleStatus::InReview) {
            return Err(ApiError::conflict(
                "This practice example is not waiting for review.",
                vec![],
            )
            .into());
        }
        let published = match decision {
            Decision::Publish => Some(publish(c, public_url, curator, &example)?),
            Decision::RequestChanges | Decision::Decline => None,
        };
        let to = match decision {
            Decision::Publish => ExampleStatus::Published,
            Decision::RequestChanges => ExampleStatus::ChangesRequested,
            Decision::Decline => ExampleStatus::Declined,
        };
        PracticeExample::decide(c, id, to, published.as_ref().map(|p| p.resource_id))?;
        ExampleEvent::insert(c, id, Some(curator.id), decision.event(), message)?;
        let details = published
            .as_ref()
            .map(|p| format!("resource {} ({}), thread {}", p.resource_id, p.slug, p.thread_id));
        let mut audit = NewAudit::member(Some(curator.id), decision.audit_action(), id)
            .subject(example.author_id)
            .reason(message)
            .message(message);
        audit.target_type = "practice_example";
        if let Some(d) = &details {
            audit = audit.details(d);
        }
        audit.write(c)?;
        let text = match (decision, &published) {
            (Decision::Publish, Some(p)) => format!(
                "Your practice example “{}” is published in the library at /library/{}. Its discussion thread is open.{}",
                example.title,
                p.slug,
                message.map(|m| format!(" The curator wrote: {m}")).unwrap_or_default()
            ),
            (Decision::Decline, _) => format!(
                "Your practice example “{}” was declined. Reason: {}",
                example.title,
                message.unwrap_or_default()
            ),
            _ => format!(
                "A curator asked for changes to your practice example “{}”: {} Edit and resubmit it at /practice-examples/{}.",
                example.title,
                message.unwrap_or_default(),
                example.id
            ),
        };
        NewNotification {
            user_id: example.author_id,
            kind: NotificationKind::PracticeExample,
            thread_id: published.as_ref().map(|p| p.thread_id),
            post_id: None,
            actor_id: Some(curator.id),
            message: &text,
        }
        .write(c)?;
        Ok(published)
    })
}

/// The resource body: each section of the template under its own heading.
pub fn body_markdown(example: &PracticeExample, region_name: &str) -> String {
    let mut out = format!(
        "## Setting\n\n{}, {}\n\n## The challenge\n\n{}\n\n## What we did\n\n{}\n\n",
        example.setting, region_name, example.challenge, example.what_we_did
    );
    if let Some(l) = &example.legal_framework {
        out.push_str(&format!("## Legal framework and powers\n\n{l}\n\n"));
    }
    out.push_str(&format!(
        "## Outcomes and evidence\n\n{}\n\n## Learning\n\n{}\n",
        example.outcomes, example.learning
    ));
    if let Some(c) = &example.contact {
        out.push_str(&format!("\n## Contact\n\n{c}\n"));
    }
    out
}

/// The resource's summary: the start of the challenge, cut at a word.
pub fn summary(example: &PracticeExample) -> String {
    let text: String = example
        .challenge
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.chars().count() <= 280 {
        return text;
    }
    let cut: String = text.chars().take(277).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}

fn refused_for_case_information(findings: &[StoredFinding]) -> ApiError {
    let errors = findings
        .iter()
        .map(|f| FieldError {
            field: f.field.clone(),
            message: format!("This looks like {}: “{}”", f.description, f.matched),
        })
        .collect();
    let mut e = ApiError::validation(errors);
    if let ApiError::Unprocessable(p) = &mut e {
        p.0.detail = Some(
            "The case-information guard still finds information that could identify someone. Ask the member for changes instead of publishing."
                .into(),
        );
    }
    e
}

/// Creates the resource and opens the discussion thread (inside `review`'s transaction).
fn publish(
    c: &mut DbConn,
    public_url: &str,
    curator: &User,
    example: &PracticeExample,
) -> Result<Published, ReviewError> {
    // The guard is run again on what is there now, so a change in its rules counts too.
    let fields = ExampleFields {
        title: example.title.clone(),
        setting: example.setting.clone(),
        region: example.region.clone(),
        topic_id: example.topic_id,
        challenge: example.challenge.clone(),
        what_we_did: example.what_we_did.clone(),
        legal_framework: example.legal_framework.clone(),
        outcomes: example.outcomes.clone(),
        learning: example.learning.clone(),
        contact: example.contact.clone(),
        case_information: String::new(),
    };
    let findings = scan(&fields);
    if !findings.is_empty() {
        return Err(refused_for_case_information(&findings).into());
    }
    let Some(topic) = example
        .topic_id
        .map(|t| Category::find(c, t))
        .transpose()?
        .flatten()
        .filter(|t| !t.archived)
    else {
        return Err(ApiError::conflict(
            "The topic space of this practice example is gone or archived: ask the member to choose another.",
            vec![],
        )
        .into());
    };
    let Some(author) = User::find(c, UserId(example.author_id))? else {
        return Err(ApiError::not_found("author").into());
    };
    let region_name: &str = match Region::parse(&example.region) {
        Some(r) => r.name(),
        None => &example.region,
    };
    let resource = create_resource(c, curator, example, &author, &topic)?;

    let link = format!("{public_url}/library/{}", resource.1);
    let markdown = format!(
        "A practice example from {}, {}, is published in the library: [{}]({link}).\n\n{}\n\nWhat would you add from your own practice?",
        example.setting,
        region_name,
        example.title,
        summary(example)
    );
    let rendered = crate::content::markdown::render(&markdown)
        .map_err(|e| ApiError::field("challenge", e.to_string()))?;
    let checked = crate::forum::Checked {
        rendered,
        findings: Vec::new(),
        watched: Default::default(),
    };
    // A curator's publication is the approval: the thread is visible at once.
    let (thread_id, _) = crate::forum::write_thread(
        c,
        &crate::forum::ThreadDraft {
            category: &topic,
            author: &author,
            title: &example.title,
            kind: "discussion",
            markdown: &markdown,
            checked: &checked,
            held: None,
            tags: &[],
        },
    )?;
    crate::db::library::ResourceRow::set_discussion(c, resource.0, thread_id)?;
    enqueue_search(c, "resource", resource.0)?;
    Ok(Published {
        resource_id: resource.0,
        slug: resource.1,
        thread_id,
    })
}

/// The resource of kind `practice_example`, through the library's own `create`: owned by the
/// publishing curator, credited to the member. Its slug is the title's, with the example's
/// number added when another resource has it already. Returns its id and slug.
fn create_resource(
    c: &mut DbConn,
    curator: &User,
    example: &PracticeExample,
    author: &User,
    topic: &Category,
) -> Result<(i64, String), ReviewError> {
    let region_name = Region::parse(&example.region).map_or("", Region::name);
    let mut slug = super::slugify(&example.title);
    if slug.is_empty() || crate::db::library::ResourceRow::slug_taken(c, &slug, None)? {
        slug = format!(
            "{}-{}",
            if slug.is_empty() {
                "practice-example"
            } else {
                &slug
            },
            example.id
        );
    }
    let input = ResourceInput {
        kind: "practice_example".into(),
        title: example.title.clone(),
        slug: Some(slug),
        summary: summary(example),
        body_markdown: body_markdown(example, region_name),
        source_org: None,
        authors: vec![author.display_name.clone()],
        audience: None,
        external_url: None,
        published_on: Some(chrono::Utc::now().date_naive()),
        review_by: None,
        owner: Some(curator.id),
        topics: vec![topic.slug.clone()],
        regions: vec![example.region.clone()],
        tags: Vec::new(),
        status: "published".into(),
        superseded_by: None,
        featured: false,
        is_demo: example.is_demo,
    };
    let note = format!("Published from practice example {}", example.id);
    match super::resources::create(c, curator, &input, Some(&note)) {
        Ok(r) => Ok((r.id, r.slug)),
        Err(super::LibraryError::Db(e)) => Err(ReviewError::Db(e)),
        Err(e) => Err(ReviewError::Refused(e.into())),
    }
}
