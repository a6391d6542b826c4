//! The database layer: one diesel code path over PostgreSQL and SQLite (`DbConn`), an r2d2 pool,
//! embedded migrations, and the row types with their queries.

pub mod attachments;
pub mod audit;
pub mod flags;
pub mod forum;
pub mod helpful;
pub mod library;
pub mod migrations;
pub mod moderation;
pub mod notifications;
pub mod outbox;
pub mod posting;
pub mod practice_examples;
pub mod schema;
pub mod sessions;
pub mod settings;
pub mod spaces;
pub mod tags;
pub mod tokens;
pub mod users;
pub mod watched_words;
pub mod watches;

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;

/// One connection to whichever database the deployment uses.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

impl DbConn {
    /// Runs `f` in a transaction that, on SQLite, takes the write lock when it begins
    /// (`BEGIN IMMEDIATE`). A transaction that reads before it writes otherwise takes a read
    /// snapshot first, and if another connection commits a write meanwhile, its own first write
    /// fails at once with "database is locked" instead of waiting out the busy timeout. Every
    /// transaction that may write goes through here. Inside an open transaction it is a
    /// savepoint, as `transaction` is; on PostgreSQL it is `transaction`.
    pub fn write_transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        use diesel::connection::{AnsiTransactionManager, TransactionManager as _};
        let DbConn::Sqlite(inner) = self else {
            return self.transaction(f);
        };
        if AnsiTransactionManager::transaction_manager_status_mut(inner)
            .transaction_depth()?
            .is_some()
        {
            return self.transaction(f);
        }
        AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
        let result = f(self);
        let DbConn::Sqlite(inner) = self else {
            return result;
        };
        match result {
            Ok(value) => {
                AnsiTransactionManager::commit_transaction(inner)?;
                Ok(value)
            }
            Err(e) => {
                AnsiTransactionManager::rollback_transaction(inner)?;
                Err(e)
            }
        }
    }
}

/// Which kind of database a URL names, checked before connecting so a bad URL gets a clear error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("sqlite:// needs a file path, e.g. sqlite://data/partners.db".into());
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let rest = url.split_once("://").map(|(_, r)| r).unwrap_or("");
            if rest.is_empty() || rest.starts_with('/') && rest.len() == 1 {
                return Err(
                    "postgres:// needs a host, e.g. postgres://user@localhost/partners".into(),
                );
            }
            return Ok(DatabaseUrl::Postgres(url.to_owned()));
        }
        match url.split_once("://") {
            Some((scheme, _)) => Err(format!(
                "unknown scheme {scheme:?}: use sqlite://PATH or postgres://..."
            )),
            None => Err("expected sqlite://PATH or postgres://...".into()),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, DatabaseUrl::Postgres(_))
    }

    /// The URL without any password, for logs and messages.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(p) => format!("sqlite://{}", p.display()),
            DatabaseUrl::Postgres(u) => match (u.split_once("://"), u.rfind('@')) {
                (Some((scheme, rest)), Some(at)) => {
                    let host = &u[at + 1..];
                    let user = rest.split([':', '@']).next().unwrap_or("");
                    format!("{scheme}://{user}@{host}")
                }
                _ => u.clone(),
            },
        }
    }
}

/// Opens connections for the pool, setting SQLite's pragmas on each.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                // libpq otherwise waits for the operating system's TCP timeout on an unreachable host.
                let url = if url.contains("connect_timeout=") {
                    url.clone()
                } else if url.contains('?') {
                    format!("{url}&connect_timeout=5")
                } else {
                    format!("{url}?connect_timeout=5")
                };
                PgConnection::establish(&url)
                    .map(DbConn::Pg)
                    .map_err(r2d2::Error::ConnectionError)
            }
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn =
                    SqliteConnection::establish(&path).map_err(r2d2::Error::ConnectionError)?;
                // The busy timeout must be in force before switching to WAL, which takes a lock.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    /// Checked on every checkout: a PostgreSQL connection can be dropped by the server or the
    /// network, an open SQLite file cannot, so only PostgreSQL pays for a round trip.
    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        match conn {
            DbConn::Sqlite(_) => Ok(()),
            DbConn::Pg(conn) => conn
                .batch_execute("SELECT 1")
                .map_err(r2d2::Error::QueryError),
        }
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// What went wrong in the data layer. Handlers turn these into problems; the cause is logged.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("database query: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("database task failed: {0}")]
    Task(String),
}

impl DbError {
    /// True when the error is a unique-constraint violation (a duplicate).
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            DbError::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}

/// The database handle shared by the whole process.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    url: DatabaseUrl,
}

impl Db {
    /// Connects (creating the SQLite file's folder when needed), failing within a few seconds
    /// with a clear message when the database can't be reached.
    pub fn connect(url: &str, pool_size: u32) -> anyhow::Result<Db> {
        let url = DatabaseUrl::parse(url).map_err(|e| anyhow::anyhow!("DATABASE_URL: {e}"))?;
        if let DatabaseUrl::Sqlite(path) = &url
            && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                anyhow::anyhow!("DATABASE_URL: cannot create {}: {e}", dir.display())
            })?;
        }
        let manager = Manager { url: url.clone() };
        // Try once directly so the message names the real cause rather than a pool timeout.
        manager.connect().map_err(|e| {
            anyhow::anyhow!(
                "cannot connect to the database at {}: {}",
                url.redacted(),
                first_line(&e.to_string())
            )
        })?;
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(5))
            .build(manager)
            .map_err(|e| {
                anyhow::anyhow!("cannot connect to the database at {}: {e}", url.redacted())
            })?;
        Ok(Db { pool, url })
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    pub fn pool_state(&self) -> r2d2::State {
        self.pool.state()
    }

    pub fn pool_max_size(&self) -> u32 {
        self.pool.max_size()
    }

    /// Runs blocking diesel work on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| DbError::Task(e.to_string()))?
    }

    /// A connection for synchronous callers (the command line, start-up).
    pub fn get(&self) -> Result<PooledConn, DbError> {
        Ok(self.pool.get()?)
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s).trim()
}

/// The current time, as stored: UTC without a zone, to the microsecond (both backends keep that).
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    chrono::DurationRound::duration_trunc(now, chrono::TimeDelta::microseconds(1)).unwrap_or(now)
}

/// Cursor pagination helpers: a cursor is the last id seen, as text.
pub fn parse_cursor(cursor: Option<&str>) -> Option<i64> {
    cursor
        .and_then(|c| c.trim().parse::<i64>().ok())
        .filter(|id| *id > 0)
}

diesel::define_sql_function! {
    /// SQL lower(), the same on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Escapes LIKE wildcards so user text matches literally (with `escape('\\')`).
pub fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use diesel::prelude::*;
    use diesel::sql_types::Integer;

    #[derive(QueryableByName)]
    struct Used {
        #[diesel(sql_type = Integer)]
        used: i32,
    }

    /// `.cargo/config.toml` builds SQLite with the query planner stability guarantee, so that a
    /// statement with `LIMIT ?` stays prepared from one run to the next.
    #[test]
    fn sqlite_is_built_with_stable_plans() {
        let mut c = SqliteConnection::establish(":memory:").unwrap();
        let r: Used = diesel::sql_query("SELECT sqlite_compileoption_used('ENABLE_QPSG') AS used")
            .get_result(&mut c)
            .unwrap();
        assert_eq!(r.used, 1);
    }
}
