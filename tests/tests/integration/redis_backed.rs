//! With Redis, sessions and login throttling are shared by every replica. Runs when
//! TEST_REDIS_URL is set (CI sets it, and fails if Redis can't be reached).

use serde_json::json;

use crate::common::{Backend, PASSWORD, TestApp, backends};

fn redis_url() -> Option<String> {
    std::env::var("TEST_REDIS_URL")
        .ok()
        .filter(|v| !v.is_empty())
}

/// Two replicas over one database and one Redis, with a prefix of their own.
async fn replicas(backend: Backend) -> (TestApp, TestApp) {
    let url = redis_url().unwrap();
    let prefix = format!(
        "pip-test-{}:",
        backend::auth::random_token()[..10].to_lowercase()
    );
    let first = TestApp::builder(backend)
        .set("REDIS_URL", &url)
        .set("REDIS_PREFIX", &prefix)
        .set("LOGIN_MAX_FAILURES", "4")
        .build()
        .await;
    let database_url = first.state.config.database_url.clone();
    let second = TestApp::builder(Backend::Sqlite)
        .set("REDIS_URL", &url)
        .set("REDIS_PREFIX", &prefix)
        .set("LOGIN_MAX_FAILURES", "4")
        .set("DATABASE_URL", &database_url)
        .build()
        .await;
    (first, second)
}

#[tokio::test]
async fn a_session_started_on_one_replica_works_and_ends_on_the_other() {
    let Some(_) = redis_url() else {
        eprintln!("TEST_REDIS_URL is not set: Redis-backed sessions not exercised");
        return;
    };
    for backend in backends() {
        let (a, b) = replicas(backend).await;
        assert!(a.state.sessions.is_redis());
        a.create_member("sam@nhs.net", "Sam Jones", "member").await;
        let cookie = a.login("sam@nhs.net", PASSWORD).await;
        assert_eq!(b.get("/api/me", Some(&cookie)).await.status, 200);
        assert_eq!(
            b.get("/api/me/sessions", Some(&cookie)).await.body["items"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            b.post("/api/auth/logout", json!({}), Some(&cookie))
                .await
                .status,
            204
        );
        assert_eq!(a.get("/api/me", Some(&cookie)).await.status, 401);

        // A password change on one replica ends the other sessions everywhere.
        let one = a.login("sam@nhs.net", PASSWORD).await;
        let two = b.login("sam@nhs.net", PASSWORD).await;
        assert_eq!(
            a.post(
                "/api/me/password",
                json!({"current": PASSWORD, "new": "another long passphrase"}),
                Some(&one)
            )
            .await
            .status,
            204
        );
        assert_eq!(b.get("/api/me", Some(&two)).await.status, 401);
        assert_eq!(b.get("/api/me", Some(&one)).await.status, 200);
    }
}

#[tokio::test]
async fn login_failures_are_counted_across_replicas() {
    let Some(_) = redis_url() else {
        eprintln!("TEST_REDIS_URL is not set: shared throttling not exercised");
        return;
    };
    let (a, b) = replicas(Backend::Sqlite).await;
    a.create_member("sam@nhs.net", "Sam Jones", "member").await;
    for app in [&a, &b, &a, &b] {
        let r = app
            .post(
                "/api/auth/login",
                json!({"email": "sam@nhs.net", "password": "wrong password"}),
                None,
            )
            .await;
        assert_eq!(r.status, 401);
    }
    for app in [&a, &b] {
        let r = app
            .post(
                "/api/auth/login",
                json!({"email": "sam@nhs.net", "password": PASSWORD}),
                None,
            )
            .await;
        assert_eq!(r.status, 429);
    }
}
