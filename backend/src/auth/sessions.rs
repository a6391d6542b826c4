//! Server-side sessions: in the database by default, in Redis when `REDIS_URL` is set. The
//! cookie carries a random token; only its SHA-256 is stored, so a leaked table opens nothing.

use std::time::Duration;

use chrono::NaiveDateTime;
use redis::AsyncCommands;

use crate::db::sessions::SessionRow;
use crate::db::users::User;
use crate::db::{Db, DbConn, DbError, now};

/// A live session as the request handlers see it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Session {
    pub id_hash: String,
    pub public_id: String,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("session record: {0}")]
    Decode(#[from] serde_json::Error),
}

#[derive(Clone)]
enum Backend {
    Db,
    Redis {
        conn: redis::aio::ConnectionManager,
        prefix: String,
    },
}

#[derive(Clone)]
pub struct SessionStore {
    backend: Backend,
    /// The members, and (unless they are in Redis) the sessions.
    db: Db,
    idle: Duration,
    absolute: Duration,
}

/// Last-seen times are written at most this often, so reads don't turn into writes.
const TOUCH_EVERY: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

impl SessionStore {
    pub fn in_database(db: Db, idle: Duration, absolute: Duration) -> SessionStore {
        SessionStore {
            backend: Backend::Db,
            db,
            idle,
            absolute,
        }
    }

    pub fn in_redis(
        db: Db,
        conn: redis::aio::ConnectionManager,
        prefix: &str,
        idle: Duration,
        absolute: Duration,
    ) -> SessionStore {
        SessionStore {
            backend: Backend::Redis {
                conn,
                prefix: prefix.to_owned(),
            },
            db,
            idle,
            absolute,
        }
    }

    pub fn is_redis(&self) -> bool {
        matches!(self.backend, Backend::Redis { .. })
    }

