//! Configuration: defaults, refusals naming the key, and start-up failing fast and clearly.

use std::collections::BTreeMap;

use backend::config::Config;

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn defaults_are_the_embedded_setup() {
    let c = Config::from_values(&BTreeMap::new()).unwrap();
    assert_eq!(c.database_url, "sqlite://./data/partners.db");
    assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(
        c.session_idle_timeout,
        std::time::Duration::from_secs(12 * 3600)
    );
    assert_eq!(
        c.session_absolute_timeout,
        std::time::Duration::from_secs(30 * 86400)
    );
    assert_eq!(c.login_max_failures, 10);
    assert_eq!(
        c.approved_domains,
        vec!["nhs.net", "nhs.uk", "*.nhs.uk", "*.gov.uk"]
    );
    assert!(c.redis_url.is_none() && c.smtp_url.is_none());
}

#[test]
fn a_bad_value_names_its_key() {
    for (key, value) in [
        ("DATABASE_URL", "mysql://localhost/db"),
        ("DATABASE_URL", "not a url"),
        ("BIND", "localhost"),
        ("LOG_FORMAT", "xml"),
        ("SESSION_IDLE_TIMEOUT", "forever"),
        ("LOGIN_MAX_FAILURES", "-3"),
        ("PUBLIC_URL", "ftp://example.org"),
        ("REDIS_URL", "http://localhost"),
        ("TRUSTED_PROXIES", "not-an-ip"),
        ("APPROVED_DOMAINS", "nhs net"),
    ] {
        let err = Config::from_values(&values(&[(key, value)])).unwrap_err();
        assert_eq!(err.key, key, "{key}={value}");
        let line = err.to_string();
        assert!(line.contains(key) && !line.contains('\n'), "{line}");
    }
}

#[test]
fn a_toml_file_is_read_and_unknown_keys_in_it_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        "bind = \"127.0.0.1:9000\"\nlogin_max_failures = 5\napproved_domains = [\"nhs.net\"]\n",
    )
    .unwrap();
    let c = Config::from_sources(&BTreeMap::new(), Some(&good)).unwrap();
    assert_eq!(c.bind.port(), 9000);
    assert_eq!(c.login_max_failures, 5);
    assert_eq!(c.approved_domains, vec!["nhs.net"]);
    // The environment wins over the file.
    let c = Config::from_sources(&values(&[("BIND", "127.0.0.1:9001")]), Some(&good)).unwrap();
    assert_eq!(c.bind.port(), 9001);

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "bind = \"127.0.0.1:9000\"\ndatabse_url = \"typo\"\n").unwrap();
    let err = Config::from_sources(&BTreeMap::new(), Some(&bad)).unwrap_err();
    assert_eq!(err.key, "databse_url");
}

#[tokio::test]
async fn serve_stops_at_once_with_one_clear_message_when_postgres_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::from_values(&values(&[
        // Nothing listens on port 1.
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:1/partners"),
        ("DATA_DIR", &dir.path().display().to_string()),
    ]))
    .unwrap();
    let started = std::time::Instant::now();
    let result = tokio::time::timeout(
        std::time::Duration::from_secs(15),
        backend::cli::run(backend::cli::Command::Serve { no_demo: true }, config),
    )
    .await
    .expect("gives up within a few seconds");
    let err = format!("{:#}", result.unwrap_err());
    assert!(
        err.contains("cannot connect to the database at postgres://postgres@127.0.0.1:1/partners"),
        "{err}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    // Never a silent fallback to a SQLite file.
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}
