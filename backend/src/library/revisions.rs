//! A resource's history: comparing two revisions field by field (a line diff of each field),
//! and restoring an earlier revision as a new one.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use super::LibraryError;
use super::resources::{Resource, ResourceInput, clean_note, editable, write_revision};
use crate::db::DbConn;
use crate::db::library::RevisionRow;
use crate::db::users::User;

/// A run of lines that are the same, inserted or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hunk {
    /// `equal`, `insert` or `delete`.
    pub kind: &'static str,
    /// The lines, each ending in a newline except perhaps the last.
    pub text: String,
}

/// How one field changed between two revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDiff {
    pub field: String,
    pub hunks: Vec<Hunk>,
}

/// The snapshot stored with a revision. Older snapshots may lack newer fields: they read as empty.
pub fn snapshot_of(row: &RevisionRow) -> Result<ResourceInput, LibraryError> {
    serde_json::from_str(&row.snapshot).map_err(|e| {
        LibraryError::Db(crate::db::DbError::Task(format!(
            "revision {} of resource {} has an unreadable snapshot: {e}",
            row.number, row.resource_id
        )))
    })
}

/// Each field as lines of text: lists one item a line, dates as YYYY-MM-DD, flags as yes/no.
fn field_texts(s: &ResourceInput) -> Vec<(&'static str, String)> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let flag = |b: bool| if b { "yes" } else { "no" }.to_owned();
    vec![
        ("title", s.title.clone()),
        ("slug", opt(&s.slug)),
        ("kind", s.kind.clone()),
        ("status", s.status.clone()),
        ("summary", s.summary.clone()),
        ("body_markdown", s.body_markdown.clone()),
        ("source_org", opt(&s.source_org)),
        ("authors", s.authors.join("\n")),
        ("audience", opt(&s.audience)),
        ("external_url", opt(&s.external_url)),
        ("published_on", date(s.published_on)),
        ("review_by", date(s.review_by)),
        ("owner", s.owner.map(|o| o.to_string()).unwrap_or_default()),
        ("topics", s.topics.join("\n")),
        ("regions", s.regions.join("\n")),
        ("tags", s.tags.join("\n")),
        ("superseded_by", opt(&s.superseded_by)),
        ("featured", flag(s.featured)),
        ("is_demo", flag(s.is_demo)),
    ]
}

/// The fields that differ from `old` to `new`, each as line hunks in order.
pub fn diff(old: &ResourceInput, new: &ResourceInput) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    for ((field, a), (_, b)) in field_texts(old).into_iter().zip(field_texts(new)) {
        if a == b {
            continue;
        }
        let text_diff = TextDiff::from_lines(a.as_str(), b.as_str());
        let mut hunks: Vec<Hunk> = Vec::new();
        for change in text_diff.iter_all_changes() {
            let kind = match change.tag() {
                ChangeTag::Equal => "equal",
                ChangeTag::Insert => "insert",
                ChangeTag::Delete => "delete",
            };
            match hunks.last_mut() {
                Some(h) if h.kind == kind => h.text.push_str(change.value()),
                _ => hunks.push(Hunk {
                    kind,
                    text: change.value().to_owned(),
                }),
            }
        }
        out.push(FieldDiff {
            field: field.to_owned(),
            hunks,
        });
    }
    out
}

/// Writes revision `number` of the resource at `slug` again as its newest revision. The slug and
/// status stay as they are now: addresses keep working, and status moves only through the
/// status workflow. Curators only.
pub fn restore(
    conn: &mut DbConn,
    actor: &User,
    slug: &str,
    number: i32,
    note: Option<&str>,
) -> Result<Resource, LibraryError> {
    if !actor.role().can_curate() {
        return Err(LibraryError::Forbidden);
    }
    let note = clean_note(note)?;
    conn.write_transaction::<_, LibraryError, _>(|c| {
        let row = editable(c, actor, slug)?;
        let old =
            RevisionRow::find(c, row.id, number)?.ok_or(LibraryError::NotFound("revision"))?;
        let mut input = snapshot_of(&old)?;
        input.slug = Some(row.slug.clone());
        input.status = row.status.clone();
        // A superseding resource since deleted can't be restored as a link.
        if let Some(s) = input.superseded_by.as_deref()
            && crate::db::library::ResourceRow::find_by_slug(c, s)?.is_none()
        {
            input.superseded_by = None;
        }
        let note = note.unwrap_or_else(|| format!("Restored revision {number}"));
        write_revision(c, actor, row, &input, Some(&note), true, "resource_restore")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_are_per_field_line_hunks() {
        let old = ResourceInput {
            title: "Old".into(),
            body_markdown: "one\ntwo\nthree\n".into(),
            tags: vec!["amhp".into()],
            ..Default::default()
        };
        let new = ResourceInput {
            title: "Old".into(),
            body_markdown: "one\n2\nthree\n".into(),
            tags: vec!["amhp".into(), "supervision".into()],
            ..Default::default()
        };
        let d = diff(&old, &new);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].field, "body_markdown");
        let kinds: Vec<&str> = d[0].hunks.iter().map(|h| h.kind).collect();
        assert_eq!(kinds, ["equal", "delete", "insert", "equal"]);
        assert_eq!(d[0].hunks[1].text, "two\n");
        assert_eq!(d[1].field, "tags");
    }
}
