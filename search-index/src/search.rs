//! Searching: requests and results, visibility and facet filters, the recency boost, facets,
//! snippets, "did you mean" and search-as-you-type.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::time::{SystemTime, UNIX_EPOCH};

use tantivy::collector::{Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery,
    TermSetQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Order, Score, Searcher, SegmentReader, TantivyDocument, Term};

use crate::analysis::plain_tokens;
use crate::error::SearchError;
use crate::exclusion::Excluded;
use crate::glossary::Glossary;
use crate::index::SearchIndex;
use crate::query::{self, Builder, ParsedQuery, edit_distance_for};
use crate::schema::{Audience, DocType, Fields, NO_SPACE, PUBLISHED_AT, normalise_tag};
use crate::snippet;

/// Most hits a page may ask for.
pub const MAX_LIMIT: usize = 100;
/// Deepest offset served; beyond it, members should narrow the search.
pub const MAX_OFFSET: usize = 1_000;
/// Below this many hits we look for a spelling suggestion.
const DID_YOU_MEAN_BELOW: usize = 3;
/// The most a brand-new document's score is raised (10%), halving every year of age.
const RECENCY_WEIGHT: f32 = 0.1;
const RECENCY_HALF_LIFE_SECS: f32 = 365.0 * 24.0 * 3600.0;
const SNIPPET_CHARS: usize = 200;
const MAX_SUGGEST: usize = 20;
const MAX_FILTER_VALUES: usize = 50;

/// What the viewer may see: documents whose audience is listed, outside any space or in one of
/// the listed spaces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ViewerScope {
    pub audiences: Vec<Audience>,
    pub spaces: Vec<String>,
    /// The viewer as an owner (see [`crate::Visibility::owner`]): they also see documents they
    /// own, whatever those documents' audience.
    pub principal: Option<String>,
}

impl ViewerScope {
    /// Someone not signed in.
    pub fn public() -> Self {
        ViewerScope {
            audiences: vec![Audience::Public],
            spaces: Vec::new(),
            principal: None,
        }
    }

    /// A signed-in member who belongs to `spaces`.
    pub fn member(spaces: Vec<String>) -> Self {
        ViewerScope {
            audiences: vec![Audience::Public, Audience::Members],
            spaces,
            principal: None,
        }
    }

    /// A scope with every audience up to and including `highest` (Public < Members < Curators <
    /// Moderators).
    pub fn up_to(highest: Audience, spaces: Vec<String>) -> Self {
        ViewerScope {
            audiences: Audience::ALL
                .into_iter()
                .filter(|a| *a <= highest)
                .collect(),
            spaces,
            principal: None,
        }
    }

    /// The same scope, also seeing documents owned by `principal`.
    pub fn with_principal(mut self, principal: impl Into<String>) -> Self {
        self.principal = Some(principal.into());
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
}

/// A search. Empty filter lists mean "any"; values within one list are alternatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    /// Member query text; empty lists everything visible that passes the filters.
    pub q: String,
    pub types: Vec<DocType>,
    pub kinds: Vec<String>,
    pub topics: Vec<String>,
    pub regions: Vec<String>,
    pub tags: Vec<String>,
    /// Published at or after (unix seconds).
    pub from: Option<i64>,
    /// Published at or before (unix seconds).
    pub to: Option<i64>,
    pub sort: Sort,
    /// Hits per page, capped at [`MAX_LIMIT`].
    pub limit: usize,
    /// Hits to skip, capped at [`MAX_OFFSET`].
    pub offset: usize,
    pub viewer: ViewerScope,
}

