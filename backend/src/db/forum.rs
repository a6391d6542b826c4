//! The forum's tables: spaces (categories), threads, posts and their revisions, and the search
//! outbox that every change to searchable content writes to in the same transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{
    categories, category_moderators, post_revisions, posts, search_outbox, threads,
};
use super::{DbConn, DbError, now};

/// Where a thread or post stands in moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentStatus {
    Visible,
    Held,
    Hidden,
    Deleted,
}

impl ContentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ContentStatus::Visible => "visible",
            ContentStatus::Held => "held",
            ContentStatus::Hidden => "hidden",
            ContentStatus::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> ContentStatus {
        match s {
            "visible" => ContentStatus::Visible,
            "held" => ContentStatus::Held,
            "hidden" => ContentStatus::Hidden,
            _ => ContentStatus::Deleted,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = categories)]
pub struct Category {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub position: i32,
    pub pre_moderated: bool,
    pub archived: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Category {
    pub fn list(conn: &mut DbConn) -> Result<Vec<Category>, DbError> {
        Ok(categories::table
            .filter(categories::archived.eq(false))
            .order((categories::position.asc(), categories::id.asc()))
            .select(Category::as_select())
            .load(conn)?)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> Result<Option<Category>, DbError> {
        Ok(categories::table
            .find(id)
            .select(Category::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn find_by_slug(conn: &mut DbConn, slug: &str) -> Result<Option<Category>, DbError> {
        Ok(categories::table
            .filter(categories::slug.eq(slug))
            .select(Category::as_select())
            .first(conn)
            .optional()?)
    }

    /// Whether `user_id` moderates this space (global moderators are checked by the caller).
    pub fn is_space_moderator(
        conn: &mut DbConn,
        category_id: i64,
        user_id: i64,
    ) -> Result<bool, DbError> {
        let n: i64 = category_moderators::table
            .filter(category_moderators::category_id.eq(category_id))
            .filter(category_moderators::user_id.eq(user_id))
            .count()
            .get_result(conn)?;
        Ok(n > 0)
    }

    /// Visible threads per space, for the spaces list.
    pub fn visible_thread_counts(conn: &mut DbConn) -> Result<Vec<(i64, i64)>, DbError> {
        Ok(threads::table
            .filter(threads::status.eq(ContentStatus::Visible.as_str()))
            .group_by(threads::category_id)
            .select((threads::category_id, diesel::dsl::count_star()))
            .load(conn)?)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = threads)]
pub struct Thread {
    pub id: i64,
    pub category_id: i64,
    pub author_id: i64,
    pub title: String,
    pub kind: String,
    pub status: String,
    pub locked: bool,
    pub pinned: bool,
    pub accepted_post_id: Option<i64>,
    pub reply_count: i32,
    pub last_activity_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// 0 when off; otherwise members wait this long between their posts in the thread.
    pub slow_mode_seconds: i32,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = threads)]
pub struct NewThread<'a> {
    pub category_id: i64,
    pub author_id: i64,
    pub title: &'a str,
    pub kind: &'a str,
    pub status: &'a str,
    pub last_activity_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// How a space's threads are ordered. Pinned threads always come first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadSort {
    Activity,
    New,
    Unanswered,
}

/// Who is looking: what they may see beyond visible content.
#[derive(Debug, Clone, Copy)]
pub struct Visibility {
    pub viewer_id: i64,
    /// Moderators of the space see held and hidden content too.
    pub moderator: bool,
}

impl Thread {
    pub fn status(&self) -> ContentStatus {
        ContentStatus::parse(&self.status)
    }

    pub fn visible_to(&self, v: Visibility) -> bool {
        match self.status() {
            ContentStatus::Visible => true,
            ContentStatus::Held => v.moderator || self.author_id == v.viewer_id,
            ContentStatus::Hidden | ContentStatus::Deleted => v.moderator,
        }
    }

    pub fn insert(conn: &mut DbConn, new: &NewThread<'_>) -> Result<i64, DbError> {
        Ok(diesel::insert_into(threads::table)
            .values(new)
            .returning(threads::id)
            .get_result(conn)?)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> Result<Option<Thread>, DbError> {
        Ok(threads::table
            .find(id)
            .select(Thread::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn find_many(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Thread>, DbError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(threads::table
            .filter(threads::id.eq_any(ids))
            .select(Thread::as_select())
            .load(conn)?)
    }

    /// One page of a space's threads, pinned first, `limit + 1` rows; `offset` comes from the
    /// caller's cursor. With `tag_id`, only threads carrying that tag.
    pub fn list(
        conn: &mut DbConn,
        category_id: i64,
        v: Visibility,
        sort: ThreadSort,
        tag_id: Option<i64>,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<Thread>, DbError> {
        let mut q = threads::table
            .filter(threads::category_id.eq(category_id))
            .select(Thread::as_select())
            .into_boxed();
        if let Some(tag_id) = tag_id {
            q = q.filter(
                threads::id.eq_any(
                    super::schema::thread_tags::table
                        .filter(super::schema::thread_tags::tag_id.eq(tag_id))
                        .select(super::schema::thread_tags::thread_id),
                ),
            );
        }
        q = if v.moderator {
            q.filter(threads::status.ne(ContentStatus::Deleted.as_str()))
        } else {
            q.filter(
                threads::status
                    .eq(ContentStatus::Visible.as_str())
                    .or(threads::status
                        .eq(ContentStatus::Held.as_str())
                        .and(threads::author_id.eq(v.viewer_id))),
            )
        };
        q = match sort {
            ThreadSort::Activity => q.order((
                threads::pinned.desc(),
                threads::last_activity_at.desc(),
                threads::id.desc(),
            )),
            ThreadSort::New => q.order((threads::pinned.desc(), threads::id.desc())),
            // Questions until an answer is accepted; discussions (which have none to accept)
            // until someone replies.
            ThreadSort::Unanswered => q
                .filter(threads::accepted_post_id.is_null())
                .filter(threads::kind.eq("question").or(threads::reply_count.eq(0)))
                .order((threads::pinned.desc(), threads::id.desc())),
        };
        Ok(q.offset(offset).limit(limit + 1).load(conn)?)
    }

    /// The latest threads in open spaces that `viewer_id` may see as a member (visible, and
    /// their own held ones), with each thread's space slug: only `in_category` when given, and
    /// never `except_category`.
    pub fn recent(
        conn: &mut DbConn,
        viewer_id: i64,
        in_category: Option<i64>,
        except_category: Option<i64>,
        limit: i64,
    ) -> Result<Vec<(Thread, String)>, DbError> {
        let mut q = threads::table
            .inner_join(categories::table)
            .filter(categories::archived.eq(false))
            .filter(
                threads::status
                    .eq(ContentStatus::Visible.as_str())
                    .or(threads::status
                        .eq(ContentStatus::Held.as_str())
                        .and(threads::author_id.eq(viewer_id))),
            )
            .select((Thread::as_select(), categories::slug))
            .order((threads::last_activity_at.desc(), threads::id.desc()))
            .into_boxed();
        if let Some(id) = in_category {
            q = q.filter(threads::category_id.eq(id));
        }
        if let Some(id) = except_category {
            q = q.filter(threads::category_id.ne(id));
        }
        Ok(q.limit(limit).load(conn)?)
    }

    pub fn touch_activity(
        conn: &mut DbConn,
        id: i64,
        at: NaiveDateTime,
        replies_delta: i32,
    ) -> Result<(), DbError> {
        diesel::update(threads::table.find(id))
            .set((
                threads::last_activity_at.eq(at),
                threads::updated_at.eq(at),
                threads::reply_count.eq(threads::reply_count + replies_delta),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Sets or clears a question's accepted answer.
    pub fn set_accepted(conn: &mut DbConn, id: i64, post_id: Option<i64>) -> Result<(), DbError> {
        diesel::update(threads::table.find(id))
            .set((
                threads::accepted_post_id.eq(post_id),
                threads::updated_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub fn set_status(conn: &mut DbConn, id: i64, status: ContentStatus) -> Result<(), DbError> {
        diesel::update(threads::table.find(id))
            .set((
                threads::status.eq(status.as_str()),
                threads::updated_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(())
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posts)]
pub struct Post {
    pub id: i64,
    pub thread_id: i64,
    pub author_id: i64,
    pub reply_to_id: Option<i64>,
    pub is_first: bool,
    pub body_markdown: String,
    pub body_html: String,
    pub body_text: String,
    pub status: String,
    pub held_reason: Option<String>,
    pub redacted: bool,
    pub helpful_count: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = posts)]
pub struct NewPost<'a> {
    pub thread_id: i64,
    pub author_id: i64,
    pub reply_to_id: Option<i64>,
    pub is_first: bool,
    pub body_markdown: &'a str,
    pub body_html: &'a str,
    pub body_text: &'a str,
    pub status: &'a str,
    pub held_reason: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Post {
    pub fn status(&self) -> ContentStatus {
        ContentStatus::parse(&self.status)
    }

    pub fn visible_to(&self, v: Visibility) -> bool {
        match self.status() {
            ContentStatus::Visible => true,
            ContentStatus::Held => v.moderator || self.author_id == v.viewer_id,
            ContentStatus::Hidden | ContentStatus::Deleted => v.moderator,
        }
    }

    pub fn insert(conn: &mut DbConn, new: &NewPost<'_>) -> Result<i64, DbError> {
        Ok(diesel::insert_into(posts::table)
            .values(new)
            .returning(posts::id)
            .get_result(conn)?)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> Result<Option<Post>, DbError> {
        Ok(posts::table
            .find(id)
            .select(Post::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn find_many(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Post>, DbError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(posts::table
            .filter(posts::id.eq_any(ids))
            .select(Post::as_select())
            .load(conn)?)
    }

    /// A page of a thread's posts in order, after `after_id`, `limit + 1` rows, filtered to what
    /// the viewer may see.
    pub fn list_for_thread(
        conn: &mut DbConn,
        thread_id: i64,
        v: Visibility,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<Post>, DbError> {
        let mut q = posts::table
            .filter(posts::thread_id.eq(thread_id))
            .filter(posts::id.gt(after_id))
            .select(Post::as_select())
            .order(posts::id.asc())
            .into_boxed();
        if !v.moderator {
            q = q.filter(
                posts::status
                    .eq(ContentStatus::Visible.as_str())
                    .or(posts::status
                        .eq(ContentStatus::Held.as_str())
                        .and(posts::author_id.eq(v.viewer_id))),
            );
        }
        Ok(q.limit(limit + 1).load(conn)?)
    }

    /// How many of a member's posts have been published (new members' first posts are held).
    pub fn published_count_by(conn: &mut DbConn, author_id: i64) -> Result<i64, DbError> {
        Ok(posts::table
            .filter(posts::author_id.eq(author_id))
            .filter(posts::status.eq(ContentStatus::Visible.as_str()))
            .count()
            .get_result(conn)?)
    }

    pub fn update_body(
        conn: &mut DbConn,
        id: i64,
        markdown: &str,
        html: &str,
        text: &str,
        at: NaiveDateTime,
    ) -> Result<(), DbError> {
        diesel::update(posts::table.find(id))
            .set((
                posts::body_markdown.eq(markdown),
                posts::body_html.eq(html),
                posts::body_text.eq(text),
                posts::updated_at.eq(at),
                posts::edited_at.eq(Some(at)),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub fn set_status(
        conn: &mut DbConn,
        id: i64,
        status: ContentStatus,
        held_reason: Option<&str>,
    ) -> Result<(), DbError> {
        diesel::update(posts::table.find(id))
            .set((
                posts::status.eq(status.as_str()),
                posts::held_reason.eq(held_reason),
                posts::updated_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(())
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = post_revisions)]
pub struct PostRevision {
    pub id: i64,
    pub post_id: i64,
    pub editor_id: i64,
    pub body_markdown: String,
    pub created_at: NaiveDateTime,
}

impl PostRevision {
    pub fn insert(
        conn: &mut DbConn,
        post_id: i64,
        editor_id: i64,
        markdown: &str,
    ) -> Result<(), DbError> {
        diesel::insert_into(post_revisions::table)
            .values((
                post_revisions::post_id.eq(post_id),
                post_revisions::editor_id.eq(editor_id),
                post_revisions::body_markdown.eq(markdown),
                post_revisions::created_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub fn list(conn: &mut DbConn, post_id: i64) -> Result<Vec<PostRevision>, DbError> {
        Ok(post_revisions::table
            .filter(post_revisions::post_id.eq(post_id))
            .order(post_revisions::id.asc())
            .select(PostRevision::as_select())
            .load(conn)?)
    }
}

/// Records that searchable content changed, for the indexer to pick up after commit.
pub fn enqueue_search(conn: &mut DbConn, entity_type: &str, entity_id: i64) -> Result<(), DbError> {
    diesel::insert_into(search_outbox::table)
        .values((
            search_outbox::entity_type.eq(entity_type),
            search_outbox::entity_id.eq(entity_id),
            search_outbox::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}
