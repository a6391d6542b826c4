//! The HTTP server: routes (API, ops endpoints, the built frontend) and the middleware every
//! request passes through: request id and metrics, security headers, body limits, origin checks.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use poem::endpoint::StaticFilesEndpoint;
use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::middleware::{CookieJarManager, Cors};
use poem::web::Data;
use poem::{Body, Endpoint, EndpointExt, IntoResponse, Request, Response, Route, Server, handler};
use tracing::Instrument;

use crate::error::problem;
use crate::state::AppState;

/// Set when shutdown begins, so /readyz tells the load balancer to stop sending work.
#[derive(Clone, Default)]
pub struct ShuttingDown(pub Arc<AtomicBool>);

/// The whole application as one endpoint.
pub fn app(state: AppState) -> impl Endpoint {
    let api = crate::api::service(&state.config.public_url);
    let swagger = api.swagger_ui();
    let spec = api.spec_endpoint();
    let frontend_dir = state.config.frontend_dir.clone();
    // Cross-origin requests are only answered for origins an admin listed in CORS_ORIGINS.
    let cors = state.config.cors_origins.clone();
    let cors_layer = Cors::new()
        .allow_origins(cors.clone())
        .allow_credentials(true)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers(["content-type"]);
    let mut route = Route::new()
        .nest("/api/docs", swagger)
        .at("/api/openapi.json", spec)
        .nest(
            "/api",
            api.around(nudge_search)
                .around(crate::auth::resolve_viewer)
                .around(check_origin)
                .around(guard_body)
                .with_if(!cors.is_empty(), cors_layer),
        )
        .at("/healthz", healthz)
        .at("/readyz", readyz)
        .at("/metrics", metrics_endpoint);
    if frontend_dir.join("index.html").is_file() {
        route = route.nest(
            "/",
            StaticFilesEndpoint::new(frontend_dir)
                .index_file("index.html")
                .fallback_to_index()
                .around(cache_headers),
        );
    } else {
        tracing::warn!(dir = %frontend_dir.display(), "no built frontend found (FRONTEND_DIR); serving the API only");
    }
    route
        .around(security_headers)
        .with(CookieJarManager::new())
        .around(observe)
        .data(ShuttingDown::default())
        .data(state)
}

/// Binds, then serves until SIGTERM or SIGINT; in-flight requests get `SHUTDOWN_GRACE` to finish.
pub async fn serve(state: AppState) -> anyhow::Result<()> {
    let config = state.config.clone();
    let acceptor = TcpListener::bind(config.bind)
        .into_acceptor()
        .await
        .map_err(|e| anyhow::anyhow!("BIND: cannot listen on {}: {e}", config.bind))?;
    let local = acceptor
        .local_addr()
        .first()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let shutting_down = ShuttingDown::default();
    let flag = shutting_down.clone();
    let app = app(state).data(shutting_down);
    tracing::info!(address = %local, public_url = %config.public_url, "serving");
    Server::new_with_acceptor(acceptor)
        .run_with_graceful_shutdown(
            app,
            async move {
                wait_for_signal().await;
                flag.0.store(true, Ordering::SeqCst);
                tracing::info!("shutting down: finishing in-flight requests");
            },
            Some(config.shutdown_grace),
        )
        .await?;
    tracing::info!("stopped");
    Ok(())
}

async fn wait_for_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// After a request that may have changed searchable content, wakes the search follower here
/// and, through Redis, on every replica: the outbox rows it wrote are then applied at once.
async fn nudge_search<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let state = req.data::<AppState>().cloned();
    let resp = next.call(req).await.map(IntoResponse::into_response);
    if writes && let Some(state) = state {
        state.search.nudge();
    }
    resp
}

#[handler]
fn healthz() -> &'static str {
    "ok"
}

