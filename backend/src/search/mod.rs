//! Search in the server: the live index and glossary, the outbox follower that keeps the index
//! in line with the database, rebuilding (at start and by `partners reindex`), and searching
//! with every hit re-checked against the database for the viewer.
//!
//! See docs/search.md ("For operators") for the design.

pub mod docs;
mod follower;
pub mod store;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use diesel::prelude::*;
use search_index::{
    Audience, Change, FacetCount, Glossary, Hit, SearchIndex, SearchRequest, SearchResults,
    Suggestion, ViewerScope,
};

use crate::db::schema::search_outbox;
use crate::db::users::User;
use crate::db::{Db, DbError};
use crate::model::MemberStatus;

pub use docs::Searcher;

/// The settings key holding the admins' glossary text (absent: the shipped one).
pub const GLOSSARY_SETTING: &str = "search_glossary";
/// How often the follower looks at the outbox, the pointer file and the glossary when nothing
/// wakes it sooner.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// The search service: one per process, cheap to clone.
#[derive(Clone)]
pub struct SearchService {
    inner: Arc<Inner>,
}

struct Inner {
    root: PathBuf,
    live: RwLock<Live>,
    glossary: RwLock<GlossaryState>,
    wake: tokio::sync::Notify,
    stop: tokio::sync::watch::Sender<bool>,
    rebuilding: AtomicBool,
    follower: Mutex<Option<tokio::task::JoinHandle<()>>>,
    redis: Option<(redis::aio::ConnectionManager, String)>,
}

struct Live {
    index: SearchIndex,
    /// The generation directory's name; `None` for the empty stand-in used while rebuilding.
    generation: Option<String>,
}

struct GlossaryState {
    /// The admins' text; `None` while the shipped glossary is in use.
    text: Option<String>,
    glossary: Arc<Glossary>,
}

/// The redis channel replicas nudge each other on.
fn nudge_channel(prefix: &str) -> String {
    format!("{prefix}search:nudge")
}

impl SearchService {
    /// Opens the live index under `root` (DATA_DIR/index) and starts the follower. A missing
    /// or unreadable index is rebuilt from the database in the background; until then searches
    /// answer from an empty index.
    pub fn start(
        root: PathBuf,
        db: Db,
        redis: Option<redis::aio::ConnectionManager>,
        redis_url: Option<String>,
        redis_prefix: &str,
    ) -> anyhow::Result<SearchService> {
        std::fs::create_dir_all(&root)
            .map_err(|e| anyhow::anyhow!("DATA_DIR: cannot create {}: {e}", root.display()))?;
        let (live, needs_rebuild) = match open_live(&root) {
            Ok(live) => (live, false),
            Err(e) => {
                tracing::warn!(error = %e, "search index unusable; rebuilding it from the database");
                (
                    Live {
                        index: SearchIndex::in_ram()?,
                        generation: None,
                    },
                    true,
                )
            }
        };
        let (stop, stop_rx) = tokio::sync::watch::channel(false);
        let channel = nudge_channel(redis_prefix);
        let service = SearchService {
            inner: Arc::new(Inner {
                root,
                live: RwLock::new(live),
                glossary: RwLock::new(GlossaryState {
                    text: None,
                    glossary: Arc::new(Glossary::shipped()),
                }),
                wake: tokio::sync::Notify::new(),
                stop,
                rebuilding: AtomicBool::new(needs_rebuild),
                follower: Mutex::new(None),
                redis: redis.map(|c| (c, channel.clone())),
            }),
        };
        if let Ok(mut conn) = db.get()
            && let Err(e) = service.reload_glossary(&mut conn)
        {
            tracing::warn!(error = %e, "loading the search glossary");
        }
        let handle = tokio::spawn(follower::run(
            service.clone(),
            db,
            needs_rebuild,
            stop_rx.clone(),
        ));
        if let Ok(mut slot) = service.inner.follower.lock() {
            *slot = Some(handle);
        }
        if let Some(url) = redis_url {
            tokio::spawn(follower::listen_for_nudges(
                service.clone(),
                url,
                channel,
                stop_rx,
            ));
        }
        Ok(service)
    }

    /// Tells the follower to stop, without waiting for it.
    pub fn stop(&self) {
        let _ = self.inner.stop.send(true);
        self.inner.wake.notify_one();
    }

    /// Stops the follower and waits for it to let go of the index writer.
    pub async fn shutdown(&self) {
        let _ = self.inner.stop.send(true);
        self.inner.wake.notify_one();
        let handle = self.inner.follower.lock().ok().and_then(|mut h| h.take());
        if let Some(handle) = handle {
            let _ = handle.await;
        }
    }

