//! Import and export of library resources as Markdown files with YAML front matter: the format
//! curators keep guidance in outside the product, and the one the demo library ships in.
//!
//! Import is idempotent by slug: a file whose normalised fields equal the stored resource is left
//! alone, a changed one updates it (a new revision), a new one creates it. Every file is decided
//! on its own, so good files are imported even when others fail.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::LibraryError;
use super::resources::{Resource, ResourceInput};
use crate::db::attachments::{Attachment, AttachmentVersion, NewFile};
use crate::db::audit::NewAudit;
use crate::db::forum::enqueue_search;
use crate::db::library::ResourceRow;
use crate::db::schema::{categories, resources, users};
use crate::db::users::User;
use crate::db::{DbConn, DbError};
use crate::files::store::{FileStore, sha256_hex};
use crate::files::{names, sniff};
use crate::model::Region;

pub const KINDS: [&str; 8] = [
    "guidance",
    "toolkit",
    "framework",
    "report",
    "video",
    "training",
    "practice_example",
    "template",
];
pub const STATUSES: [&str; 4] = ["draft", "in_review", "published", "archived"];

/// The front matter of one file. Unknown keys are refused, so a misspelt key is a failure
/// rather than a silently dropped field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    pub kind: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The source organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_by: Option<NaiveDate>,
    /// draft, in_review, published (the default) or archived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_url: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub featured: bool,
    /// The owner's e-mail address (a curator or admin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The slug of the resource that replaces this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    /// Demonstration content, shipped with the product.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
    /// Files to attach, relative to the file's folder.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
}

/// Splits `---\nYAML\n---\nbody` into the front matter and the body.
pub fn split_front_matter(text: &str) -> Result<(&str, &str), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or("the file does not start with front matter (a line `---`)")?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let body = &rest[offset + line.len()..];
            return Ok((&rest[..offset], body));
        }
        offset += line.len();
    }
    Err("the front matter is not closed by a line `---`".into())
}

/// Where the files come from: a folder on disk, or the demo library built into the binary.
pub enum Source<'a> {
    Dir(PathBuf),
    Embedded(&'a include_dir::Dir<'a>),
}

/// One Markdown file as read.
pub struct SourceFile {
    /// The file name, as shown in the report.
    pub name: String,
    pub text: Result<String, String>,
}

impl Source<'_> {
    /// The `.md` files at the top of the source, by name.
    pub fn markdown_files(&self) -> Result<Vec<SourceFile>, String> {
        let mut out = Vec::new();
        match self {
            Source::Dir(dir) => {
                let entries = std::fs::read_dir(dir)
                    .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
                for entry in entries {
                    let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
                    let path = entry.path();
                    if path.extension().is_some_and(|x| x == "md") && path.is_file() {
                        let name = entry.file_name().to_string_lossy().into_owned();
                        let text = std::fs::read(&path)
                            .map_err(|e| format!("cannot read the file: {e}"))
                            .and_then(|b| {
                                String::from_utf8(b).map_err(|_| "the file is not UTF-8".into())
                            });
                        out.push(SourceFile { name, text });
                    }
                }
            }
            Source::Embedded(dir) => {
                for file in dir.files() {
                    let path = file.path();
                    if path.extension().is_some_and(|x| x == "md") {
                        out.push(SourceFile {
                            name: path.display().to_string(),
                            text: file
                                .contents_utf8()
                                .map(str::to_owned)
                                .ok_or_else(|| "the file is not UTF-8".into()),
                        });
                    }
                }
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// The bytes of an attachment named relative to the source's folder. Paths that leave the
    /// folder (`..`, absolute paths, or links pointing outside) are refused.
    pub fn attachment(&self, relative: &str) -> Result<(String, Vec<u8>), String> {
        let rel = Path::new(relative);
        if relative.trim().is_empty() {
            return Err("an attachment path is empty".into());
        }
        if rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return Err(format!(
                "attachment {relative:?} is outside the import folder (use a path relative to it, without ..)"
            ));
        }
        let file_name = rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| format!("attachment {relative:?} names no file"))?;
        match self {
            Source::Dir(dir) => {
                let path = dir.join(rel);
                let missing = || format!("attachment {relative:?} does not exist");
                let real = path.canonicalize().map_err(|_| missing())?;
                let root = dir.canonicalize().map_err(|_| missing())?;
                if !real.starts_with(&root) {
                    return Err(format!(
                        "attachment {relative:?} is outside the import folder"
                    ));
                }
                if !real.is_file() {
                    return Err(format!("attachment {relative:?} is not a file"));
                }
                let bytes = std::fs::read(&real)
                    .map_err(|e| format!("cannot read attachment {relative:?}: {e}"))?;
                Ok((file_name, bytes))
            }
            Source::Embedded(dir) => dir
                .get_file(rel)
                .map(|f| (file_name, f.contents().to_vec()))
                .ok_or_else(|| format!("attachment {relative:?} does not exist")),
        }
    }
}

