//! What every request handler can reach: configuration, database, sessions, mail, metrics.

use std::sync::Arc;

use crate::auth::password::Hasher;
use crate::auth::sessions::SessionStore;
use crate::auth::throttle::Throttle;
use crate::config::Config;
use crate::db::Db;
use crate::mail::Mailer;
use crate::metrics::Metrics;
use crate::notify::Notifier;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub sessions: SessionStore,
    pub throttle: Throttle,
    pub hasher: Hasher,
    pub mailer: Mailer,
    /// Wakes the job that turns notifications into e-mail.
    pub notifier: Notifier,
    pub metrics: Metrics,
    pub redis: Option<redis::aio::ConnectionManager>,
    /// Compiled watched-word rules, reloaded when they change.
    pub watched: crate::watched::RuleCache,
    /// Where attachment bytes are kept.
    pub files: crate::files::store::FileStore,
    /// Wakes the job that extracts attachments' text.
    pub extractor: crate::library::attachments::ExtractJob,
    /// The search index, its follower and the glossary.
    pub search: crate::search::SearchService,
}

impl AppState {
    /// Connects to Redis when configured and wires the stores to it; otherwise everything
    /// stays in the database and in process.
    pub async fn build(config: Config, db: Db) -> anyhow::Result<AppState> {
        let config = Arc::new(config);
        let redis = match &config.redis_url {
            Some(url) => {
                let client = redis::Client::open(url.as_str())
                    .map_err(|e| anyhow::anyhow!("REDIS_URL: {e}"))?;
                let conn = tokio::time::timeout(
                    std::time::Duration::from_secs(5),
                    redis::aio::ConnectionManager::new(client),
                )
                .await
                .map_err(|_| anyhow::anyhow!("cannot connect to Redis at {url}: timed out"))?
                .map_err(|e| anyhow::anyhow!("cannot connect to Redis at {url}: {e}"))?;
                Some(conn)
            }
            None => None,
        };
        let (sessions, throttle) = match &redis {
            Some(conn) => (
                SessionStore::in_redis(
                    db.clone(),
                    conn.clone(),
                    &config.redis_prefix,
                    config.session_idle_timeout,
                    config.session_absolute_timeout,
                ),
                Throttle::redis(conn.clone(), &config.redis_prefix, config.login_window),
            ),
            None => (
                SessionStore::in_database(
                    db.clone(),
                    config.session_idle_timeout,
                    config.session_absolute_timeout,
                ),
                Throttle::local(config.login_window),
            ),
        };
        let hasher = Hasher::new(config.argon2_concurrency)?;
        let mailer = Mailer::new(&config)?;
        let files = crate::files::store::FileStore::from_config(&config)?;
        let search = crate::search::SearchService::start(
            config.index_dir(),
            db.clone(),
            redis.clone(),
            config.redis_url.clone(),
            &config.redis_prefix,
        )?;
        Ok(AppState {
            search,
            metrics: Metrics::new()?,
            config,
            db,
            sessions,
            throttle,
            hasher,
            mailer,
            notifier: Notifier::new(),
            redis,
            watched: crate::watched::RuleCache::default(),
            files,
            extractor: crate::library::attachments::ExtractJob::default(),
        })
    }
}
