//! Search over the library and the forum, search-as-you-type, and the acronym glossary (admins).

use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi, Tags};
use search_index::{DEFAULT_GLOSSARY, DocType, Glossary, SearchRequest, Sort};

use crate::auth::Viewer;
use crate::db::DbError;
use crate::db::audit::NewAudit;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::search::{GLOSSARY_SETTING, SearchFailure, docs, searcher};
use crate::state::AppState;

/// Longest query text read; the rest is ignored (the index reads at most 256 characters).
const MAX_Q_CHARS: usize = 1_000;
/// Values a filter may list.
const MAX_FILTER_VALUES: usize = 20;
const MAX_FILTER_CHARS: usize = 100;
/// Largest glossary admins may save.
const MAX_GLOSSARY_BYTES: usize = 64 * 1024;
const MAX_GLOSSARY_CONCEPTS: usize = 2_000;
const MAX_SUGGESTIONS: i64 = 10;

#[derive(Tags)]
enum Tag {
    /// Search over guidance, toolkits, collections and forum discussions.
    Search,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum HitType {
    Resource,
    Thread,
    Post,
    Collection,
}

impl HitType {
    fn of(t: DocType) -> HitType {
        match t {
            DocType::Resource => HitType::Resource,
            DocType::Thread => HitType::Thread,
            DocType::Post => HitType::Post,
            DocType::Collection => HitType::Collection,
        }
    }
}

#[derive(Object)]
pub struct SearchHit {
    #[oai(rename = "type")]
    pub doc_type: HitType,
    /// The resource's, collection's, thread's or post's id.
    pub id: i64,
    /// Resources and collections.
    pub slug: Option<String>,
    /// Plain text: escape it when showing it.
    pub title: String,
    /// The app's page for it: /library/{slug}, /collections/{slug}, /threads/{id} or
    /// /threads/{id}#post-{id}.
    pub url: String,
    /// HTML whose only markup is `<mark>` around the matched words; all text is escaped.
    pub snippet: String,
    pub score: f32,
    /// A resource's kind (guidance, toolkit, ...) or a thread's (discussion, question).
    pub kind: Option<String>,
    /// Topic slugs.
    pub topics: Vec<String>,
    /// Region slugs.
    pub regions: Vec<String>,
    /// The forum space (slug) of a thread or post.
    pub space: Option<String>,
    pub published_at: DateTime<Utc>,
    /// The page of the attachment the snippet came from (from 1), when it came from one.
    pub page: Option<u32>,
    /// The title of that attachment.
    pub attachment_title: Option<String>,
}

#[derive(Object)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

/// Counts over everything the search matched that you may see, not just this page.
#[derive(Object)]
pub struct SearchFacets {
    #[oai(rename = "type")]
    pub doc_type: Vec<FacetValue>,
    pub kind: Vec<FacetValue>,
    pub topic: Vec<FacetValue>,
    pub region: Vec<FacetValue>,
}

#[derive(Object)]
pub struct SearchResponse {
    pub hits: Vec<SearchHit>,
    /// Matches in all (that you may see).
    pub total: u64,
    pub facets: SearchFacets,
    /// A respelt query to offer when there were few or no results.
    pub did_you_mean: Option<String>,
    pub took_ms: u64,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Object)]
pub struct SuggestItem {
    #[oai(rename = "type")]
    pub doc_type: HitType,
    pub id: i64,
    pub slug: Option<String>,
    pub title: String,
    pub url: String,
}

#[derive(Object)]
pub struct SuggestResponse {
    pub items: Vec<SuggestItem>,
}

#[derive(Object)]
pub struct GlossaryConcept {
    /// The forms that mean the same thing, as written (the first is usually the acronym).
    pub forms: Vec<String>,
}

#[derive(Object)]
pub struct GlossaryView {
    /// The glossary in use: one concept a line, forms separated by `|`, `#` starts a comment.
    pub text: String,
    /// False while the shipped glossary is in use unchanged.
    pub customised: bool,
    pub concepts: Vec<GlossaryConcept>,
    /// The glossary shipped with this version, to compare with or go back to.
    pub default_text: String,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct GlossaryUpdate {
    /// The whole glossary: one concept a line, forms separated by `|`.
    pub text: String,
    /// Why it changed (kept in the audit log).
    pub reason: Option<String>,
}

fn search_error(e: SearchFailure) -> ApiError {
    match e {
        SearchFailure::Db(e) => e.into(),
        SearchFailure::Internal(e) => ApiError::internal(&e),
    }
}

/// Filter values: repeated parameters and comma-separated lists alike, trimmed, capped.
fn values(field: &str, raw: &[String]) -> ApiResult<Vec<String>> {
    let out: Vec<String> = raw
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect();
    if out.len() > MAX_FILTER_VALUES {
        return Err(ApiError::field(
            field,
            format!("List at most {MAX_FILTER_VALUES} values"),
        ));
    }
    if out.iter().any(|v| v.chars().count() > MAX_FILTER_CHARS) {
        return Err(ApiError::field(field, "That value is too long"));
    }
    Ok(out)
}

/// A date (`2026-12-02`) or a time (RFC 3339) as unix seconds; a bare date `to` covers its day.
fn date_param(field: &str, raw: Option<&str>, end_of_day: bool) -> ApiResult<Option<i64>> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(Some(t.timestamp()));
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        ApiError::field(field, "Use a date such as 2026-12-02 (or an RFC 3339 time)")
    })?;
    let time = if end_of_day {
        date.and_hms_opt(23, 59, 59)
    } else {
        date.and_hms_opt(0, 0, 0)
    };
    Ok(time.map(|t| t.and_utc().timestamp()))
}

