//! Searching: requests and results, visibility and facet filters, snippets, "did you mean" and
//! search-as-you-type. The page's order is in `rank`, the facet counts in `facets`.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use tantivy::collector::Count;
use tantivy::query::{
    AllQuery, BooleanQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Score, Searcher, TantivyDocument, Term};

use crate::analysis::plain_tokens;
use crate::error::SearchError;
use crate::exclusion::Excluded;
use crate::facets::{FacetCounter, FacetFields};
use crate::filter::{Filter, FilterQuery, Part};
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
        let (positive, excluded) = Builder::new(f)
            .with_doc_freq(&doc_freq)
            .with_neighbours(&neighbours)
            .build(&parsed, glossary);
        let has_terms = positive.is_some();

        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        clauses.push((Occur::Must, positive.unwrap_or_else(|| Box::new(AllQuery))));
        clauses.extend(
            excluded
                .into_iter()
                .map(|q| (Occur::MustNot, Box::new(Excluded(q)) as Box<dyn Query>)),
        );
        clauses.push((Occur::Must, self.filter_query(request_filter(f, req))));
        let query = BooleanQuery::new(clauses);

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
        let (ranked, (total, counts)) = searcher.search(&query, &(top, FacetCounter(facets)))?;

        let generator = if has_terms {
            Some(self.snippet_generator(&searcher, &query)?)
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
