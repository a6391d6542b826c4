//! Watched words: admins' rules (a word, a phrase or a regular expression, with an action),
//! compiled once per change and matched against what members write. Block beats hold beats flag.

use std::sync::{Arc, RwLock};

use regex::{Regex, RegexBuilder};
use unicode_normalization::UnicodeNormalization;

use crate::db::watched_words::{self, WatchedWord};
use crate::db::{DbConn, DbError};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::state::AppState;

/// Caps on one compiled rule, so a pattern can't make the matcher big or slow to build.
const REGEX_SIZE_LIMIT: usize = 256 * 1024;
const REGEX_DFA_SIZE_LIMIT: usize = 1024 * 1024;
/// Longest pattern of each kind, in characters.
pub const MAX_WORD: usize = 100;
pub const MAX_PHRASE: usize = 200;
pub const MAX_REGEX: usize = 500;
/// How much of the matched text is quoted back to the writer.
const MATCH_QUOTE: usize = 60;
/// What a blocked writer is told when the rule has no message of its own.
pub const DEFAULT_BLOCK_MESSAGE: &str =
    "This wording isn't accepted in the forum. Please change it and try again.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    Flag,
    Hold,
    Block,
}

impl Action {
    pub fn parse(s: &str) -> Option<Action> {
        match s {
            "flag" => Some(Action::Flag),
            "hold" => Some(Action::Hold),
            "block" => Some(Action::Block),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Flag => "flag",
            Action::Hold => "hold",
            Action::Block => "block",
        }
    }
}

/// A rule ready to match.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: i64,
    pub pattern: String,
    pub kind: String,
    pub action: Action,
    pub message: Option<String>,
    regex: Regex,
}

/// One rule matching one field of what was written.
#[derive(Debug, Clone)]
pub struct Match {
    pub rule_id: i64,
    pub pattern: String,
    pub kind: String,
    pub action: Action,
    pub message: Option<String>,
    pub field: String,
    /// The writer's own text that matched (never the pattern), shortened.
    pub matched: String,
}

/// Every rule that matched, once per rule.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    pub matches: Vec<Match>,
}

impl Verdict {
    /// The strongest action among the matches.
    pub fn action(&self) -> Option<Action> {
        self.matches.iter().map(|m| m.action).max()
    }

    pub fn holds(&self) -> bool {
        self.action() == Some(Action::Hold)
    }

    /// The matches of rules that did not already match `earlier` (an edit's previous text), so
    /// an edit is not held or flagged again for what a moderator has already seen.
    pub fn new_since(self, earlier: &Verdict) -> Verdict {
        Verdict {
            matches: self
                .matches
                .into_iter()
                .filter(|m| !earlier.matches.iter().any(|e| e.rule_id == m.rule_id))
                .collect(),
        }
    }

    /// The 422 for a blocked post: per field, the first blocking rule's public message and the
    /// writer's words it matched.
    pub fn refusal(&self) -> Option<ApiError> {
        let mut errors: Vec<FieldError> = Vec::new();
        for m in self.matches.iter().filter(|m| m.action == Action::Block) {
            if errors.iter().any(|e| e.field == m.field) {
                continue;
            }
            let message = m.message.as_deref().unwrap_or(DEFAULT_BLOCK_MESSAGE);
            errors.push(FieldError {
                field: m.field.clone(),
                message: format!("{message} (“{}”)", m.matched),
            });
        }
        (!errors.is_empty()).then(|| ApiError::validation(errors))
    }
}

/// The compiled rules at one version.
#[derive(Debug, Default)]
pub struct Rules {
    version: String,
    rules: Vec<Rule>,
}

