//! The outbox follower: one task per node, owning the index's only writer. Woken by a local
//! nudge after each write, by a Redis message from another replica, or by the poll, it applies
//! the outbox rows past the index's last applied id (the commit payload), follows the pointer
//! file to a rebuilt generation, and reloads the glossary when an admin changed it.

use std::time::Duration;

use diesel::prelude::*;
use futures_util::StreamExt as _;
use search_index::{Indexer, SearchIndex};
use tokio::sync::watch;

use super::{Live, POLL_INTERVAL, SearchService, store};
use crate::db::schema::search_outbox;
use crate::db::{Db, DbError, now};

/// Rows applied in one commit at most.
const BATCH: i64 = 500;
/// An outbox id missing for longer than this belongs to a transaction that rolled back; until
/// then it may still commit, so the payload does not move past it (the rows after it are
/// applied anyway, and applied again once it is settled).
const GAP_GRACE: chrono::TimeDelta = chrono::TimeDelta::seconds(5);

struct Writer {
    generation: String,
    indexer: Indexer,
    index: SearchIndex,
}

pub(super) async fn run(
    service: SearchService,
    db: Db,
    needs_rebuild: bool,
    mut stop: watch::Receiver<bool>,
) {
    if needs_rebuild {
        loop {
            let db2 = db.clone();
            let root = service.root().to_path_buf();
            let done =
                tokio::task::spawn_blocking(move || super::rebuild(&db2, &root, |_| {})).await;
            match done {
                Ok(Ok((name, count))) => {
                    tracing::info!(generation = %name, documents = count, "search index rebuilt");
                    break;
                }
                Ok(Err(e)) => tracing::error!(error = %e, "rebuilding the search index"),
                Err(e) => tracing::error!(error = %e, "rebuilding the search index"),
            }
            if wait(&service, &mut stop, Duration::from_secs(2)).await {
                return;
            }
        }
    }
    let mut writer: Option<Writer> = None;
    loop {
        let db2 = db.clone();
        let service2 = service.clone();
        let taken = writer.take();
        let step = tokio::task::spawn_blocking(move || step(&service2, &db2, taken)).await;
        writer = match step {
            Ok(w) => w,
            Err(e) => {
                tracing::error!(error = %e, "search follower step failed");
                None
            }
        };
        service.inner.rebuilding.store(
            service.generation().is_none(),
            std::sync::atomic::Ordering::SeqCst,
        );
        if wait(&service, &mut stop, POLL_INTERVAL).await {
            break;
        }
    }
    drop(writer);
}

/// Waits for a nudge or the timeout; true when the service is stopping.
async fn wait(service: &SearchService, stop: &mut watch::Receiver<bool>, timeout: Duration) -> bool {
    if *stop.borrow() {
        return true;
    }
    tokio::select! {
        () = service.inner.wake.notified() => {}
        () = tokio::time::sleep(timeout) => {}
        _ = stop.changed() => {}
    }
    *stop.borrow()
}

/// One round: follow the pointer file, apply the outbox, reload the glossary.
fn step(service: &SearchService, db: &Db, writer: Option<Writer>) -> Option<Writer> {
    let mut writer = follow_pointer(service, writer);
    let mut conn = match db.get() {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "search follower: no database connection");
            return writer;
        }
    };
    if let Err(e) = service.reload_glossary(&mut conn) {
        tracing::warn!(error = %e, "search follower: reading the glossary");
    }
    if let Some(w) = writer.as_mut() {
        // A few batches a round; the rest follow on the next round.
        for _ in 0..20 {
            match apply_pending(&mut conn, w) {
                Ok(true) => continue,
                Ok(false) => break,
                Err(e) => {
                    tracing::error!(error = %e, "search follower: applying the outbox");
                    break;
                }
            }
        }
    }
    writer
}

/// Makes sure the writer (and the live index) is on the generation `CURRENT` names.
fn follow_pointer(service: &SearchService, writer: Option<Writer>) -> Option<Writer> {
    let root = service.root().to_path_buf();
    let Some(current) = store::read_current(&root) else {
        return writer;
    };
    if writer.as_ref().is_some_and(|w| w.generation == current) {
        return writer;
    }
    let index = match SearchIndex::open(&root.join(&current)) {
        Ok(i) => i,
        Err(e) => {
            tracing::error!(generation = %current, error = %e, "cannot open the search index");
            return writer;
        }
    };
    // Let go of the old writer first (harmless: it is a different directory).
    drop(writer);
    match index.indexer() {
        Ok(indexer) => {
            service.set_live(Live {
                index: index.clone(),
                generation: Some(current.clone()),
            });
            tracing::info!(generation = %current, "search index generation in use");
            super::remove_unused_generations(&root, &current);
            Some(Writer {
                generation: current,
                indexer,
                index,
            })
        }
        Err(e) => {
            // Another process still writes to it (a rebuild finishing, or an old server).
            tracing::warn!(generation = %current, error = %e, "search index writer not available yet");
            if service.generation().as_deref() != Some(current.as_str()) {
                service.set_live(Live {
                    index,
                    generation: Some(current),
                });
            }
            None
        }
    }
}

#[derive(Queryable)]
struct OutboxRow {
    id: i64,
    entity_type: String,
    entity_id: i64,
    created_at: chrono::NaiveDateTime,
}

/// Applies the next batch of outbox rows; true when there may be more right away.
fn apply_pending(conn: &mut crate::db::DbConn, w: &mut Writer) -> anyhow::Result<bool> {
    let last = w.index.last_applied_id()?.unwrap_or(0);
    let rows: Vec<OutboxRow> = search_outbox::table
        .filter(search_outbox::id.gt(last))
        .order(search_outbox::id.asc())
        .limit(BATCH)
        .select((
            search_outbox::id,
            search_outbox::entity_type,
            search_outbox::entity_id,
            search_outbox::created_at,
        ))
        .load(conn)
        .map_err(DbError::from)?;
    let Some(newest) = rows.last().map(|r| r.id) else {
        return Ok(false);
    };
    let settled_before = now() - GAP_GRACE;
    let mut safe = last;
    let mut settled = true;
    for row in &rows {
        if settled && (row.id == safe + 1 || row.created_at < settled_before) {
            safe = row.id;
        } else {
            settled = false;
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut changes = Vec::new();
    for row in &rows {
        if seen.insert((row.entity_type.clone(), row.entity_id)) {
            changes.extend(super::docs::changes_for(
                conn,
                &row.entity_type,
                row.entity_id,
            )?);
        }
    }
    w.indexer.apply(changes, safe)?;
    Ok(safe == newest && rows.len() as i64 == BATCH)
}

/// Wakes the follower whenever another replica publishes a nudge; reconnects on failure.
pub(super) async fn listen_for_nudges(
    service: SearchService,
    url: String,
    channel: String,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let listened = async {
            let client = redis::Client::open(url.as_str())?;
            let mut pubsub = client.get_async_pubsub().await?;
            pubsub.subscribe(&channel).await?;
            let mut messages = pubsub.on_message();
            while messages.next().await.is_some() {
                service.inner.wake.notify_one();
            }
            Ok::<(), redis::RedisError>(())
        };
        tokio::select! {
            result = listened => {
                if let Err(e) = result {
                    tracing::warn!(error = %e, "search nudges from Redis: reconnecting");
                }
            }
            _ = stop.changed() => return,
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => return,
        }
    }
}
