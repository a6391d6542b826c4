//! Searching: requests and results, visibility and facet filters, snippets, "did you mean" and
//! search-as-you-type. The page's order is in `rank`, the facet counts in `facets`.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use tantivy::collector::{Collector, Count, SegmentCollector};
use tantivy::query::{
    AllQuery, BooleanQuery, EnableScoring, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery,
    TermSetQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, TERMINATED, TantivyDocument, Term,
};

use crate::analysis::plain_tokens;
use crate::error::SearchError;
use crate::exclusion::Excluded;
use crate::facets::{FacetCounter, FacetFields, FieldCounts};
use crate::filter::{Bits, Filter, FilterQuery, Part};
use crate::glossary::Glossary;
use crate::index::SearchIndex;
use crate::query::{self, Builder, ParsedQuery, edit_distance_for};
use crate::rank::{Ordered, TopHits};
use crate::schema::{Audience, DocType, Fields, NO_SPACE, normalise_tag};
use crate::snippet;
use crate::typo;

/// Most hits a page may ask for.
pub const MAX_LIMIT: usize = 100;
/// Deepest offset served; beyond it, members should narrow the search.
pub const MAX_OFFSET: usize = 1_000;
/// Below this many hits we look for a spelling suggestion.
const DID_YOU_MEAN_BELOW: usize = 3;
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

/// The page's hits, best first, with their scores.
type Page = Vec<(Score, DocAddress)>;

/// A long query's words for [`SearchIndex::search_any_of`].
struct AnyOf<'a> {
    /// The flat union of the words' term queries, which scores.
    union: &'a dyn Query,
    /// Its distinct terms.
    terms: &'a [Term],
    excluded: &'a [Box<dyn Query>],
    filter: &'a Filter,
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn term_set(terms: Vec<Term>) -> Box<dyn Query> {
    Box::new(TermSetQuery::new(terms))
}

/// Distinct values, in order: the same filter gets the same key.
fn canonical(values: impl IntoIterator<Item = String>) -> Vec<String> {
    let set: BTreeSet<String> = values.into_iter().collect();
    set.into_iter().collect()
}

fn facet_part(name: &str, field: Field, values: &[String]) -> Part {
    let values = canonical(values.iter().take(MAX_FILTER_VALUES).cloned());
    let terms = values
        .iter()
        .map(|v| Term::from_facet(field, &Facet::from_path([v.as_str()])))
        .collect();
    Part {
        key: format!("{name}:{values:?}"),
        query: term_set(terms),
    }
}

/// What the viewer may see: documents for one of their audiences, outside any space or in one
/// of theirs, and the documents they own.
fn visibility_filter(f: &Fields, viewer: &ViewerScope) -> Filter {
    let audiences = canonical(viewer.audiences.iter().map(|a| a.as_str().to_owned()));
    let spaces =
        canonical(std::iter::once(NO_SPACE.to_owned()).chain(viewer.spaces.iter().cloned()));
    let scoped: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
        (
            Occur::Must,
            term_set(
                audiences
                    .iter()
                    .map(|a| Term::from_field_text(f.audience, a))
                    .collect(),
            ),
        ),
        (
            Occur::Must,
            term_set(
                spaces
                    .iter()
                    .map(|s| Term::from_field_text(f.space, s))
                    .collect(),
            ),
        ),
    ]));
    Filter {
        visible: Part {
            key: format!("visible:{audiences:?}:{spaces:?}"),
            query: scoped,
        },
        owner: viewer
            .principal
            .as_deref()
            .filter(|p| !p.is_empty())
            .map(|p| Term::from_field_text(f.owner, p)),
        also: Vec::new(),
    }
}

fn request_filter(f: &Fields, req: &SearchRequest) -> Filter {
    let mut filter = visibility_filter(f, &req.viewer);
    if !req.types.is_empty() {
        let types: Vec<String> = req.types.iter().map(|t| t.as_str().to_owned()).collect();
        filter.also.push(facet_part("type", f.type_facet, &types));
    }
    for (name, field, values) in [
        ("kind", f.kind_facet, &req.kinds),
        ("topic", f.topic_facet, &req.topics),
        ("region", f.region_facet, &req.regions),
    ] {
        if !values.is_empty() {
            filter.also.push(facet_part(name, field, values));
        }
    }
    if !req.tags.is_empty() {
        let tags = canonical(
            req.tags
                .iter()
                .take(MAX_FILTER_VALUES)
                .map(|t| normalise_tag(t)),
        );
        filter.also.push(Part {
            key: format!("tag:{tags:?}"),
            query: term_set(
                tags.iter()
                    .map(|t| Term::from_field_text(f.tags, t))
                    .collect(),
            ),
        });
    }
    if req.from.is_some() || req.to.is_some() {
        let bound = |v: Option<i64>| match v {
            Some(v) => Bound::Included(Term::from_field_i64(f.published_at, v)),
            None => Bound::Unbounded,
        };
        filter.also.push(Part {
            key: format!("dates:{:?}:{:?}", req.from, req.to),
            query: Box::new(RangeQuery::new(bound(req.from), bound(req.to))),
        });
    }
    filter
}