/// A resource's fields as import compares them: lists sorted where their order carries no
/// meaning, text trimmed, so a file that only reorders topics is "unchanged".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalised {
    pub slug: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub source: Option<String>,
    pub authors: Vec<String>,
    pub audience: Option<String>,
    pub external_url: Option<String>,
    pub published: Option<NaiveDate>,
    pub review_by: Option<NaiveDate>,
    pub owner: Option<String>,
    pub topics: BTreeSet<String>,
    pub regions: BTreeSet<String>,
    pub tags: BTreeSet<String>,
    pub status: String,
    pub superseded_by: Option<String>,
    pub featured: bool,
    pub demo: bool,
}

fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// The body as stored: trailing whitespace and the leading blank line after the front matter
/// carry no meaning.
pub fn normalise_body(body: &str) -> String {
    body.trim_matches(|c| c == '\n' || c == '\r')
        .trim_end()
        .to_owned()
}

fn tag_slug(name: &str) -> Result<String, String> {
    crate::api::tags::normalise_tag(name).map(|t| t.slug)
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 120
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A file parsed and checked against what the database knows (topics, owner), ready to apply.
pub struct Parsed {
    pub fields: Normalised,
    pub tag_names: Vec<String>,
    pub owner_id: Option<i64>,
    /// (file name, bytes) of each attachment, in the file's order.
    pub attachments: Vec<(String, Vec<u8>)>,
    /// The attachments checked and named as uploads are (filled in by the import).
    pub files: Vec<PreparedFile>,
}

/// Parses one file; every problem is a reason naming what to fix.
pub fn parse_file(
    conn: &mut DbConn,
    source: &Source<'_>,
    name: &str,
    text: &str,
) -> Result<Result<Parsed, String>, DbError> {
    let (yaml, body) = match split_front_matter(text) {
        Ok(parts) => parts,
        Err(e) => return Ok(Err(e)),
    };
    let fm: FrontMatter = match serde_yaml_ng::from_str(yaml) {
        Ok(fm) => fm,
        Err(e) => return Ok(Err(format!("bad front matter: {e}"))),
    };
    let slug = match &fm.slug {
        Some(s) => s.trim().to_owned(),
        None => name
            .rsplit('/')
            .next()
            .unwrap_or(name)
            .trim_end_matches(".md")
            .to_owned(),
    };
    if !is_slug(&slug) {
        return Ok(Err(format!(
            "slug {slug:?} must be lower-case letters, digits and hyphens"
        )));
    }
    if fm.title.trim().is_empty() {
        return Ok(Err("title is empty".into()));
    }
    let kind = fm.kind.trim().to_owned();
    if !KINDS.contains(&kind.as_str()) {
        return Ok(Err(format!(
            "unknown kind {kind:?} (one of {})",
            KINDS.join(", ")
        )));
    }
    let status = fm
        .status
        .as_deref()
        .map(str::trim)
        .unwrap_or("published")
        .to_owned();
    if !STATUSES.contains(&status.as_str()) {
        return Ok(Err(format!(
            "unknown status {status:?} (one of {})",
            STATUSES.join(", ")
        )));
    }
    let mut topics = BTreeSet::new();
    for t in &fm.topics {
        let t = t.trim();
        let known = categories::table
            .filter(categories::slug.eq(t))
            .filter(categories::kind.eq("topic"))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if !known {
            return Ok(Err(format!(
                "unknown topic {t:?} (use a topic space's slug)"
            )));
        }
        topics.insert(t.to_owned());
    }
    let mut regions = BTreeSet::new();
    for r in &fm.regions {
        let r = r.trim();
        if Region::parse(r).is_none() {
            return Ok(Err(format!(
                "unknown region {r:?} (one of {})",
                Region::ALL.map(Region::as_str).join(", ")
            )));
        }
        regions.insert(r.to_owned());
    }
    let mut tag_set = BTreeSet::new();
    let mut tag_names = Vec::new();
    for t in &fm.tags {
        match tag_slug(t) {
            Ok(s) => {
                if tag_set.insert(s) {
                    tag_names.push(t.trim().to_owned());
                }
            }
            Err(e) => return Ok(Err(format!("tag {t:?}: {e}"))),
        }
    }
    let owner = trimmed(&fm.owner).map(|o| o.to_lowercase());
    let owner_id = match &owner {
        None => None,
        Some(email) => match User::find_by_email(conn, email)? {
            Some(u) if u.role().can_curate() => Some(u.id),
            Some(_) => {
                return Ok(Err(format!("owner {email} is not a curator or an admin")));
            }
            None => return Ok(Err(format!("owner {email}: no account with that address"))),
        },
    };
    if let Some(url) = trimmed(&fm.external_url)
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Ok(Err(format!(
            "external_url {url:?} must be an http(s) address"
        )));
    }
    let mut attachments = Vec::new();
    for a in &fm.attachments {
        match source.attachment(a) {
            Ok(file) => attachments.push(file),
            Err(e) => return Ok(Err(e)),
        }
    }
    Ok(Ok(Parsed {
        fields: Normalised {
            slug,
            kind,
            title: fm.title.trim().to_owned(),
            summary: fm.summary.trim().to_owned(),
            body: normalise_body(body),
            source: trimmed(&fm.source),
            authors: fm
                .authors
                .iter()
                .map(|a| a.trim().to_owned())
                .filter(|a| !a.is_empty())
                .collect(),
            audience: trimmed(&fm.audience),
            external_url: trimmed(&fm.external_url),
            published: fm.published,
            review_by: fm.review_by,
            owner,
            topics,
            regions,
            tags: tag_set,
            status,
            superseded_by: trimmed(&fm.superseded_by),
            featured: fm.featured,
            demo: fm.demo,
        },
        tag_names,
        owner_id,
        attachments,
        files: Vec::new(),
    }))
}

