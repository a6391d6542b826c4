//! The benchmark's documents and queries: BEIR SciFact (abstracts, test claims and judgments) and
//! forum threads generated from a fixed seed, so that every run and every engine sees the same
//! text.

use std::collections::HashMap;
use std::path::Path;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom as _;
use rand::{Rng as _, SeedableRng as _};

pub type Judgments = HashMap<String, HashMap<String, u32>>;

pub struct Abstract {
    pub id: String,
    pub title: String,
    pub text: String,
}

pub struct GeneratedThread {
    pub title: String,
    pub first: String,
    pub replies: Vec<String>,
}

pub struct SciFact {
    pub abstracts: Vec<Abstract>,
    /// The test claims, by query id, in id order.
    pub queries: Vec<(String, String)>,
    pub judgments: Judgments,
}

type BoxError = Box<dyn std::error::Error>;

pub fn scifact(dir: &Path) -> Result<SciFact, BoxError> {
    let mut abstracts = Vec::new();
    for line in std::fs::read_to_string(dir.join("corpus.jsonl"))?.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let field = |name: &str| v[name].as_str().unwrap_or_default().to_owned();
        let (title, text) = fit_title(&field("title"), &field("text"));
        abstracts.push(Abstract {
            id: field("_id"),
            title,
            text,
        });
    }
    let mut texts = HashMap::new();
    for line in std::fs::read_to_string(dir.join("queries.jsonl"))?.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let id = v["_id"].as_str().unwrap_or_default().to_owned();
        texts.insert(id, v["text"].as_str().unwrap_or_default().to_owned());
    }
    let mut judgments: Judgments = HashMap::new();
    for line in std::fs::read_to_string(dir.join("qrels/test.tsv"))?
        .lines()
        .skip(1)
    {
        if let [q, d, score] = line.split('\t').collect::<Vec<_>>().as_slice() {
            judgments
                .entry((*q).to_owned())
                .or_default()
                .insert((*d).to_owned(), score.trim().parse()?);
        }
    }
    let mut ids: Vec<&String> = judgments.keys().collect();
    ids.sort_by_key(|id| id.parse::<u64>().unwrap_or(u64::MAX));
    let queries = ids
        .into_iter()
        .map(|id| {
            let text = texts
                .get(id)
                .ok_or_else(|| format!("no text for query {id}"))?;
            Ok((id.clone(), text.clone()))
        })
        .collect::<Result<_, BoxError>>()?;
    Ok(SciFact {
        abstracts,
        queries,
        judgments,
    })
}

/// Resource titles are 3 to 200 characters: a longer title is cut at a space and the rest
/// begins the body, so that no word is lost; a shorter one gets an ellipsis (no word).
fn fit_title(title: &str, text: &str) -> (String, String) {
    const MAX: usize = 200;
    if title.trim().chars().count() < 3 {
        return (format!("{} …", title.trim()), text.to_owned());
    }
    if title.chars().count() <= MAX {
        return (title.to_owned(), text.to_owned());
    }
    let limit = title
        .char_indices()
        .nth(MAX)
        .map_or(title.len(), |(i, _)| i);
    let cut = title[..limit].rfind(' ').unwrap_or(limit);
    (
        title[..cut].to_owned(),
        format!("{} {text}", title[cut..].trim_start()),
    )
}

/// trec_eval's ndcg_cut_10: gain = relevance grade, discount log2(rank + 1), ideal from all
/// judged documents of the query.
pub fn ndcg_at_10(ranked: &[String], judged: &HashMap<String, u32>) -> f64 {
    let dcg: f64 = ranked
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, id)| f64::from(*judged.get(id).unwrap_or(&0)) / (i as f64 + 2.0).log2())
        .sum();
    let mut gains: Vec<u32> = judged.values().copied().filter(|g| *g > 0).collect();
    gains.sort_unstable_by(|a, b| b.cmp(a));
    let ideal: f64 = gains
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, g)| f64::from(*g) / (i as f64 + 2.0).log2())
        .sum();
    if ideal > 0.0 { dcg / ideal } else { 0.0 }
}

const SUBJECTS: &[&str] = &[
    "the AMHP rota",
    "our supervision sessions",
    "the nearest relative consultation",
    "a section 136 assessment",
    "the best interests meeting",
    "the Mental Capacity Act assessment",
    "the community mental health team",
    "a Community Treatment Order review",
    "the s117 aftercare plan",
    "the ASYE portfolio",
    "the safeguarding referral",
    "reflective practice",
    "the carers assessment",
    "the crisis plan",
    "the tribunal report",
    "our CPD log",
    "the Deprivation of Liberty Safeguards paperwork",
    "the trauma-informed approach",
    "the forensic team's risk formulation",
    "our caseload review",
];