fn facet_counts(counts: BTreeMap<String, u64>) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
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
    fn filter_query(&self, filter: Filter) -> Box<dyn Query> {
        Box::new(FilterQuery {
            filter: Arc::new(filter),
            cache: self.filters.clone(),
        })
    }

    /// Runs a search. Any query text gives results or an error, quickly: the text is parsed by
    /// our own lenient parser with length and term caps, never by tantivy's.
    pub fn search(
        &self,
        req: &SearchRequest,
        glossary: &Glossary,
    ) -> Result<SearchResults, SearchError> {
        self.search_with(req, glossary, true)
    }

    /// [`Self::search`], choosing whether a long query of single words may take the any-of path
    /// (the tests check that it finds what the general one does).
    fn search_with(
        &self,
        req: &SearchRequest,
        glossary: &Glossary,
        any_of_path: bool,
    ) -> Result<SearchResults, SearchError> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let parsed = query::parse(&req.q);
        let doc_freq = |term: &Term| searcher.doc_freq(term).unwrap_or(0);
        let neighbours = |word: &str, distance: u8| {
            typo::neighbours(&searcher, f.plain, word, distance)
                .unwrap_or_default()
                .into_iter()
                .map(|n| (n.text, n.distance))
                .collect()
        };
        let built = Builder::new(f)
            .with_doc_freq(&doc_freq)
            .with_neighbours(&neighbours)
            .build(&parsed, glossary);
        let has_terms = built.positive.is_some();
        let filter = request_filter(f, req);

        let top = TopHits {
            limit: req.limit.clamp(1, MAX_LIMIT),
            offset: req.offset.min(MAX_OFFSET),
            order: match req.sort {
                Sort::Relevance => Ordered::Relevance { now: now_secs() },
                Sort::Newest => Ordered::Newest,
            },
        };
        let facets = FacetFields {
            fields: vec![
                (f.type_facet, "type_facet"),
                (f.kind_facet, "kind_facet"),
                (f.topic_facet, "topic_facet"),
                (f.region_facet, "region_facet"),
            ],
            cache: self.facet_values.clone(),
        };
        let (query, ranked, total, counts) = match (built.positive, built.any_of) {
            (Some(positive), Some(terms)) if any_of_path && req.sort == Sort::Relevance => {
                let any_of = AnyOf {
                    union: positive.as_ref(),
                    terms: &terms,
                    excluded: &built.excluded,
                    filter: &filter,
                };
                let (ranked, (total, counts)) =
                    self.search_any_of(&searcher, &any_of, &top, &facets)?;
                (positive, ranked, total, counts)
            }
            (positive, _) => {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                clauses.push((Occur::Must, positive.unwrap_or_else(|| Box::new(AllQuery))));
                clauses.extend(
                    built
                        .excluded
                        .into_iter()
                        .map(|q| (Occur::MustNot, Box::new(Excluded(q)) as Box<dyn Query>)),
                );
                clauses.push((Occur::Must, self.filter_query(filter)));
                let query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
                let (ranked, (total, counts)) =
                    searcher.search(query.as_ref(), &(top, FacetCounter(facets)))?;
                (query, ranked, total, counts)
            }
        };

        let generator = if has_terms {
            Some(self.snippet_generator(&searcher, query.as_ref())?)
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
        let mut counts = counts.into_iter().map(facet_counts);
        let mut next = || counts.next().unwrap_or_default();
        Ok(SearchResults {
            hits,
            total,
            facets: Facets {
                types: next(),
                kinds: next(),
                topics: next(),
                regions: next(),
            },
            did_you_mean,
        })
    }

    /// What `SnippetGenerator::create` makes (the query's terms in the combined field, each
    /// weighted by how rare it is), analysing text with the remembered stems.
    fn snippet_generator(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
    ) -> tantivy::Result<SnippetGenerator> {
        let field = self.fields.all;
        let mut terms: BTreeSet<Term> = BTreeSet::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                terms.insert(term.clone());
            }
        });
        let mut weights = BTreeMap::new();
        for term in terms {
            let doc_freq = searcher.doc_freq(&term)?;
            if let Some(text) = term.value().as_str()
                && doc_freq > 0
            {
                weights.insert(text.to_owned(), 1.0 / (1.0 + doc_freq as Score));
            }
        }
        Ok(SnippetGenerator::new(
            weights,
            TextAnalyzer::from(self.stems.clone()),
            field,
            SNIPPET_CHARS,
        ))
    }

    /// A search for any of a long query's words, by relevance: first the documents that match
    /// and pass the filter, as a bitset per segment (read straight from the terms' postings,
    /// which also gives the total and the facet counts), then the page, by block-max WAND over
    /// the union of the terms, which skips the blocks of documents that cannot make the page.
    fn search_any_of(
        &self,
        searcher: &Searcher,
        any_of: &AnyOf<'_>,
        top: &TopHits,
        facets: &FacetFields,
    ) -> tantivy::Result<(Page, (usize, FieldCounts))> {
        let scored = any_of
            .union
            .weight(EnableScoring::enabled_from_searcher(searcher))?;
        let excluded = any_of
            .excluded
            .iter()
            .map(|q| q.weight(EnableScoring::disabled_from_searcher(searcher)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let schema = searcher.schema();
        let mut pages = Vec::new();
        let mut counts = Vec::new();
        for (ordinal, reader) in searcher.segment_readers().iter().enumerate() {
            let mut matched = Bits::empty(reader.max_doc());
            for term in any_of.terms {
                let inverted = reader.inverted_index(term.field())?;
                if let Some(mut postings) =
                    inverted.read_postings(term, IndexRecordOption::Basic)?
                {
                    let mut doc = postings.doc();
                    while doc != TERMINATED {
                        matched.insert(doc);
                        doc = postings.advance();
                    }
                }
            }
            matched.intersect(&any_of.filter.bits(&self.filters, reader, schema)?);
            for weight in &excluded {
                weight.for_each_no_score(reader, &mut |docs| {
                    docs.iter().for_each(|&d| matched.remove(d));
                })?;
            }
            if let Some(alive) = reader.alive_bitset() {
                let deleted: Vec<DocId> = matched.iter().filter(|&d| alive.is_deleted(d)).collect();
                deleted.into_iter().for_each(|d| matched.remove(d));
            }
            let mut page = top.for_segment(ordinal as SegmentOrdinal, reader)?;
            if matched.len() > 0 {
                scored.for_each_pruning(0.0, reader, &mut |doc, score| {
                    if matched.contains(doc) {
                        page.collect(doc, score);
                    }
                    page.pruning_threshold()
                })?;
            }
            pages.push(page.harvest());
            counts.push(
                facets
                    .count(reader, &matched)
                    .map(|c| (matched.len() as usize, c)),
            );
        }
        Ok((top.merge_fruits(pages)?, facets.merge(counts)?))
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
            let ranked = typo::neighbours(searcher, f.plain, word, distance)?;
            // Only offer words the viewer could find, so hidden documents leak nothing.
            for candidate in ranked.into_iter().take(5).map(|n| n.text) {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.plain, &candidate),
                        IndexRecordOption::Basic,
                    )),
                )];
                clauses.push((Occur::Must, self.filter_query(visibility_filter(f, viewer))));
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
        clauses.push((Occur::Must, self.filter_query(visibility_filter(f, viewer))));
        let searcher = self.reader.searcher();
        let top = TopHits {
            limit: limit.clamp(1, MAX_SUGGEST),
            offset: 0,
            order: Ordered::Relevance { now: now_secs() },
        };
        let top: Vec<(Score, DocAddress)> = searcher.search(&BooleanQuery::new(clauses), &top)?;
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::{Change, SearchDoc, Visibility};

    const WORDS: &[&str] = &[
        "supervision",
        "reflective",
        "practice",
        "safeguarding",
        "assessment",
        "capacity",
        "advocacy",
        "detention",
        "hospital",
        "community",
        "family",
        "carer",
        "housing",
        "recovery",
        "crisis",
        "rota",
        "warrant",
        "nearest",
        "relative",
        "tribunal",
        "police",
        "ambulance",
        "section",
        "discharge",
        "review",
        "team",
        "learning",
        "the",
        "and",
        "of",
    ];

    fn text(picks: &[usize]) -> String {
        picks
            .iter()
            .map(|&i| WORDS[i % WORDS.len()])
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A document from generated picks: its words, type, audience, topic and date.
    fn doc(n: usize, words: &[usize], audience: u8, topic: u8, age_days: i64) -> SearchDoc {
        let doc_type = [DocType::Resource, DocType::Thread, DocType::Post][n % 3];
        let mut visibility = Visibility::public();
        visibility.audience =
            [Audience::Public, Audience::Members, Audience::Moderators][usize::from(audience % 3)];
        SearchDoc {
            id: format!("{}:{n}", doc_type.as_str()),
            doc_type,
            title: text(&words[..words.len().min(3)]),
            body: text(words),
            extra_text: String::new(),
            attachments: Vec::new(),
            tags: Vec::new(),
            kind: topic.is_multiple_of(2).then(|| "guide".to_owned()),
            topics: vec![format!("topic{}", topic % 4)],
            regions: Vec::new(),
            visibility,
            published_at: 1_800_000_000 - age_days * 86_400,
            url: format!("/d/{n}"),
            slug: None,
        }
    }

    /// The ids of the hits, leaving out those tied with the page's last, which either way may
    /// take the last places; sorted, as equal scores may come in either order when their sums
    /// were added up in a different order.
    fn ranked(results: &SearchResults) -> Vec<String> {
        let last = results.hits.last().map_or(0.0, |h| h.score);
        let mut out: Vec<String> = results
            .hits
            .iter()
            .filter(|h| (h.score - last).abs() > 1e-4)
            .map(|h| h.id.clone())
            .collect();
        out.sort();
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// A long query takes the any-of path (block-max WAND for the page, postings for the
        /// total and facets); over several segments, with deletions, exclusions, typos and the
        /// viewer's filter, it finds what the general path does.
        #[test]
        fn any_of_path_finds_what_the_general_path_does(
            docs in prop::collection::vec(
                (prop::collection::vec(0usize..60, 1..30), 0u8..3, 0u8..8, 0i64..2000),
                50..300,
            ),
            deleted in prop::collection::vec(0usize..300, 0..40),
            query in prop::collection::vec(0usize..30, 4..9),
            exclude in prop::option::of(0usize..30),
            typo in any::<bool>(),
            limit in 1usize..15,
            offset in 0usize..10,
        ) {
            let index = SearchIndex::in_ram().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut indexer = index.indexer().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let docs: Vec<SearchDoc> = docs
                .iter()
                .enumerate()
                .map(|(n, (words, audience, topic, age))| doc(n, words, *audience, *topic, *age))
                .collect();
            // Three commits, so three segments, and deletions in the earlier ones.
            let third = docs.len() / 3;
            for (batch, chunk) in docs.chunks(third.max(1)).enumerate() {
                let mut changes: Vec<Change> = chunk.iter().cloned().map(Change::Upsert).collect();
                if batch > 0 {
                    changes.extend(
                        deleted
                            .iter()
                            .filter(|&&d| d < batch * third)
                            .map(|&d| Change::Delete(docs[d].id.clone())),
                    );
                }
                indexer
                    .apply(changes, batch as i64 + 1)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
            }
            let mut q = text(&query);
            if typo {
                // "supervison": one edit from a word in the index.
                q.push_str(" supervison");
            }
            if let Some(x) = exclude {
                q.push_str(&format!(" -{}", WORDS[x]));
            }
            let mut req = SearchRequest::new(q, ViewerScope::member(Vec::new()));
            req.limit = limit;
            req.offset = offset;
            let glossary = Glossary::default();
            let fast = index
                .search_with(&req, &glossary, true)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let general = index
                .search_with(&req, &glossary, false)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(fast.total, general.total);
            prop_assert_eq!(&fast.facets, &general.facets);
            prop_assert_eq!(fast.hits.len(), general.hits.len());
            for (a, b) in fast.hits.iter().zip(&general.hits) {
                prop_assert!((a.score - b.score).abs() <= 1e-4 * b.score.max(1.0));
            }
            prop_assert_eq!(ranked(&fast), ranked(&general));
        }
    }

    #[test]
    fn only_long_queries_of_single_words_take_the_any_of_path() {
        let fields = crate::schema::build().1;
        let glossary = Glossary::default();
        let build = |q: &str| Builder::new(&fields).build(&query::parse(q), &glossary);
        assert!(build("supervision reflective practice").any_of.is_none());
        let long = build("reflective supervision in a busy community team");
        let terms = long.any_of.unwrap_or_default();
        // Each of the five words other than stop words, in the combined field and the title.
        assert_eq!(terms.len(), 10);
        assert!(
            build("reflective supervision \"community team\" busy")
                .any_of
                .is_none()
        );
        assert!(
            build("reflective supervision OR practice community team")
                .any_of
                .is_some()
        );
        assert!(build("the and of a").any_of.is_none());
    }
}
