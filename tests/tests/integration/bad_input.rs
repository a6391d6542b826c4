//! The bad inputs of shared/security/bad_inputs.txt that apply to accounts: never a 5xx, the
//! same answer on both backends, and a clear problem.

use serde_json::json;

use crate::common::{PASSWORD, TestApp, backends, reply};

#[tokio::test]
async fn ids_that_are_not_ids_get_400_or_404() {
    // SQLI-05
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, admin) = app
            .member_with_role("a@nhs.net", "Admin Person", "admin")
            .await;
        for id in [
            "1%20OR%201=1",
            "-1",
            "0",
            "9223372036854775808",
            "1e3",
            "0x10",
            "%00",
            "999999",
        ] {
            let r = app.get(&format!("/api/members/{id}"), Some(&admin)).await;
            assert!(
                r.status == 400 || r.status == 404,
                "{backend:?} {id}: {}",
                r.status
            );
            assert!(
                r.content_type().starts_with("application/problem+json"),
                "{id}"
            );
        }
    }
}

#[tokio::test]
async fn wrong_types_and_unknown_fields_are_refused() {
    // SQLI-06: mass assignment of privileged fields is refused.
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let r = app
            .post(
                "/api/auth/register",
                json!({"email": {"$ne": null}, "password": ["a", "b"], "display_name": "x", "organisation": "1 OR 1=1", "job_role": "j", "region": "london"}),
                None,
            )
            .await;
        assert_eq!(r.status, 400, "{:?}", r.body);
        let r = app
            .post(
                "/api/auth/register",
                json!({"email": "p@nhs.net", "password": PASSWORD, "display_name": "Pat Doe", "organisation": "T", "job_role": "J", "region": "london", "role": "admin", "status": "active"}),
                None,
            )
            .await;
        assert_eq!(r.status, 400);
        let (_, cookie) = app
            .member_with_role("m@nhs.net", "Plain Member", "member")
            .await;
        let r = app
            .send("PATCH", "/api/me", json!({"role": "admin"}), Some(&cookie))
            .await;
        assert_eq!(r.status, 400);
        assert_eq!(
            app.get("/api/me", Some(&cookie)).await.body["role"],
            "member"
        );
    }
}

#[tokio::test]
async fn nul_bytes_invalid_utf8_and_deep_json_get_400_on_every_backend() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        // NUL-01
        let r = app
            .post(
                "/api/auth/register",
                json!({"email": "n@nhs.net", "password": PASSWORD, "display_name": "abc\u{0000}def", "organisation": "T", "job_role": "J", "region": "london"}),
                None,
            )
            .await;
        assert_eq!(r.status, 400, "{backend:?}");
        // UTF-01
        let raw = app
            .client
            .post("/api/auth/login")
            .content_type("application/json")
            .body(vec![0xFF, 0xFE, 0x80])
            .send()
            .await;
        assert_eq!(reply(raw).await.status, 400);
        let lone = app
            .client
            .post("/api/auth/login")
            .content_type("application/json")
            .body(r#"{"email":"\ud800","password":"x"}"#)
            .send()
            .await;
        assert_eq!(reply(lone).await.status, 400);
        // JSON-01
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let r = reply(
            app.client
                .post("/api/auth/login")
                .content_type("application/json")
                .body(deep)
                .send()
                .await,
        )
        .await;
        assert_eq!(r.status, 400);
        assert!(r.content_type().starts_with("application/problem+json"));
        // BOMB-01: compressed bodies are not inflated.
        let gz = app
            .client
            .post("/api/auth/login")
            .content_type("application/json")
            .header("content-encoding", "gzip")
            .body(vec![0x1f, 0x8b, 0, 0])
            .send()
            .await;
        assert_eq!(reply(gz).await.status, 415);
    }
}

#[tokio::test]
async fn oversized_bodies_get_413_before_parsing_whatever_the_declared_length() {
    // SIZE-01
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let big = format!(
            r#"{{"email":"a@nhs.net","password":"{}"}}"#,
            "a".repeat(10_000_000)
        );
        let r = reply(
            app.client
                .post("/api/auth/login")
                .content_type("application/json")
                .body(big.clone())
                .send()
                .await,
        )
        .await;
        assert_eq!(r.status, 413);
        // A body whose Content-Length lies is cut at the limit all the same.
        let lying = app
            .client
            .post("/api/auth/login")
            .content_type("application/json")
            .header("content-length", "10")
            .body(poem::Body::from_bytes_stream(futures_stream(big)))
            .send()
            .await;
        let status = reply(lying).await.status;
        assert!(status == 413 || status == 400, "{status}");
    }
}

fn futures_stream(
    text: String,
) -> impl futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>> + Send + 'static {
    futures_util::stream::iter(
        text.into_bytes()
            .chunks(64 * 1024)
            .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
            .collect::<Vec<_>>(),
    )
}

#[tokio::test]
async fn requests_from_another_site_that_change_things_are_refused() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        app.create_member("m@nhs.net", "Plain Member", "member")
            .await;
        let body = json!({"email": "m@nhs.net", "password": PASSWORD});
        let evil = reply(
            app.client
                .post("/api/auth/login")
                .header("origin", "https://evil.example")
                .body_json(&body)
                .send()
                .await,
        )
        .await;
        assert_eq!(evil.status, 403);
        let referer = reply(
            app.client
                .post("/api/auth/login")
                .header("referer", "https://evil.example/page")
                .body_json(&body)
                .send()
                .await,
        )
        .await;
        assert_eq!(referer.status, 403);
        let same = reply(
            app.client
                .post("/api/auth/login")
                .header("origin", "http://localhost:8080")
                .body_json(&body)
                .send()
                .await,
        )
        .await;
        assert_eq!(same.status, 200);
        // Reads are not state-changing.
        let read = reply(
            app.client
                .get("/api/meta")
                .header("origin", "https://evil.example")
                .send()
                .await,
        )
        .await;
        assert_eq!(read.status, 200);
    }
}

#[tokio::test]
async fn cross_origin_requests_are_answered_only_for_configured_origins() {
    let plain = TestApp::new(crate::common::Backend::Sqlite).await;
    let r = reply(
        plain
            .client
            .get("/api/meta")
            .header("origin", "https://intranet.trust.nhs.uk")
            .send()
            .await,
    )
    .await;
    assert!(
        r.headers.get("access-control-allow-origin").is_none(),
        "no CORS unless configured"
    );

    let app = TestApp::builder(crate::common::Backend::Sqlite)
        .set("CORS_ORIGINS", "https://intranet.trust.nhs.uk")
        .build()
        .await;
    let r = reply(
        app.client
            .get("/api/meta")
            .header("origin", "https://intranet.trust.nhs.uk")
            .send()
            .await,
    )
    .await;
    assert_eq!(
        r.headers.get("access-control-allow-origin").unwrap(),
        "https://intranet.trust.nhs.uk"
    );
    app.create_member("m@nhs.net", "Plain Member", "member")
        .await;
    let login = reply(
        app.client
            .post("/api/auth/login")
            .header("origin", "https://intranet.trust.nhs.uk")
            .body_json(&json!({"email": "m@nhs.net", "password": PASSWORD}))
            .send()
            .await,
    )
    .await;
    assert_eq!(login.status, 200, "a listed origin may make changes");
    let other = reply(
        app.client
            .get("/api/meta")
            .header("origin", "https://evil.example")
            .send()
            .await,
    )
    .await;
    assert!(other.headers.get("access-control-allow-origin").is_none());
}