/// A stored resource read back in the import's terms, with its id and revision.
pub struct Stored {
    pub id: i64,
    pub revision: i32,
    pub fields: Normalised,
    /// Tag slugs as stored, for export.
    pub tag_names: Vec<String>,
}

fn stored_from(conn: &mut DbConn, r: Resource) -> Result<Stored, DbError> {
    let owner = match r.owner_id {
        Some(id) => users::table
            .find(id)
            .select(users::email)
            .first::<String>(conn)
            .optional()?,
        None => None,
    };
    Ok(Stored {
        id: r.id,
        revision: r.revision,
        tag_names: r.tags.clone(),
        fields: Normalised {
            slug: r.slug,
            kind: r.kind,
            title: r.title,
            summary: r.summary.trim().to_owned(),
            body: normalise_body(&r.body_markdown),
            source: trimmed(&r.source_org),
            authors: r.authors,
            audience: trimmed(&r.audience),
            external_url: trimmed(&r.external_url),
            published: r.published_on,
            review_by: r.review_by,
            owner,
            topics: r.topics.into_iter().collect(),
            regions: r.regions.into_iter().collect(),
            tags: r.tags.into_iter().collect(),
            status: r.status,
            superseded_by: r.superseded_by,
            featured: r.featured,
            demo: r.is_demo,
        },
    })
}

/// The stored resource with this slug, if there is one.
pub fn stored(conn: &mut DbConn, slug: &str) -> Result<Option<Stored>, DbError> {
    match Resource::find_by_slug(conn, slug)? {
        Some(r) => Ok(Some(stored_from(conn, r)?)),
        None => Ok(None),
    }
}

