//! The member-facing query language, parsed here into a small tree (raw user text never reaches
//! tantivy's query parser), and the translation of that tree into a tantivy query.
//!
//! Syntax: words, `"phrases"`, `-exclusion` (of a word or phrase), and `OR` between two items.
//! Anything else (brackets, colons, stars, a quote without its pair) is treated as a separator.

use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use crate::analysis::{plain_tokens, stemmed_analyzer, tokens};
use crate::glossary::Glossary;
use crate::schema::Fields;

/// Longer queries are cut to this many characters.
pub const MAX_QUERY_CHARS: usize = 256;
/// Words beyond this many (counting the words inside phrases) are dropped.
pub const MAX_QUERY_TERMS: usize = 32;
/// Queries with at most this many groups need every group to match; longer ones (pasted
/// sentences) rank by how much of them a document matches instead.
pub const MAX_CONJUNCTIVE_GROUPS: usize = 3;

/// Title matches count extra on top of the combined field, which already holds the title.
pub(crate) const TITLE_BOOST: f32 = 0.2;
/// Words skipped in long queries (sentences pasted in), where they only add noise to ranking.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];
/// Typo matches count this fraction of an exact match of the same word (halved at two edits).
pub(crate) const FUZZY_BOOST: f32 = 0.1;

/// One thing to look for, in lower-cased, folded words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Word(String),
    Phrase(Vec<String>),
}

/// Alternatives joined by `OR`; a document matches the group if it matches any of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group(pub Vec<Node>);

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedQuery {
    pub groups: Vec<Group>,
    pub excluded: Vec<Node>,
}

impl ParsedQuery {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.excluded.is_empty()
    }

    /// The query written back in its own syntax, e.g. for "did you mean".
    pub fn render(&self) -> String {
        let node = |n: &Node| match n {
            Node::Word(w) => w.clone(),
            Node::Phrase(p) => format!("\"{}\"", p.join(" ")),
        };
        let mut parts: Vec<String> = self
            .groups
            .iter()
            .map(|g| g.0.iter().map(node).collect::<Vec<_>>().join(" OR "))
            .collect();
        parts.extend(self.excluded.iter().map(|n| format!("-{}", node(n))));
        parts.join(" ")
    }

    /// Every word the query looks for (not the excluded ones).
    pub fn positive_words(&self) -> impl Iterator<Item = &String> {
        self.groups
            .iter()
            .flat_map(|g| g.0.iter())
            .flat_map(|n| match n {
                Node::Word(w) => std::slice::from_ref(w),
                Node::Phrase(p) => p.as_slice(),
            })
    }
}

enum Lexeme {
    Or,
    Item { negated: bool, node: Node },
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == '(' || c == ')' || c == '"'
}

