//! Collections: curated, ordered sets of resources in sections, each with an introduction.
//! Curators create and change them; each write is one transaction with a search outbox row.

use serde::{Deserialize, Serialize};

use super::{LibraryError, slugify};
use crate::content::markdown;
use crate::db::audit::NewAudit;
use crate::db::forum::enqueue_search;
use crate::db::library::{CollectionFields, CollectionRow, NewSection, ResourceRow};
use crate::db::users::User;
use crate::db::{DbConn, now};
use crate::error::FieldError;

pub const STATUSES: [&str; 3] = ["draft", "published", "archived"];
pub const MAX_SECTIONS: usize = 30;
pub const MAX_ITEMS: usize = 100;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CollectionInput {
    pub title: String,
    /// From the title when absent on create; kept when absent on update.
    pub slug: Option<String>,
    pub summary: String,
    pub intro_markdown: String,
    /// draft (when empty), published or archived.
    pub status: String,
    pub featured: bool,
    pub is_demo: bool,
    pub sections: Vec<SectionInput>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SectionInput {
    pub title: String,
    pub intro_markdown: String,
    pub items: Vec<ItemInput>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemInput {
    /// The resource's slug.
    pub resource: String,
    pub note: Option<String>,
}

/// A section that passed validation: title, intro Markdown and HTML, items (resource id, note).
type CleanSection = (String, String, String, Vec<(i64, Option<String>)>);

pub fn create(
    conn: &mut DbConn,
    actor: &User,
    input: &CollectionInput,
) -> Result<CollectionRow, LibraryError> {
    write(conn, actor, None, input)
}

pub fn update(
    conn: &mut DbConn,
    actor: &User,
    slug: &str,
    input: &CollectionInput,
) -> Result<CollectionRow, LibraryError> {
    write(conn, actor, Some(slug), input)
}

fn write(
    conn: &mut DbConn,
    actor: &User,
    existing: Option<&str>,
    input: &CollectionInput,
) -> Result<CollectionRow, LibraryError> {
    if !actor.role().can_curate() {
        return Err(LibraryError::Forbidden);
    }
    conn.write_transaction::<_, LibraryError, _>(|c| {
        let before = match existing {
            Some(slug) => Some(
                CollectionRow::find_by_slug(c, slug)?
                    .ok_or(LibraryError::NotFound("collection"))?,
            ),
            None => None,
        };
        let mut errors: Vec<FieldError> = Vec::new();
        let mut fail = |field: &str, message: String| {
            errors.push(FieldError {
                field: field.to_owned(),
                message,
            })
        };
        let title =
            crate::validate::short_text(&input.title, 200, "Enter a title").unwrap_or_else(|m| {
                fail("title", m);
                String::new()
            });
        let summary = crate::validate::short_text(&input.summary, 600, "Enter a summary")
            .unwrap_or_else(|m| {
                fail("summary", m);
                String::new()
            });
        let slug = match input
            .slug
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => slugify(s),
            None => before
                .as_ref()
                .map_or_else(|| slugify(&title), |b| b.slug.clone()),
        };
        if slug.is_empty() && !title.is_empty() {
            fail("slug", "A slug needs letters or digits".into());
        }
        let status = match input.status.trim() {
            "" => before
                .as_ref()
                .map_or("draft".to_owned(), |b| b.status.clone()),
            s if STATUSES.contains(&s) => s.to_owned(),
            _ => {
                fail(
                    "status",
                    format!("Choose a status: one of {}", STATUSES.join(", ")),
                );
                String::new()
            }
        };
        let intro_html = markdown::render(&input.intro_markdown)
            .map(|r| r.html)
            .unwrap_or_else(|e| {
                fail("intro_markdown", e.to_string());
                String::new()
            });
        let mut sections: Vec<CleanSection> = Vec::new();
        let item_count: usize = input.sections.iter().map(|s| s.items.len()).sum();
        if input.sections.len() > MAX_SECTIONS {
            fail(
                "sections",
                format!("A collection can have at most {MAX_SECTIONS} sections"),
            );
        } else if item_count > MAX_ITEMS {
            fail(
                "sections",
                format!("A collection can hold at most {MAX_ITEMS} resources"),
            );
        } else {
            for (i, s) in input.sections.iter().enumerate() {
                let field = format!("sections[{i}]");
                let stitle = crate::validate::short_text(&s.title, 200, "Enter a section title")
                    .unwrap_or_else(|m| {
                        fail(&format!("{field}.title"), m);
                        String::new()
                    });
                let shtml = markdown::render(&s.intro_markdown)
                    .map(|r| r.html)
                    .unwrap_or_else(|e| {
                        fail(&format!("{field}.intro_markdown"), e.to_string());
                        String::new()
                    });
                let mut items = Vec::new();
                for (j, item) in s.items.iter().enumerate() {
                    let ifield = format!("{field}.items[{j}]");
                    let note = item
                        .note
                        .as_deref()
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .map(|n| crate::validate::short_text(n, 500, ""));
                    let note = match note {
                        None => None,
                        Some(Ok(n)) => Some(n),
                        Some(Err(m)) => {
                            fail(&format!("{ifield}.note"), m);
                            None
                        }
                    };
                    match ResourceRow::find_by_slug(c, item.resource.trim())? {
                        Some(r) if items.iter().any(|(id, _)| *id == r.id) => {}
                        Some(r) => items.push((r.id, note)),
                        None => fail(
                            &format!("{ifield}.resource"),
                            format!(
                                "No resource has the slug “{}”",
                                item.resource.chars().take(40).collect::<String>()
                            ),
                        ),
                    }
                }
                sections.push((stitle, s.intro_markdown.clone(), shtml, items));
            }
        }
        if !errors.is_empty() {
            return Err(LibraryError::Invalid(errors));
        }
        if CollectionRow::slug_taken(c, &slug, before.as_ref().map(|b| b.id))? {
            return Err(LibraryError::Conflict(
                "Another collection already uses this slug.".into(),
                vec![FieldError {
                    field: "slug".into(),
                    message: "This slug is already in use: choose another".into(),
                }],
            ));
        }
        let fields = CollectionFields {
            slug: &slug,
            title: &title,
            summary: &summary,
            intro_markdown: &input.intro_markdown,
            intro_html: &intro_html,
            status: &status,
            owner_id: before.as_ref().map_or(Some(actor.id), |b| b.owner_id),
            featured: input.featured,
            is_demo: input.is_demo,
            updated_at: now(),
        };
        let id = match &before {
            Some(b) => {
                CollectionRow::update(c, b.id, &fields)?;
                b.id
            }
            None => CollectionRow::insert(c, &fields)?,
        };
        let new_sections: Vec<NewSection<'_>> = sections
            .iter()
            .map(|(t, md, html, items)| NewSection {
                title: t,
                intro_markdown: md,
                intro_html: html,
                items: items.iter().map(|(id, n)| (*id, n.as_deref())).collect(),
            })
            .collect();
        CollectionRow::set_sections(c, id, &new_sections)?;
        let action = if before.is_some() {
            "collection_update"
        } else {
            "collection_create"
        };
        NewAudit {
            target_type: "collection",
            ..NewAudit::member(Some(actor.id), action, id)
        }
        .details(&slug)
        .write(c)?;
        enqueue_search(c, "collection", id)?;
        CollectionRow::find_by_slug(c, &slug)?.ok_or(LibraryError::NotFound("collection"))
    })
}
