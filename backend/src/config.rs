//! Typed configuration, read once at start from environment variables and an optional TOML file.
//! Every key is listed in `KEYS` (the README's table and docker-compose.yml are checked against it).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ipnet::IpNet;

/// Every configuration key with its default and meaning. Environment variables use these names;
/// a TOML file uses the same names in lower case.
pub const KEYS: &[(&str, &str, &str)] = &[
    (
        "DATABASE_URL",
        "sqlite://$DATA_DIR/partners.db",
        "sqlite://PATH for the embedded default, postgres://... for PostgreSQL",
    ),
    (
        "DATA_DIR",
        "./data",
        "where the SQLite file, the search index and attachments live",
    ),
    ("BIND", "127.0.0.1:8080", "address and port to listen on"),
    (
        "PUBLIC_URL",
        "http://localhost:8080",
        "the address people use; https turns on Secure __Host- cookies and HSTS",
    ),
    (
        "REDIS_URL",
        "",
        "optional: sessions, login throttling and cross-node events in Redis",
    ),
    (
        "REDIS_PREFIX",
        "pip:",
        "prefix for every Redis key, so several deployments can share one Redis",
    ),
    (
        "SMTP_URL",
        "",
        "optional: smtp://user:pass@host:587 (smtps:// for TLS); without it mail stays in the outbox table and the log",
    ),
    (
        "MAIL_FROM",
        "Partners in Practice <no-reply@localhost>",
        "sender of every e-mail",
    ),
    ("LOG_FORMAT", "pretty", "pretty or json"),
    (
        "LOG_FILTER",
        "info",
        "tracing filter, e.g. info,backend=debug",
    ),
    (
        "FRONTEND_DIR",
        "frontend/dist",
        "the built frontend served at /",
    ),
    ("DB_POOL_SIZE", "10", "database connections per process"),
    (
        "SESSION_IDLE_TIMEOUT",
        "12h",
        "a session unused this long ends",
    ),
    (
        "SESSION_ABSOLUTE_TIMEOUT",
        "30d",
        "a session ends this long after sign-in, used or not",
    ),
    (
        "LOGIN_MAX_FAILURES",
        "10",
        "failed sign-ins on one account within LOGIN_WINDOW before 429",
    ),
    ("LOGIN_WINDOW", "15m", "the login throttling window"),
    (
        "APPROVED_DOMAINS",
        "nhs.net,nhs.uk,*.nhs.uk,*.gov.uk",
        "initial value of the approved e-mail domains setting",
    ),
    (
        "MAX_BODY_BYTES",
        "1048576",
        "largest request body read, in bytes",
    ),
    (
        "TRUSTED_PROXIES",
        "",
        "comma-separated IPs or CIDRs whose X-Forwarded-For is believed",
    ),
    (
        "CORS_ORIGINS",
        "",
        "comma-separated extra origins allowed to make requests",
    ),
    (
        "ARGON2_CONCURRENCY",
        "number of CPUs",
        "password hashes computed at once",
    ),
    (
        "VERIFY_TOKEN_TTL",
        "48h",
        "how long an e-mail verification link works",
    ),
    (
        "RESET_TOKEN_TTL",
        "1h",
        "how long a password reset link works",
    ),
    (
        "SHUTDOWN_GRACE",
        "30s",
        "how long in-flight requests may take to finish on SIGTERM/SIGINT",
    ),
    (
        "POST_RATE_LIMIT",
        "20",
        "new threads and replies one member may post within POST_RATE_WINDOW",
    ),
    (
        "POST_RATE_LIMIT_NEW_MEMBER",
        "5",
        "the same for new members (first posts still held, or account younger than NEW_MEMBER_PERIOD)",
    ),
    ("POST_RATE_WINDOW", "10m", "the posting rate limit window"),
    (
        "NEW_MEMBER_PERIOD",
        "7d",
        "accounts younger than this have the new members' posting rate limit",
    ),
    (
        "ATTACHMENT_MAX_BYTES",
        "26214400",
        "largest attachment accepted, in bytes (25 MiB); a larger upload gets 413",
    ),
    (
        "OBJECT_STORE_URL",
        "",
        "optional: s3://bucket/prefix to keep attachments in an S3-compatible store (AWS_* variables give credentials, region, endpoint); default DATA_DIR/files",
    ),
    (
        "EXTRACT_TIMEOUT",
        "120s",
        "wall-clock limit for extracting the text of one attachment",
    ),
    (
        "EXTRACT_MEMORY_LIMIT",
        "1073741824",
        "address-space limit of the text extraction process, in bytes",
    ),
    (
        "EXTRACT_PROGRAM",
        "this program",
        "the program run as `PROGRAM extract-text FILE` to extract text (normally partners itself)",
    ),
    (
        "CONFIG_FILE",
        "",
        "optional TOML file with any of these keys in lower case",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub data_dir: PathBuf,
    pub bind: SocketAddr,
    pub public_url: String,
    pub redis_url: Option<String>,
    pub redis_prefix: String,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub log_format: LogFormat,
    pub log_filter: String,
    pub frontend_dir: PathBuf,
    pub db_pool_size: u32,
    pub session_idle_timeout: Duration,
    pub session_absolute_timeout: Duration,
    pub login_max_failures: u32,
    pub login_window: Duration,
    pub approved_domains: Vec<String>,
    pub max_body_bytes: usize,
    pub trusted_proxies: Vec<IpNet>,
    pub cors_origins: Vec<String>,
    pub argon2_concurrency: usize,
    pub verify_token_ttl: Duration,
    pub reset_token_ttl: Duration,
    pub shutdown_grace: Duration,
    pub post_rate_limit: u32,
    pub post_rate_limit_new_member: u32,
    pub post_rate_window: Duration,
    pub new_member_period: Duration,
    pub attachment_max_bytes: usize,
    pub object_store_url: Option<String>,
    pub extract_timeout: Duration,
    pub extract_memory_limit: u64,
    /// None: the running executable.
    pub extract_program: Option<PathBuf>,
}

/// A configuration problem, naming the key: printed as one line and the start stops.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {key}: {problem}")]
pub struct ConfigError {
    pub key: String,
    pub problem: String,
}

fn bad(key: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        key: key.to_owned(),
        problem: problem.into(),
    }
}

