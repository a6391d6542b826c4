//! Every migration runs up, down and up again on both backends.

use backend::db::Db;

use crate::common::{Backend, PgDatabase, backends};

#[tokio::test]
async fn migrations_run_up_down_and_up_again() {
    for backend in backends() {
        let dir = tempfile::tempdir().unwrap();
        let pg = (backend == Backend::Postgres).then(PgDatabase::create);
        let url = match &pg {
            Some(pg) => pg.url.clone(),
            None => format!("sqlite://{}", dir.path().join("m.db").display()),
        };
        tokio::task::spawn_blocking(move || {
            let db = Db::connect(&url, 1).unwrap();
            let mut conn = db.get().unwrap();
            use backend::db::migrations::{revert, run_pending, status};
            let applied = run_pending(&mut conn).unwrap();
            assert!(!applied.is_empty());
            assert!(status(&mut conn).unwrap().iter().all(|(_, done)| *done));
            let reverted = revert(&mut conn, applied.len()).unwrap();
            assert_eq!(reverted.len(), applied.len(), "{backend:?}");
            assert!(status(&mut conn).unwrap().iter().all(|(_, done)| !*done));
            assert_eq!(run_pending(&mut conn).unwrap(), applied);
            assert!(backend::db::migrations::is_empty(&mut conn).unwrap());
        })
        .await
        .unwrap();
    }
}

#[test]
fn both_backends_have_the_same_migrations() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let names = |dir: &str| {
        let mut v: Vec<String> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names("postgres"), names("sqlite"));
    for name in names("postgres") {
        for dir in ["postgres", "sqlite"] {
            for file in ["up.sql", "down.sql"] {
                assert!(
                    root.join(dir).join(&name).join(file).is_file(),
                    "{dir}/{name}/{file}"
                );
            }
        }
    }
}