    /// Wakes this node's follower, and every replica's through Redis when configured. Called
    /// after each request that may have written to the outbox.
    pub fn nudge(&self) {
        self.inner.wake.notify_one();
        if let Some((conn, channel)) = &self.inner.redis {
            let mut conn = conn.clone();
            let channel = channel.clone();
            tokio::spawn(async move {
                let sent = tokio::time::timeout(
                    Duration::from_secs(2),
                    redis::cmd("PUBLISH")
                        .arg(&channel)
                        .arg("1")
                        .query_async::<i64>(&mut conn),
                )
                .await;
                if !matches!(sent, Ok(Ok(_))) {
                    tracing::debug!("could not publish the search nudge");
                }
            });
        }
    }

    /// Where the generations and the pointer file live.
    pub fn root(&self) -> &Path {
        &self.inner.root
    }

    /// The index searches use now.
    pub fn index(&self) -> SearchIndex {
        match self.inner.live.read() {
            Ok(live) => live.index.clone(),
            Err(poisoned) => poisoned.into_inner().index.clone(),
        }
    }

    /// The live generation's name (`None` while a rebuild at start is running).
    pub fn generation(&self) -> Option<String> {
        match self.inner.live.read() {
            Ok(live) => live.generation.clone(),
            Err(poisoned) => poisoned.into_inner().generation.clone(),
        }
    }

    /// True while the index is being rebuilt at start.
    pub fn is_rebuilding(&self) -> bool {
        self.inner.rebuilding.load(Ordering::SeqCst)
    }

    /// The outbox id the live index has applied.
    pub fn last_applied_id(&self) -> Option<i64> {
        self.index().last_applied_id().ok().flatten()
    }

    fn set_live(&self, live: Live) {
        match self.inner.live.write() {
            Ok(mut slot) => *slot = live,
            Err(poisoned) => *poisoned.into_inner() = live,
        }
    }

    pub fn glossary(&self) -> Arc<Glossary> {
        match self.inner.glossary.read() {
            Ok(g) => g.glossary.clone(),
            Err(poisoned) => poisoned.into_inner().glossary.clone(),
        }
    }

    /// The admins' glossary text, `None` when the shipped glossary is in use.
    pub fn glossary_text(&self) -> Option<String> {
        match self.inner.glossary.read() {
            Ok(g) => g.text.clone(),
            Err(poisoned) => poisoned.into_inner().text.clone(),
        }
    }

    /// Uses `text` (already validated) as the glossary from now on; `None` for the shipped one.
    pub fn set_glossary(&self, text: Option<String>) {
        let glossary = match text.as_deref() {
            Some(t) => Glossary::parse(t).unwrap_or_else(|_| Glossary::shipped()),
            None => Glossary::shipped(),
        };
        let state = GlossaryState {
            text,
            glossary: Arc::new(glossary),
        };
        match self.inner.glossary.write() {
            Ok(mut g) => *g = state,
            Err(poisoned) => *poisoned.into_inner() = state,
        }
    }

    /// Reads the glossary from the database if it changed (another replica's admin edit).
    pub fn reload_glossary(&self, conn: &mut crate::db::DbConn) -> Result<(), DbError> {
        let text = crate::db::settings::get(conn, GLOSSARY_SETTING)?;
        if text != self.glossary_text() {
            self.set_glossary(text);
        }
        Ok(())
    }

    /// Runs a search for `who`, dropping hits the database says they may not see now and
    /// correcting the total and the facet counts for them.
    pub async fn search(
        &self,
        db: &Db,
        mut req: SearchRequest,
        who: Searcher,
    ) -> Result<SearchResults, SearchFailure> {
        req.viewer = scope(who);
        let index = self.index();
        let glossary = self.glossary();
        let mut results = tokio::task::spawn_blocking(move || index.search(&req, &glossary))
            .await
            .map_err(|e| SearchFailure::Internal(e.to_string()))?
            .map_err(|e| SearchFailure::Internal(e.to_string()))?;
        let ids: Vec<String> = results.hits.iter().map(|h| h.id.clone()).collect();
        let visible = recheck(db, who, ids).await?;
        let (kept, dropped): (Vec<Hit>, Vec<Hit>) = std::mem::take(&mut results.hits)
            .into_iter()
            .partition(|h| visible.contains(&h.id));
        results.hits = kept;
        for hit in &dropped {
            results.total = results.total.saturating_sub(1);
            discount(&mut results.facets.types, hit.doc_type.as_str());
            if let Some(kind) = &hit.kind {
                discount(&mut results.facets.kinds, kind);
            }
            for topic in &hit.topics {
                discount(&mut results.facets.topics, topic);
            }
            for region in &hit.regions {
                discount(&mut results.facets.regions, region);
            }
        }
        Ok(results)
    }

