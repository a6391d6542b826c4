//! Embedded migrations for both backends (the folders under migrations/ have identical names).

use diesel::migration::{Migration, MigrationSource};
use diesel::pg::Pg;
use diesel::sqlite::Sqlite;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConn;

const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Applies every pending migration; returns the names applied.
pub fn run_pending(conn: &mut DbConn) -> Result<Vec<String>, BoxError> {
    let applied = match conn {
        DbConn::Pg(c) => c
            .run_pending_migrations(POSTGRES)?
            .iter()
            .map(ToString::to_string)
            .collect(),
        DbConn::Sqlite(c) => c
            .run_pending_migrations(SQLITE)?
            .iter()
            .map(ToString::to_string)
            .collect(),
    };
    Ok(applied)
}

/// Reverts the last `steps` migrations; returns the names reverted.
pub fn revert(conn: &mut DbConn, steps: usize) -> Result<Vec<String>, BoxError> {
    let mut reverted = Vec::new();
    for _ in 0..steps {
        let applied = match conn {
            DbConn::Pg(c) => c.applied_migrations()?,
            DbConn::Sqlite(c) => c.applied_migrations()?,
        };
        if applied.is_empty() {
            break;
        }
        let name = match conn {
            DbConn::Pg(c) => c.revert_last_migration(POSTGRES)?.to_string(),
            DbConn::Sqlite(c) => c.revert_last_migration(SQLITE)?.to_string(),
        };
        reverted.push(name);
    }
    Ok(reverted)
}

/// Every known migration with whether it has been applied.
pub fn status(conn: &mut DbConn) -> Result<Vec<(String, bool)>, BoxError> {
    let (all, applied): (Vec<String>, Vec<String>) = match conn {
        DbConn::Pg(c) => (
            MigrationSource::<Pg>::migrations(&POSTGRES)?
                .iter()
                .map(|m| m.name().to_string())
                .collect(),
            c.applied_migrations()?
                .iter()
                .map(ToString::to_string)
                .collect(),
        ),
        DbConn::Sqlite(c) => (
            MigrationSource::<Sqlite>::migrations(&SQLITE)?
                .iter()
                .map(|m| m.name().to_string())
                .collect(),
            c.applied_migrations()?
                .iter()
                .map(ToString::to_string)
                .collect(),
        ),
    };
    Ok(all
        .into_iter()
        .map(|name| {
            let version = name.split('_').next().unwrap_or("").replace('-', "");
            let done = applied
                .iter()
                .any(|a| a.replace('-', "") == version || *a == name);
            (name, done)
        })
        .collect())
}

/// True when the database has no members yet (a first start).
pub fn is_empty(conn: &mut DbConn) -> Result<bool, super::DbError> {
    use diesel::prelude::*;
    let n: i64 = super::schema::users::table.count().get_result(conn)?;
    Ok(n == 0)
}