/// Every stored resource, by slug.
pub fn all_stored(conn: &mut DbConn) -> Result<Vec<Stored>, DbError> {
    let rows: Vec<ResourceRow> = resources::table
        .select(ResourceRow::as_select())
        .order(resources::slug)
        .load(conn)?;
    Resource::load_many(conn, rows)?
        .into_iter()
        .map(|r| stored_from(conn, r))
        .collect()
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct FileReport {
    pub file: String,
    pub slug: Option<String>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub dry_run: bool,
    pub files: Vec<FileReport>,
}

impl ImportReport {
    pub fn count(&self, pick: fn(&Outcome) -> bool) -> usize {
        self.files.iter().filter(|f| pick(&f.outcome)).count()
    }

    pub fn created(&self) -> usize {
        self.count(|o| *o == Outcome::Created)
    }

    pub fn updated(&self) -> usize {
        self.count(|o| *o == Outcome::Updated)
    }

    pub fn unchanged(&self) -> usize {
        self.count(|o| *o == Outcome::Unchanged)
    }

    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed(_)))
    }

    /// The report for the terminal: one line per created, updated or failed file, then totals.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let (created, updated) = if self.dry_run {
            ("would create", "would update")
        } else {
            ("created", "updated")
        };
        for f in &self.files {
            let slug = f.slug.as_deref().unwrap_or("-");
            match &f.outcome {
                Outcome::Created => out.push_str(&format!("{created:>12}  {} ({slug})\n", f.file)),
                Outcome::Updated => out.push_str(&format!("{updated:>12}  {} ({slug})\n", f.file)),
                Outcome::Unchanged => {}
                Outcome::Failed(why) => {
                    out.push_str(&format!("{:>12}  {}: {why}\n", "failed", f.file))
                }
            }
        }
        out.push_str(&format!(
            "{}{} created, {} updated, {} unchanged, {} failed\n",
            if self.dry_run {
                "Dry run, nothing written: "
            } else {
                ""
            },
            self.created(),
            self.updated(),
            self.unchanged(),
            self.failed()
        ));
        out
    }
}

/// How an import runs.
#[derive(Clone, Copy, Default)]
pub struct ImportOptions<'a> {
    /// Decide and report, write nothing.
    pub dry_run: bool,
    /// Mark everything imported as demo content.
    pub demo: bool,
    /// Where attachments go; without one, a file with attachments fails.
    pub files: Option<&'a FileStore>,
    /// The largest attachment accepted (the upload's limit, `ATTACHMENT_MAX_BYTES`).
    pub max_attachment_bytes: usize,
}

/// Why a file's transaction ended without committing.
enum Abort {
    Db(DbError),
    /// A dry run: undo everything, report what would have happened.
    DryRun(Outcome),
    Refused(String),
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Self {
        Abort::Db(DbError::Query(e))
    }
}

impl From<DbError> for Abort {
    fn from(e: DbError) -> Self {
        Abort::Db(e)
    }
}

/// Imports every `.md` file of `source` as `actor`. Database failures stop the import; a bad
/// file is reported and the others go on. `progress` is told of each file as it starts.
pub fn import(
    conn: &mut DbConn,
    actor: &User,
    source: &Source<'_>,
    options: ImportOptions<'_>,
    progress: &mut dyn FnMut(&str),
) -> Result<ImportReport, DbError> {
    let mut report = ImportReport {
        dry_run: options.dry_run,
        files: Vec::new(),
    };
    let files = match source.markdown_files() {
        Ok(files) => files,
        Err(e) => {
            report.files.push(FileReport {
                file: String::new(),
                slug: None,
                outcome: Outcome::Failed(e),
            });
            return Ok(report);
        }
    };
    let mut parsed = Vec::new();
    for file in files {
        let outcome = match &file.text {
            Err(e) => Err(e.clone()),
            Ok(text) => parse_file(conn, source, &file.name, text)?,
        }
        .and_then(|mut p| {
            p.files = prepare_files(&p.attachments, options.max_attachment_bytes)?;
            Ok(p)
        });
        match outcome {
            Ok(mut p) => {
                p.fields.demo |= options.demo;
                // Without an owner the importer owns the resource, as the library's create does.
                if p.fields.owner.is_none() {
                    p.fields.owner = Some(actor.email.clone());
                    p.owner_id = Some(actor.id);
                }
                if let Some((other, _)) = parsed
                    .iter()
                    .find(|(_, q): &&(String, Parsed)| q.fields.slug == p.fields.slug)
                {
                    report.files.push(FileReport {
                        file: file.name,
                        slug: Some(p.fields.slug),
                        outcome: Outcome::Failed(format!("the slug is also used by {other}")),
                    });
                } else {
                    parsed.push((file.name, p));
                }
            }
            Err(why) => {
                progress(&file.name);
                report.files.push(FileReport {
                    file: file.name,
                    slug: None,
                    outcome: Outcome::Failed(why),
                });
            }
        }
    }
    // A file that names its replacement waits until the replacement has been imported.
    parsed.sort_by_key(|(_, p)| p.fields.superseded_by.is_some());
    for (name, p) in parsed {
        progress(&name);
        let slug = p.fields.slug.clone();
        let outcome = import_one(conn, actor, &name, &p, options)?;
        report.files.push(FileReport {
            file: name,
            slug: Some(slug),
            outcome,
        });
    }
    report.files.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(report)
}