fn parse_cursor(raw: Option<&str>) -> ApiResult<usize> {
    match raw.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(0),
        Some(c) => c
            .strip_prefix('o')
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n <= search_index::MAX_OFFSET)
            .ok_or_else(|| ApiError::field("cursor", "Not a valid cursor")),
    }
}

fn concepts_of(text: &str) -> Vec<GlossaryConcept> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(|l| GlossaryConcept {
            forms: l
                .split('|')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect(),
        })
        .collect()
}

fn glossary_view(text: Option<String>) -> GlossaryView {
    let customised = text.as_deref().is_some_and(|t| t != DEFAULT_GLOSSARY);
    let text = text.unwrap_or_else(|| DEFAULT_GLOSSARY.to_owned());
    GlossaryView {
        concepts: concepts_of(&text),
        text,
        customised,
        default_text: DEFAULT_GLOSSARY.to_owned(),
    }
}

pub struct SearchApi;

#[OpenApi(tag = "Tag::Search")]
impl SearchApi {
    /// Search the library and the forum. `q` understands words, "phrases", -exclusion and OR;
    /// acronyms are expanded both ways and small typos are forgiven. Anyone may search:
    /// signed-out visitors find published library pages, members the forum too. Filters take
    /// repeated parameters or comma-separated lists.
    #[oai(path = "/search", method = "get", operation_id = "search")]
    #[allow(clippy::too_many_arguments)]
    async fn search(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        q: Query<Option<String>>,
        #[oai(name = "type")] doc_type: Query<Vec<String>>,
        kind: Query<Vec<String>>,
        topic: Query<Vec<String>>,
        region: Query<Vec<String>>,
        tag: Query<Vec<String>>,
        from: Query<Option<String>>,
        to: Query<Option<String>>,
        /// `relevance` (the default) or `newest`.
        sort: Query<Option<String>>,
        cursor: Query<Option<String>>,
        limit: Query<Option<i64>>,
    ) -> ApiResult<Json<SearchResponse>> {
        let started = Instant::now();
        let limit = super::page_limit(limit.0)? as usize;
        let offset = parse_cursor(cursor.0.as_deref())?;
        let types = values("type", &doc_type.0)?
            .iter()
            .map(|t| {
                DocType::parse(t).ok_or_else(|| {
                    ApiError::field("type", "Use resource, thread, post or collection")
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        let sort = match sort.0.as_deref().map(str::trim) {
            None | Some("") | Some("relevance") => Sort::Relevance,
            Some("newest") => Sort::Newest,
            Some(_) => return Err(ApiError::field("sort", "Use relevance or newest")),
        };
        let text: String = q.0.unwrap_or_default().chars().take(MAX_Q_CHARS).collect();
        let req = SearchRequest {
            q: text,
            types,
            kinds: values("kind", &kind.0)?,
            topics: values("topic", &topic.0)?,
            regions: values("region", &region.0)?,
            tags: values("tag", &tag.0)?,
            from: date_param("from", from.0.as_deref(), false)?,
            to: date_param("to", to.0.as_deref(), true)?,
            sort,
            limit,
            offset,
            viewer: search_index::ViewerScope::public(),
        };
        let who = searcher(viewer.user());
        let results = state
            .search
            .search(&state.db, req, who)
            .await
            .map_err(search_error)?;
        let next = offset + limit;
        let next_cursor =
            (next < results.total && next <= search_index::MAX_OFFSET).then(|| format!("o{next}"));
        let facet = |v: Vec<search_index::FacetCount>| {
            v.into_iter()
                .map(|c| FacetValue {
                    value: c.value,
                    count: c.count,
                })
                .collect()
        };
        let hits = results
            .hits
            .into_iter()
            .filter_map(|h| {
                let (_, id) = docs::parse_doc_id(&h.id)?;
                let space = match h.doc_type {
                    DocType::Thread | DocType::Post => {
                        h.topics.first().or(h.regions.first()).cloned()
                    }
                    _ => h.space.clone(),
                };
                Some(SearchHit {
                    doc_type: HitType::of(h.doc_type),
                    id,
                    slug: h.slug,
                    title: h.title,
                    url: h.url,
                    snippet: h.snippet_html,
                    score: if h.score.is_finite() { h.score } else { 0.0 },
                    kind: h.kind,
                    topics: h.topics,
                    regions: h.regions,
                    space,
                    published_at: DateTime::from_timestamp(h.published_at, 0).unwrap_or_default(),
                    page: h.page,
                    attachment_title: h.attachment_title,
                })
            })
            .collect();
        Ok(Json(SearchResponse {
            hits,
            total: results.total as u64,
            facets: SearchFacets {
                doc_type: facet(results.facets.types),
                kind: facet(results.facets.kinds),
                topic: facet(results.facets.topics),
                region: facet(results.facets.regions),
            },
            did_you_mean: results.did_you_mean,
            took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            next_cursor,
        }))
    }

    /// Titles starting with what has been typed (the last word may be partly typed), for
    /// search-as-you-type; only what you may see.
    #[oai(
        path = "/search/suggest",
        method = "get",
        operation_id = "searchSuggest"
    )]
    async fn suggest(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        q: Query<Option<String>>,
        /// At most 10 (the default).
        limit: Query<Option<i64>>,
    ) -> ApiResult<Json<SuggestResponse>> {
        let limit = match limit.0 {
            None => MAX_SUGGESTIONS,
            Some(n) if (1..=MAX_SUGGESTIONS).contains(&n) => n,
            Some(_) => return Err(ApiError::field("limit", "limit must be between 1 and 10")),
        };
        let text: String = q.0.unwrap_or_default().chars().take(MAX_Q_CHARS).collect();
        let who = searcher(viewer.user());
        let found = state
            .search
            .suggest(&state.db, text, who, limit as usize)
            .await
            .map_err(search_error)?;
        let items = found
            .into_iter()
            .filter_map(|s| {
                let (_, id) = docs::parse_doc_id(&s.id)?;
                Some(SuggestItem {
                    doc_type: HitType::of(s.doc_type),
                    id,
                    slug: s.slug,
                    title: s.title,
                    url: s.url,
                })
            })
            .collect();
        Ok(Json(SuggestResponse { items }))
    }
}

pub struct GlossaryApi;

#[OpenApi(tag = "Tag::Search")]
impl GlossaryApi {
    /// The acronym glossary search expands queries with (admins).
    #[oai(path = "/admin/glossary", method = "get", operation_id = "getGlossary")]
    async fn get_glossary(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
    ) -> ApiResult<Json<GlossaryView>> {
        viewer.require_admin()?;
        let text = state
            .db
            .run(|c| crate::db::settings::get(c, GLOSSARY_SETTING))
            .await?;
        Ok(Json(glossary_view(text)))
    }

    /// Replace the glossary (admins). Takes effect at once, without reindexing. Each line is
    /// one concept with at least two forms separated by `|`; `#` starts a comment.
    #[oai(path = "/admin/glossary", method = "put", operation_id = "putGlossary")]
    async fn put_glossary(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        body: Json<GlossaryUpdate>,
    ) -> ApiResult<Json<GlossaryView>> {
        let admin = viewer.require_admin()?.clone();
        let GlossaryUpdate { text, reason } = body.0;
        if text.len() > MAX_GLOSSARY_BYTES {
            return Err(ApiError::field("text", "The glossary must be under 64 KiB"));
        }
        if text.contains('\0') {
            return Err(ApiError::field(
                "text",
                "The glossary cannot contain NUL characters",
            ));
        }
        let parsed = Glossary::parse(&text).map_err(|e| {
            ApiError::validation(vec![FieldError {
                field: "text".to_owned(),
                message: format!("Line {}: {}", e.line, e.reason),
            }])
        })?;
        if parsed.len() > MAX_GLOSSARY_CONCEPTS {
            return Err(ApiError::field(
                "text",
                format!("The glossary can hold at most {MAX_GLOSSARY_CONCEPTS} concepts"),
            ));
        }
        let reason = reason
            .map(|r| r.trim().chars().take(500).collect::<String>())
            .filter(|r| !r.is_empty());
        let stored = text.clone();
        let concepts = parsed.len().to_string();
        state
            .db
            .run(move |c| {
                c.write_transaction::<_, DbError, _>(|c| {
                    crate::db::settings::put(c, GLOSSARY_SETTING, &stored)?;
                    let details = format!("{concepts} concepts");
                    NewAudit {
                        target_type: "setting",
                        target_id: None,
                        ..NewAudit::member(Some(admin.id), "search.glossary_updated", admin.id)
                    }
                    .reason(reason.as_deref())
                    .details(&details)
                    .write(c)
                })
            })
            .await?;
        state.search.set_glossary(Some(text.clone()));
        // Other replicas reload it on their next round; wake them now.
        state.search.nudge();
        Ok(Json(glossary_view(Some(text))))
    }
}
