//! The test harness: a migrated database per test (SQLite file, and PostgreSQL when
//! TEST_DATABASE_URL is set), the application in process, and helpers to act as members.

use std::collections::BTreeMap;

use backend::config::Config;
use backend::db::Db;
use backend::state::AppState;
use diesel::Connection as _;
use diesel::RunQueryDsl as _;
use poem::endpoint::BoxEndpoint;
use poem::test::TestClient;
use poem::{EndpointExt, Response};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Which backends this run covers: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.
pub fn backends() -> Vec<Backend> {
    let mut out = vec![Backend::Sqlite];
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        out.push(Backend::Postgres);
    }
    out
}

/// A fresh PostgreSQL database, dropped when the test ends.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    pub fn create() -> PgDatabase {
        let admin_url = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
        let mut conn = diesel::PgConnection::establish(&admin_url).unwrap_or_else(|e| {
            panic!("TEST_DATABASE_URL is set but PostgreSQL can't be reached: {e}")
        });
        let name = format!(
            "pip_test_{}",
            backend::auth::random_token()[..12]
                .to_lowercase()
                .replace(['-', '_'], "x")
        );
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create test database");
        let (base, _) = admin_url
            .rsplit_once('/')
            .expect("TEST_DATABASE_URL has a database name");
        let url = format!("{base}/{name}");
        PgDatabase {
            admin_url,
            name,
            url,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

pub struct TestApp {
    _backend: Backend,
    pub client: TestClient<BoxEndpoint<'static, Response>>,
    pub state: AppState,
    pub db: Db,
    values: BTreeMap<String, String>,
    _dir: std::sync::Arc<tempfile::TempDir>,
    _pg: Option<std::sync::Arc<PgDatabase>>,
}

pub struct Builder {
    backend: Backend,
    values: BTreeMap<String, String>,
}

impl Builder {
    pub fn set(mut self, key: &str, value: &str) -> Builder {
        self.values.insert(key.to_owned(), value.to_owned());
        self
    }

    pub async fn build(self) -> TestApp {
        let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
        let mut values = self.values;
        values.insert("DATA_DIR".into(), dir.path().display().to_string());
        values
            .entry("PUBLIC_URL".into())
            .or_insert_with(|| "http://localhost:8080".into());
        values
            .entry("FRONTEND_DIR".into())
            .or_insert_with(|| dir.path().join("no-frontend").display().to_string());
        values
            .entry("ARGON2_CONCURRENCY".into())
            .or_insert_with(|| "2".into());
        // Tests post freely unless they set the posting rate limits themselves.
        for key in ["POST_RATE_LIMIT", "POST_RATE_LIMIT_NEW_MEMBER"] {
            values.entry(key.into()).or_insert_with(|| "10000".into());
        }
        let pg = match self.backend {
            Backend::Postgres => {
                let pg = PgDatabase::create();
                values.insert("DATABASE_URL".into(), pg.url.clone());
                Some(std::sync::Arc::new(pg))
            }
            Backend::Sqlite => None,
        };
        TestApp::start(self.backend, values, dir, pg).await
    }
}

impl TestApp {
    async fn start(
        backend: Backend,
        values: BTreeMap<String, String>,
        dir: std::sync::Arc<tempfile::TempDir>,
        pg: Option<std::sync::Arc<PgDatabase>>,
    ) -> TestApp {
        let config = Config::from_values(&values).unwrap();
        let db = {
            let url = config.database_url.clone();
            tokio::task::spawn_blocking(move || Db::connect(&url, 4))
                .await
                .unwrap()
                .unwrap()
        };
        let db2 = db.clone();
        tokio::task::spawn_blocking(move || {
            backend::db::migrations::run_pending(&mut db2.get().unwrap()).unwrap()
        })
        .await
        .unwrap();
        std::fs::create_dir_all(config.index_dir()).unwrap();
        let state = AppState::build(config, db.clone()).await.unwrap();
        let client = TestClient::new(
            backend::server::app(state.clone())
                .map_to_response()
                .boxed(),
        );
        TestApp {
            _backend: backend,
            client,
            state,
            db,
            values,
            _dir: dir,
            _pg: pg,
        }
    }

    /// Stops this instance (its search follower lets go of the index) and starts a new one
    /// over the same DATA_DIR and database, as a restart does.
    pub async fn restart(self) -> TestApp {
        self.state.search.shutdown().await;
        let TestApp {
            _backend,
            values,
            _dir,
            _pg,
            ..
        } = self;
        TestApp::start(_backend, values, _dir, _pg).await
    }

    /// Another replica over the same database with its own DATA_DIR (PostgreSQL only), with
    /// `extra` configuration.
    pub async fn replica(&self, extra: &[(&str, &str)]) -> TestApp {
        let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
        let mut values = self.values.clone();
        values.insert("DATA_DIR".into(), dir.path().display().to_string());
        for (k, v) in extra {
            values.insert((*k).into(), (*v).into());
        }
        TestApp::start(self._backend, values, dir, self._pg.clone()).await
    }

    /// Where this instance keeps its index generations.
    pub fn index_root(&self) -> std::path::PathBuf {
        self.state.config.index_dir()
    }
}

/// The response of a call: status, headers and the JSON body (Null when there is none).
pub struct Reply {
    pub status: u16,
    pub headers: poem::http::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn field_errors(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub async fn reply(resp: poem::test::TestResponse) -> Reply {
    let status = resp.0.status().as_u16();
    let headers = resp.0.headers().clone();
    let bytes = resp.0.into_body().into_bytes().await.unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    Reply {
        status,
        headers,
        body,
    }
}

pub const PASSWORD: &str = "a long enough passphrase";

impl TestApp {
    pub fn builder(backend: Backend) -> Builder {
        Builder {
            backend,
            values: BTreeMap::new(),
        }
    }

    pub async fn new(backend: Backend) -> TestApp {
        TestApp::builder(backend).build().await
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut req = self.client.get(path);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        reply(req.send().await).await
    }

    pub async fn send(&self, method: &str, path: &str, body: Value, cookie: Option<&str>) -> Reply {
        let method = poem::http::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.client.request(method, path).body_json(&body);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        reply(req.send().await).await
    }

    pub async fn post(&self, path: &str, body: Value, cookie: Option<&str>) -> Reply {
        self.send("POST", path, body, cookie).await
    }

    /// Registers; returns the reply.
    pub async fn register(&self, email: &str, name: &str) -> Reply {
        self.post(
            "/api/auth/register",
            json!({"email": email, "password": PASSWORD, "display_name": name, "organisation": "Test Trust", "job_role": "AMHP", "region": "london"}),
            None,
        )
        .await
    }

    /// The newest token mailed to `to` (from a link `...?token=`).
    pub async fn mailed_token(&self, to: &str) -> String {
        let to = to.to_lowercase();
        let db = self.db.clone();
        let rows = tokio::task::spawn_blocking(move || {
            backend::db::outbox::OutboxRow::list(&mut db.get().unwrap(), Some(&to), None, 10)
                .unwrap()
        })
        .await
        .unwrap();
        let body = &rows.first().expect("a mail was sent").body_text;
        let start = body.find("token=").expect("the mail has a token link") + "token=".len();
        body[start..].split_whitespace().next().unwrap().to_owned()
    }

    pub async fn mails_to(&self, to: &str) -> Vec<backend::db::outbox::OutboxRow> {
        let to = to.to_lowercase();
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            backend::db::outbox::OutboxRow::list(&mut db.get().unwrap(), Some(&to), None, 50)
                .unwrap()
        })
        .await
        .unwrap()
    }

    /// Signs in; returns the `Cookie` header value to send.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let r = self
            .post(
                "/api/auth/login",
                json!({"email": email, "password": password}),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "login as {email}: {:?}", r.body);
        cookie_of(&r)
    }

    /// Creates an account directly with a role and active membership; returns its id.
    pub async fn create_member(&self, email: &str, name: &str, role: &str) -> i64 {
        let db = self.db.clone();
        let (email, name, role) = (email.to_owned(), name.to_owned(), role.to_owned());
        tokio::task::spawn_blocking(move || {
            let mut c = db.get().unwrap();
            let hash = backend::auth::password::Hasher::hash_now(PASSWORD).unwrap();
            let at = backend::db::now();
            backend::db::users::User::insert(
                &mut c,
                &backend::db::users::NewUser {
                    email: &email,
                    password_hash: &hash,
                    display_name: &name,
                    display_name_key: &backend::validate::display_name_key(&name),
                    organisation: "Test Trust",
                    job_role: "Tester",
                    region: "national",
                    role: &role,
                    status: "active",
                    email_verified: true,
                    created_at: at,
                    updated_at: at,
                },
            )
            .unwrap()
            .id
        })
        .await
        .unwrap()
    }

    /// Signs in as a new active member with this role; returns (id, cookie).
    pub async fn member_with_role(&self, email: &str, name: &str, role: &str) -> (i64, String) {
        let id = self.create_member(email, name, role).await;
        (id, self.login(email, PASSWORD).await)
    }

    pub async fn audit_actions(&self, target: i64) -> Vec<String> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            let rows = backend::db::audit::AuditRow::list(
                &mut db.get().unwrap(),
                &backend::db::audit::AuditFilter {
                    target_id: Some(target),
                    limit: 100,
                    ..Default::default()
                },
            )
            .unwrap();
            rows.into_iter().map(|r| r.action).collect()
        })
        .await
        .unwrap()
    }
}

/// The `name=value` of the session cookie a reply sets.
pub fn cookie_of(r: &Reply) -> String {
    let set = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("pip_session="))
        .expect("a session cookie")
        .to_owned();
    set.split(';').next().unwrap().to_owned()
}

pub fn set_cookie_header(r: &Reply) -> String {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("pip_session="))
        .unwrap_or("")
        .to_owned()
}