/// Parses member query text. Never fails: whatever cannot be read is ignored.
pub fn parse(text: &str) -> ParsedQuery {
    let chars: Vec<char> = text.chars().take(MAX_QUERY_CHARS).collect();
    let mut lexemes = Vec::new();
    let mut budget = MAX_QUERY_TERMS;
    let mut i = 0;
    let mut negated = false;
    while i < chars.len() && budget > 0 {
        let c = chars[i];
        if c == '"' {
            if let Some(len) = chars[i + 1..].iter().position(|&c| c == '"') {
                let inner: String = chars[i + 1..i + 1 + len].iter().collect();
                push_words(
                    &mut lexemes,
                    &inner,
                    std::mem::take(&mut negated),
                    &mut budget,
                );
                i += len + 2;
            } else {
                // A quote without its pair is ignored.
                i += 1;
            }
            continue;
        }
        if is_separator(c) {
            negated = false;
            i += 1;
            continue;
        }
        if c == '-' && !negated {
            let next = chars.get(i + 1).copied();
            if next.is_some_and(|n| !n.is_whitespace() && n != '-') {
                negated = true;
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !is_separator(chars[i]) {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        if word == "OR" && !negated {
            lexemes.push(Lexeme::Or);
        } else {
            push_words(&mut lexemes, &word, negated, &mut budget);
        }
        negated = false;
    }
    group(lexemes)
}

fn push_words(lexemes: &mut Vec<Lexeme>, text: &str, negated: bool, budget: &mut usize) {
    let mut words = plain_tokens(text);
    words.truncate(*budget);
    *budget -= words.len();
    let node = match words.len() {
        0 => return,
        1 => Node::Word(words.remove(0)),
        _ => Node::Phrase(words),
    };
    lexemes.push(Lexeme::Item { negated, node });
}

fn group(lexemes: Vec<Lexeme>) -> ParsedQuery {
    let mut parsed = ParsedQuery::default();
    let mut join_next = false;
    for lexeme in lexemes {
        match lexeme {
            Lexeme::Or => join_next = !parsed.groups.is_empty(),
            Lexeme::Item {
                negated: true,
                node,
            } => {
                parsed.excluded.push(node);
                join_next = false;
            }
            Lexeme::Item {
                negated: false,
                node,
            } => {
                match parsed.groups.last_mut() {
                    Some(last) if join_next => last.0.push(node),
                    _ => parsed.groups.push(Group(vec![node])),
                }
                join_next = false;
            }
        }
    }
    parsed
}

/// A query node after glossary expansion.
#[derive(Debug, Clone, PartialEq)]
enum Expanded {
    /// A word the member typed: exact (stemmed) match, plus typo matching if long enough.
    Word(String),
    /// A word or phrase from the glossary or in quotes: exact only.
    Exact(Vec<String>),
    /// All of these words.
    All(Vec<String>),
}

fn expand(parsed: &ParsedQuery, glossary: &Glossary) -> Vec<Vec<Expanded>> {
    let mut out = Vec::new();
    let groups = &parsed.groups;
    let mut i = 0;
    while i < groups.len() {
        // A run of single plain words may spell a multi-word glossary form.
        let run: Vec<String> = groups[i..]
            .iter()
            .map_while(|g| match g.0.as_slice() {
                [Node::Word(w)] => Some(w.clone()),
                _ => None,
            })
            .collect();
        if let Some((len, alternatives)) = glossary.longest_match(&run) {
            let mut alts = vec![if len == 1 {
                Expanded::Word(run[0].clone())
            } else {
                Expanded::All(run[..len].to_vec())
            }];
            alts.extend(alternatives.into_iter().map(Expanded::Exact));
            out.push(alts);
            i += len;
            continue;
        }
        let mut alts = Vec::new();
        for node in &groups[i].0 {
            let words = match node {
                Node::Word(w) => {
                    alts.push(Expanded::Word(w.clone()));
                    vec![w.clone()]
                }
                Node::Phrase(p) => {
                    alts.push(Expanded::Exact(p.clone()));
                    p.clone()
                }
            };
            alts.extend(
                glossary
                    .alternatives(&words)
                    .into_iter()
                    .map(Expanded::Exact),
            );
        }
        out.push(alts);
        i += 1;
    }
    out
}

/// Typo allowance for a word: one edit from five letters, two from eight.
pub(crate) fn edit_distance_for(word: &str) -> u8 {
    match word.chars().count() {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

/// The scoring part of a search (`None` to browse everything) and the queries to exclude.
pub(crate) type BuiltQuery = (Option<Box<dyn Query>>, Vec<Box<dyn Query>>);

/// A word found in at least this many documents is taken as spelt as meant: it gets no typo
/// matching, which would only add near neighbours at a fraction of its weight, and would cost
/// most of the query's time. Rarer and unknown words get it.
pub(crate) const KNOWN_WORD_DOCS: u64 = 5;

/// Indexed plain words within so many edits of a word, with their distances.
pub(crate) type Neighbours<'a> = &'a dyn Fn(&str, u8) -> Vec<(String, u8)>;

pub(crate) struct Builder<'a> {
    fields: &'a Fields,
    stemmer: tantivy::tokenizer::TextAnalyzer,
    /// How many documents hold a plain (unstemmed) word; `None` counts every word as unknown.
    doc_freq: Option<&'a dyn Fn(&Term) -> u64>,
    /// Where typo matching finds its words; `None` for no typo matching.
    neighbours: Option<Neighbours<'a>>,
}

impl<'a> Builder<'a> {
    pub(crate) fn new(fields: &'a Fields) -> Self {
        Builder {
            fields,
            stemmer: stemmed_analyzer(),
            doc_freq: None,
            neighbours: None,
        }
    }

    /// Typo matching against the words `neighbours` finds.
    pub(crate) fn with_neighbours(mut self, neighbours: Neighbours<'a>) -> Self {
        self.neighbours = Some(neighbours);
        self
    }

    /// Typo matching only for words fewer than [`KNOWN_WORD_DOCS`] documents hold.
    pub(crate) fn with_doc_freq(mut self, doc_freq: &'a dyn Fn(&Term) -> u64) -> Self {
        self.doc_freq = Some(doc_freq);
        self
    }

    fn is_known(&self, word: &str) -> bool {
        self.doc_freq.is_some_and(|df| {
            df(&Term::from_field_text(self.fields.plain, word)) >= KNOWN_WORD_DOCS
        })
    }

    fn stems(&mut self, words: &[String]) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (position, word) in words.iter().enumerate() {
            // A plain word gives at most one stem; collect defensively all the same.
            out.extend(
                tokens(&mut self.stemmer, word)
                    .into_iter()
                    .map(|s| (position, s)),
            );
        }
        out
    }

    fn text_fields(&self) -> [(Field, f32); 2] {
        [(self.fields.all, 1.0), (self.fields.title, TITLE_BOOST)]
    }

    /// Exact (stemmed) match of a word or phrase over the text fields.
    fn exact(&mut self, words: &[String]) -> Option<Box<dyn Query>> {
        let stems = self.stems(words);
        if stems.is_empty() {
            return None;
        }
        let clauses = self
            .text_fields()
            .into_iter()
            .map(|(field, boost)| {
                let query: Box<dyn Query> = if let [(_, stem)] = stems.as_slice() {
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, stem),
                        IndexRecordOption::WithFreqs,
                    ))
                } else {
                    let terms = stems
                        .iter()
                        .map(|(p, s)| (*p, Term::from_field_text(field, s)))
                        .collect();
                    Box::new(PhraseQuery::new_with_offset(terms))
                };
                (Occur::Should, boost_by(query, boost))
            })
            .collect();
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    fn word(&mut self, word: &str, fuzzy: bool) -> Option<Box<dyn Query>> {
        let exact = self.exact(&[word.to_owned()]);
        let distance = edit_distance_for(word);
        let Some(neighbours) = self.neighbours.filter(|_| fuzzy && distance > 0) else {
            return exact;
        };
        if self.is_known(word) {
            return exact;
        }
        // Each near word scores as itself at a fraction of the weight, smaller the more edits
        // away, so exact matches rank first and one edit outranks two.
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = neighbours(word, distance)
            .into_iter()
            .map(|(text, d)| {
                let typo: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.plain, &text),
                    IndexRecordOption::WithFreqs,
                ));
                (
                    Occur::Should,
                    boost_by(typo, FUZZY_BOOST / f32::from(d.max(1))),
                )
            })
            .collect();
        if clauses.is_empty() {
            return exact;
        }
        clauses.extend(exact.map(|q| (Occur::Should, q)));
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    fn node(&mut self, node: &Expanded, fuzzy: bool) -> Option<Box<dyn Query>> {
        match node {
            Expanded::Word(w) => self.word(w, fuzzy),
            Expanded::Exact(words) => self.exact(words),
            Expanded::All(words) => {
                let clauses: Vec<_> = words
                    .iter()
                    .filter_map(|w| self.word(w, fuzzy))
                    .map(|q| (Occur::Must, q))
                    .collect();
                (!clauses.is_empty())
                    .then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
            }
        }
    }

    /// The scoring part of a search: `None` when the query looks for nothing (browse).
    /// Exclusions come back separately, to be added as `MustNot`.
    pub(crate) fn build(&mut self, parsed: &ParsedQuery, glossary: &Glossary) -> BuiltQuery {
        let groups = expand(parsed, glossary);
        let occur = if groups.len() <= MAX_CONJUNCTIVE_GROUPS {
            Occur::Must
        } else {
            Occur::Should
        };
        let mut clauses = Vec::new();
        for alternatives in &groups {
            // In a long query, common words only add noise to the ranking.
            if occur == Occur::Should
                && let [Expanded::Word(w)] = alternatives.as_slice()
                && STOP_WORDS.contains(&w.as_str())
            {
                continue;
            }
            let mut alts: Vec<_> = alternatives
                .iter()
                .filter_map(|a| self.node(a, true))
                .collect();
            let query = match alts.len() {
                0 => continue,
                1 => alts.remove(0),
                _ => Box::new(BooleanQuery::new(
                    alts.into_iter().map(|q| (Occur::Should, q)).collect(),
                )),
            };
            clauses.push((occur, query));
        }
        let excluded = parsed
            .excluded
            .iter()
            .filter_map(|n| match n {
                Node::Word(w) => self.exact(std::slice::from_ref(w)),
                Node::Phrase(p) => self.exact(p),
            })
            .collect();
        let positive =
            (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>);
        (positive, excluded)
    }
}