    /// Starts a session; returns the cookie token and the session.
    pub async fn create(
        &self,
        user_id: i64,
        user_agent: Option<String>,
        ip: Option<String>,
    ) -> Result<(String, Session), SessionError> {
        let token = super::random_token();
        let at = now();
        let session = Session {
            id_hash: super::sha256_hex(&token),
            public_id: super::random_token()[..16].to_owned(),
            user_id,
            created_at: at,
            last_seen_at: at,
            expires_at: at
                + chrono::TimeDelta::from_std(self.absolute).unwrap_or(chrono::TimeDelta::days(30)),
            user_agent: user_agent.map(|ua| ua.chars().take(256).collect()),
            ip,
        };
        match &self.backend {
            Backend::Db => {
                let row = to_row(&session);
                self.db.run(move |c| SessionRow::insert(c, &row)).await?;
            }
            Backend::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let ttl = self.redis_ttl(&session);
                let _: () = redis::pipe()
                    .set_ex(
                        format!("{prefix}session:{}", session.id_hash),
                        serde_json::to_string(&session)?,
                        ttl,
                    )
                    .sadd(format!("{prefix}user_sessions:{user_id}"), &session.id_hash)
                    .query_async(&mut conn)
                    .await?;
            }
        }
        Ok((token, session))
    }

    /// The live session for a cookie token, touching its last-seen time; None when unknown,
    /// idle too long or past its absolute lifetime (and then it is removed).
    pub async fn lookup(&self, token: &str) -> Result<Option<Session>, SessionError> {
        let id_hash = super::sha256_hex(token);
        match &self.backend {
            Backend::Db => {
                let idle = self.idle_delta();
                Ok(self.db.run(move |c| live_row(c, &id_hash, idle)).await?)
            }
            Backend::Redis { conn, prefix } => self.live_in_redis(conn, prefix, &id_hash).await,
        }
    }

    /// The live session for a cookie token and the member it belongs to, as `lookup` finds
    /// them. This runs before every signed-in request: with sessions in the database both are
    /// read on one connection, in one trip to the blocking pool.
    pub async fn signed_in(&self, token: &str) -> Result<Option<(User, Session)>, SessionError> {
        fn with_user(c: &mut DbConn, session: Session) -> Result<Option<(User, Session)>, DbError> {
            Ok(User::find(c, crate::db::users::UserId(session.user_id))?.map(|u| (u, session)))
        }
        let id_hash = super::sha256_hex(token);
        match &self.backend {
            Backend::Db => {
                let idle = self.idle_delta();
                Ok(self
                    .db
                    .run(move |c| match live_row(c, &id_hash, idle)? {
                        Some(session) => with_user(c, session),
                        None => Ok(None),
                    })
                    .await?)
            }
            Backend::Redis { conn, prefix } => {
                match self.live_in_redis(conn, prefix, &id_hash).await? {
                    Some(session) => Ok(self.db.run(move |c| with_user(c, session)).await?),
                    None => Ok(None),
                }
            }
        }
    }

    fn idle_delta(&self) -> chrono::TimeDelta {
        chrono::TimeDelta::from_std(self.idle).unwrap_or(chrono::TimeDelta::hours(12))
    }

    /// `lookup` for sessions in Redis.
    async fn live_in_redis(
        &self,
        conn: &redis::aio::ConnectionManager,
        prefix: &str,
        id_hash: &str,
    ) -> Result<Option<Session>, SessionError> {
        let at = now();
        let mut conn = conn.clone();
        let key = format!("{prefix}session:{id_hash}");
        let raw: Option<String> = conn.get(&key).await?;
        let Some(raw) = raw else { return Ok(None) };
        let mut session: Session = serde_json::from_str(&raw)?;
        if session.expires_at <= at || session.last_seen_at + self.idle_delta() <= at {
            self.delete_redis(&mut conn, prefix, &session).await?;
            return Ok(None);
        }
        if at - session.last_seen_at >= TOUCH_EVERY {
            session.last_seen_at = at;
            let ttl = self.redis_ttl(&session);
            let _: () = conn
                .set_ex(&key, serde_json::to_string(&session)?, ttl)
                .await?;
        }
        Ok(Some(session))
    }

    /// Every live session of a member, most recently used first.
    pub async fn list(&self, user_id: i64) -> Result<Vec<Session>, SessionError> {
        match &self.backend {
            Backend::Db => Ok(self
                .db
                .run(move |c| SessionRow::list_for_user(c, user_id))
                .await?
                .into_iter()
                .map(from_row)
                .collect()),
            Backend::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let set = format!("{prefix}user_sessions:{user_id}");
                let hashes: Vec<String> = conn.smembers(&set).await?;
                let mut out = Vec::new();
                for hash in hashes {
                    let raw: Option<String> = conn.get(format!("{prefix}session:{hash}")).await?;
                    match raw {
                        Some(raw) => out.push(serde_json::from_str::<Session>(&raw)?),
                        None => {
                            let _: () = conn.srem(&set, &hash).await?;
                        }
                    }
                }
                out.sort_by_key(|s| std::cmp::Reverse(s.last_seen_at));
                Ok(out)
            }
        }
    }

    pub async fn revoke(&self, session: &Session) -> Result<(), SessionError> {
        match &self.backend {
            Backend::Db => {
                let hash = session.id_hash.clone();
                self.db.run(move |c| SessionRow::delete(c, &hash)).await?;
            }
            Backend::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                self.delete_redis(&mut conn, prefix, session).await?;
            }
        }
        Ok(())
    }

    /// Ends every session of a member except `keep` (password change, decline, suspension).
    pub async fn revoke_all(&self, user_id: i64, keep: Option<&str>) -> Result<(), SessionError> {
        match &self.backend {
            Backend::Db => {
                let keep = keep.map(str::to_owned);
                self.db
                    .run(move |c| SessionRow::delete_for_user(c, user_id, keep.as_deref()))
                    .await?;
            }
            Backend::Redis { .. } => {
                for s in self.list(user_id).await? {
                    if Some(s.id_hash.as_str()) != keep {
                        self.revoke(&s).await?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Removes expired sessions from the database (Redis expires its own).
    pub async fn sweep(&self) -> Result<usize, SessionError> {
        match &self.backend {
            Backend::Db => {
                let at = now();
                let cutoff = at
                    - chrono::TimeDelta::from_std(self.idle)
                        .unwrap_or(chrono::TimeDelta::hours(12));
                Ok(self
                    .db
                    .run(move |c| SessionRow::delete_expired(c, at, cutoff))
                    .await?)
            }
            Backend::Redis { .. } => Ok(0),
        }
    }

    fn redis_ttl(&self, s: &Session) -> u64 {
        let remaining = (s.expires_at - now()).num_seconds().max(1) as u64;
        remaining.min(self.idle.as_secs().max(1))
    }

    async fn delete_redis(
        &self,
        conn: &mut redis::aio::ConnectionManager,
        prefix: &str,
        s: &Session,
    ) -> Result<(), SessionError> {
        let _: () = redis::pipe()
            .del(format!("{prefix}session:{}", s.id_hash))
            .srem(format!("{prefix}user_sessions:{}", s.user_id), &s.id_hash)
            .query_async(conn)
            .await?;
        Ok(())
    }
}

fn to_row(s: &Session) -> SessionRow {
    SessionRow {
        id_hash: s.id_hash.clone(),
        public_id: s.public_id.clone(),
        user_id: s.user_id,
        created_at: s.created_at,
        last_seen_at: s.last_seen_at,
        expires_at: s.expires_at,
        user_agent: s.user_agent.clone(),
        ip: s.ip.clone(),
    }
}

/// The live session row for a token's hash, removed when past its time and touched at most
/// every `TOUCH_EVERY`.
fn live_row(
    c: &mut DbConn,
    id_hash: &str,
    idle: chrono::TimeDelta,
) -> Result<Option<Session>, DbError> {
    let at = now();
    let Some(row) = SessionRow::find(c, id_hash)? else {
        return Ok(None);
    };
    if row.expires_at <= at || row.last_seen_at + idle <= at {
        SessionRow::delete(c, id_hash)?;
        return Ok(None);
    }
    if at - row.last_seen_at >= TOUCH_EVERY {
        SessionRow::touch(c, id_hash, at)?;
    }
    Ok(Some(from_row(row)))
}

fn from_row(r: SessionRow) -> Session {
    Session {
        id_hash: r.id_hash,
        public_id: r.public_id,
        user_id: r.user_id,
        created_at: r.created_at,
        last_seen_at: r.last_seen_at,
        expires_at: r.expires_at,
        user_agent: r.user_agent,
        ip: r.ip,
    }
}