impl Rules {
    pub fn compile(version: String, rows: &[WatchedWord]) -> Rules {
        let rules = rows
            .iter()
            .filter_map(|row| {
                let action = Action::parse(&row.action)?;
                match compile(&row.kind, &row.pattern) {
                    Ok(regex) => Some(Rule {
                        id: row.id,
                        pattern: row.pattern.clone(),
                        kind: row.kind.clone(),
                        action,
                        message: row.message.clone(),
                        regex,
                    }),
                    Err(e) => {
                        // Patterns are checked when saved; this only happens if the limits shrink.
                        tracing::warn!(rule = row.id, error = %e, "watched word skipped");
                        None
                    }
                }
            })
            .collect();
        Rules { version, rules }
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Matches every rule against each `(field, text)`; a rule is reported once, for the first
    /// field it matches. Text is NFKC-normalised first, so full-width and other compatibility
    /// forms match their plain letters.
    pub fn check(&self, fields: &[(&str, &str)]) -> Verdict {
        let mut matches: Vec<Match> = Vec::new();
        if self.rules.is_empty() {
            return Verdict { matches };
        }
        let normalised: Vec<(&str, String)> = fields
            .iter()
            .map(|(f, t)| (*f, t.nfkc().collect::<String>()))
            .collect();
        for rule in &self.rules {
            for (field, text) in &normalised {
                // Zero-length matches (`\b`, `x*`) say nothing about the text.
                let found = rule.regex.find_iter(text).find(|m| !m.is_empty());
                if let Some(found) = found {
                    matches.push(Match {
                        rule_id: rule.id,
                        pattern: rule.pattern.clone(),
                        kind: rule.kind.clone(),
                        action: rule.action,
                        message: rule.message.clone(),
                        field: (*field).to_owned(),
                        matched: quote(found.as_str()),
                    });
                    break;
                }
            }
        }
        Verdict { matches }
    }
}

fn quote(text: &str) -> String {
    let mut out: String = text.chars().take(MATCH_QUOTE).collect();
    if text.chars().count() > MATCH_QUOTE {
        out.push('…');
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A word or phrase as stored: NFKC, lower case (it matches in any case, and this way the same
/// word can't be watched twice), trimmed, inner spacing collapsed to single spaces.
pub fn normalise_text_pattern(raw: &str) -> String {
    raw.nfkc()
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Compiles a rule. Words and phrases match case-insensitively on word boundaries (a phrase's
/// spaces match any spacing); a regular expression matches as written (`(?i)` for any case).
pub fn compile(kind: &str, pattern: &str) -> Result<Regex, String> {
    let source = match kind {
        "word" | "phrase" => {
            let words: Vec<String> = pattern.split_whitespace().map(regex::escape).collect();
            if words.is_empty() {
                return Err("Enter a word or phrase".into());
            }
            let mut source = String::from("(?i)");
            if pattern
                .trim_start()
                .chars()
                .next()
                .is_some_and(is_word_char)
            {
                source.push_str(r"\b");
            }
            source.push_str(&words.join(r"\s+"));
            if pattern.trim_end().chars().last().is_some_and(is_word_char) {
                source.push_str(r"\b");
            }
            source
        }
        "regex" => pattern.to_owned(),
        _ => return Err("Choose word, phrase or regex".into()),
    };
    RegexBuilder::new(&source)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_DFA_SIZE_LIMIT)
        .nest_limit(50)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => {
                "This expression is too complex: simplify it or split it into several rules"
                    .to_owned()
            }
            other => {
                let detail = other.to_string();
                let last = detail.lines().last().unwrap_or("").trim().to_owned();
                format!("Not a valid regular expression: {last}")
            }
        })
}

/// The compiled rules of this process, reloaded when the rules' version in the database changes
/// (any replica's admin may have changed them). Checking costs one primary-key read per post.
#[derive(Clone, Default)]
pub struct RuleCache {
    current: Arc<RwLock<Option<Arc<Rules>>>>,
}

impl RuleCache {
    pub fn load(&self, conn: &mut DbConn) -> Result<Arc<Rules>, DbError> {
        let version = watched_words::version(conn)?;
        if let Ok(guard) = self.current.read()
            && let Some(rules) = guard.as_ref()
            && rules.version == version
        {
            return Ok(rules.clone());
        }
        let rows = WatchedWord::list(conn)?;
        let rules = Arc::new(Rules::compile(version, &rows));
        if let Ok(mut guard) = self.current.write() {
            *guard = Some(rules.clone());
        }
        Ok(rules)
    }
}

/// Checks what a member wrote against the rules; a blocking match refuses it with a 422 naming
/// the field. Matching runs off the async runtime.
pub async fn screen(state: &AppState, fields: Vec<(&'static str, String)>) -> ApiResult<Verdict> {
    let verdict = check(state, fields).await?;
    match verdict.refusal() {
        Some(refused) => Err(refused),
        None => Ok(verdict),
    }
}

/// `screen` for a post: the thread's title when there is one, the Markdown as written and the
/// rendered text (so `b**a**d` can't hide a word).
pub async fn screen_post(
    state: &AppState,
    title: Option<&str>,
    markdown: &str,
    checked: &crate::forum::Checked,
) -> ApiResult<Verdict> {
    let mut fields = Vec::with_capacity(3);
    if let Some(title) = title {
        fields.push(("title", title.to_owned()));
    }
    fields.push(("body", markdown.to_owned()));
    fields.push(("body", checked.rendered.text.clone()));
    screen(state, fields).await
}

/// Like `screen`, without refusing anything.
pub async fn check(state: &AppState, fields: Vec<(&'static str, String)>) -> ApiResult<Verdict> {
    let cache = state.watched.clone();
    let rules = state.db.run(move |c| cache.load(c)).await?;
    if rules.is_empty() {
        return Ok(Verdict::default());
    }
    tokio::task::spawn_blocking(move || {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(f, t)| (*f, t.as_str())).collect();
        rules.check(&fields)
    })
    .await
    .map_err(|e| ApiError::internal(&e))
}

/// Drops from `verdict` the rules that already matched `earlier` (the text before an edit).
pub fn new_since_text(
    cache: &RuleCache,
    conn: &mut DbConn,
    verdict: Verdict,
    earlier: &[(&str, &str)],
) -> Result<Verdict, DbError> {
    if verdict.matches.is_empty() {
        return Ok(verdict);
    }
    let before = cache.load(conn)?.check(earlier);
    Ok(verdict.new_since(&before))
}

/// After an edit of `post` (its row from before the edit), in the edit's transaction: a visible
/// post newly matching a hold rule goes back for review (unless the editor moderates the space,
/// or the case-information guard already held it, as it does whoever edits), and flags are
/// raised. Only rules the earlier text didn't match count, so an approved post isn't held again
/// for every correction.
pub fn after_edit(
    conn: &mut DbConn,
    cache: &RuleCache,
    post: &crate::db::forum::Post,
    checked: &crate::forum::Checked,
    moderator: bool,
) -> Result<(), DbError> {
    let verdict = new_since_text(
        cache,
        conn,
        checked.watched.clone(),
        &[("body", &post.body_markdown), ("body", &post.body_text)],
    )?;
    let was_visible = post.status() == crate::db::forum::ContentStatus::Visible;
    let held_for_case = !checked.findings.is_empty();
    let hold = was_visible && !moderator && !held_for_case && verdict.holds();
    if hold {
        crate::db::forum::Post::set_status(
            conn,
            post.id,
            crate::db::forum::ContentStatus::Held,
            Some(crate::forum::REASON_WATCHED_WORD),
        )?;
    }
    raise_flags(
        conn,
        post.id,
        &verdict,
        hold || held_for_case || !was_visible,
    )
}

/// Raises the flags a post's matches call for, in the caller's transaction: one per flag rule,
/// and one per hold rule when the post was published anyway (its author moderates the space).
pub fn raise_flags(
    conn: &mut DbConn,
    post_id: i64,
    verdict: &Verdict,
    held: bool,
) -> Result<(), DbError> {
    for m in &verdict.matches {
        let flag = m.action == Action::Flag || (m.action == Action::Hold && !held);
        if flag {
            crate::db::flags::raise_watched_word_flag(conn, post_id, &m.pattern)?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rules(list: &[(&str, &str, &str)]) -> Rules {
        let at = crate::db::now();
        let rows: Vec<WatchedWord> = list
            .iter()
            .enumerate()
            .map(|(i, (kind, pattern, action))| WatchedWord {
                id: i as i64 + 1,
                pattern: (*pattern).to_owned(),
                kind: (*kind).to_owned(),
                action: (*action).to_owned(),
                note: None,
                message: None,
                created_by: None,
                created_at: at,
                updated_at: at,
            })
            .collect();
        Rules::compile("v".into(), &rows)
    }

    #[test]
    fn words_match_whole_words_in_any_case() {
        let r = rules(&[("word", "spam", "flag"), ("phrase", "buy now", "hold")]);
        assert_eq!(
            r.check(&[("body", "SPAM here")]).action(),
            Some(Action::Flag)
        );
        assert_eq!(r.check(&[("body", "spammer and antispam")]).action(), None);
        assert_eq!(
            r.check(&[("body", "Buy\n  NOW!")]).action(),
            Some(Action::Hold)
        );
        assert_eq!(
            r.check(&[("body", "ｓｐａｍ")]).action(),
            Some(Action::Flag)
        );
    }

    #[test]
    fn block_beats_hold_beats_flag_and_empty_matches_are_ignored() {
        let r = rules(&[
            ("word", "a1", "flag"),
            ("word", "b2", "block"),
            ("regex", "x*", "hold"),
        ]);
        let v = r.check(&[("title", "a1"), ("body", "b2")]);
        assert_eq!(v.action(), Some(Action::Block));
        assert_eq!(v.matches.len(), 2);
        assert!(v.refusal().is_some());
        assert_eq!(r.check(&[("body", "nothing")]).action(), None);
    }

    #[test]
    fn bad_and_huge_expressions_are_refused() {
        assert!(compile("regex", "(unclosed").is_err());
        assert!(compile("regex", r"\w{1000}{1000}").is_err());
        assert!(compile("regex", "(?i)viagra|cialis").is_ok());
        assert!(compile("word", "c++").is_ok_and(|r| r.is_match("I like c++ a lot")));
    }

    #[test]
    fn compiling_many_rules_is_quick_enough_to_cache() {
        let list: Vec<(String, &str, &str)> = (0..500)
            .map(|i| (format!("watchedword{i}"), "word", "flag"))
            .collect();
        let refs: Vec<(&str, &str, &str)> =
            list.iter().map(|(p, k, a)| (*k, p.as_str(), *a)).collect();
        let started = std::time::Instant::now();
        let r = rules(&refs);
        let compiled = started.elapsed();
        let body = "a fairly ordinary post about supervision ".repeat(1500);
        let started = std::time::Instant::now();
        let v = r.check(&[("body", &body)]);
        let matched = started.elapsed();
        assert!(v.matches.is_empty());
        eprintln!("500 rules: compiled in {compiled:?}, 60 KB matched in {matched:?}");
    }
}
