//! SciFact retrieval benchmark: indexes the BEIR SciFact corpus through the same `Indexer` the
//! backend uses, runs the 300 test queries through the same `search`, and prints nDCG@10
//! (trec_eval definition, graded gains), query latency and indexing throughput.
//!
//! Usage: cargo run --release -p search-index --example scifact -- <scifact dir>

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use search_index::{
    Change, DocType, Glossary, SearchDoc, SearchIndex, SearchRequest, ViewerScope, Visibility,
};

type BoxError = Box<dyn std::error::Error>;

fn main() -> Result<(), BoxError> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .ok_or("usage: scifact <dir with corpus.jsonl, queries.jsonl, qrels/test.tsv>")?;
    let docs = read_corpus(&dir.join("corpus.jsonl"))?;
    let queries = read_queries(&dir.join("queries.jsonl"))?;
    let qrels = read_qrels(&dir.join("qrels/test.tsv"))?;

    let index = SearchIndex::in_ram()?;
    let mut indexer = index.indexer()?;
    let count = docs.len();
    let started = Instant::now();
    indexer.apply(docs.into_iter().map(Change::Upsert).collect(), 1)?;
    let index_secs = started.elapsed().as_secs_f64();

    let glossary = Glossary::default();
    let mut ids: Vec<&String> = qrels.keys().collect();
    ids.sort();
    let mut ndcg_sum = 0.0;
    let mut latencies = Vec::with_capacity(ids.len());
    for qid in &ids {
        let text = queries
            .get(*qid)
            .ok_or_else(|| format!("no text for query {qid}"))?;
        let mut request = SearchRequest::new(text.clone(), ViewerScope::public());
        request.limit = 10;
        let started = Instant::now();
        let results = index.search(&request, &glossary)?;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        let ranked: Vec<&str> = results
            .hits
            .iter()
            .map(|h| h.id.strip_prefix("resource:").unwrap_or(&h.id))
            .collect();
        ndcg_sum += ndcg_at_10(&ranked, &qrels[*qid]);
    }
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    println!("documents indexed: {count}");
    println!(
        "indexing: {:.2} s, {:.0} docs/s (one batch, one commit)",
        index_secs,
        count as f64 / index_secs
    );
    println!("queries: {}", ids.len());
    println!("nDCG@10: {:.4}", ndcg_sum / ids.len() as f64);
    println!("latency p50: {:.2} ms, p99: {:.2} ms", pct(0.5), pct(0.99));
    Ok(())
}

/// trec_eval's ndcg_cut_10: gain = relevance grade, discount log2(rank + 1), ideal from all
/// judged documents of the query.
fn ndcg_at_10(ranked: &[&str], judged: &HashMap<String, u32>) -> f64 {
    let dcg: f64 = ranked
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, id)| f64::from(*judged.get(*id).unwrap_or(&0)) / (i as f64 + 2.0).log2())
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

fn read_corpus(path: &Path) -> Result<Vec<SearchDoc>, BoxError> {
    let mut docs = Vec::new();
    for line in std::fs::read_to_string(path)?.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let field = |name: &str| v[name].as_str().unwrap_or_default().to_owned();
        let id = field("_id");
        docs.push(SearchDoc {
            id: format!("resource:{id}"),
            doc_type: DocType::Resource,
            title: field("title"),
            body: field("text"),
            extra_text: String::new(),
                attachments: Vec::new(),
            tags: Vec::new(),
            kind: None,
            topics: Vec::new(),
            regions: Vec::new(),
            visibility: Visibility::public(),
            published_at: 0,
            url: format!("/resources/{id}"),
            slug: None,
        });
    }
    Ok(docs)
}

fn read_queries(path: &Path) -> Result<HashMap<String, String>, BoxError> {
    let mut out = HashMap::new();
    for line in std::fs::read_to_string(path)?.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let id = v["_id"].as_str().unwrap_or_default().to_owned();
        out.insert(id, v["text"].as_str().unwrap_or_default().to_owned());
    }
    Ok(out)
}

fn read_qrels(path: &Path) -> Result<HashMap<String, HashMap<String, u32>>, BoxError> {
    let mut out: HashMap<String, HashMap<String, u32>> = HashMap::new();
    for line in std::fs::read_to_string(path)?.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if let [q, d, score] = cols.as_slice() {
            out.entry((*q).to_owned())
                .or_default()
                .insert((*d).to_owned(), score.trim().parse()?);
        }
    }
    Ok(out)
}