#[handler]
async fn readyz(state: Data<&AppState>, req: &Request) -> Response {
    let mut checks = serde_json::Map::new();
    let mut ready = true;
    let shutting = req
        .data::<ShuttingDown>()
        .is_some_and(|s| s.0.load(Ordering::SeqCst));
    if shutting {
        ready = false;
        checks.insert("shutdown".into(), "in progress".into());
    }
    let db = state.db.run(|c| {
        use diesel::connection::SimpleConnection;
        c.batch_execute("SELECT 1")
            .map_err(crate::db::DbError::from)
    });
    match tokio::time::timeout(std::time::Duration::from_secs(3), db).await {
        Ok(Ok(())) => checks.insert("database".into(), "ok".into()),
        _ => {
            ready = false;
            checks.insert("database".into(), "unavailable".into())
        }
    };
    // The live index generation's directory must be there (while a rebuild at start runs, the
    // index root), and the root writable.
    let root = state.search.root();
    let live = match state.search.generation() {
        Some(generation) => root.join(generation),
        None => root.to_path_buf(),
    };
    if live.is_dir() && std::fs::metadata(root).is_ok_and(|m| !m.permissions().readonly()) {
        checks.insert("index".into(), "ok".into());
    } else {
        ready = false;
        checks.insert("index".into(), "missing".into());
    }
    if let Some(conn) = &state.redis {
        let mut conn = conn.clone();
        let ping = tokio::time::timeout(
            std::time::Duration::from_secs(2),
            redis::cmd("PING").query_async::<String>(&mut conn),
        )
        .await;
        if matches!(ping, Ok(Ok(_))) {
            checks.insert("redis".into(), "ok".into());
        } else {
            ready = false;
            checks.insert("redis".into(), "unavailable".into());
        }
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    checks.insert(
        "status".into(),
        if ready { "ready" } else { "not ready" }.into(),
    );
    Response::builder()
        .status(status)
        .content_type("application/json")
        .body(serde_json::Value::Object(checks).to_string())
}

#[handler]
fn metrics_endpoint(state: Data<&AppState>) -> Response {
    Response::builder()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render(&state.db))
}

/// Request id, a tracing span, metrics, and problem+json for every error.
async fn observe<E: Endpoint>(ep: E, mut req: Request) -> poem::Result<Response> {
    let start = Instant::now();
    let request_id = req
        .header("x-request-id")
        .filter(|v| v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(str::to_owned)
        .unwrap_or_else(|| crate::auth::random_token()[..16].to_owned());
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let header_bytes: usize = req
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len())
        .sum();
    let metrics = req.data::<AppState>().map(|s| s.metrics.clone());
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let span = tracing::info_span!("request", id = %request_id, %method, %path);
    let mut resp = async {
        if header_bytes > 32 * 1024 {
            return problem(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "headers-too-large",
                "The request headers are too large",
                None,
            );
        }
        match ep.call(req).await {
            Ok(resp) => resp.into_response(),
            Err(err) => crate::error::problem_response(err),
        }
    }
    .instrument(span.clone())
    .await;
    let status = resp.status().as_u16();
    let elapsed = start.elapsed();
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(status, ms = elapsed.as_millis() as u64, "request failed");
        } else {
            tracing::info!(status, ms = elapsed.as_millis() as u64, "request");
        }
    });
    if let Some(m) = metrics {
        m.observe(
            &crate::metrics::route_label(&path, status),
            &method,
            status,
            elapsed.as_secs_f64(),
        );
    }
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    Ok(resp)
}

#[derive(Clone)]
pub struct RequestId(pub String);

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/// Swagger UI is a page of inline script; it shows no member content.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

async fn security_headers<E: Endpoint>(ep: E, req: Request) -> poem::Result<Response> {
    let https = req.data::<AppState>().is_some_and(|s| s.config.is_https());
    let docs = req.uri().path().starts_with("/api/docs");
    let mut resp = match ep.call(req).await {
        Ok(r) => r.into_response(),
        Err(e) => crate::error::problem_response(e),
    };
    let h = resp.headers_mut();
    // A response that set its own, stricter policy (attachment downloads) keeps it.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(if docs { DOCS_CSP } else { CSP }),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    Ok(resp)
}