impl Config {
    /// Reads the process environment and, when given (or named by `CONFIG_FILE`), a TOML file.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let env: BTreeMap<String, String> = std::env::vars().collect();
        Self::from_sources(&env, file)
    }

    /// Builds the configuration from a map of environment variables and an optional TOML file;
    /// the environment wins over the file.
    pub fn from_sources(
        env: &BTreeMap<String, String>,
        file: Option<&Path>,
    ) -> Result<Self, ConfigError> {
        let mut values: BTreeMap<String, String> = BTreeMap::new();
        let file = file.map(Path::to_path_buf).or_else(|| {
            env.get("CONFIG_FILE")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        });
        if let Some(path) = file {
            values.extend(read_toml(&path)?);
        }
        for (key, _, _) in KEYS {
            if let Some(v) = env.get(*key) {
                values.insert((*key).to_owned(), v.clone());
            }
        }
        Self::from_values(&values)
    }

    /// Builds the configuration from upper-case keys; anything absent takes its default.
    pub fn from_values(values: &BTreeMap<String, String>) -> Result<Self, ConfigError> {
        let get = |key: &str| {
            values
                .get(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = match get("DATABASE_URL") {
            Some(url) => url,
            None => format!("sqlite://{}", data_dir.join("partners.db").display()),
        };
        crate::db::DatabaseUrl::parse(&database_url).map_err(|e| bad("DATABASE_URL", e))?;
        let bind = get("BIND")
            .unwrap_or_else(|| "127.0.0.1:8080".into())
            .parse()
            .map_err(|_| {
                bad(
                    "BIND",
                    "expected an address and port such as 127.0.0.1:8080",
                )
            })?;
        let public_url = get("PUBLIC_URL").unwrap_or_else(|| "http://localhost:8080".into());
        let public_url = public_url.trim_end_matches('/').to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://"))
            || origin_of(&public_url).is_none()
        {
            return Err(bad("PUBLIC_URL", "expected an http:// or https:// address"));
        }
        let redis_url = get("REDIS_URL");
        if let Some(url) = &redis_url
            && !(url.starts_with("redis://") || url.starts_with("rediss://"))
        {
            return Err(bad("REDIS_URL", "expected a redis:// or rediss:// address"));
        }
        let object_store_url = get("OBJECT_STORE_URL");
        if let Some(url) = &object_store_url
            && !url
                .strip_prefix("s3://")
                .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
        {
            return Err(bad(
                "OBJECT_STORE_URL",
                "expected s3://bucket or s3://bucket/prefix",
            ));
        }
        let smtp_url = get("SMTP_URL");
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(bad("SMTP_URL", "expected an smtp:// or smtps:// address"));
        }
        let mail_from =
            get("MAIL_FROM").unwrap_or_else(|| "Partners in Practice <no-reply@localhost>".into());
        mail_from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| bad("MAIL_FROM", format!("not a mailbox: {e}")))?;
        let log_format = match get("LOG_FORMAT").as_deref() {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(bad(
                    "LOG_FORMAT",
                    format!("expected pretty or json, got {other:?}"),
                ));
            }
        };
        let log_filter = get("LOG_FILTER").unwrap_or_else(|| "info".into());
        tracing_subscriber::EnvFilter::try_new(&log_filter)
            .map_err(|e| bad("LOG_FILTER", e.to_string()))?;
        let approved_domains = list(
            get("APPROVED_DOMAINS")
                .as_deref()
                .unwrap_or("nhs.net,nhs.uk,*.nhs.uk,*.gov.uk"),
        );
        for d in &approved_domains {
            if !crate::validate::is_domain_pattern(d) {
                return Err(bad(
                    "APPROVED_DOMAINS",
                    format!("{d:?} is not a domain or *.domain"),
                ));
            }
        }
        let trusted_proxies = list(get("TRUSTED_PROXIES").as_deref().unwrap_or(""))
            .iter()
            .map(|p| {
                p.parse::<IpNet>()
                    .or_else(|_| p.parse::<std::net::IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        bad(
                            "TRUSTED_PROXIES",
                            format!("{p:?} is not an IP address or CIDR"),
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let cors_origins = list(get("CORS_ORIGINS").as_deref().unwrap_or(""))
            .into_iter()
            .map(|o| {
                origin_of(&o).ok_or_else(|| {
                    bad(
                        "CORS_ORIGINS",
                        format!("{o:?} is not an origin such as https://example.org"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let cpus = std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(2);
        Ok(Config {
            database_url,
            frontend_dir: PathBuf::from(
                get("FRONTEND_DIR").unwrap_or_else(|| "frontend/dist".into()),
            ),
            data_dir,
            bind,
            public_url,
            redis_url,
            redis_prefix: get("REDIS_PREFIX").unwrap_or_else(|| "pip:".into()),
            smtp_url,
            mail_from,
            log_format,
            log_filter,
            db_pool_size: number(values, "DB_POOL_SIZE", 10, 1, 1000)?,
            session_idle_timeout: duration(values, "SESSION_IDLE_TIMEOUT", "12h")?,
            session_absolute_timeout: duration(values, "SESSION_ABSOLUTE_TIMEOUT", "30d")?,
            login_max_failures: number(values, "LOGIN_MAX_FAILURES", 10, 1, 10_000)?,
            login_window: duration(values, "LOGIN_WINDOW", "15m")?,
            approved_domains,
            max_body_bytes: number(values, "MAX_BODY_BYTES", 1_048_576, 1024, 1 << 30)? as usize,
            trusted_proxies,
            cors_origins,
            argon2_concurrency: number(values, "ARGON2_CONCURRENCY", cpus as u32, 1, 256)? as usize,
            verify_token_ttl: duration(values, "VERIFY_TOKEN_TTL", "48h")?,
            reset_token_ttl: duration(values, "RESET_TOKEN_TTL", "1h")?,
            shutdown_grace: duration(values, "SHUTDOWN_GRACE", "30s")?,
            post_rate_limit: number(values, "POST_RATE_LIMIT", 20, 1, 10_000)?,
            post_rate_limit_new_member: number(values, "POST_RATE_LIMIT_NEW_MEMBER", 5, 1, 10_000)?,
            post_rate_window: duration(values, "POST_RATE_WINDOW", "10m")?,
            new_member_period: duration(values, "NEW_MEMBER_PERIOD", "7d")?,
            attachment_max_bytes: big_number(
                values,
                "ATTACHMENT_MAX_BYTES",
                25 << 20,
                1024,
                1 << 34,
            )? as usize,
            object_store_url,
            extract_timeout: duration(values, "EXTRACT_TIMEOUT", "120s")?,
            extract_memory_limit: big_number(
                values,
                "EXTRACT_MEMORY_LIMIT",
                1u64 << 30,
                64 << 20,
                1u64 << 40,
            )?,
            extract_program: get("EXTRACT_PROGRAM").map(PathBuf::from),
        })
    }

    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The origin (scheme://host[:port]) people reach the service at.
    pub fn public_origin(&self) -> String {
        origin_of(&self.public_url).unwrap_or_default()
    }

    pub fn session_cookie_name(&self) -> &'static str {
        if self.is_https() {
            "__Host-pip_session"
        } else {
            "pip_session"
        }
    }

    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }

    /// Attachments, when they are kept on the local disk.
    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }

    /// Scratch space for files handed to the text extractor.
    pub fn scratch_dir(&self) -> PathBuf {
        self.data_dir.join("tmp")
    }
}

/// `scheme://host[:port]` of a URL, lower-cased, or None when it isn't an http(s) URL.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

fn big_number(
    values: &BTreeMap<String, String>,
    key: &str,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, ConfigError> {
    match values.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => {
            let n: u64 = v
                .parse()
                .map_err(|_| bad(key, format!("expected a whole number, got {v:?}")))?;
            if n < min || n > max {
                return Err(bad(
                    key,
                    format!("must be between {min} and {max}, got {n}"),
                ));
            }
            Ok(n)
        }
    }
}

fn number(
    values: &BTreeMap<String, String>,
    key: &str,
    default: u32,
    min: u32,
    max: u32,
) -> Result<u32, ConfigError> {
    match values.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => {
            let n: u32 = v
                .parse()
                .map_err(|_| bad(key, format!("expected a whole number, got {v:?}")))?;
            if n < min || n > max {
                return Err(bad(
                    key,
                    format!("must be between {min} and {max}, got {n}"),
                ));
            }
            Ok(n)
        }
    }
}

fn duration(
    values: &BTreeMap<String, String>,
    key: &str,
    default: &str,
) -> Result<Duration, ConfigError> {
    let raw = values
        .get(key)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .unwrap_or(default);
    let d = humantime::parse_duration(raw)
        .map_err(|e| bad(key, format!("expected a duration such as 15m or 12h: {e}")))?;
    if d.is_zero() {
        return Err(bad(key, "must be longer than zero"));
    }
    Ok(d)
}

fn read_toml(path: &Path) -> Result<BTreeMap<String, String>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        bad(
            "CONFIG_FILE",
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    let table: toml::Table = text.parse().map_err(|e| {
        bad(
            "CONFIG_FILE",
            format!("{} is not valid TOML: {e}", path.display()),
        )
    })?;
    let mut out = BTreeMap::new();
    for (key, value) in table {
        let upper = key.to_ascii_uppercase();
        if key != key.to_ascii_lowercase()
            || !KEYS.iter().any(|(k, _, _)| *k == upper)
            || upper == "CONFIG_FILE"
        {
            return Err(bad(&key, format!("unknown key in {}", path.display())));
        }
        let value = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Array(items) => items
                .into_iter()
                .map(|v| match v {
                    toml::Value::String(s) => Ok(s),
                    _ => Err(bad(&key, "expected a list of strings")),
                })
                .collect::<Result<Vec<_>, _>>()?
                .join(","),
            _ => {
                return Err(bad(
                    &key,
                    "expected a string, a whole number or a list of strings",
                ));
            }
        };
        out.insert(upper, value);
    }
    Ok(out)
}
