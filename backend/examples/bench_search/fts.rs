//! The databases' own full-text search over the same documents: PostgreSQL (a weighted tsvector
//! with a GIN index, `websearch_to_tsquery`, `ts_rank_cd`) and SQLite FTS5 (porter tokenizer,
//! `bm25()`).

use std::time::Instant;

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::Doc;

diesel::table! {
    bench_docs (id) {
        id -> Text,
        title -> Text,
        body -> Text,
    }
}

#[derive(Insertable)]
#[diesel(table_name = bench_docs)]
struct Row<'a> {
    id: &'a str,
    title: &'a str,
    body: &'a str,
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = Text)]
    id: String,
}

/// How a query's text is handed to the database.
#[derive(Clone, Copy)]
pub enum Form {
    /// As typed: PostgreSQL's web search syntax (every word required); in SQLite, every word.
    AsTyped,
    /// Any of its words (OR), ranked.
    AnyWord,
}

pub fn words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn rows(docs: &[Doc]) -> Vec<Row<'_>> {
    docs.iter()
        .map(|d| Row {
            id: &d.id,
            title: &d.title,
            body: &d.body,
        })
        .collect()
}

pub struct Postgres {
    conn: PgConnection,
    admin_url: String,
    name: String,
}

impl Postgres {
    /// Creates a database of its own beside `url`'s (dropped again on drop), loads `docs` and
    /// builds the GIN index; returns it and the seconds the load and the index took.
    pub fn load(url: &str, docs: &[Doc]) -> Result<(Postgres, f64), Box<dyn std::error::Error>> {
        let name = format!("partners_bench_search_{}", std::process::id());
        let mut admin = PgConnection::establish(url)?;
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name}")).execute(&mut admin)?;
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin)?;
        let db_url = with_database(url, &name);
        let mut conn = PgConnection::establish(&db_url)?;
        let started = Instant::now();
        diesel::sql_query(
            "CREATE TABLE bench_docs (id text PRIMARY KEY, title text NOT NULL, body text NOT NULL,
               tsv tsvector GENERATED ALWAYS AS (
                 setweight(to_tsvector('english', title), 'A') ||
                 setweight(to_tsvector('english', body), 'B')) STORED)",
        )
        .execute(&mut conn)?;
        for chunk in rows(docs).chunks(1000) {
            diesel::insert_into(bench_docs::table)
                .values(chunk)
                .execute(&mut conn)?;
        }
        diesel::sql_query("CREATE INDEX bench_docs_tsv ON bench_docs USING gin (tsv)")
            .execute(&mut conn)?;
        diesel::sql_query("ANALYZE bench_docs").execute(&mut conn)?;
        let secs = started.elapsed().as_secs_f64();
        Ok((
            Postgres {
                conn,
                admin_url: url.to_owned(),
                name,
            },
            secs,
        ))
    }

    pub fn search(&mut self, q: &str, form: Form) -> QueryResult<Vec<String>> {
        let text = match form {
            Form::AsTyped => q.to_owned(),
            Form::AnyWord => words(q).join(" or "),
        };
        let rows: Vec<IdRow> = diesel::sql_query(
            "SELECT id FROM bench_docs, websearch_to_tsquery('english', $1) query
             WHERE tsv @@ query ORDER BY ts_rank_cd(tsv, query) DESC LIMIT 10",
        )
        .bind::<Text, _>(text)
        .load(&mut self.conn)?;
        Ok(rows.into_iter().map(|r| r.id).collect())
    }

    pub fn version(&mut self) -> String {
        #[derive(QueryableByName)]
        struct V {
            #[diesel(sql_type = Text)]
            v: String,
        }
        diesel::sql_query("SELECT current_setting('server_version') AS v")
            .get_result::<V>(&mut self.conn)
            .map(|v| v.v)
            .unwrap_or_default()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    match base[after_scheme..].find('/') {
        Some(slash) => format!("{}/{name}{query}", &base[..after_scheme + slash]),
        None => format!("{base}/{name}{query}"),
    }
}

pub struct Sqlite {
    conn: SqliteConnection,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Sqlite {
    /// An FTS5 table in a new database file, loaded with `docs` in one transaction; returns it
    /// and the seconds the load took.
    pub fn load(docs: &[Doc]) -> Result<(Sqlite, f64), Box<dyn std::error::Error>> {
        let dir = std::env::temp_dir().join(format!("partners-bench-fts5-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let dir = TempDir(dir);
        let path = dir.0.join("fts.db");
        let mut conn = SqliteConnection::establish(&path.display().to_string())?;
        let started = Instant::now();
        diesel::sql_query(
            "CREATE VIRTUAL TABLE bench_docs USING fts5(id UNINDEXED, title, body,
               tokenize = 'porter unicode61 remove_diacritics 2')",
        )
        .execute(&mut conn)?;
        conn.transaction::<_, diesel::result::Error, _>(|c| {
            for chunk in rows(docs).chunks(1000) {
                diesel::insert_into(bench_docs::table)
                    .values(chunk)
                    .execute(c)?;
            }
            Ok(())
        })?;
        diesel::sql_query("INSERT INTO bench_docs(bench_docs) VALUES ('optimize')")
            .execute(&mut conn)?;
        let secs = started.elapsed().as_secs_f64();
        Ok((Sqlite { conn, _dir: dir }, secs))
    }

    pub fn search(&mut self, q: &str, form: Form) -> QueryResult<Vec<String>> {
        let quoted: Vec<String> = words(q).iter().map(|w| format!("\"{w}\"")).collect();
        if quoted.is_empty() {
            return Ok(Vec::new());
        }
        let text = match form {
            Form::AsTyped => quoted.join(" "),
            Form::AnyWord => quoted.join(" OR "),
        };
        let rows: Vec<IdRow> = diesel::sql_query(
            "SELECT id FROM bench_docs WHERE bench_docs MATCH ? ORDER BY bm25(bench_docs) LIMIT 10",
        )
        .bind::<Text, _>(text)
        .load(&mut self.conn)?;
        Ok(rows.into_iter().map(|r| r.id).collect())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::with_database("postgres://u@h:5432/postgres?sslmode=disable", "x"),
            "postgres://u@h:5432/x?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://u@h", "x"),
            "postgres://u@h/x"
        );
    }
}
