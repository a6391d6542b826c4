//! Operations and contracts: health, metrics, headers, problems, the OpenAPI document, the
//! compose file, the README's configuration table, the demo content and the served frontend.

use std::collections::BTreeSet;

use serde_json::json;

use crate::common::{Backend, PASSWORD, TestApp, backends, reply};

fn repo(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        assert_eq!(app.get("/healthz", None).await.status, 200);
        let ready = app.get("/readyz", None).await;
        assert_eq!(ready.status, 200);
        assert_eq!(ready.body["database"], "ok");
        assert_eq!(ready.body["index"], "ok");
        app.get("/api/meta", None).await;
        app.get("/api/members/12", None).await;
        let metrics = reply(app.client.get("/metrics").send().await).await;
        let text = metrics.body.as_str().unwrap().to_owned();
        assert!(
            text.contains(r#"http_requests_total{method="GET",route="/api/meta",status="200"}"#),
            "{text}"
        );
        assert!(
            text.contains(r#"route="/api/members/{id}""#),
            "ids are folded into one label"
        );
        assert!(text.contains("http_request_duration_seconds_bucket"));
        assert!(text.contains(r#"db_pool_connections{state="max"} 4"#));
        // Readiness follows the live index's directory (the follower is stopped first, so it
        // neither writes into the directory while it goes nor rebuilds it).
        app.state.search.shutdown().await;
        std::fs::remove_dir_all(app.state.config.index_dir()).unwrap();
        assert_eq!(app.get("/readyz", None).await.status, 503);
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_errors_are_problems() {
    let app = TestApp::new(Backend::Sqlite).await;
    for path in ["/api/meta", "/api/nothing-here", "/healthz"] {
        let r = app.get(path, None).await;
        let csp = r
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline")
                && csp.contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
        assert!(r.headers.get("referrer-policy").is_some());
        assert!(r.headers.get("x-request-id").is_some());
    }
    let missing = app.get("/api/nothing-here", None).await;
    assert_eq!(missing.status, 404);
    assert!(
        missing
            .content_type()
            .starts_with("application/problem+json")
    );
    assert_eq!(missing.body["status"], 404);
    let wrong_method = app.send("DELETE", "/api/meta", json!(null), None).await;
    assert_eq!(wrong_method.status, 405);
    assert!(
        wrong_method
            .content_type()
            .starts_with("application/problem+json")
    );
    assert!(
        app.get("/api/me", None).await.body["type"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
}

#[tokio::test]
async fn the_openapi_document_is_served_and_the_frontend_copy_is_current() {
    let app = TestApp::new(Backend::Sqlite).await;
    let served = app.get("/api/openapi.json", None).await;
    assert_eq!(served.status, 200);
    assert!(served.body["paths"]["/auth/register"]["post"].is_object());
    let committed =
        std::fs::read_to_string(repo("frontend/openapi.json")).expect("frontend/openapi.json");
    let committed: serde_json::Value = serde_json::from_str(&committed).unwrap();
    let current: serde_json::Value = serde_json::from_str(&backend::api::openapi_json()).unwrap();
    assert!(
        committed == current,
        "frontend/openapi.json is stale: run `cargo run -p backend --bin partners -- openapi > frontend/openapi.json` and `npm run gen:api` in frontend/"
    );
    // Every error response is a problem.
    for (path, ops) in current["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            for (status, resp) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        resp["content"]["application/problem+json"].is_object(),
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
}

fn config_keys() -> BTreeSet<String> {
    backend::config::KEYS
        .iter()
        .map(|(k, _, _)| (*k).to_owned())
        .collect()
}

#[test]
fn docker_compose_is_valid_and_uses_only_configuration_keys() {
    let text = std::fs::read_to_string(repo("docker-compose.yml")).unwrap();
    let mut doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    // The replicas share their settings through a YAML anchor and merge key.
    doc.apply_merge().unwrap();
    let services = doc["services"].as_mapping().expect("services");
    for name in ["postgres", "redis", "app1", "app2", "proxy"] {
        assert!(services.contains_key(name), "service {name}");
    }
    let keys = config_keys();
    let mut replicas = 0;
    for (name, service) in services {
        let name = name.as_str().unwrap();
        if !name.starts_with("app") {
            continue;
        }
        replicas += 1;
        assert!(
            service["healthcheck"].is_mapping(),
            "{name} has a health check"
        );
        let env = &service["environment"];
        let names: Vec<String> = match env {
            serde_yaml_ng::Value::Mapping(m) => {
                m.keys().map(|k| k.as_str().unwrap().to_owned()).collect()
            }
            serde_yaml_ng::Value::Sequence(s) => s
                .iter()
                .map(|e| e.as_str().unwrap().split('=').next().unwrap().to_owned())
                .collect(),
            _ => panic!("{name} has no environment"),
        };
        assert!(
            names.iter().any(|n| n == "DATABASE_URL") && names.iter().any(|n| n == "REDIS_URL"),
            "{name}"
        );
        for n in names {
            // AWS_* are the S3 object store's own variables, read by its client.
            assert!(
                keys.contains(&n) || n.starts_with("AWS_"),
                "{name} sets {n}, which is not a configuration key"
            );
        }
    }
    assert_eq!(replicas, 2);
}

#[test]
fn the_readme_documents_every_configuration_key() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    for key in config_keys() {
        assert!(
            readme.contains(&format!("`{key}`")),
            "README.md does not document {key}"
        );
    }
}

#[tokio::test]
async fn the_demo_content_loads_once_and_its_admin_can_sign_in() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let db = app.db.clone();
        let (first, second) = tokio::task::spawn_blocking(move || {
            let mut c = db.get().unwrap();
            (
                backend::demo::load(&mut c, "http://localhost:8080").unwrap(),
                backend::demo::load(&mut c, "http://localhost:8080").unwrap(),
            )
        })
        .await
        .unwrap();
        let report = first.expect("loaded the first time");
        assert!(second.is_none(), "loading again does nothing");
        let password = report.admin_password.unwrap();
        let cookie = app.login(&report.admin_email, &password).await;
        let me = app.get("/api/me", Some(&cookie)).await;
        assert_eq!(me.body["role"], "admin");
        let pending = app.get("/api/members?status=pending", Some(&cookie)).await;
        assert!(
            pending.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| m["display_name"].as_str().unwrap().contains("(demo)"))
        );
        assert_eq!(pending.body["items"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn the_frontend_is_served_with_a_fallback_for_client_routes_and_long_caching_for_assets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("assets")).unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>Partners in Practice</title>",
    )
    .unwrap();
    std::fs::write(dir.path().join("assets/app-1234.js"), "console.log(1)").unwrap();
    let app = TestApp::builder(Backend::Sqlite)
        .set("FRONTEND_DIR", &dir.path().display().to_string())
        .build()
        .await;
    let page = reply(app.client.get("/members/12").send().await).await;
    assert_eq!(page.status, 200);
    assert!(page.body.as_str().unwrap().contains("Partners in Practice"));
    assert_eq!(page.headers.get("cache-control").unwrap(), "no-cache");
    let asset = reply(app.client.get("/assets/app-1234.js").send().await).await;
    assert_eq!(asset.status, 200);
    assert!(
        asset
            .headers
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    // Unknown API paths are not swallowed by the page fallback.
    assert_eq!(app.get("/api/unknown", None).await.status, 404);
}

/// Serves the app on a loopback port, for what only a real connection shows.
async fn listen(app: &TestApp) -> String {
    use poem::listener::{Acceptor, Listener};
    let acceptor = poem::listener::TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .unwrap();
    let addr = acceptor.local_addr()[0].as_socket_addr().copied().unwrap();
    let ep = backend::server::app(app.state.clone());
    tokio::spawn(async move { poem::Server::new_with_acceptor(acceptor).run(ep).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn oversized_headers_are_refused_and_forwarded_for_headers_cannot_dodge_the_login_limit() {
    // HDR-01; the loopback peer is not a trusted proxy, so X-Forwarded-For is ignored.
    for backend in backends() {
        let app = TestApp::builder(backend)
            .set("LOGIN_MAX_FAILURES", "3")
            .build()
            .await;
        app.create_member("sam@nhs.net", "Sam Jones", "member")
            .await;
        let base = listen(&app).await;
        let http = reqwest::Client::new();
        let big = http
            .get(format!("{base}/api/meta"))
            .header("cookie", format!("x={}", "a".repeat(64 * 1024)))
            .send()
            .await
            .unwrap();
        assert!(
            big.status() == 431 || big.status() == 400,
            "{}",
            big.status()
        );
        let reset = http
            .post(format!("{base}/api/auth/password-reset"))
            .header("host", "evil.example")
            .json(&json!({"email": "sam@nhs.net"}))
            .send()
            .await
            .unwrap();
        assert_eq!(reset.status(), 202);
        for i in 0..3 {
            let r = http
                .post(format!("{base}/api/auth/login"))
                .header("x-forwarded-for", format!("10.0.0.{i}"))
                .json(&json!({"email": "sam@nhs.net", "password": "wrong password"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 401);
        }
        let r = http
            .post(format!("{base}/api/auth/login"))
            .header("x-forwarded-for", "10.0.0.99")
            .json(&json!({"email": "sam@nhs.net", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 429);
        // The reset link points at PUBLIC_URL, never at the Host header.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        for mail in app.mails_to("sam@nhs.net").await {
            assert!(!mail.body_text.contains("evil.example"));
            assert!(
                mail.body_text
                    .contains("http://localhost:8080/reset-password?token=")
            );
        }
    }
}