fn boost_by(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Node {
        Node::Word(s.to_owned())
    }

    #[test]
    fn parses_words_phrases_exclusions_and_or() {
        let q = parse(r#"AMHP "nearest relative" -rota s117 OR s136"#);
        assert_eq!(
            q.groups,
            vec![
                Group(vec![w("amhp")]),
                Group(vec![Node::Phrase(vec![
                    "nearest".into(),
                    "relative".into()
                ])]),
                Group(vec![w("s117"), w("s136")]),
            ]
        );
        assert_eq!(q.excluded, vec![w("rota")]);
        assert_eq!(q.render(), r#"amhp "nearest relative" s117 OR s136 -rota"#);
    }

    #[test]
    fn ignores_stray_syntax() {
        assert!(parse("- *").is_empty());
        assert_eq!(parse("a:(^").groups, vec![Group(vec![w("a")])]);
        assert_eq!(parse("title:").groups, vec![Group(vec![w("title")])]);
        assert_eq!(parse("\"unbalanced words").groups.len(), 2);
        assert_eq!(parse("(a OR )").groups, vec![Group(vec![w("a")])]);
        assert_eq!(parse("OR OR").groups, vec![]);
        assert_eq!(
            parse("well-being").groups,
            vec![Group(vec![Node::Phrase(vec![
                "well".into(),
                "being".into()
            ])])]
        );
    }

    #[test]
    fn caps_length_and_terms() {
        let long = "word ".repeat(1000);
        let q = parse(&long);
        assert!(q.groups.len() <= MAX_QUERY_TERMS);
        let many_or = vec!["x"; 10_000].join(" OR ");
        assert_eq!(parse(&many_or).groups.len(), 1);
        assert!(parse(&many_or).groups[0].0.len() <= MAX_QUERY_TERMS);
    }

    #[test]
    fn glossary_spans_merge_multiword_forms() {
        let g = Glossary::shipped();
        let groups = expand(&parse("approved mental health professional rota"), &g);
        assert_eq!(groups.len(), 2);
        assert!(groups[0].contains(&Expanded::Exact(vec!["amhp".into()])));
    }
}