/// Long caching for content-hashed assets; everything else is revalidated.
async fn cache_headers<E: Endpoint>(ep: E, req: Request) -> poem::Result<Response> {
    let hashed = req.uri().path().starts_with("/assets/");
    let mut resp = ep.call(req).await?.into_response();
    let value = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    Ok(resp)
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// State-changing requests from another site are refused (cross-site request forgery).
async fn check_origin<E: Endpoint>(ep: E, req: Request) -> poem::Result<Response> {
    if is_unsafe(req.method())
        && let Some(state) = req.data::<AppState>()
    {
        let origin = req.header("origin").map(str::to_owned).or_else(|| {
            req.header("referer")
                .map(|r| crate::config::origin_of(r).unwrap_or_else(|| "invalid".into()))
        });
        if let Some(origin) = origin {
            let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
            let allowed = origin == state.config.public_origin()
                || state.config.cors_origins.contains(&origin);
            if !allowed {
                return Ok(problem(
                    StatusCode::FORBIDDEN,
                    "cross-site",
                    "Cross-site request refused",
                    Some("This request came from another site.".into()),
                ));
            }
        }
    }
    ep.call(req).await.map(IntoResponse::into_response)
}

/// Reads at most `MAX_BODY_BYTES` of the body (whatever Content-Length says), refuses
/// compressed bodies, and refuses JSON that is malformed, too deep, or carries NUL characters,
/// so every backend sees the same clean input.
async fn guard_body<E: Endpoint>(ep: E, mut req: Request) -> poem::Result<Response> {
    let upload = is_attachment_upload(&req);
    let limit = req
        .data::<AppState>()
        .map(|s| {
            if upload {
                s.config.attachment_max_bytes + UPLOAD_OVERHEAD
            } else {
                s.config.max_body_bytes
            }
        })
        .unwrap_or(1 << 20);
    if let Some(enc) = req.header("content-encoding")
        && !enc.trim().eq_ignore_ascii_case("identity")
    {
        return Ok(problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-encoding",
            "Compressed request bodies are not accepted",
            None,
        ));
    }
    let declared = req
        .header("content-length")
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Ok(too_large(limit));
    }
    // Uploads are read by their handler as a stream, counting as it goes, so a large file is
    // refused with 413 without ever being held whole.
    if is_unsafe(req.method()) && !upload {
        let body = req.take_body();
        let bytes = match body.into_bytes_limit(limit).await {
            Ok(b) => b,
            Err(poem::error::ReadBodyError::PayloadTooLarge) => return Ok(too_large(limit)),
            Err(e) => {
                return Ok(problem(
                    StatusCode::BAD_REQUEST,
                    "bad-body",
                    "The request body could not be read",
                    Some(e.to_string()),
                ));
            }
        };
        let is_json = req
            .header("content-type")
            .is_none_or(|ct| ct.contains("json"));
        if is_json
            && !bytes.is_empty()
            && let Err(detail) = check_json(&bytes)
        {
            return Ok(problem(
                StatusCode::BAD_REQUEST,
                "bad-json",
                "The request body is not valid JSON",
                Some(detail),
            ));
        }
        req.set_body(Body::from(bytes));
    }
    ep.call(req).await.map(IntoResponse::into_response)
}

/// Room for the multipart framing and the title beside the file itself.
const UPLOAD_OVERHEAD: usize = 64 * 1024;

/// A multipart POST to one of the attachment upload endpoints.
fn is_attachment_upload(req: &Request) -> bool {
    if req.method() != Method::POST
        || !req.header("content-type").is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
    {
        return false;
    }
    // Inside the /api nest the prefix may already be gone.
    let path = req.uri().path();
    let path = path.strip_prefix("/api").unwrap_or(path);
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    matches!(
        parts.as_slice(),
        ["", "resources", _, "attachments"] | ["", "attachments", _, "versions"]
    )
}

fn too_large(limit: usize) -> Response {
    problem(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
        "The request body is too large",
        Some(format!("The most accepted is {limit} bytes.")),
    )
}

fn check_json(bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "The body is not valid UTF-8.".to_owned())?;
    // serde_json stops at 128 levels of nesting, so deep input fails fast instead of overflowing.
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("{e}"))?;
    fn has_nul(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::String(s) => s.contains('\0'),
            serde_json::Value::Array(items) => items.iter().any(has_nul),
            serde_json::Value::Object(map) => {
                map.iter().any(|(k, v)| k.contains('\0') || has_nul(v))
            }
            _ => false,
        }
    }
    if has_nul(&value) {
        return Err("Text must not contain NUL characters.".into());
    }
    Ok(())
}
