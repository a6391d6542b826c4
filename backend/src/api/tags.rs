//! Tags: how a tag is normalised, the tag list with counts, and merging tags (admins).

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};
use unicode_normalization::UnicodeNormalization;
use unicode_security::MixedScript as _;

use super::page_limit;
use crate::auth::Viewer;
use crate::db::DbError;
use crate::db::audit::NewAudit;
use crate::db::forum::enqueue_search;
use crate::db::tags::{Tag as TagRow, TagInput};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Most tags one thread carries.
pub const MAX_TAGS: usize = 5;

#[derive(Tags)]
enum Tag {
    /// Tags on threads.
    Tags,
}

#[derive(Object)]
pub struct TagInfo {
    /// The normalised form that identifies the tag: lower case, letters, digits and hyphens.
    pub slug: String,
    /// How it was first written.
    pub name: String,
    /// Visible threads in open spaces carrying it.
    pub thread_count: i64,
}

#[derive(Object)]
pub struct TagList {
    pub items: Vec<TagInfo>,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct MergeRequest {
    /// The tag that goes away.
    pub from: String,
    /// The tag its threads get instead.
    pub into: String,
    pub reason: Option<String>,
}

#[derive(Object)]
pub struct MergeResult {
    pub into: TagInfo,
    /// Threads that carried `from`.
    pub threads: i64,
}

/// A tag as written → its slug and display name, or the message saying what is wrong with it.
/// Trimmed, NFKC, lower case, runs of spaces become one hyphen; then only letters, digits and
/// hyphens, 2 to 30 characters, in one script (so a Cyrillic "а" can't make a look-alike).
pub fn normalise_tag(raw: &str) -> Result<TagInput, String> {
    let name = raw
        .nfkc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let shown: String = name.chars().take(40).collect();
    let mut slug = String::with_capacity(name.len());
    for c in name.to_lowercase().chars() {
        let c = if c == ' ' { '-' } else { c };
        if c == '-' && (slug.is_empty() || slug.ends_with('-')) {
            continue;
        }
        slug.push(c);
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        return Err("Tags can't be empty".to_owned());
    }
    if !slug.chars().all(|c| c.is_alphanumeric() || c == '-') {
        return Err(format!(
            "Tag “{shown}” can only have letters, digits, spaces and hyphens"
        ));
    }
    let n = slug.chars().count();
    if !(2..=30).contains(&n) {
        return Err(format!("Tag “{shown}” must be 2 to 30 characters"));
    }
    if !slug.as_str().is_single_script() {
        return Err(format!(
            "Tag “{shown}” mixes letters from different alphabets"
        ));
    }
    Ok(TagInput { slug, name })
}

/// A thread's tags from a request: each normalised, duplicates dropped, at most `MAX_TAGS`.
pub fn parse_tags(raw: &[String]) -> ApiResult<Vec<TagInput>> {
    // Far more than any thread has: refuse before normalising thousands of strings.
    if raw.len() > 4 * MAX_TAGS {
        return Err(ApiError::field(
            "tags",
            format!("A thread can have at most {MAX_TAGS} tags"),
        ));
    }
    let mut out: Vec<TagInput> = Vec::new();
    let mut errors = crate::error::Validation::default();
    for t in raw {
        match normalise_tag(t) {
            Ok(tag) if !out.iter().any(|o| o.slug == tag.slug) => out.push(tag),
            Ok(_) => {}
            Err(message) => errors.fail("tags", message),
        }
    }
    errors.finish()?;
    if out.len() > MAX_TAGS {
        return Err(ApiError::field(
            "tags",
            format!("A thread can have at most {MAX_TAGS} tags"),
        ));
    }
    Ok(out)
}

pub struct TagsApi;

#[OpenApi(tag = "Tag::Tags")]
impl TagsApi {
    /// Tags, most used first, with how many threads every member can see carry each. `q`
    /// narrows to tags containing it.
    #[oai(path = "/tags", method = "get", operation_id = "listTags")]
    async fn list(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        q: Query<Option<String>>,
        limit: Query<Option<i64>>,
    ) -> ApiResult<Json<TagList>> {
        let user = viewer.require_member()?;
        // Moderators may see tags used only on held or hidden threads; members never see them.
        let include_unused = user.role().can_moderate();
        let limit = page_limit(limit.0)?;
        let q = q.0.map(|q| {
            q.nfkc()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join("-")
                .chars()
                .take(30)
                .collect::<String>()
        });
        let rows = state
            .db
            .run(move |c| TagRow::list_with_counts(c, q.as_deref(), include_unused, limit))
            .await?;
        Ok(Json(TagList {
            items: rows
                .into_iter()
                .map(|(t, n)| TagInfo {
                    slug: t.slug,
                    name: t.name,
                    thread_count: n,
                })
                .collect(),
        }))
    }

