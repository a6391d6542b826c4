//! The external-link checker: a background job that asks each resource's external URL whether
//! it is still there (HEAD, then GET when HEAD is refused or fails), a few at a time, with short
//! timeouts and few redirects, and keeps the latest answer in `link_checks` for the curator
//! dashboard. Turned off with LINK_CHECK=off; tests call [`check_once`] against a local server.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use tokio::sync::Semaphore;

use crate::db::practice_examples::{LinkCheck, ResourceBrief};
use crate::db::{Db, DbError, now};

/// How many URLs are checked at once.
const CONCURRENCY: usize = 4;
/// How many redirects are followed before the link counts as broken.
const MAX_REDIRECTS: usize = 5;
/// Resources read from the database per batch.
const BATCH: i64 = 200;

/// What one pass found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LinkReport {
    pub checked: usize,
    pub ok: usize,
    pub broken: usize,
}

/// The HTTP client the checker uses: short timeouts, limited redirects, no cookies.
pub fn client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
        .user_agent(concat!(
            "PartnersInPractice-LinkChecker/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
}

/// The outcome of asking one URL: the status, or why there was none.
async fn probe(client: &reqwest::Client, url: &str) -> (bool, Option<i32>, Option<String>) {
    let parsed = match url::Url::parse(url) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => u,
        _ => return (false, None, Some("not an http or https address".into())),
    };
    // Some servers refuse or mishandle HEAD; a GET (whose body is not read) settles it.
    let head = client.head(parsed.clone()).send().await;
    let answer = match head {
        Ok(r) if r.status().is_success() => Ok(r.status()),
        _ => client.get(parsed).send().await.map(|r| r.status()),
    };
    match answer {
        Ok(status) => (
            status.is_success(),
            Some(i32::from(status.as_u16())),
            (!status.is_success()).then(|| describe(status)),
        ),
        Err(e) => (false, None, Some(error_text(&e))),
    }
}

fn describe(status: StatusCode) -> String {
    format!(
        "the server answered {} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )
    .trim_end()
    .to_owned()
}

/// A short cause without the URL (it is already in the row).
fn error_text(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_redirect() {
        format!("more than {MAX_REDIRECTS} redirects")
    } else if e.is_connect() {
        "could not connect".into()
    } else {
        "the request failed".into()
    }
}

/// Checks every resource with an external URL once and records the results.
pub async fn check_once(db: &Db, client: &reqwest::Client) -> Result<LinkReport, DbError> {
    let mut report = LinkReport::default();
    let limit = Arc::new(Semaphore::new(CONCURRENCY));
    let mut after = 0;
    loop {
        let batch = db
            .run(move |c| ResourceBrief::with_external_url(c, after, BATCH))
            .await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let mut tasks = tokio::task::JoinSet::new();
        for r in batch {
            let Some(url) = r.external_url.clone() else {
                continue;
            };
            let client = client.clone();
            let limit = limit.clone();
            tasks.spawn(async move {
                let _permit = limit.acquire_owned().await;
                let (ok, http_status, error) = probe(&client, &url).await;
                LinkCheck {
                    resource_id: r.id,
                    url,
                    ok,
                    http_status,
                    error,
                    checked_at: now(),
                }
            });
        }
        let mut results = Vec::new();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(check) => results.push(check),
                Err(e) => tracing::warn!(error = %e, "link check task failed"),
            }
        }
        for check in &results {
            report.checked += 1;
            if check.ok {
                report.ok += 1;
            } else {
                report.broken += 1;
            }
        }
        db.run(move |c| {
            for check in &results {
                LinkCheck::record(c, check)?;
            }
            Ok(())
        })
        .await?;
    }
    Ok(report)
}

/// Checks all links every `interval` until the process ends.
pub async fn run(db: Db, interval: Duration) {
    let client = match client() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "link checker: cannot build the HTTP client");
            return;
        }
    };
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match check_once(&db, &client).await {
            Ok(r) => tracing::info!(checked = r.checked, broken = r.broken, "links checked"),
            Err(e) => tracing::warn!(error = %e, "link checker"),
        }
    }
}
