//! Tags on threads: the `tags` table (one row per normalised slug) and `thread_tags`.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::forum::ContentStatus;
use super::schema::{categories, tags, thread_tags, threads};
use super::{DbConn, DbError, like_pattern, now};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tags)]
pub struct Tag {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub created_at: NaiveDateTime,
}

/// A tag as written, normalised: `slug` is what identifies it, `name` how it was first written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagInput {
    pub slug: String,
    pub name: String,
}

impl Tag {
    pub fn find_by_slug(conn: &mut DbConn, slug: &str) -> Result<Option<Tag>, DbError> {
        Ok(tags::table
            .filter(tags::slug.eq(slug))
            .select(Tag::as_select())
            .first(conn)
            .optional()?)
    }

    /// The tag's id, creating it when it is new.
    pub fn id_for(conn: &mut DbConn, input: &TagInput) -> Result<i64, DbError> {
        if let Some(tag) = Tag::find_by_slug(conn, &input.slug)? {
            return Ok(tag.id);
        }
        Ok(diesel::insert_into(tags::table)
            .values((
                tags::slug.eq(&input.slug),
                tags::name.eq(&input.name),
                tags::created_at.eq(now()),
            ))
            .returning(tags::id)
            .get_result(conn)?)
    }

    /// Replaces a thread's tags, in the caller's transaction.
    pub fn set_for_thread(
        conn: &mut DbConn,
        thread_id: i64,
        inputs: &[TagInput],
    ) -> Result<(), DbError> {
        diesel::delete(thread_tags::table.filter(thread_tags::thread_id.eq(thread_id)))
            .execute(conn)?;
        for input in inputs {
            let tag_id = Tag::id_for(conn, input)?;
            diesel::insert_into(thread_tags::table)
                .values((
                    thread_tags::thread_id.eq(thread_id),
                    thread_tags::tag_id.eq(tag_id),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// The tag slugs of each of these threads, alphabetically.
    pub fn slugs_for_threads(
        conn: &mut DbConn,
        thread_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<String>>, DbError> {
        let rows: Vec<(i64, String)> = thread_tags::table
            .inner_join(tags::table)
            .filter(thread_tags::thread_id.eq_any(thread_ids))
            .order((thread_tags::thread_id.asc(), tags::slug.asc()))
            .select((thread_tags::thread_id, tags::slug))
            .load(conn)?;
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        for (thread_id, slug) in rows {
            out.entry(thread_id).or_default().push(slug);
        }
        Ok(out)
    }

    /// Tags whose slug contains `q`, each with the number of threads every member can see
    /// (visible threads in open spaces). Tags with no such thread are left out unless
    /// `include_unused`: their names may come from held or hidden threads.
    pub fn list_with_counts(
        conn: &mut DbConn,
        q: Option<&str>,
        include_unused: bool,
        limit: i64,
    ) -> Result<Vec<(Tag, i64)>, DbError> {
        let counts: HashMap<i64, i64> = thread_tags::table
            .inner_join(threads::table.inner_join(categories::table))
            .filter(threads::status.eq(ContentStatus::Visible.as_str()))
            .filter(categories::archived.eq(false))
            .group_by(thread_tags::tag_id)
            .select((thread_tags::tag_id, diesel::dsl::count_star()))
            .load::<(i64, i64)>(conn)?
            .into_iter()
            .collect();
        let mut query = tags::table.select(Tag::as_select()).into_boxed();
        if let Some(q) = q.filter(|q| !q.is_empty()) {
            query = query.filter(tags::slug.like(like_pattern(q)).escape('\\'));
        }
        let mut rows: Vec<(Tag, i64)> = query
            .load(conn)?
            .into_iter()
            .map(|t| {
                let n = counts.get(&t.id).copied().unwrap_or(0);
                (t, n)
            })
            .filter(|(_, n)| include_unused || *n > 0)
            .collect();
        rows.sort_by(|(a, an), (b, bn)| bn.cmp(an).then_with(|| a.slug.cmp(&b.slug)));
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(rows)
    }

    /// Moves every thread of `from` to `into` (once each) and deletes `from`, in the caller's
    /// transaction. Returns the threads that changed.
    pub fn merge(conn: &mut DbConn, from: i64, into: i64) -> Result<Vec<i64>, DbError> {
        let moved: Vec<i64> = thread_tags::table
            .filter(thread_tags::tag_id.eq(from))
            .select(thread_tags::thread_id)
            .load(conn)?;
        let already: Vec<i64> = thread_tags::table
            .filter(thread_tags::tag_id.eq(into))
            .filter(thread_tags::thread_id.eq_any(&moved))
            .select(thread_tags::thread_id)
            .load(conn)?;
        for thread_id in moved.iter().filter(|t| !already.contains(t)) {
            diesel::insert_into(thread_tags::table)
                .values((
                    thread_tags::thread_id.eq(*thread_id),
                    thread_tags::tag_id.eq(into),
                ))
                .execute(conn)?;
        }
        diesel::delete(thread_tags::table.filter(thread_tags::tag_id.eq(from))).execute(conn)?;
        diesel::delete(tags::table.find(from)).execute(conn)?;
        Ok(moved)
    }
}
