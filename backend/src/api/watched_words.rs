//! Watched words (admins): the rules, their changes (audited), and trying a text against them.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};

use super::auth::NoContent;
use super::utc;
use crate::auth::Viewer;
use crate::db::audit::NewAudit;
use crate::db::watched_words::{NewWatchedWord, WatchedWord as Row, WatchedWordUpdate};
use crate::db::{DbError, now};
use crate::error::{ApiError, ApiResult, FieldError, Validation};
use crate::state::AppState;
use crate::watched::{self, MAX_PHRASE, MAX_REGEX, MAX_WORD};

#[derive(Tags)]
enum Tag {
    /// Watched words (admins).
    WatchedWords,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum PatternKind {
    /// One word, matched in any case on word boundaries.
    Word,
    /// Several words in order, any spacing between them, in any case, on word boundaries.
    Phrase,
    /// A regular expression (Rust `regex` syntax), matched as written.
    Regex,
}

impl PatternKind {
    fn as_str(self) -> &'static str {
        match self {
            PatternKind::Word => "word",
            PatternKind::Phrase => "phrase",
            PatternKind::Regex => "regex",
        }
    }

    fn parse(s: &str) -> PatternKind {
        match s {
            "word" => PatternKind::Word,
            "phrase" => PatternKind::Phrase,
            _ => PatternKind::Regex,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum RuleAction {
    /// The post is refused, with the rule's message.
    Block,
    /// The post waits for a moderator, with the reason "watched word".
    Hold,
    /// The post is published and a flag is raised for moderators.
    Flag,
}

impl RuleAction {
    fn as_str(self) -> &'static str {
        match self {
            RuleAction::Block => "block",
            RuleAction::Hold => "hold",
            RuleAction::Flag => "flag",
        }
    }

    fn parse(s: &str) -> RuleAction {
        match s {
            "block" => RuleAction::Block,
            "hold" => RuleAction::Hold,
            _ => RuleAction::Flag,
        }
    }

    fn of(a: watched::Action) -> RuleAction {
        RuleAction::parse(a.as_str())
    }
}

#[derive(Object)]
pub struct WatchedWordView {
    pub id: i64,
    pub pattern: String,
    pub kind: PatternKind,
    pub action: RuleAction,
    /// For admins only: why the rule exists.
    pub note: Option<String>,
    /// What a member whose post is blocked is told (a default when empty).
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct WatchedWordList {
    pub items: Vec<WatchedWordView>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct NewWatchedWordRequest {
    pub pattern: String,
    pub kind: PatternKind,
    pub action: RuleAction,
    pub note: Option<String>,
    pub message: Option<String>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct WatchedWordChanges {
    pub pattern: Option<String>,
    pub kind: Option<PatternKind>,
    pub action: Option<RuleAction>,
    /// An empty string clears it.
    pub note: Option<String>,
    /// An empty string clears it.
    pub message: Option<String>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct TestRequest {
    pub text: String,
}

#[derive(Object)]
pub struct TestMatch {
    pub id: i64,
    pub pattern: String,
    pub kind: PatternKind,
    pub action: RuleAction,
    /// The part of the text that matched.
    pub matched: String,
}

#[derive(Object)]
pub struct TestResult {
    pub matches: Vec<TestMatch>,
    /// What would happen to a post with this text: the strongest action (block, then hold, then
    /// flag), or none.
    pub action: Option<RuleAction>,
}

#[derive(ApiResponse)]
pub enum WatchedWordCreated {
    #[oai(status = 201)]
    Created(Json<WatchedWordView>),
}

pub struct WatchedWordsApi;

#[OpenApi(prefix_path = "/admin/watched-words", tag = "Tag::WatchedWords")]
impl WatchedWordsApi {
    /// Every rule, oldest first.
    #[oai(path = "/", method = "get", operation_id = "listWatchedWords")]
    async fn list(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
    ) -> ApiResult<Json<WatchedWordList>> {
        viewer.require_admin()?;
        let rows = state.db.run(Row::list).await?;
        Ok(Json(WatchedWordList {
            items: rows.into_iter().map(view).collect(),
        }))
    }

    /// Add a rule.
    #[oai(path = "/", method = "post", operation_id = "createWatchedWord")]
    async fn create(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        body: Json<NewWatchedWordRequest>,
    ) -> ApiResult<WatchedWordCreated> {
        let actor = viewer.require_admin()?.id;
        let mut v = Validation::default();
        let pattern = v.check("pattern", check_pattern(body.kind, &body.pattern));
        let note = v.check("note", optional_text(body.note.as_deref(), 500));
        let message = v.check("message", optional_text(body.message.as_deref(), 300));
        v.finish()?;
        let pattern = pattern.unwrap_or_default();
        let (note, message) = (note.flatten(), message.flatten());
        let (kind, action) = (body.kind.as_str(), body.action.as_str());
        let created = state
            .db
            .run(move |c| {
                let result = c.write_transaction::<_, DbError, _>(|c| {
                    let at = now();
                    let row = Row::insert(
                        c,
                        &NewWatchedWord {
                            pattern: &pattern,
                            kind,
                            action,
                            note: note.as_deref(),
                            message: message.as_deref(),
                            created_by: Some(actor),
                            created_at: at,
                            updated_at: at,
                        },
                    )?;
                    audit(c, actor, "watched_word.created", &row)?;
                    Ok(row)
                });
                match result {
                    Ok(row) => Ok(Some(row)),
                    Err(e) if e.is_unique_violation() => Ok(None),
                    Err(e) => Err(e),
                }
            })
            .await?;
        let row = created.ok_or_else(duplicate)?;
        Ok(WatchedWordCreated::Created(Json(view(row))))
    }

    /// Try a text against the rules: which match, and what would happen to a post.
    #[oai(path = "/test", method = "post", operation_id = "testWatchedWords")]
    async fn test(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        body: Json<TestRequest>,
    ) -> ApiResult<Json<TestResult>> {
        viewer.require_admin()?;
        if body.text.len() > 64 * 1024 {
            return Err(ApiError::field("text", "The text is too long to test"));
        }
        let verdict = watched::check(&state, vec![("text", body.0.text)]).await?;
        Ok(Json(TestResult {
            action: verdict.action().map(RuleAction::of),
            matches: verdict
                .matches
                .into_iter()
                .map(|m| TestMatch {
                    id: m.rule_id,
                    kind: PatternKind::parse(&m.kind),
                    action: RuleAction::of(m.action),
                    pattern: m.pattern,
                    matched: m.matched,
                })
                .collect(),
        }))
    }

    /// Change a rule.
    #[oai(path = "/:id", method = "patch", operation_id = "updateWatchedWord")]
    async fn update(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<WatchedWordChanges>,
    ) -> ApiResult<Json<WatchedWordView>> {
        let actor = viewer.require_admin()?.id;
        let id = id.0;
        let body = body.0;
        let mut v = Validation::default();
        let note = v.check("note", optional_text(body.note.as_deref(), 500));
        let message = v.check("message", optional_text(body.message.as_deref(), 300));
        v.finish()?;
        let existing = state
            .db
            .run(move |c| Row::find(c, id))
            .await?
            .ok_or_else(|| ApiError::not_found("watched word"))?;
        let kind = body
            .kind
            .unwrap_or_else(|| PatternKind::parse(&existing.kind));
        // A change of kind re-checks the pattern under the new kind.
        let pattern = match (&body.pattern, body.kind) {
            (None, None) => None,
            (raw, _) => Some(
                check_pattern(kind, raw.as_deref().unwrap_or(&existing.pattern))
                    .map_err(|m| ApiError::field("pattern", m))?,
            ),
        };
        let changes = WatchedWordUpdate {
            pattern,
            kind: body.kind.map(|k| k.as_str().to_owned()),
            action: body.action.map(|a| a.as_str().to_owned()),
            note: body.note.as_ref().map(|_| note.flatten()),
            message: body.message.as_ref().map(|_| message.flatten()),
            updated_at: Some(now()),
        };
        let updated = state
            .db
            .run(move |c| {
                let result = c.write_transaction::<_, DbError, _>(|c| {
                    let row = Row::update(c, id, &changes)?;
                    if let Some(row) = &row {
                        audit(c, actor, "watched_word.updated", row)?;
                    }
                    Ok(row)
                });
                match result {
                    Ok(row) => Ok(Ok(row)),
                    Err(e) if e.is_unique_violation() => Ok(Err(duplicate())),
                    Err(e) => Err(e),
                }
            })
            .await??;
        let row = updated.ok_or_else(|| ApiError::not_found("watched word"))?;
        Ok(Json(view(row)))
    }

    /// Delete a rule.
    #[oai(path = "/:id", method = "delete", operation_id = "deleteWatchedWord")]
    async fn delete(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
    ) -> ApiResult<NoContent> {
        let actor = viewer.require_admin()?.id;
        let id = id.0;
        let deleted = state
            .db
            .run(move |c| {
                c.write_transaction::<_, DbError, _>(|c| {
                    let Some(row) = Row::find(c, id)? else {
                        return Ok(false);
                    };
                    Row::delete(c, id)?;
                    audit(c, actor, "watched_word.deleted", &row)?;
                    Ok(true)
                })
            })
            .await?;
        if !deleted {
            return Err(ApiError::not_found("watched word"));
        }
        Ok(NoContent::NoContent)
    }
}

fn audit(c: &mut crate::db::DbConn, actor: i64, action: &str, row: &Row) -> Result<(), DbError> {
    let details = serde_json::json!({
        "pattern": row.pattern,
        "kind": row.kind,
        "action": row.action,
    })
    .to_string();
    let mut entry = NewAudit::member(Some(actor), action, row.id).details(&details);
    entry.target_type = "watched_word";
    entry.write(c)
}

fn duplicate() -> ApiError {
    ApiError::conflict(
        "There is already a rule with this pattern.",
        vec![FieldError {
            field: "pattern".into(),
            message: "This pattern is already watched".into(),
        }],
    )
}

fn view(r: Row) -> WatchedWordView {
    WatchedWordView {
        id: r.id,
        kind: PatternKind::parse(&r.kind),
        action: RuleAction::parse(&r.action),
        pattern: r.pattern,
        note: r.note,
        message: r.message,
        created_at: utc(r.created_at),
        updated_at: utc(r.updated_at),
    }
}

/// The pattern as stored, or why it is refused: words and phrases are NFKC with single spaces;
/// a regular expression must compile within the size limits and not match an empty text.
fn check_pattern(kind: PatternKind, raw: &str) -> Result<String, String> {
    let (pattern, max) = match kind {
        PatternKind::Word => (watched::normalise_text_pattern(raw), MAX_WORD),
        PatternKind::Phrase => (watched::normalise_text_pattern(raw), MAX_PHRASE),
        PatternKind::Regex => (raw.trim().to_owned(), MAX_REGEX),
    };
    if pattern.is_empty() {
        return Err("Enter a pattern".into());
    }
    if pattern.chars().count() > max {
        return Err(format!("The pattern must be {max} characters or fewer"));
    }
    if pattern.chars().any(char::is_control) {
        return Err("The pattern must not contain control characters".into());
    }
    match kind {
        PatternKind::Word if pattern.contains(' ') => {
            return Err("A word can't contain spaces: choose phrase".into());
        }
        PatternKind::Word | PatternKind::Phrase if pattern.chars().count() < 2 => {
            return Err("The pattern must be at least 2 characters".into());
        }
        _ => {}
    }
    let regex = watched::compile(kind.as_str(), &pattern)?;
    if regex.is_match("") {
        return Err("This expression matches an empty text, so it would match every post".into());
    }
    Ok(pattern)
}

/// Trimmed text up to `max` characters; empty becomes None.
fn optional_text(raw: Option<&str>, max: usize) -> Result<Option<String>, String> {
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > max {
        return Err(format!("Must be {max} characters or fewer"));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("Must not contain control characters".into());
    }
    Ok(Some(text.to_owned()))
}
