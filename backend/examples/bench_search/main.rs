//! The search benchmark. It loads BEIR SciFact (5,183 abstracts, as published resources) and
//! generated forum threads (to 100,000 indexed documents by default) into a release
//! `partners serve` on SQLite through the API, the product's own write path, and measures:
//!
//! - the delay from a write (its 201) to its being found by `/api/search`;
//! - `/api/search` over HTTP at a fixed arrival rate, signed in as a member, latency counted from
//!   when each request was due (so a server that falls behind shows it);
//! - hostile query texts (parser traps, 10 KB queries, control characters) over HTTP: the
//!   statuses they get and the slowest answer;
//! - the same queries in process against the server's own index directory, and nDCG@10 of the
//!   SciFact test claims among all 100,000 documents;
//! - the server's resident memory;
//! - `partners reindex` over the loaded database (documents a second);
//! - PostgreSQL full-text search and SQLite FTS5 over the same documents and queries.
//!
//! Run through scripts/bench-search, or:
//! `cargo run --release -p backend --example bench_search -- target/release/partners <scifact dir>`
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark fails loudly"
)]

mod corpus;
mod fts;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use rand::SeedableRng as _;
use rand::seq::SliceRandom as _;
use search_index::{Glossary, SearchIndex, SearchRequest, ViewerScope};

use corpus::{GeneratedThread, SciFact};

const PASSWORD: &str = "bench-passphrase-0451";
const ADMIN: &str = "admin@bench.example";
const MEMBER: &str = "member@bench.example";
/// Requests in flight while loading.
const WRITERS: usize = 8;

/// A document as the databases' full-text search sees it (what our index holds as text).
pub struct Doc {
    pub id: String,
    pub title: String,
    pub body: String,
}

