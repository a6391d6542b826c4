//! Login throttling: failures counted per account and per client address in fixed windows,
//! in process by default and shared through Redis when configured.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::AsyncCommands;

#[derive(Clone)]
enum Backend {
    Local(Arc<Mutex<HashMap<String, (Instant, u32)>>>),
    Redis {
        conn: redis::aio::ConnectionManager,
        prefix: String,
    },
}

#[derive(Clone)]
pub struct Throttle {
    backend: Backend,
    window: Duration,
}

impl Throttle {
    pub fn local(window: Duration) -> Throttle {
        Throttle {
            backend: Backend::Local(Arc::default()),
            window,
        }
    }

    pub fn redis(conn: redis::aio::ConnectionManager, prefix: &str, window: Duration) -> Throttle {
        Throttle {
            backend: Backend::Redis {
                conn,
                prefix: prefix.to_owned(),
            },
            window,
        }
    }

    /// Failures counted under `key` in the current window, and the seconds until it ends.
    pub async fn count(&self, key: &str) -> Result<(u32, u64), redis::RedisError> {
        match &self.backend {
            Backend::Local(map) => {
                let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                match map.get(key) {
                    Some((start, n)) if now.duration_since(*start) < self.window => Ok((
                        *n,
                        (self.window - now.duration_since(*start)).as_secs().max(1),
                    )),
                    Some(_) => {
                        map.remove(key);
                        Ok((0, 0))
                    }
                    None => Ok((0, 0)),
                }
            }
            Backend::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let k = format!("{prefix}throttle:{key}");
                let (n, ttl): (Option<u32>, i64) =
                    redis::pipe().get(&k).ttl(&k).query_async(&mut conn).await?;
                Ok((n.unwrap_or(0), ttl.max(1) as u64))
            }
        }
    }

    /// Counts one failure; returns the new count.
    pub async fn fail(&self, key: &str) -> Result<u32, redis::RedisError> {
        match &self.backend {
            Backend::Local(map) => {
                let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                // Keep the map bounded: drop finished windows now and then.
                if map.len() > 100_000 {
                    let window = self.window;
                    map.retain(|_, (start, _)| now.duration_since(*start) < window);
                }
                let entry = map.entry(key.to_owned()).or_insert((now, 0));
                if now.duration_since(entry.0) >= self.window {
                    *entry = (now, 0);
                }
                entry.1 += 1;
                Ok(entry.1)
            }
            Backend::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let k = format!("{prefix}throttle:{key}");
                let n: u32 = conn.incr(&k, 1).await?;
                if n == 1 {
                    let _: () = conn.expire(&k, self.window.as_secs().max(1) as i64).await?;
                }
                Ok(n)
            }
        }
    }

    pub async fn clear(&self, key: &str) -> Result<(), redis::RedisError> {
        match &self.backend {
            Backend::Local(map) => {
                map.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
                Ok(())
            }
            Backend::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                conn.del(format!("{prefix}throttle:{key}")).await
            }
        }
    }
}
