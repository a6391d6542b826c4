//! The attachments benchmark: starts a release `partners serve` on a free port with a fresh
//! DATA_DIR, keeps a light request (GET /api/categories, signed in) going at a fixed rate while
//! idle and while 200-page PDFs are uploaded and their text extracted, and reports the light
//! request's p50/p99 in both phases, the upload times and the extraction times, as Markdown.
//!
//! Run through scripts/bench-library (which builds the release binary first), or:
//! `cargo run --release -p backend --example bench_attachments -- target/release/partners`
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark fails loudly"
)]

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PASSWORD: &str = "bench-passphrase-0451";

fn env_or(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Server(Child, std::path::PathBuf);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

/// A 200-page PDF of plain guidance-like text (different for each `seed`).
fn big_pdf(pages: usize, seed: usize) -> Vec<u8> {
    let texts: Vec<String> = (0..pages)
        .map(|p| {
            (0..40)
                .map(|l| format!("Document {seed} page {} line {l}: supervision, assessment, the least restrictive option and review.", p + 1))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    backend::files::sample::pdf(&refs)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Sends GET /api/categories at `rate` per second until `stop` is set; returns latencies (ms).
async fn light_load(
    client: reqwest::Client,
    url: String,
    rate: u64,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> Vec<f64> {
    let samples = Arc::new(Mutex::new(Vec::new()));
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut tasks = Vec::new();
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        tick.tick().await;
        let (client, url, samples) = (client.clone(), url.clone(), samples.clone());
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let r = client.get(&url).send().await;
            let ok = matches!(&r, Ok(r) if r.status().is_success());
            if let Ok(r) = r {
                let _ = r.bytes().await;
            }
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            samples
                .lock()
                .unwrap()
                .push(if ok { ms } else { f64::INFINITY });
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let mut v = samples.lock().unwrap().clone();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v
}

fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = format!("bench{}", rand_suffix());
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn rand_suffix() -> String {
    backend::auth::random_token()[..10].replace(['-', '_'], "x")
}

#[tokio::main]
async fn main() {
    let bin = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/release/partners".into());
    let rate = env_or("BENCH_RATE", 100);
    let idle_secs = env_or("BENCH_IDLE_SECONDS", 10);
    let uploads = env_or("BENCH_UPLOADS", 20) as usize;
    let pages = env_or("BENCH_PAGES", 200) as usize;

    let dir = std::env::temp_dir().join(format!("partners-bench-attachments-{}", rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let envs = [
        ("DATA_DIR", dir.display().to_string()),
        ("BIND", format!("127.0.0.1:{port}")),
        ("PUBLIC_URL", base.clone()),
        (
            "FRONTEND_DIR",
            dir.join("no-frontend").display().to_string(),
        ),
        ("LOG_FILTER", "warn".into()),
    ];
    let mut create = Command::new(&bin);
    create
        .args([
            "user",
            "create",
            "--email",
            "curator@nhs.example",
            "--name",
            "Bench Curator",
            "--role",
            "curator",
            "--password-stdin",
            "--verified",
        ])
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::null());
    let mut child = create.spawn().expect("run partners user create");
    {
        use std::io::Write as _;
        writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    }
    assert!(child.wait().unwrap().success(), "user create");
    let server = Command::new(&bin)
        .args(["serve", "--no-demo"])
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .spawn()
        .expect("start partners serve");
    let _server = Server(server, dir.clone());

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status().is_success()
        {
            break;
        }
        assert!(Instant::now() < deadline, "server not ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let r = client
        .post(format!("{base}/api/auth/login"))
        .header("origin", &base)
        .json(&serde_json::json!({"email": "curator@nhs.example", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "login: {}", r.status());
    let r = client
        .post(format!("{base}/api/resources"))
        .header("origin", &base)
        .json(&serde_json::json!({"kind": "report", "title": "Benchmark report", "slug": "bench-report", "summary": "A long report.", "body_markdown": "The report.", "status": "published", "note": "Benchmark"}))
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success(),
        "create resource: {} {}",
        r.status(),
        r.text().await.unwrap_or_default()
    );

    let pdfs: Vec<Vec<u8>> = (0..uploads).map(|i| big_pdf(pages, i)).collect();
    let light_url = format!("{base}/api/categories");
    // Warm up the connection pool and the server.
    for _ in 0..50 {
        let _ = client.get(&light_url).send().await.unwrap().bytes().await;
    }

    // Idle.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = tokio::spawn(light_load(
        client.clone(),
        light_url.clone(),
        rate,
        stop.clone(),
    ));
    tokio::time::sleep(Duration::from_secs(idle_secs)).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let idle = load.await.unwrap();

    // While uploading and extracting.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = tokio::spawn(light_load(
        client.clone(),
        light_url.clone(),
        rate,
        stop.clone(),
    ));
    let busy_start = Instant::now();
    let mut upload_ms = Vec::new();
    let mut extract_ms = Vec::new();
    let mut statuses = Vec::new();
    for (i, pdf) in pdfs.iter().enumerate() {
        let (ct, body) = multipart(&format!("report-{i}.pdf"), pdf);
        let t = Instant::now();
        let r = client
            .post(format!("{base}/api/resources/bench-report/attachments"))
            .header("origin", &base)
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let created: serde_json::Value = r.json().await.unwrap();
        upload_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(status.as_u16(), 201, "{created}");
        let id = created["id"].as_i64().unwrap();
        let t = Instant::now();
        loop {
            let d: serde_json::Value = client
                .get(format!("{base}/api/attachments/{id}"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let s = d["extract_status"].as_str().unwrap_or("").to_owned();
            if s != "pending" {
                extract_ms.push(t.elapsed().as_secs_f64() * 1000.0);
                statuses.push(format!("{s} ({} pages)", d["page_count"]));
                break;
            }
            assert!(
                t.elapsed() < Duration::from_secs(300),
                "extraction took too long"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let busy_secs = busy_start.elapsed().as_secs_f64();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let busy = load.await.unwrap();

    let pdf_mb = pdfs[0].len() as f64 / (1024.0 * 1024.0);
    let errors = |v: &[f64]| v.iter().filter(|x| x.is_infinite()).count();
    let fmt = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("| phase | light requests | p50 (ms) | p99 (ms) | max (ms) | errors |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| idle ({idle_secs} s) | {} | {:.2} | {:.2} | {:.2} | {} |",
        idle.len(),
        percentile(&idle, 0.5),
        percentile(&idle, 0.99),
        idle.last().copied().unwrap_or(f64::NAN),
        errors(&idle)
    );
    println!(
        "| {uploads} uploads and extractions ({busy_secs:.1} s) | {} | {:.2} | {:.2} | {:.2} | {} |",
        busy.len(),
        percentile(&busy, 0.5),
        percentile(&busy, 0.99),
        busy.last().copied().unwrap_or(f64::NAN),
        errors(&busy)
    );
    println!();
    println!(
        "- PDF: {pages} pages, {pdf_mb:.2} MiB each ({uploads} different files); light request: GET /api/categories at {rate}/s, signed in."
    );
    println!("- Upload (POST, 201 received) ms: {}.", fmt(&upload_ms));
    println!(
        "- Extraction (201 to extract_status done, polled every 20 ms) ms: {}; results: {}.",
        fmt(&extract_ms),
        statuses.join(", ")
    );
}