fn env_or(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

struct Stats {
    p50: f64,
    p99: f64,
    max: f64,
    n: usize,
}

fn stats(mut v: Vec<f64>) -> Stats {
    v.sort_by(f64::total_cmp);
    Stats {
        p50: percentile(&v, 0.5),
        p99: percentile(&v, 0.99),
        max: v.last().copied().unwrap_or(f64::NAN),
        n: v.len(),
    }
}

fn command(bin: &Path, envs: &[(String, String)]) -> Command {
    let mut c = Command::new(bin);
    c.envs(envs.iter().map(|(k, v)| (k, v)))
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL");
    c
}

/// Runs `partners ARGS` with `envs`, feeding `stdin`; returns its standard output.
fn cli(bin: &Path, envs: &[(String, String)], args: &[&str], stdin: Option<&str>) -> String {
    let mut child = command(bin, envs)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run partners");
    if let Some(text) = stdin {
        use std::io::Write as _;
        writeln!(child.stdin.take().unwrap(), "{text}").unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "partners {args:?} failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

struct Server {
    child: Child,
    dir: PathBuf,
    base: String,
    envs: Vec<(String, String)>,
    bin: PathBuf,
}

impl Server {
    fn start(bin: &Path) -> Server {
        let dir =
            std::env::temp_dir().join(format!("partners-bench-search-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let envs: Vec<(String, String)> = [
            ("DATA_DIR", dir.display().to_string()),
            ("BIND", format!("127.0.0.1:{port}")),
            ("PUBLIC_URL", base.clone()),
            (
                "FRONTEND_DIR",
                dir.join("no-frontend").display().to_string(),
            ),
            ("LOG_FILTER", "warn".into()),
            // The load is one admin writing 100,000 posts: lift the posting limit for it.
            ("POST_RATE_LIMIT", "10000".into()),
            ("POST_RATE_WINDOW", "1s".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        for (email, name, role) in [
            (ADMIN, "Bench Admin", "admin"),
            (MEMBER, "Bench Member", "member"),
        ] {
            cli(
                bin,
                &envs,
                &[
                    "user",
                    "create",
                    "--email",
                    email,
                    "--name",
                    name,
                    "--role",
                    role,
                    "--password-stdin",
                    "--verified",
                ],
                Some(PASSWORD),
            );
        }
        let child = command(bin, &envs)
            .args(["serve", "--no-demo"])
            .stdout(Stdio::null())
            .spawn()
            .expect("start partners serve");
        Server {
            child,
            dir,
            base,
            envs,
            bin: bin.to_path_buf(),
        }
    }

    /// Runs `partners ARGS` against the same data; returns its standard output.
    fn cli(&self, args: &[&str]) -> String {
        cli(&self.bin, &self.envs, args, None)
    }

    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }

    /// Resident and peak resident memory of the server, in MiB.
    fn memory(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
                .map_or(f64::NAN, |kb| kb / 1024.0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// CPU time the server has used, in clock ticks (user and system).
    fn cpu_ticks(&self) -> u64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // The fields after the command name, which is in brackets and may hold spaces.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or("", |(_, rest)| rest)
            .split_whitespace()
            .collect();
        let field = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        field(11) + field(12)
    }

    /// Waits (up to a minute) until the server has been idle for a second, so that a measured
    /// run does not share the cores with the index merging what was written before it.
    async fn settle(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut before = self.cpu_ticks();
        while Instant::now() < deadline {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let now = self.cpu_ticks();
            // Under 5 % of one core (clock ticks are 10 ms).
            if now - before <= 5 {
                return;
            }
            before = now;
        }
        eprintln!("the server did not settle within a minute; measuring anyway");
    }

    fn index_dir(&self) -> PathBuf {
        let root = self.dir.join("index");
        let name = backend::search::store::read_current(&root).expect("a live index generation");
        root.join(name)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
                .sum()
        })
        .unwrap_or(0)
}

async fn signed_in(base: &str, email: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let r = client
        .post(format!("{base}/api/auth/login"))
        .header("origin", base)
        .json(&serde_json::json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "login {email}: {}", r.status());
    client
}

async fn post_json(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let r = client
        .post(format!("{base}{path}"))
        .header("origin", base)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let v: serde_json::Value = r.json().await.unwrap_or_default();
    assert!(status.is_success(), "POST {path}: {status} {v}");
    v
}

fn search_url(base: &str, q: &str) -> String {
    let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    format!("{base}/api/search?q={q}&limit=10")
}

async fn total(client: &reqwest::Client, base: &str, q: &str) -> u64 {
    match client.get(search_url(base, q)).send().await {
        Ok(r) if r.status().is_success() => r
            .json::<serde_json::Value>()
            .await
            .ok()
            .and_then(|v| v["total"].as_u64())
            .unwrap_or(0),
        _ => 0,
    }
}

/// Writes the abstracts as published resources and the threads with their replies; returns
/// the seconds it took.
async fn load(
    admin: &reqwest::Client,
    base: &str,
    sci: &SciFact,
    threads: &[GeneratedThread],
    spaces: &[String],
) -> f64 {
    let started = Instant::now();
    futures_util::stream::iter(sci.abstracts.iter())
        .for_each_concurrent(WRITERS, |a| async move {
            post_json(
                admin,
                base,
                "/api/resources",
                serde_json::json!({
                    "kind": "report",
                    "title": a.title,
                    "slug": format!("scifact-{}", a.id),
                    "summary": "A research abstract.",
                    "body_markdown": a.text,
                    "status": "published",
                    "note": "Benchmark corpus",
                }),
            )
            .await;
        })
        .await;
    let bar = indicatif::ProgressBar::new(threads.iter().map(|t| 1 + t.replies.len() as u64).sum());
    let bar = &bar;
    futures_util::stream::iter(threads.iter().enumerate())
        .for_each_concurrent(WRITERS, |(i, t)| async move {
            let created = post_json(
                admin,
                base,
                "/api/threads",
                serde_json::json!({
                    "category": spaces[i % spaces.len()],
                    "title": t.title,
                    "body": t.first,
                    "kind": "discussion",
                }),
            )
            .await;
            assert_eq!(created["status"], "visible", "{created}");
            bar.inc(1);
            let id = created["thread_id"].as_i64().unwrap();
            for body in &t.replies {
                let created = post_json(
                    admin,
                    base,
                    &format!("/api/threads/{id}/posts"),
                    serde_json::json!({ "body": body }),
                )
                .await;
                assert_eq!(created["status"], "visible", "{created}");
                bar.inc(1);
            }
        })
        .await;
    bar.finish_and_clear();
    started.elapsed().as_secs_f64()
}

/// `writes` replies, one at a time, each with a word of its own; for each, the time from its
/// 201 until `/api/search` finds that word (polled every 2 ms), in ms.
async fn freshness(
    admin: &reqwest::Client,
    member: &reqwest::Client,
    base: &str,
    thread: i64,
    writes: usize,
) -> Vec<f64> {
    let mut delays = Vec::with_capacity(writes);
    for i in 0..writes {
        let word = format!("freshness{}", corpus::letters(i + 1000));
        post_json(
            admin,
            base,
            &format!("/api/threads/{thread}/posts"),
            serde_json::json!({ "body": format!("A reply about {word} and supervision.") }),
        )
        .await;
        let written = Instant::now();
        loop {
            if total(member, base, &word).await > 0 {
                break;
            }
            assert!(
                written.elapsed() < Duration::from_secs(30),
                "{word} not searchable after 30 s"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        delays.push(written.elapsed().as_secs_f64() * 1000.0);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    delays
}

struct Paced {
    latency: Stats,
    offered: u64,
    achieved: f64,
    failed: usize,
}

/// `/api/search` for `queries` (shuffled, repeated) at `rate` a second for `secs` seconds;
/// latency is counted from when each request was due.
async fn paced(
    client: &reqwest::Client,
    base: &str,
    queries: &[String],
    rate: u64,
    secs: u64,
) -> Paced {
    let urls: Vec<String> = queries.iter().map(|q| search_url(base, q)).collect();
    paced_urls(client, urls, rate, secs).await
}

/// Requests `urls` (shuffled, round and round) at `rate` a second for `secs` seconds. The
/// pacing runs on a thread of its own with the operating system's sleep: the runtime's timer
/// rounds each wake-up up to the next millisecond, which would add up to a millisecond of the
/// client's own to every figure.
async fn paced_urls(client: &reqwest::Client, urls: Vec<String>, rate: u64, secs: u64) -> Paced {
    let mut order = urls;
    order.shuffle(&mut rand::rngs::StdRng::seed_from_u64(rate));
    let n = (rate * secs) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let start = Instant::now() + Duration::from_millis(100);
    let due = move |i: usize| start + interval * i as u32;
    let (tick, mut ticks) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for i in 0..n {
            if let Some(wait) = due(i).checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            if tick.send(i).is_err() {
                break;
            }
        }
    });
    let mut tasks = Vec::with_capacity(n);
    let order = Arc::new(order);
    while let Some(i) = ticks.recv().await {
        let (client, order) = (client.clone(), order.clone());
        tasks.push(tokio::spawn(async move {
            let url = &order[i % order.len()];
            let ok = match client.get(url).send().await {
                Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                Err(_) => false,
            };
            (ok, Instant::now())
        }));
    }
    let mut latencies = Vec::with_capacity(n);
    let mut failed = 0;
    let mut last = start;
    for (i, t) in tasks.into_iter().enumerate() {
        let (ok, done) = t.await.unwrap();
        last = last.max(done);
        if ok {
            latencies.push((done - due(i)).as_secs_f64() * 1000.0);
        } else {
            failed += 1;
        }
    }
    let achieved = latencies.len() as f64 / (last - start).as_secs_f64();
    Paced {
        latency: stats(latencies),
        offered: rate,
        achieved,
        failed,
    }
}

/// What one engine did with one query set: latencies and, for the SciFact claims, nDCG@10.
struct Run {
    latency: Stats,
    ndcg: Option<f64>,
}

/// Runs every query once to warm up, then once measured.
fn measure(
    queries: &[(String, String)],
    judgments: Option<&corpus::Judgments>,
    mut search: impl FnMut(&str) -> Vec<String>,
) -> Run {
    for (_, q) in queries.iter().take(50) {
        search(q);
    }
    let mut latencies = Vec::with_capacity(queries.len());
    let mut ndcg = 0.0;
    for (id, q) in queries {
        let started = Instant::now();
        let ranked = search(q);
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        if let Some(j) = judgments {
            ndcg += corpus::ndcg_at_10(&ranked, &j[id]);
        }
    }
    Run {
        latency: stats(latencies),
        ndcg: judgments.map(|_| ndcg / queries.len() as f64),
    }
}

/// A database's search in both query forms (as typed, then any word), each over the SciFact
/// claims (with nDCG@10) and the member queries.
fn both_forms(
    sci: &SciFact,
    member_queries: &[(String, String)],
    mut search: impl FnMut(&str, fts::Form) -> Vec<String>,
) -> Vec<(Run, Run)> {
    [fts::Form::AsTyped, fts::Form::AnyWord]
        .into_iter()
        .map(|form| {
            (
                measure(&sci.queries, Some(&sci.judgments), |q| search(q, form)),
                measure(member_queries, None, |q| search(q, form)),
            )
        })
        .collect()
}

fn ours(index: &SearchIndex, glossary: &Glossary, q: &str) -> Vec<String> {
    let mut request = SearchRequest::new(q, ViewerScope::member(Vec::new()));
    request.limit = 10;
    index
        .search(&request, glossary)
        .map(|r| {
            r.hits
                .into_iter()
                .map(
                    |h| match h.slug.as_deref().and_then(|s| s.strip_prefix("scifact-")) {
                        Some(id) => id.to_owned(),
                        None => h.id,
                    },
                )
                .collect()
        })
        .unwrap_or_default()
}

/// Query texts meant to trip a search parser: tantivy's own traps (`- *`, `a:(^`), 10 KB of one
/// word and of many, control characters, lone quotes and brackets, SQL.
fn hostile_queries() -> Vec<String> {
    let mut out: Vec<String> = [
        "- *",
        "a:(^",
        "*:*",
        "title:x",
        "\"",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "-",
        "--",
        "OR",
        "OR OR",
        "\"\"",
        "-\"\"",
        "\u{0}\u{1}\u{7f}",
        "\\",
        "~2",
        "x^1000",
        "a AND",
        "NOT",
        "%",
        "?",
        "' OR '1'='1",
        "Robert'); DROP TABLE posts;--",
        "AMHP OR -\"section 136",
        "é\u{301}\u{301}\u{301}\u{301}",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    out.push("x".repeat(10_000));
    out.push("replicaton ".repeat(1_000));
    out.push("(\"".repeat(5_000));
    out
}

/// Each hostile query `rounds` times, one at a time, to the search and the suggestions; the
/// statuses seen and the slowest answer in milliseconds.
async fn hostile(client: &reqwest::Client, base: &str, rounds: usize) -> (usize, Vec<u16>, f64) {
    let mut statuses = Vec::new();
    let mut slowest: f64 = 0.0;
    let mut sent = 0;
    for q in hostile_queries() {
        let enc: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
        for path in ["/api/search?q=", "/api/search/suggest?q="] {
            for _ in 0..rounds {
                let started = Instant::now();
                let status = client
                    .get(format!("{base}{path}{enc}"))
                    .timeout(Duration::from_secs(10))
                    .send()
                    .await
                    .map_or(0, |r| r.status().as_u16());
                slowest = slowest.max(started.elapsed().as_secs_f64() * 1000.0);
                sent += 1;
                if !statuses.contains(&status) {
                    statuses.push(status);
                }
            }
        }
    }
    statuses.sort_unstable();
    (sent, statuses, slowest)
}

fn docs_for_databases(sci: &SciFact, threads: &[GeneratedThread]) -> Vec<Doc> {
    let mut docs: Vec<Doc> = sci
        .abstracts
        .iter()
        .map(|a| Doc {
            id: a.id.clone(),
            title: a.title.clone(),
            body: a.text.clone(),
        })
        .collect();
    for (i, t) in threads.iter().enumerate() {
        docs.push(Doc {
            id: format!("thread:{i}"),
            title: t.title.clone(),
            body: t.first.clone(),
        });
        docs.extend(t.replies.iter().enumerate().map(|(j, r)| Doc {
            id: format!("post:{i}:{j}"),
            title: t.title.clone(),
            body: r.clone(),
        }));
    }
    docs
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let bin = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "target/release/partners".into()),
    );
    let scifact_dir = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "../shared/bench-data/scifact".into()),
    );
    let target_docs = env_or("BENCH_DOCS", 100_000) as usize;
    let rate = env_or("BENCH_RATE", 200);
    let secs = env_or("BENCH_SECONDS", 30);
    let writes = env_or("BENCH_WRITES", 200) as usize;
    let replies = env_or("BENCH_REPLIES_PER_THREAD", 99) as usize;
    let pg_url = std::env::var("BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("TEST_DATABASE_URL"))
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());

    let sci = corpus::scifact(&scifact_dir).expect("read SciFact");
    // Each thread is one document for itself with its first post and one for each reply.
    let forum_docs = target_docs.saturating_sub(sci.abstracts.len());
    let thread_count = forum_docs.div_ceil(replies + 1);
    let threads = corpus::forum(&sci.abstracts, thread_count, replies);
    let member_queries: Vec<(String, String)> = corpus::member_queries(&sci.abstracts, 300)
        .into_iter()
        .enumerate()
        .map(|(i, q)| (i.to_string(), q))
        .collect();
    let docs = docs_for_databases(&sci, &threads);
    eprintln!(
        "{} documents: {} abstracts, {} threads, {} replies",
        docs.len(),
        sci.abstracts.len(),
        threads.len(),
        threads.len() * replies
    );

    let mut server = Server::start(&bin);
    let base = server.base.clone();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !matches!(reqwest::get(format!("{base}/readyz")).await, Ok(r) if r.status().is_success())
    {
        assert!(Instant::now() < deadline, "server not ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (rss_empty, _) = server.memory();
    let admin = signed_in(&base, ADMIN).await;
    let member = signed_in(&base, MEMBER).await;
    let spaces: Vec<String> = admin
        .get(format!("{base}/api/categories"))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["items"]
        .as_array()
        .expect("a list of spaces")
        .iter()
        .filter(|c| c["pre_moderated"] != true)
        .filter_map(|c| c["slug"].as_str().map(str::to_owned))
        .collect();
    assert!(!spaces.is_empty(), "no open spaces");

    eprintln!("loading through the API ({WRITERS} requests at a time)");
    let load_secs = load(&admin, &base, &sci, &threads, &spaces).await;
    let written = sci.abstracts.len() + threads.len() * (1 + replies);
    // The follower applies the outbox in order: once the last reply is found, all is in.
    let caught_up = Instant::now();
    let mark = format!("lastmark{}", corpus::letters(written));
    let created = post_json(
        &admin,
        &base,
        "/api/threads",
        serde_json::json!({"category": spaces[0], "title": "Freshness", "body": format!("The last write, {mark}."), "kind": "discussion"}),
    )
    .await;
    while total(&member, &base, &mark).await == 0 {
        assert!(
            caught_up.elapsed() < Duration::from_secs(600),
            "index never caught up"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let catch_up_secs = caught_up.elapsed().as_secs_f64();
    let fresh_thread = created["thread_id"].as_i64().unwrap();
    let (rss_loaded, _) = server.memory();
    let index_dir = server.index_dir();
    let index_bytes = dir_size(&index_dir);
    let indexed = SearchIndex::open(&index_dir)
        .expect("open the index")
        .num_docs();

    eprintln!("write to searchable ({writes} writes)");
    let fresh = stats(freshness(&admin, &member, &base, fresh_thread, writes).await);

    eprintln!("over HTTP at {rate}/s");
    let sci_texts: Vec<String> = sci.queries.iter().map(|(_, q)| q.clone()).collect();
    let member_texts: Vec<String> = member_queries.iter().map(|(_, q)| q.clone()).collect();
    // Warm the connections.
    let _ = paced(&member, &base, &member_texts, 50, 2).await;
    server.settle().await;
    let http_member = paced(&member, &base, &member_texts, rate, secs).await;
    server.settle().await;
    let http_sci = paced(&member, &base, &sci_texts, rate, secs).await;
    server.settle().await;
    // The floor: what this client and the server's HTTP layer take on their own.
    let http_floor = paced_urls(&member, vec![format!("{base}/healthz")], rate, secs).await;
    let (rss_after, hwm) = server.memory();
    server.settle().await;
    let (hostile_sent, hostile_statuses, hostile_slowest) = hostile(&member, &base, 5).await;

    eprintln!("in process, on the server's index");
    let index = SearchIndex::open(&index_dir).expect("open the index");
    let glossary = Glossary::shipped();
    let ours_sci = measure(&sci.queries, Some(&sci.judgments), |q| {
        ours(&index, &glossary, q)
    });
    let ours_member = measure(&member_queries, None, |q| ours(&index, &glossary, q));
    drop(index);

    server.stop();
    eprintln!("partners reindex");
    let started = Instant::now();
    let out = server.cli(&["reindex"]);
    let reindex_secs = started.elapsed().as_secs_f64();
    let reindexed: u64 = out
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);

    eprintln!("PostgreSQL full-text search");
    let (mut pg, pg_load) = fts::Postgres::load(&pg_url, &docs).expect("PostgreSQL");
    let pg_version = pg.version();
    let pg_runs = both_forms(&sci, &member_queries, |q, form| pg.search(q, form).unwrap());
    drop(pg);
    eprintln!("SQLite FTS5");
    let (mut lite, lite_load) = fts::Sqlite::load(&docs).expect("SQLite FTS5");
    let lite_runs = both_forms(&sci, &member_queries, |q, form| {
        lite.search(q, form).unwrap()
    });
    drop(lite);

    // The report, in Markdown.
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "{} documents indexed ({} SciFact abstracts as published resources; {} generated threads, each its first post plus {replies} replies; and the freshness writes); {cores} cores; PostgreSQL {pg_version} on the same machine.",
        indexed,
        sci.abstracts.len(),
        threads.len(),
    );
    println!();
    println!(
        "**Over HTTP** (`GET /api/search?q=…&limit=10`, signed in as a member, {rate} requests a second for {secs} s, latency from when each request was due):"
    );
    println!();
    println!("| Queries | Offered req/s | Achieved req/s | Failed | p50 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, p) in [
        (
            "Member queries (300: the field's terms, 1–3 title words, some misspelt)",
            &http_member,
        ),
        ("SciFact test claims (300, 5–30 words each)", &http_sci),
        (
            "The floor: `GET /healthz` with the same client and pacing",
            &http_floor,
        ),
    ] {
        println!(
            "| {name} | {} | {:.0} | {} | {:.2} | {:.2} | {:.2} |",
            p.offered, p.achieved, p.failed, p.latency.p50, p.latency.p99, p.latency.max
        );
    }
    println!();
    println!(
        "**Hostile query texts** (`- *`, `a:(^`, 10 KB queries, control characters, lone quotes and brackets, SQL: {} kinds, each five times to `/api/search` and `/api/search/suggest`, one at a time): {hostile_sent} requests, statuses {}, the slowest answered in {hostile_slowest:.1} ms.",
        hostile_queries().len(),
        hostile_statuses
            .iter()
            .map(|s| if *s == 0 {
                "none (no answer)".to_owned()
            } else {
                s.to_string()
            })
            .collect::<Vec<_>>()
            .join(", "),
    );
    println!();
    println!(
        "**Side by side, in process, on the same {} documents** (each query once after a warm-up; PostgreSQL over loopback; nDCG@10 of the 300 SciFact test claims among all the documents):",
        docs.len()
    );
    println!();
    println!(
        "| Engine | nDCG@10 | SciFact claims p50 ms | p99 ms | Member queries p50 ms | p99 ms | PostgreSQL's p99 ÷ this p99 (claims, member queries) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let pg_p99 = (pg_runs[0].0.latency.p99, pg_runs[0].1.latency.p99);
    let pg_or_p99 = (pg_runs[1].0.latency.p99, pg_runs[1].1.latency.p99);
    let row = |name: &str, (sci_run, member_run): (&Run, &Run)| {
        println!(
            "| {name} | {:.4} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1}×, {:.1}× (any-word form: {:.1}×, {:.1}×) |",
            sci_run.ndcg.unwrap_or(f64::NAN),
            sci_run.latency.p50,
            sci_run.latency.p99,
            member_run.latency.p50,
            member_run.latency.p99,
            pg_p99.0 / sci_run.latency.p99,
            pg_p99.1 / member_run.latency.p99,
            pg_or_p99.0 / sci_run.latency.p99,
            pg_or_p99.1 / member_run.latency.p99,
        );
    };
    row(
        "Partners in Practice (tantivy, the server's index)",
        (&ours_sci, &ours_member),
    );
    row(
        "PostgreSQL: `websearch_to_tsquery` of the query as typed (every word required)",
        (&pg_runs[0].0, &pg_runs[0].1),
    );
    row(
        "PostgreSQL: `websearch_to_tsquery` of its words joined by `or`",
        (&pg_runs[1].0, &pg_runs[1].1),
    );
    row(
        "SQLite FTS5 `bm25()`: every word",
        (&lite_runs[0].0, &lite_runs[0].1),
    );
    row(
        "SQLite FTS5 `bm25()`: any word (`OR`)",
        (&lite_runs[1].0, &lite_runs[1].1),
    );
    println!();
    println!("**Writing and indexing:**");
    println!();
    println!("| Figure | Value |");
    println!("|---|---|");
    println!(
        "| Loading through the API ({WRITERS} requests at a time, the index following) | {written} documents in {load_secs:.0} s: {:.0} a second; the index had caught up {catch_up_secs:.2} s after the last write |",
        written as f64 / load_secs
    );
    println!(
        "| Write to searchable ({} replies one at a time; from the 201 until `/api/search` finds it, polled every 2 ms) | p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms |",
        fresh.n, fresh.p50, fresh.p99, fresh.max
    );
    println!(
        "| `partners reindex` (from the database into a new generation, server stopped) | {reindexed} documents in {reindex_secs:.1} s: {:.0} a second |",
        reindexed as f64 / reindex_secs
    );
    println!("| PostgreSQL: load and GIN index | {:.1} s |", pg_load);
    println!("| SQLite FTS5: load and optimise | {lite_load:.1} s |");
    println!();
    println!("**Memory** of the `partners serve` process (resident set):");
    println!();
    println!("| When | MiB |");
    println!("|---|---:|");
    println!("| Started, empty | {rss_empty:.0} |");
    println!("| {indexed} documents indexed | {rss_loaded:.0} |");
    println!("| After the HTTP runs | {rss_after:.0} (peak {hwm:.0}) |");
    println!(
        "| Index on disk | {:.0} MiB |",
        index_bytes as f64 / (1024.0 * 1024.0)
    );
}