impl SearchRequest {
    /// A relevance-ranked search for `q` by `viewer`, first page of 20.
    pub fn new(q: impl Into<String>, viewer: ViewerScope) -> Self {
        SearchRequest {
            q: q.into(),
            types: Vec::new(),
            kinds: Vec::new(),
            topics: Vec::new(),
            regions: Vec::new(),
            tags: Vec::new(),
            from: None,
            to: None,
            sort: Sort::Relevance,
            limit: 20,
            offset: 0,
            viewer,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: String,
    pub doc_type: DocType,
    /// Plain text: escape it when rendering.
    pub title: String,
    pub url: String,
    pub slug: Option<String>,
    /// Safe HTML: escaped text with `<mark>` around matched words.
    pub snippet_html: String,
    pub score: f32,
    /// The attachment page (from 1) the snippet came from, with the attachment's title.
    pub page: Option<u32>,
    pub attachment_title: Option<String>,
    /// What the document was indexed with, as given in its [`crate::SearchDoc`].
    pub kind: Option<String>,
    pub topics: Vec<String>,
    pub regions: Vec<String>,
    pub space: Option<String>,
    pub published_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// Counts over every matching document (not just this page), most frequent first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facets {
    pub types: Vec<FacetCount>,
    pub kinds: Vec<FacetCount>,
    pub topics: Vec<FacetCount>,
    pub regions: Vec<FacetCount>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// Matching documents in all.
    pub total: usize,
    pub facets: Facets,
    /// A corrected query, offered when there were few or no hits.
    pub did_you_mean: Option<String>,
}

/// A search-as-you-type suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub id: String,
    pub doc_type: DocType,
    pub title: String,
    pub url: String,
    pub slug: Option<String>,
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A filter: must match, adds nothing to the score.
fn filter(query: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
}

fn term_set(terms: Vec<Term>) -> Box<dyn Query> {
    Box::new(TermSetQuery::new(terms))
}

fn facet_terms(field: Field, values: &[String]) -> Vec<Term> {
    values
        .iter()
        .take(MAX_FILTER_VALUES)
        .map(|v| Term::from_facet(field, &Facet::from_path([v.as_str()])))
        .collect()
}

fn visibility_filters(f: &Fields, viewer: &ViewerScope) -> Vec<(Occur, Box<dyn Query>)> {
    let audiences = viewer
        .audiences
        .iter()
        .map(|a| Term::from_field_text(f.audience, a.as_str()))
        .collect();
    let spaces = std::iter::once(NO_SPACE)
        .chain(viewer.spaces.iter().map(String::as_str))
        .map(|s| Term::from_field_text(f.space, s))
        .collect();
    let scoped: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
        (Occur::Must, term_set(audiences)),
        (Occur::Must, term_set(spaces)),
    ]));
    match viewer.principal.as_deref().filter(|p| !p.is_empty()) {
        None => vec![filter(scoped)],
        Some(principal) => {
            let owned: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(f.owner, principal),
                IndexRecordOption::Basic,
            ));
            vec![filter(Box::new(BooleanQuery::new(vec![
                (Occur::Should, scoped),
                (Occur::Should, owned),
            ])))]
        }
    }
}

fn request_filters(f: &Fields, req: &SearchRequest) -> Vec<(Occur, Box<dyn Query>)> {
    let mut out = visibility_filters(f, &req.viewer);
    if !req.types.is_empty() {
        let types: Vec<String> = req.types.iter().map(|t| t.as_str().to_owned()).collect();
        out.push(filter(term_set(facet_terms(f.type_facet, &types))));
    }
    for (field, values) in [
        (f.kind_facet, &req.kinds),
        (f.topic_facet, &req.topics),
        (f.region_facet, &req.regions),
    ] {
        if !values.is_empty() {
            out.push(filter(term_set(facet_terms(field, values))));
        }
    }
    if !req.tags.is_empty() {
        let tags = req
            .tags
            .iter()
            .take(MAX_FILTER_VALUES)
            .map(|t| Term::from_field_text(f.tags, &normalise_tag(t)))
            .collect();
        out.push(filter(term_set(tags)));
    }
    if req.from.is_some() || req.to.is_some() {
        let bound = |v: Option<i64>| match v {
            Some(v) => Bound::Included(Term::from_field_i64(f.published_at, v)),
            None => Bound::Unbounded,
        };
        out.push(filter(Box::new(RangeQuery::new(
            bound(req.from),
            bound(req.to),
        ))));
    }
    out
}

/// Multiplies relevance by 1 + 10% × 2^(−age in years): recent documents edge ahead of equally
/// relevant old ones, and documents of the same date keep their order.
fn recency_factor(published_at: i64, now: i64) -> f32 {
    let age = now.saturating_sub(published_at).max(0) as f32;
    1.0 + RECENCY_WEIGHT * (-age / RECENCY_HALF_LIFE_SECS).exp2()
}

fn facet_counts(counts: &FacetCounts) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts
        .get(Facet::root())
        .map(|(facet, count)| FacetCount {
            value: facet
                .to_path()
                .last()
                .map(|s| (*s).to_owned())
                .unwrap_or_default(),
            count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out
}

fn stored_all(doc: &TantivyDocument, field: Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|v| v.as_str())
        .map(str::to_owned)
        .collect()
}