    /// Merge one tag into another: threads tagged `from` are tagged `into` instead (once), and
    /// `from` is deleted.
    #[oai(
        path = "/admin/tags/merge",
        method = "post",
        operation_id = "mergeTags"
    )]
    async fn merge(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        body: Json<MergeRequest>,
    ) -> ApiResult<Json<MergeResult>> {
        let actor = viewer.require_admin()?.id;
        let mut v = crate::error::Validation::default();
        let from = v.check("from", normalise_tag(&body.from));
        let into = v.check("into", normalise_tag(&body.into));
        v.finish()?;
        let (Some(from), Some(into)) = (from, into) else {
            return Err(ApiError::field("from", "Enter both tags"));
        };
        if from.slug == into.slug {
            return Err(ApiError::field(
                "into",
                "Choose a different tag to merge into",
            ));
        }
        let reason = body
            .0
            .reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        let outcome = state
            .db
            .run(move |c| {
                let Some(from_tag) = TagRow::find_by_slug(c, &from.slug)? else {
                    return Ok(Err(ApiError::not_found("tag")));
                };
                let Some(into_tag) = TagRow::find_by_slug(c, &into.slug)? else {
                    return Ok(Err(ApiError::not_found("tag")));
                };
                let moved = c.write_transaction::<_, DbError, _>(|c| {
                    let moved = TagRow::merge(c, from_tag.id, into_tag.id)?;
                    for thread_id in &moved {
                        enqueue_search(c, "thread", *thread_id)?;
                    }
                    let details = serde_json::json!({
                        "from": from_tag.slug,
                        "into": into_tag.slug,
                        "threads": moved.len(),
                    })
                    .to_string();
                    let mut entry = NewAudit::member(Some(actor), "tag.merged", into_tag.id)
                        .reason(reason.as_deref())
                        .details(&details);
                    entry.target_type = "tag";
                    entry.write(c)?;
                    Ok(moved)
                })?;
                let count = TagRow::list_with_counts(c, Some(&into_tag.slug), true, 100)?
                    .into_iter()
                    .find(|(t, _)| t.id == into_tag.id)
                    .map_or(0, |(_, n)| n);
                Ok(Ok(MergeResult {
                    into: TagInfo {
                        slug: into_tag.slug,
                        name: into_tag.name,
                        thread_count: count,
                    },
                    threads: moved.len() as i64,
                }))
            })
            .await??;
        Ok(Json(outcome))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::normalise_tag;

    #[test]
    fn tags_are_normalised() {
        let t = normalise_tag("  Section   136 ").unwrap();
        assert_eq!(t.slug, "section-136");
        assert_eq!(t.name, "Section 136");
        assert_eq!(normalise_tag("ＡＭＨＰ").unwrap().slug, "amhp");
        assert_eq!(
            normalise_tag("best--interests-").unwrap().slug,
            "best-interests"
        );
        assert_eq!(
            normalise_tag("Gwasanaeth ŵyr").unwrap().slug,
            "gwasanaeth-ŵyr"
        );
        assert!(normalise_tag("a").is_err());
        assert!(normalise_tag(&"x".repeat(31)).is_err());
        assert!(normalise_tag("<script>").is_err());
        assert!(normalise_tag("c#").is_err());
        assert!(
            normalise_tag("аmhp").is_err(),
            "Cyrillic а with Latin letters"
        );
    }
}