    /// Search-as-you-type over titles, re-checked like search hits.
    pub async fn suggest(
        &self,
        db: &Db,
        prefix: String,
        who: Searcher,
        limit: usize,
    ) -> Result<Vec<Suggestion>, SearchFailure> {
        let viewer = scope(who);
        let index = self.index();
        let found = tokio::task::spawn_blocking(move || index.suggest(&prefix, &viewer, limit))
            .await
            .map_err(|e| SearchFailure::Internal(e.to_string()))?
            .map_err(|e| SearchFailure::Internal(e.to_string()))?;
        let ids: Vec<String> = found.iter().map(|s| s.id.clone()).collect();
        let visible = recheck(db, who, ids).await?;
        Ok(found
            .into_iter()
            .filter(|s| visible.contains(&s.id))
            .collect())
    }
}

/// Why a search could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum SearchFailure {
    #[error("database: {0}")]
    Db(#[from] DbError),
    #[error("search: {0}")]
    Internal(String),
}

async fn recheck(db: &Db, who: Searcher, ids: Vec<String>) -> Result<BTreeSet<String>, DbError> {
    if ids.is_empty() {
        return Ok(BTreeSet::new());
    }
    db.run(move |c| docs::visible_now(c, who, &ids)).await
}

fn discount(counts: &mut Vec<FacetCount>, value: &str) {
    if let Some(c) = counts.iter_mut().find(|c| c.value == value) {
        c.count = c.count.saturating_sub(1);
    }
    counts.retain(|c| c.count > 0);
}

/// Who is searching, from the signed-in user (if any).
pub fn searcher(user: Option<&User>) -> Searcher {
    match user.filter(|u| u.status() == MemberStatus::Active) {
        Some(u) => Searcher {
            member_id: Some(u.id),
            curator: u.role().can_curate(),
        },
        None => Searcher {
            member_id: None,
            curator: false,
        },
    }
}

/// What the index lets this searcher see.
fn scope(who: Searcher) -> ViewerScope {
    match who.member_id {
        None => ViewerScope::public(),
        Some(id) => {
            let mut scope = ViewerScope::member(Vec::new()).with_principal(docs::principal(id));
            if who.curator {
                scope.audiences.push(Audience::Curators);
            }
            scope
        }
    }
}

/// Opens the generation `CURRENT` names.
fn open_live(root: &Path) -> Result<Live, search_index::SearchError> {
    let Some(name) = store::read_current(root) else {
        return Err(search_index::SearchError::Missing {
            path: root.join(store::POINTER),
        });
    };
    let index = SearchIndex::open(&root.join(&name))?;
    Ok(Live {
        index,
        generation: Some(name),
    })
}

/// The highest outbox id so far (0 when empty).
fn max_outbox_id(conn: &mut crate::db::DbConn) -> Result<i64, DbError> {
    let max: Option<i64> = search_outbox::table
        .select(diesel::dsl::max(search_outbox::id))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}

/// Rebuilds the whole index from the database into a new generation beside the live one and
/// points `CURRENT` at it. Returns the new generation's name and the documents indexed.
/// `progress` is called with `Some(total)` once, then `None` for each entity done.
pub fn rebuild(
    db: &Db,
    root: &Path,
    progress: impl FnMut(Option<u64>),
) -> anyhow::Result<(String, u64)> {
    std::fs::create_dir_all(root)?;
    let mut conn = db.get()?;
    // Noted before reading: anything written meanwhile is applied again from the outbox.
    let last_id = max_outbox_id(&mut conn)?;
    let (name, dir) = store::new_generation(root);
    let result = (|| -> anyhow::Result<u64> {
        let index = SearchIndex::open_or_create(&dir)?;
        let mut indexer = index.indexer()?;
        let mut count = 0u64;
        let mut failed: Option<search_index::SearchError> = None;
        docs::for_each_doc(&mut conn, progress, |doc| {
            if failed.is_none() {
                match indexer.stage(Change::Upsert(doc)) {
                    Ok(()) => count += 1,
                    Err(e) => failed = Some(e),
                }
            }
            Ok(())
        })?;
        if let Some(e) = failed {
            return Err(e.into());
        }
        indexer.commit(last_id)?;
        indexer.wait_for_merges()?;
        Ok(count)
    })();
    match result {
        Ok(count) => {
            store::write_current(root, &name)?;
            Ok((name, count))
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            Err(e)
        }
    }
}

/// Removes generations other than `keep` that no process is writing to.
pub fn remove_unused_generations(root: &Path, keep: &str) {
    for dir in store::stale_generations(root, keep) {
        let in_use = match SearchIndex::open(&dir) {
            Ok(index) => matches!(index.indexer(), Err(search_index::SearchError::WriterBusy)),
            Err(_) => false,
        };
        if !in_use && let Err(e) = std::fs::remove_dir_all(&dir) {
            tracing::warn!(dir = %dir.display(), error = %e, "removing an old search index");
        }
    }
}