fn import_one(
    conn: &mut DbConn,
    actor: &User,
    file: &str,
    p: &Parsed,
    options: ImportOptions<'_>,
) -> Result<Outcome, DbError> {
    let dry_run = options.dry_run;
    let result = conn.write_transaction::<Outcome, Abort, _>(|c| {
        let existing = stored(c, &p.fields.slug)?;
        let outcome = match &existing {
            None => Outcome::Created,
            Some(s) if s.fields == p.fields && !attachments_changed(c, s.id, p)? => {
                return Ok(Outcome::Unchanged);
            }
            Some(_) => Outcome::Updated,
        };
        if let Some(target) = &p.fields.superseded_by
            && stored(c, target)?.is_none()
        {
            return Err(Abort::Refused(format!(
                "superseded_by {target:?}: no resource with that slug"
            )));
        }
        let (id, revised) = apply(c, actor, file, p, existing.as_ref())?;
        let attached = store_attachments(c, actor, id, p, options.files, dry_run)?;
        let revised = revised || attached;
        // The library's own comparison is the last word: no new revision, no change.
        let outcome = if revised { outcome } else { Outcome::Unchanged };
        if dry_run {
            return Err(Abort::DryRun(outcome));
        }
        Ok(outcome)
    });
    match result {
        Ok(outcome) | Err(Abort::DryRun(outcome)) => Ok(outcome),
        Err(Abort::Refused(why)) => Ok(Outcome::Failed(why)),
        Err(Abort::Db(e)) => Err(e),
    }
}

/// The first admin, who imports when no one is named.
pub fn default_actor(conn: &mut DbConn) -> Result<Option<User>, DbError> {
    let id: Option<i64> = users::table
        .filter(users::role.eq("admin"))
        .filter(users::status.eq("active"))
        .order(users::id)
        .select(users::id)
        .first(conn)
        .optional()?;
    match id {
        Some(id) => User::find(conn, crate::db::users::UserId(id)),
        None => Ok(None),
    }
}

impl Stored {
    /// The file import reads back as this resource.
    pub fn to_markdown(&self, attachments: Vec<String>) -> Result<String, String> {
        let f = &self.fields;
        let fm = FrontMatter {
            title: f.title.clone(),
            slug: Some(f.slug.clone()),
            kind: f.kind.clone(),
            summary: f.summary.clone(),
            topics: f.topics.iter().cloned().collect(),
            regions: f.regions.iter().cloned().collect(),
            tags: self.tag_names.clone(),
            source: f.source.clone(),
            authors: f.authors.clone(),
            published: f.published,
            review_by: f.review_by,
            status: Some(f.status.clone()),
            audience: f.audience.clone(),
            external_url: f.external_url.clone(),
            featured: f.featured,
            owner: f.owner.clone(),
            superseded_by: f.superseded_by.clone(),
            demo: f.demo,
            attachments,
        };
        let yaml = serde_yaml_ng::to_string(&fm).map_err(|e| e.to_string())?;
        Ok(format!("---\n{yaml}---\n\n{}\n", f.body))
    }
}

#[derive(Debug, Default)]
pub struct ExportReport {
    pub resources: usize,
    pub attachments: usize,
}

