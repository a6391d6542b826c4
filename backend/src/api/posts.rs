//! Posts: editing with revisions, soft deletion, the editor's preview and case-information check.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use super::auth::NoContent;
use super::utc;
use crate::auth::Viewer;
use crate::content::case_guard::Finding;
use crate::db::audit::NewAudit;
use crate::db::forum::{ContentStatus, Post, PostRevision, Thread, Visibility, enqueue_search};
use crate::db::users::User;
use crate::db::{DbError, now};
use crate::error::{ApiError, ApiResult};
use crate::forum::{EDIT_WINDOW, REASON_CASE_INFORMATION, render_and_scan, visibility};
use crate::state::AppState;

#[derive(Tags)]
enum Tag {
    /// Posts, the editor's preview and check.
    Posts,
}

#[derive(Object)]
pub struct PostView {
    pub id: i64,
    pub thread_id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub reply_to_id: Option<i64>,
    pub is_first: bool,
    /// Sanitised HTML, rendered when the post was written.
    pub body_html: String,
    /// `visible`, `held` (awaiting review), `hidden` or `deleted` (the last two only for moderators).
    pub status: String,
    /// Why it is held (shown to its author and moderators).
    pub held_reason: Option<String>,
    pub helpful_count: i32,
    /// Whether the viewer has marked this post helpful.
    pub viewer_found_helpful: bool,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// The Markdown source, present only when the viewer may edit the post now (its author
    /// within the edit window, or a moderator of the space), to fill the edit form.
    pub body_markdown: Option<String>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct EditRequest {
    /// Markdown.
    pub body: String,
    /// Required when a moderator edits someone else's post.
    pub reason: Option<String>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct DeleteRequest {
    /// Required when a moderator deletes someone else's post.
    pub reason: Option<String>,
}

#[derive(Object)]
pub struct Revision {
    pub id: i64,
    pub editor_id: i64,
    pub body_markdown: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct RevisionList {
    pub items: Vec<Revision>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct TextRequest {
    /// Markdown.
    pub body: String,
}

#[derive(Object)]
pub struct CaseFinding {
    /// What kind of identifier it looks like (`nhs_number`, `postcode`, ...).
    pub kind: String,
    /// What to tell the writer.
    pub description: String,
    /// Byte offsets into the submitted text.
    pub start: u32,
    pub end: u32,
    pub matched: String,
}

#[derive(Object)]
pub struct CheckResult {
    /// Empty when nothing looks like case information.
    pub findings: Vec<CaseFinding>,
}

#[derive(Object)]
pub struct Preview {
    /// Exactly what publishing would show.
    pub html: String,
    pub findings: Vec<CaseFinding>,
}

pub struct PostsApi;

#[OpenApi(tag = "Tag::Posts")]
impl PostsApi {
    /// Edit a post: its author within the edit window, or a moderator of the space (with a
    /// reason). The previous text is kept as a revision.
    #[oai(path = "/posts/:id", method = "patch", operation_id = "editPost")]
    async fn edit(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<EditRequest>,
    ) -> ApiResult<Json<PostView>> {
        let editor = viewer.require_writer()?.clone();
        if body.body.trim().is_empty() {
            return Err(ApiError::field("body", "Enter your post"));
        }
        let mut checked = render_and_scan(body.body.clone(), None).await?;
        checked.watched = crate::watched::screen_post(&state, None, &body.body, &checked).await?;
        let cache = state.watched.clone();
        let reason = super::moderation::optional_reason(body.reason.as_deref())?;
        let markdown = body.0.body;
        let id = id.0;
        let outcome = state
            .db
            .run(move |c| {
                let Some((post, thread, v)) = load(c, &editor, id)? else {
                    return Ok(Err(ApiError::not_found("post")));
                };
                let own = post.author_id == editor.id;
                if post.redacted || post.status() == ContentStatus::Deleted {
                    return Ok(Err(ApiError::conflict(
                        "This post can't be edited.",
                        vec![],
                    )));
                }
                if !own && !v.moderator {
                    return Ok(Err(ApiError::not_allowed()));
                }
                if own && !v.moderator && now() - post.created_at > EDIT_WINDOW {
                    return Ok(Err(ApiError::forbidden(
                        "edit-window",
                        "The time to edit this post has passed",
                        "Posts can be edited for 30 minutes.",
                    )));
                }
                if !own && reason.is_none() {
                    return Ok(Err(ApiError::field(
                        "reason",
                        "Give a reason for editing someone else's post",
                    )));
                }
                c.write_transaction::<_, DbError, _>(|c| {
                    let at = now();
                    PostRevision::insert(c, post.id, editor.id, &post.body_markdown)?;
                    Post::update_body(
                        c,
                        post.id,
                        &markdown,
                        &checked.rendered.html,
                        &checked.rendered.text,
                        at,
                    )?;
                    // An edit that adds case information goes back for review, whoever
                    // made it: moderators' posts are held for it like anyone else's.
                    if !checked.findings.is_empty() && post.status() == ContentStatus::Visible {
                        crate::moderation::set_post_status(
                            c,
                            &post,
                            &thread,
                            ContentStatus::Held,
                            Some(REASON_CASE_INFORMATION),
                        )?;
                    }
                    crate::watched::after_edit(c, &cache, &post, &checked, v.moderator)?;
                    if !own {
                        NewAudit::content(
                            Some(editor.id),
                            "post.edited",
                            "post",
                            post.id,
                            thread.category_id,
                            post.author_id,
                        )
                        .reason(reason.as_deref())
                        .write(c)?;
                    }
                    enqueue_search(
                        c,
                        if post.is_first { "thread" } else { "post" },
                        if post.is_first { thread.id } else { post.id },
                    )?;
                    Ok(())
                })?;
                let updated =
                    Post::find(c, id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))?;
                let names = User::names(c, &[updated.author_id])?;
                let helpful = crate::db::helpful::HelpfulMark::exists(c, updated.id, editor.id)?;
                Ok(Ok(PostView {
                    viewer_found_helpful: helpful,
                    ..post_view(updated, &names, v)
                }))
            })
            .await??;
        Ok(Json(outcome))
    }

    /// Earlier versions of a post (its author and moderators).
    #[oai(
        path = "/posts/:id/revisions",
        method = "get",
        operation_id = "listPostRevisions"
    )]
    async fn revisions(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
    ) -> ApiResult<Json<RevisionList>> {
        let user = viewer.require_member()?.clone();
        let id = id.0;
        let found = state
            .db
            .run(move |c| {
                let Some((post, _, v)) = load(c, &user, id)? else {
                    return Ok(None);
                };
                if post.author_id != user.id && !v.moderator {
                    return Ok(None);
                }
                Ok(Some(PostRevision::list(c, id)?))
            })
            .await?;
        let revisions = found.ok_or_else(|| ApiError::not_found("post"))?;
        Ok(Json(RevisionList {
            items: revisions
                .into_iter()
                .map(|r| Revision {
                    id: r.id,
                    editor_id: r.editor_id,
                    body_markdown: r.body_markdown,
                    created_at: utc(r.created_at),
                })
                .collect(),
        }))
    }

    /// Delete a post (soft: moderators can restore it). Moderators give a reason.
    #[oai(path = "/posts/:id", method = "delete", operation_id = "deletePost")]
    async fn delete(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<DeleteRequest>,
    ) -> ApiResult<NoContent> {
        let user = viewer.require_writer()?.clone();
        let reason = super::moderation::optional_reason(body.reason.as_deref())?;
        let id = id.0;
        state
            .db
            .run(move |c| {
                let Some((post, thread, v)) = load(c, &user, id)? else {
                    return Ok(Err(ApiError::not_found("post")));
                };
                let own = post.author_id == user.id;
                if !own && !v.moderator {
                    return Ok(Err(ApiError::not_allowed()));
                }
                if !own && reason.is_none() {
                    return Ok(Err(ApiError::field(
                        "reason",
                        "Give a reason for deleting someone else's post",
                    )));
                }
                c.write_transaction::<_, DbError, _>(|c| {
                    crate::moderation::set_post_status(
                        c,
                        &post,
                        &thread,
                        ContentStatus::Deleted,
                        None,
                    )?;
                    if !own {
                        NewAudit::content(
                            Some(user.id),
                            "post.deleted",
                            "post",
                            post.id,
                            thread.category_id,
                            post.author_id,
                        )
                        .reason(reason.as_deref())
                        .write(c)
                    } else {
                        Ok(())
                    }
                })?;
                Ok(Ok(()))
            })
            .await??;
        Ok(NoContent::NoContent)
    }

    /// Render Markdown exactly as publishing would, with any case-information findings.
    #[oai(path = "/preview", method = "post", operation_id = "previewPost")]
    async fn preview(
        &self,
        viewer: Data<&Viewer>,
        body: Json<TextRequest>,
    ) -> ApiResult<Json<Preview>> {
        viewer.require_member()?;
        let checked = render_and_scan(body.0.body, None).await?;
        Ok(Json(Preview {
            html: checked.rendered.html,
            findings: checked.findings.into_iter().map(finding).collect(),
        }))
    }

    /// What in a text looks like information that could identify a person who uses services.
    #[oai(path = "/posts/check", method = "post", operation_id = "checkPost")]
    async fn check(
        &self,
        viewer: Data<&Viewer>,
        body: Json<TextRequest>,
    ) -> ApiResult<Json<CheckResult>> {
        viewer.require_member()?;
        if body.body.len() > 64 * 1024 {
            return Err(ApiError::field("body", "The text is too long to check"));
        }
        let text = body.0.body;
        let findings = tokio::task::spawn_blocking(move || crate::content::case_guard::scan(&text))
            .await
            .map_err(|e| ApiError::internal(&e))?;
        Ok(Json(CheckResult {
            findings: findings.into_iter().map(finding).collect(),
        }))
    }
}

/// A post with its thread and what the viewer may see, or None when it is not theirs to see.
fn load(
    c: &mut crate::db::DbConn,
    user: &User,
    id: i64,
) -> Result<Option<(Post, Thread, Visibility)>, DbError> {
    let Some(post) = Post::find(c, id)? else {
        return Ok(None);
    };
    let Some(thread) = Thread::find(c, post.thread_id)? else {
        return Ok(None);
    };
    let v = visibility(c, user, thread.category_id)?;
    if !thread.visible_to(v) || !post.visible_to(v) {
        return Ok(None);
    }
    Ok(Some((post, thread, v)))
}

pub(crate) fn finding(f: Finding) -> CaseFinding {
    CaseFinding {
        kind: format!("{:?}", f.kind),
        description: f.kind.describe().to_owned(),
        start: f.start as u32,
        end: f.end as u32,
        matched: f.matched,
    }
}

pub fn post_view(p: Post, names: &[(i64, String)], v: Visibility) -> PostView {
    let show_reason = v.moderator || p.author_id == v.viewer_id;
    let editable = !p.redacted
        && p.status() != ContentStatus::Deleted
        && (v.moderator || (p.author_id == v.viewer_id && now() - p.created_at <= EDIT_WINDOW));
    PostView {
        body_markdown: editable.then(|| p.body_markdown.clone()),
        author_name: names
            .iter()
            .find(|(id, _)| *id == p.author_id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default(),
        id: p.id,
        thread_id: p.thread_id,
        author_id: p.author_id,
        reply_to_id: p.reply_to_id,
        is_first: p.is_first,
        body_html: p.body_html,
        status: p.status,
        held_reason: if show_reason { p.held_reason } else { None },
        helpful_count: p.helpful_count,
        // Filled in by callers that know the viewer's marks.
        viewer_found_helpful: false,
        created_at: utc(p.created_at),
        edited_at: p.edited_at.map(utc),
    }
}