fn stored_str(doc: &TantivyDocument, field: Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

impl SearchIndex {
    /// Runs a search. Any query text gives results or an error, quickly: the text is parsed by
    /// our own lenient parser with length and term caps, never by tantivy's.
    pub fn search(
        &self,
        req: &SearchRequest,
        glossary: &Glossary,
    ) -> Result<SearchResults, SearchError> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let parsed = query::parse(&req.q);
        let doc_freq = |term: &Term| searcher.doc_freq(term).unwrap_or(0);
        let (positive, excluded) = Builder::new(f)
            .with_doc_freq(&doc_freq)
            .build(&parsed, glossary);
        let has_terms = positive.is_some();

        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        clauses.push((Occur::Must, positive.unwrap_or_else(|| Box::new(AllQuery))));
        clauses.extend(
            excluded
                .into_iter()
                .map(|q| (Occur::MustNot, Box::new(Excluded(q)) as Box<dyn Query>)),
        );
        clauses.extend(request_filters(f, req));
        let query = BooleanQuery::new(clauses);

        let limit = req.limit.clamp(1, MAX_LIMIT);
        let offset = req.offset.min(MAX_OFFSET);
        let facets = (
            facet_collector("type_facet"),
            facet_collector("kind_facet"),
            facet_collector("topic_facet"),
            facet_collector("region_facet"),
        );
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let (ranked, total, facet_fruit): (Vec<(Score, DocAddress)>, usize, _) = match req.sort {
            Sort::Relevance => {
                let now = now_secs();
                let collector = top.tweak_score(move |segment: &SegmentReader| {
                    let dates = segment
                        .fast_fields()
                        .i64(PUBLISHED_AT)
                        .ok()
                        .map(|c| c.first_or_default_col(now));
                    move |doc, score: Score| {
                        let published = dates.as_ref().map_or(now, |c| c.get_val(doc));
                        score * recency_factor(published, now)
                    }
                });
                searcher.search(&query, &(collector, Count, facets))?
            }
            Sort::Newest => {
                let collector = top.order_by_fast_field::<i64>(PUBLISHED_AT, Order::Desc);
                let (docs, total, facets) = searcher.search(&query, &(collector, Count, facets))?;
                (
                    docs.into_iter().map(|(_, d)| (0.0, d)).collect(),
                    total,
                    facets,
                )
            }
        };

        let generator = if has_terms {
            let mut g = SnippetGenerator::create(&searcher, &query, f.all)?;
            g.set_max_num_chars(SNIPPET_CHARS);
            Some(g)
        } else {
            None
        };
        let mut hits = Vec::with_capacity(ranked.len());
        for (score, address) in ranked {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(doc_type) = stored_str(&doc, f.doc_type)
                .as_deref()
                .and_then(DocType::parse)
            else {
                continue;
            };
            let body = stored_str(&doc, f.body).unwrap_or_default();
            let pages = stored_all(&doc, f.pages);
            let found = snippet::for_document(generator.as_ref(), &body, &pages);
            hits.push(Hit {
                id: stored_str(&doc, f.id).unwrap_or_default(),
                doc_type,
                title: stored_str(&doc, f.title).unwrap_or_default(),
                url: stored_str(&doc, f.url).unwrap_or_default(),
                slug: stored_str(&doc, f.slug),
                snippet_html: found.html,
                score,
                page: found.page,
                attachment_title: found.attachment_title,
                kind: stored_str(&doc, f.kind_stored),
                topics: stored_all(&doc, f.topic_stored),
                regions: stored_all(&doc, f.region_stored),
                space: stored_str(&doc, f.space).filter(|s| s != NO_SPACE),
                published_at: doc
                    .get_first(f.published_at)
                    .and_then(|v| v.as_i64())
                    .unwrap_or_default(),
            });
        }

        let did_you_mean = if total < DID_YOU_MEAN_BELOW && has_terms {
            self.did_you_mean(&searcher, &parsed, &req.viewer)?
        } else {
            None
        };
        let (types, kinds, topics, regions) = facet_fruit;
        Ok(SearchResults {
            hits,
            total,
            facets: Facets {
                types: facet_counts(&types),
                kinds: facet_counts(&kinds),
                topics: facet_counts(&topics),
                regions: facet_counts(&regions),
            },
            did_you_mean,
        })
    }

    /// For each query word the index does not hold, the closest (then most frequent) indexed word
    /// within the typo allowance that the viewer can see a document for.
    fn did_you_mean(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
        viewer: &ViewerScope,
    ) -> Result<Option<String>, SearchError> {
        let f = &self.fields;
        let mut replacements: BTreeMap<String, String> = BTreeMap::new();
        for word in parsed.positive_words() {
            if replacements.contains_key(word) || word.chars().count() < 4 {
                continue;
            }
            let term = Term::from_field_text(f.plain, word);
            if searcher.doc_freq(&term)? > 0 {
                continue;
            }
            let distance = edit_distance_for(word).max(1);
            let automaton = FuzzyTermQuery::new(term, distance, true).automaton()?;
            let mut candidates: BTreeMap<String, u64> = BTreeMap::new();
            for segment in searcher.segment_readers() {
                let inverted = segment.inverted_index(f.plain)?;
                let mut stream = inverted.terms().search(&automaton).into_stream()?;
                while stream.advance() {
                    if let Ok(text) = std::str::from_utf8(stream.key()) {
                        *candidates.entry(text.to_owned()).or_default() +=
                            u64::from(stream.value().doc_freq);
                    }
                }
            }
            let mut ranked: Vec<(usize, u64, String)> = candidates
                .into_iter()
                .map(|(text, freq)| (levenshtein(word, &text), freq, text))
                .collect();
            ranked.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
            // Only offer words the viewer could find, so hidden documents leak nothing.
            for (_, _, candidate) in ranked.into_iter().take(5) {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.plain, &candidate),
                        IndexRecordOption::Basic,
                    )),
                )];
                clauses.extend(visibility_filters(f, viewer));
                if searcher.search(&BooleanQuery::new(clauses), &Count)? > 0 {
                    replacements.insert(word.clone(), candidate);
                    break;
                }
            }
        }
        if replacements.is_empty() {
            return Ok(None);
        }
        let mut corrected = parsed.clone();
        let fix = |w: &mut String| {
            if let Some(r) = replacements.get(w.as_str()) {
                *w = r.clone();
            }
        };
        for group in &mut corrected.groups {
            for node in &mut group.0 {
                match node {
                    query::Node::Word(w) => fix(w),
                    query::Node::Phrase(p) => p.iter_mut().for_each(fix),
                }
            }
        }
        Ok(Some(corrected.render()))
    }

    /// Titles starting with `prefix` (its last word may be partly typed), for search-as-you-type.
    pub fn suggest(
        &self,
        prefix: &str,
        viewer: &ViewerScope,
        limit: usize,
    ) -> Result<Vec<Suggestion>, SearchError> {
        let f = &self.fields;
        let prefix: String = prefix.chars().take(query::MAX_QUERY_CHARS).collect();
        let mut words = plain_tokens(&prefix);
        words.truncate(8);
        let Some(last) = words.pop() else {
            return Ok(Vec::new());
        };
        let last_is_partial = !prefix.ends_with(|c: char| c.is_whitespace());
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|w| {
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.title_plain, w),
                        IndexRecordOption::WithFreqs,
                    )) as Box<dyn Query>,
                )
            })
            .collect();
        let last_term = Term::from_field_text(f.title_plain, &last);
        let last_query: Box<dyn Query> = if last_is_partial {
            Box::new(FuzzyTermQuery::new_prefix(last_term, 0, true))
        } else {
            Box::new(TermQuery::new(last_term, IndexRecordOption::WithFreqs))
        };
        clauses.push((Occur::Must, last_query));
        clauses.extend(visibility_filters(f, viewer));
        let searcher = self.reader.searcher();
        let now = now_secs();
        let collector = TopDocs::with_limit(limit.clamp(1, MAX_SUGGEST)).tweak_score(
            move |segment: &SegmentReader| {
                let dates = segment
                    .fast_fields()
                    .i64(PUBLISHED_AT)
                    .ok()
                    .map(|c| c.first_or_default_col(now));
                move |doc, score: Score| {
                    let published = dates.as_ref().map_or(now, |c| c.get_val(doc));
                    score * recency_factor(published, now)
                }
            },
        );
        let top: Vec<(Score, DocAddress)> =
            searcher.search(&BooleanQuery::new(clauses), &collector)?;
        let mut out = Vec::with_capacity(top.len());
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(doc_type) = stored_str(&doc, f.doc_type)
                .as_deref()
                .and_then(DocType::parse)
            else {
                continue;
            };
            out.push(Suggestion {
                id: stored_str(&doc, f.id).unwrap_or_default(),
                doc_type,
                title: stored_str(&doc, f.title).unwrap_or_default(),
                url: stored_str(&doc, f.url).unwrap_or_default(),
                slug: stored_str(&doc, f.slug),
            });
        }
        Ok(out)
    }
}

fn facet_collector(field: &str) -> FacetCollector {
    let mut c = FacetCollector::for_field(field);
    c.add_facet(Facet::root());
    c
}

/// Levenshtein distance over characters (words here are short).
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("supervison", "supervision"), 1);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }

    #[test]
    fn recency_is_gentle_and_neutral_for_equal_dates() {
        let now = 1_000_000_000;
        assert!(recency_factor(now, now) <= 1.1 + f32::EPSILON);
        assert!(recency_factor(now, now) > recency_factor(now - 86_400 * 365, now));
        assert_eq!(recency_factor(0, now), recency_factor(0, now));
    }
}