/// Writes every resource to `dir` as `<slug>.md`, its attachments' current versions beside it
/// in `<slug>/`.
pub fn export(
    conn: &mut DbConn,
    files: Option<&FileStore>,
    dir: &Path,
) -> anyhow::Result<ExportReport> {
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let mut report = ExportReport::default();
    for resource in all_stored(conn)? {
        let files = export_attachments(conn, files, resource.id, &dir.join(&resource.fields.slug))?;
        report.attachments += files.len();
        let relative = files
            .into_iter()
            .map(|name| format!("{}/{name}", resource.fields.slug))
            .collect();
        let text = resource
            .to_markdown(relative)
            .map_err(|e| anyhow::anyhow!("{}: {e}", resource.fields.slug))?;
        let path = dir.join(format!("{}.md", resource.fields.slug));
        std::fs::write(&path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        report.resources += 1;
    }
    Ok(report)
}

/// Creates or updates the resource through the library's own rules (validation, revision,
/// status change, audit and search outbox rows). Returns its id and whether a revision was
/// written.
fn apply(
    c: &mut DbConn,
    actor: &User,
    file: &str,
    p: &Parsed,
    before: Option<&Stored>,
) -> Result<(i64, bool), Abort> {
    let f = &p.fields;
    let input = ResourceInput {
        kind: f.kind.clone(),
        title: f.title.clone(),
        slug: Some(f.slug.clone()),
        summary: f.summary.clone(),
        body_markdown: f.body.clone(),
        source_org: f.source.clone(),
        authors: f.authors.clone(),
        audience: f.audience.clone(),
        external_url: f.external_url.clone(),
        published_on: f.published,
        review_by: f.review_by,
        owner: p.owner_id,
        topics: f.topics.iter().cloned().collect(),
        regions: f.regions.iter().cloned().collect(),
        tags: p.tag_names.clone(),
        status: f.status.clone(),
        superseded_by: f.superseded_by.clone(),
        featured: f.featured,
        is_demo: f.demo,
    };
    let note = format!("Imported from {file}");
    let written = match before {
        None => super::resources::create(c, actor, &input, Some(&note)),
        Some(_) => super::resources::update(c, actor, &f.slug, &input, Some(&note)),
    };
    match written {
        Ok(r) => Ok((r.id, before.is_none_or(|b| b.revision != r.revision))),
        Err(LibraryError::Db(e)) => Err(Abort::Db(e)),
        Err(e) => Err(Abort::Refused(describe(e))),
    }
}

/// A refusal from the library's rules, as one line for the report.
fn describe(e: LibraryError) -> String {
    match e {
        LibraryError::Invalid(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        LibraryError::Conflict(detail, errors) if errors.is_empty() => detail,
        LibraryError::Conflict(detail, errors) => format!(
            "{detail} ({})",
            errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        LibraryError::NotFound(what) => format!("no such {what}"),
        LibraryError::Forbidden => "the importing account may not change this resource".into(),
        LibraryError::Db(e) => e.to_string(),
    }
}

/// An attachment from a file, checked and described as the upload would describe it.
pub struct PreparedFile {
    pub file: NewFile,
    pub bytes: Vec<u8>,
}

/// Finds each attachment's type by its content, checks its size and names it as an upload is
/// named, so the import accepts exactly what the upload form accepts.
fn prepare_files(
    files: &[(String, Vec<u8>)],
    max_bytes: usize,
) -> Result<Vec<PreparedFile>, String> {
    let mut out: Vec<PreparedFile> = Vec::new();
    for (name, bytes) in files {
        if bytes.is_empty() {
            return Err(format!("attachment {name:?} is empty"));
        }
        if bytes.len() > max_bytes {
            return Err(format!(
                "attachment {name:?} is larger than the limit of {max_bytes} bytes"
            ));
        }
        let file_type = sniff::detect(bytes).ok_or_else(|| {
            format!("attachment {name:?}: not a PDF, DOCX, ODT, XLSX, PPTX, PNG or JPEG file")
        })?;
        let file_name = names::sanitise(name, file_type);
        if out.iter().any(|p| p.file.file_name == file_name) {
            return Err(format!("attachment {name:?} is listed twice"));
        }
        out.push(PreparedFile {
            file: NewFile {
                file_name,
                file_type: file_type.as_str().to_owned(),
                content_type: file_type.mime().to_owned(),
                size_bytes: bytes.len() as i64,
                sha256: sha256_hex(bytes),
                extract_status: if file_type.has_text() {
                    "pending"
                } else {
                    "none"
                },
            },
            bytes: bytes.clone(),
        });
    }
    Ok(out)
}

/// The resource's attachments (not removed) by the current version's file name.
fn current_files(
    c: &mut DbConn,
    resource_id: i64,
) -> Result<Vec<(Attachment, AttachmentVersion)>, DbError> {
    let mut out = Vec::new();
    for attachment in Attachment::for_resource(c, resource_id)? {
        if attachment.deleted {
            continue;
        }
        if let Some(v) = AttachmentVersion::current(c, attachment.id)? {
            out.push((attachment, v));
        }
    }
    Ok(out)
}

/// Whether any listed file is new or differs from the attachment of the same name. Attachments
/// the file does not list are left as they are (removal is a curator's decision, with a reason).
fn attachments_changed(c: &mut DbConn, resource_id: i64, p: &Parsed) -> Result<bool, DbError> {
    if p.files.is_empty() {
        return Ok(false);
    }
    let current = current_files(c, resource_id)?;
    Ok(p.files.iter().any(|f| {
        !current
            .iter()
            .any(|(_, v)| v.file_name == f.file.file_name && v.sha256 == f.file.sha256)
    }))
}

/// Adds each new file as an attachment and each changed one as a new version of the attachment
/// of the same name, with audit and search outbox rows. The bytes go to the file store (not on a
/// dry run: the rows are rolled back, and the store is content-addressed, so nothing is left
/// half done).
fn store_attachments(
    c: &mut DbConn,
    actor: &User,
    resource_id: i64,
    p: &Parsed,
    store: Option<&FileStore>,
    dry_run: bool,
) -> Result<bool, Abort> {
    if p.files.is_empty() {
        return Ok(false);
    }
    let Some(store) = store else {
        return Err(Abort::Refused(
            "attachments can't be stored: no file store".into(),
        ));
    };
    let current = current_files(c, resource_id)?;
    let mut changed = false;
    for f in &p.files {
        let same_name = current
            .iter()
            .find(|(_, v)| v.file_name == f.file.file_name);
        if same_name.is_some_and(|(_, v)| v.sha256 == f.file.sha256) {
            continue;
        }
        if !dry_run {
            put(store, &f.bytes)
                .map_err(|e| Abort::Refused(format!("attachment {:?}: {e}", f.file.file_name)))?;
        }
        let details = format!("{} ({}), imported", f.file.file_name, f.file.sha256);
        let (action, attachment_id) = match same_name {
            Some((a, v)) => {
                AttachmentVersion::insert(c, a.id, v.version + 1, &f.file, actor.id)?;
                Attachment::touch(c, a.id, None)?;
                ("attachment.replaced", a.id)
            }
            None => {
                let title = f
                    .file
                    .file_name
                    .rsplit_once('.')
                    .map_or(f.file.file_name.as_str(), |(stem, _)| stem);
                let (a, _) = Attachment::create(c, resource_id, title, &f.file, actor.id)?;
                ("attachment.added", a.id)
            }
        };
        NewAudit {
            target_type: "attachment",
            ..NewAudit::member(Some(actor.id), action, attachment_id)
        }
        .details(&details)
        .write(c)?;
        changed = true;
    }
    if changed {
        enqueue_search(c, "resource", resource_id)?;
    }
    Ok(changed)
}

/// The file store is async; import and export run on a blocking thread of the runtime.
fn put(store: &FileStore, bytes: &[u8]) -> Result<String, String> {
    let handle = tokio::runtime::Handle::try_current().map_err(|e| e.to_string())?;
    handle
        .block_on(store.put(bytes::Bytes::copy_from_slice(bytes)))
        .map_err(|e| e.to_string())
}

/// Copies the current version of each attachment into `dir`; returns the file names.
fn export_attachments(
    c: &mut DbConn,
    store: Option<&FileStore>,
    resource_id: i64,
    dir: &Path,
) -> anyhow::Result<Vec<String>> {
    let current = current_files(c, resource_id)?;
    if current.is_empty() {
        return Ok(Vec::new());
    }
    let store = store.ok_or_else(|| anyhow::anyhow!("attachments can't be read: no file store"))?;
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let handle = tokio::runtime::Handle::try_current()?;
    let mut names = Vec::new();
    for (_, v) in current {
        let bytes = handle
            .block_on(store.get(&v.sha256))
            .map_err(|e| anyhow::anyhow!("attachment {}: {e}", v.file_name))?;
        let path = dir.join(&v.file_name);
        std::fs::write(&path, &bytes)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        names.push(v.file_name);
    }
    Ok(names)
}