const TEMPLATES: &[&str] = &[
    "Has anyone found a good way to handle {s} when the family disagree?",
    "In our trust {s} is now shared between two teams, which has helped.",
    "I have been reflecting on {s} and what it asks of us as social workers.",
    "Our professional lead suggested we look again at {s} before the next audit.",
    "We changed how we record {s} and the quality of our notes improved.",
    "Does your service offer peer support around {s}?",
    "The guidance on {s} is clear, but putting it into practice is harder.",
    "I would welcome examples of {s} done well, especially in rural areas.",
    "Newly qualified colleagues often ask me about {s}.",
    "We used a strengths-based conversation during {s} and it changed the tone.",
    "Thank you, this is helpful: we are reviewing {s} this month.",
    "The least restrictive option came up again in {s}.",
];

/// Sentences of the abstracts without digits, and without anything else the case-information
/// guard would find, so that no generated post waits for review.
fn sentences(abstracts: &[Abstract]) -> Vec<String> {
    abstracts
        .iter()
        .flat_map(|a| a.text.split(". "))
        .map(|s| {
            s.chars()
                .filter(|c| !c.is_ascii_digit())
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|s| s.len() > 40 && s.len() < 400)
        .filter(|s| backend::content::case_guard::scan(s).is_empty())
        .collect()
}

fn post(rng: &mut StdRng, sentences: &[String]) -> String {
    let n = rng.random_range(2..=5);
    (0..n)
        .map(|_| {
            if rng.random_bool(0.5) {
                let t = TEMPLATES.choose(rng).copied().unwrap_or_default();
                let s = SUBJECTS.choose(rng).copied().unwrap_or_default();
                t.replace("{s}", s)
            } else {
                let mut s = sentences.choose(rng).cloned().unwrap_or_default();
                s.push('.');
                s
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `threads` forum threads of `replies` replies each, the same for a given seed.
pub fn forum(abstracts: &[Abstract], threads: usize, replies: usize) -> Vec<GeneratedThread> {
    let mut rng = StdRng::seed_from_u64(20_261_202);
    let sentences = sentences(abstracts);
    (0..threads)
        .map(|i| {
            let s = SUBJECTS.choose(&mut rng).copied().unwrap_or_default();
            let title = format!("Practice question {}: {s}", letters(i));
            GeneratedThread {
                title,
                first: post(&mut rng, &sentences),
                replies: (0..replies).map(|_| post(&mut rng, &sentences)).collect(),
            }
        })
        .collect()
}

/// A number written in letters (a, b, ..., ba, ...), since digits are kept out of posts.
pub fn letters(mut n: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (n % 26) as u8);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

const MEMBER_QUERIES: &[&str] = &[
    "AMHP",
    "approved mental health professional",
    "nearest relative",
    "section 136",
    "s136",
    "best interests",
    "mental capacity",
    "DoLS",
    "s117 aftercare",
    "ASYE",
    "supervision",
    "reflective supervision",
    "trauma informed",
    "safeguarding referral",
    "carers assessment",
    "community treatment order",
    "CTO",
    "tribunal report",
    "CPD",
    "caseload",
    "least restrictive",
    "strengths based",
    "crisis plan",
    "risk formulation",
    "peer support",
    "rural",
    "supervison",
    "safegaurding",
    "\"nearest relative\" consultation",
    "capacity -deprivation",
];

/// What members type: the field's terms (some misspelt, one phrase, one exclusion) and one to
/// three words taken from titles in the corpus (a fifth of the long ones with a typo).
pub fn member_queries(abstracts: &[Abstract], count: usize) -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(136);
    let mut out: Vec<String> = MEMBER_QUERIES.iter().map(|q| (*q).to_owned()).collect();
    while out.len() < count {
        let Some(a) = abstracts.choose(&mut rng) else {
            break;
        };
        let words: Vec<String> = a
            .title
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 4 && w.chars().all(|c| c.is_ascii_alphabetic()))
            .map(str::to_lowercase)
            .collect();
        if words.is_empty() {
            continue;
        }
        let n = rng.random_range(1..=3.min(words.len()));
        let start = rng.random_range(0..=words.len() - n);
        let mut picked: Vec<String> = words[start..start + n].to_vec();
        if let Some(w) = picked.iter_mut().find(|w| w.len() >= 7)
            && rng.random_bool(0.2)
        {
            let at = rng.random_range(1..w.len() - 1);
            w.remove(at);
        }
        out.push(picked.join(" "));
    }
    out.truncate(count);
    out
}
