//! Demo content for a first start: an admin to sign in with, a few members marked as demo, and
//! the demo library (resources, the AMHP toolkit collection, practice examples with their
//! discussion threads, and a few forum threads), all written for this project.

use diesel::prelude::*;
use include_dir::{Dir, include_dir};
use serde::Deserialize;

use crate::auth::password::Hasher;
use crate::db::audit::NewAudit;
use crate::db::users::{NewUser, User};
use crate::db::{DbConn, DbError, now, settings};
use crate::model::{MemberStatus, Region, Role};
use crate::validate;

pub const DEMO_ADMIN_EMAIL: &str = "demo.admin@partners-demo.nhs.uk";
pub const DEMO_CURATOR_EMAIL: &str = "demo.curator@partners-demo.nhs.uk";
const LOADED_KEY: &str = "demo_loaded";
/// Set once the demo library is in; kept apart so a database with only the demo members still
/// gets the library on the next `partners demo`.
const LIBRARY_LOADED_KEY: &str = "demo_library_loaded";

/// The demo library's Markdown files and its manifest, built into the binary.
static DEMO_DIR: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/demo");

/// What loading created, for the terminal.
pub struct DemoReport {
    pub admin_email: String,
    /// Only when this run created the admin: the password is never stored in clear.
    pub admin_password: Option<String>,
    /// What this run added to the library, when it loaded it.
    pub library: Option<LibraryReport>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LibraryReport {
    pub resources: usize,
    pub collections: usize,
    pub practice_examples: usize,
    pub threads: usize,
}

struct DemoMember {
    email: &'static str,
    name: &'static str,
    organisation: &'static str,
    job_role: &'static str,
    region: Region,
    role: Role,
    status: MemberStatus,
}

const MEMBERS: &[DemoMember] = &[
    DemoMember {
        email: "demo.moderator@partners-demo.nhs.uk",
        name: "Priya Shah (demo)",
        organisation: "Demo Mental Health NHS Foundation Trust",
        job_role: "Professional lead for social work",
        region: Region::Midlands,
        role: Role::Moderator,
        status: MemberStatus::Active,
    },
    DemoMember {
        email: "demo.curator@partners-demo.nhs.uk",
        name: "Tom Okafor (demo)",
        organisation: "Demo Care Partnership NHS Trust",
        job_role: "AMHP service lead",
        region: Region::London,
        role: Role::Curator,
        status: MemberStatus::Active,
    },
    DemoMember {
        email: "demo.member@partners-demo.nhs.uk",
        name: "Alex Morgan (demo)",
        organisation: "Demo Community Mental Health Team",
        job_role: "Approved Mental Health Professional (AMHP)",
        region: Region::NorthWest,
        role: Role::Member,
        status: MemberStatus::Active,
    },
    DemoMember {
        email: "demo.grace@partners-demo.nhs.uk",
        name: "Grace Mensah (demo)",
        organisation: "Demo Community Mental Health Team",
        job_role: "Senior mental health social worker",
        region: Region::NorthEastYorkshire,
        role: Role::Member,
        status: MemberStatus::Active,
    },
    DemoMember {
        email: "demo.sam@partners-demo.nhs.uk",
        name: "Sam Whitfield (demo)",
        organisation: "Demo Independent Hospital",
        job_role: "Practice supervisor",
        region: Region::SouthWest,
        role: Role::Member,
        status: MemberStatus::Active,
    },
    DemoMember {
        email: "demo.pending@example.org",
        name: "Jordan Lee (demo)",
        organisation: "Demo Independent Hospital",
        job_role: "Mental health social worker",
        region: Region::SouthWest,
        role: Role::Member,
        status: MemberStatus::Pending,
    },
];

/// Loads the demo content unless it is already there. Returns None when nothing was done.
/// `public_url` makes links from discussion threads back to the library absolute.
pub fn load(conn: &mut DbConn, public_url: &str) -> Result<Option<DemoReport>, DbError> {
    let members = load_members(conn)?;
    let library = if settings::get(conn, LIBRARY_LOADED_KEY)?.is_none() {
        Some(conn.write_transaction::<_, DbError, _>(|c| {
            let report = load_library(c, public_url)?;
            settings::put(c, LIBRARY_LOADED_KEY, "1")?;
            Ok(report)
        })?)
    } else {
        None
    };
    Ok(match (members, library) {
        (None, None) => None,
        (Some(mut r), library) => {
            r.library = library;
            Some(r)
        }
        (None, library) => Some(DemoReport {
            admin_email: DEMO_ADMIN_EMAIL.into(),
            admin_password: None,
            library,
        }),
    })
}

fn load_members(conn: &mut DbConn) -> Result<Option<DemoReport>, DbError> {
    if settings::get(conn, LOADED_KEY)?.is_some() {
        return Ok(None);
    }
    let admin_password = crate::auth::random_token()[..20].to_owned();
    let admin_hash = Hasher::hash_now(&admin_password).map_err(|e| DbError::Task(e.to_string()))?;
    // Other demo accounts get passwords nobody knows; an admin can reset them.
    let other_hash =
        Hasher::hash_now(&crate::auth::random_token()).map_err(|e| DbError::Task(e.to_string()))?;
    conn.write_transaction::<_, DbError, _>(|c| {
        let mut created_admin = false;
        if User::find_by_email(c, DEMO_ADMIN_EMAIL)?.is_none() {
            insert(
                c,
                DEMO_ADMIN_EMAIL,
                "Demo Admin",
                "Partners in Practice (demo)",
                "Service administrator",
                Region::National,
                Role::Admin,
                MemberStatus::Active,
                &admin_hash,
            )?;
            created_admin = true;
        }
        for m in MEMBERS {
            if User::find_by_email(c, m.email)?.is_none() {
                insert(
                    c,
                    m.email,
                    m.name,
                    m.organisation,
                    m.job_role,
                    m.region,
                    m.role,
                    m.status,
                    &other_hash,
                )?;
            }
        }
        settings::put(c, LOADED_KEY, "1")?;
        Ok(Some(DemoReport {
            admin_email: DEMO_ADMIN_EMAIL.into(),
            admin_password: created_admin.then_some(admin_password),
            library: None,
        }))
    })
}

#[allow(clippy::too_many_arguments)]
fn insert(
    c: &mut DbConn,
    email: &str,
    name: &str,
    organisation: &str,
    job_role: &str,
    region: Region,
    role: Role,
    status: MemberStatus,
    hash: &str,
) -> Result<(), DbError> {
    let at = now();
    let user = User::insert(
        c,
        &NewUser {
            email,
            password_hash: hash,
            display_name: name,
            display_name_key: &validate::display_name_key(name),
            organisation,
            job_role,
            region: region.as_str(),
            role: role.as_str(),
            status: status.as_str(),
            email_verified: true,
            created_at: at,
            updated_at: at,
        },
    )?;
    NewAudit::member(None, "member.registered", user.id)
        .details("demo content")
        .write(c)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    collections: Vec<crate::library::collections::CollectionInput>,
    practice_examples: Vec<DemoPracticeExample>,
    threads: Vec<DemoThread>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoPracticeExample {
    /// The slug of its resource in library/.
    resource: String,
    author: String,
    setting: String,
    region: String,
    topic: String,
    #[serde(default)]
    replies: Vec<DemoReply>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoThread {
    space: String,
    author: String,
    title: String,
    kind: String,
    #[serde(default)]
    tags: Vec<String>,
    body: String,
    #[serde(default)]
    replies: Vec<DemoReply>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoReply {
    author: String,
    body: String,
}

fn broken(what: impl std::fmt::Display) -> DbError {
    DbError::Task(format!("the built-in demo content is inconsistent: {what}"))
}

fn member(c: &mut DbConn, email: &str) -> Result<User, DbError> {
    User::find_by_email(c, email)?.ok_or_else(|| broken(format!("no demo member {email}")))
}

/// The demo library, through the same code paths curators and members use: the import for
/// resources, the library's collections and discussion threads, the forum's writes for posts.
fn load_library(c: &mut DbConn, public_url: &str) -> Result<LibraryReport, DbError> {
    use crate::library::transfer;
    let curator = member(c, DEMO_CURATOR_EMAIL)?;
    let files = DEMO_DIR
        .get_dir("library")
        .ok_or_else(|| broken("no library folder"))?;
    let imported = transfer::import(
        c,
        &curator,
        &transfer::Source::Embedded(files),
        // The demo library has no attachments, so it needs no file store.
        transfer::ImportOptions {
            dry_run: false,
            demo: true,
            ..Default::default()
        },
        &mut |_| {},
    )?;
    if imported.failed() > 0 {
        return Err(broken(imported.render()));
    }
    let manifest: Manifest = DEMO_DIR
        .get_file("demo.yaml")
        .and_then(|f| f.contents_utf8())
        .ok_or_else(|| broken("no demo.yaml"))
        .and_then(|text| serde_yaml_ng::from_str(text).map_err(broken))?;
    let mut report = LibraryReport {
        resources: imported.created(),
        ..Default::default()
    };
    for input in &manifest.collections {
        let slug = input.slug.as_deref().unwrap_or_default();
        if crate::db::library::CollectionRow::find_by_slug(c, slug)?.is_some() {
            continue;
        }
        let input = crate::library::collections::CollectionInput {
            is_demo: true,
            ..input.clone()
        };
        crate::library::collections::create(c, &curator, &input).map_err(library_error)?;
        report.collections += 1;
    }
    for example in &manifest.practice_examples {
        if add_practice_example(c, example, public_url)? {
            report.practice_examples += 1;
        }
    }
    for thread in &manifest.threads {
        add_thread(c, thread)?;
        report.threads += 1;
    }
    Ok(report)
}

fn library_error(e: crate::library::LibraryError) -> DbError {
    match e {
        crate::library::LibraryError::Db(e) => e,
        other => broken(other),
    }
}

/// The text under a `## heading` of a practice example's body, up to the next heading.
fn section(body: &str, heading: &str) -> Option<String> {
    let start = body.find(&format!("## {heading}\n"))? + heading.len() + 4;
    let rest = &body[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim().to_owned()).filter(|s| !s.is_empty())
}

/// A published practice example for a demo resource, with its submission and publication
/// events and its discussion thread. False when it was already there.
fn add_practice_example(
    c: &mut DbConn,
    example: &DemoPracticeExample,
    public_url: &str,
) -> Result<bool, DbError> {
    use crate::db::schema::{practice_example_events, practice_examples};
    let resource = crate::library::resources::Resource::find_by_slug(c, &example.resource)?
        .ok_or_else(|| broken(format!("no resource {}", example.resource)))?;
    let already: i64 = practice_examples::table
        .filter(practice_examples::resource_id.eq(resource.id))
        .count()
        .get_result(c)?;
    if already > 0 {
        return Ok(false);
    }
    let author = member(c, &example.author)?;
    let curator = member(c, DEMO_CURATOR_EMAIL)?;
    let topic = crate::db::forum::Category::find_by_slug(c, &example.topic)?
        .ok_or_else(|| broken(format!("no topic {}", example.topic)))?;
    let body = &resource.body_markdown;
    let part = |heading: &str| {
        section(body, heading)
            .ok_or_else(|| broken(format!("{} has no section {heading}", example.resource)))
    };
    let at = now();
    let id: i64 = diesel::insert_into(practice_examples::table)
        .values((
            practice_examples::author_id.eq(author.id),
            practice_examples::status.eq("published"),
            practice_examples::title.eq(&resource.title),
            practice_examples::setting.eq(&example.setting),
            practice_examples::region.eq(&example.region),
            practice_examples::topic_id.eq(Some(topic.id)),
            practice_examples::challenge.eq(part("The challenge")?),
            practice_examples::what_we_did.eq(part("What we did")?),
            practice_examples::legal_framework.eq(section(body, "Legal framework")),
            practice_examples::outcomes.eq(part("Outcomes and evidence")?),
            practice_examples::learning.eq(part("Learning")?),
            practice_examples::resource_id.eq(Some(resource.id)),
            practice_examples::is_demo.eq(true),
            practice_examples::submitted_at.eq(at),
            practice_examples::decided_at.eq(Some(at)),
            practice_examples::created_at.eq(at),
            practice_examples::updated_at.eq(at),
        ))
        .returning(practice_examples::id)
        .get_result(c)?;
    for (actor, action, message) in [
        (author.id, "submit", None),
        (
            curator.id,
            "publish",
            Some("Published as part of the demo library."),
        ),
    ] {
        diesel::insert_into(practice_example_events::table)
            .values((
                practice_example_events::practice_example_id.eq(id),
                practice_example_events::actor_id.eq(Some(actor)),
                practice_example_events::action.eq(action),
                practice_example_events::message.eq(message),
                practice_example_events::created_at.eq(at),
            ))
            .execute(c)?;
    }
    let (thread_id, _) =
        crate::library::resources::open_discussion(c, &author, &resource.slug, public_url)
            .map_err(library_error)?;
    for reply in &example.replies {
        add_reply(c, thread_id, reply)?;
    }
    Ok(true)
}

fn checked(body: &str, title: Option<&str>) -> Result<crate::forum::Checked, DbError> {
    crate::forum::check(body, title).map_err(broken)
}

fn add_reply(c: &mut DbConn, thread_id: i64, reply: &DemoReply) -> Result<(), DbError> {
    let author = member(c, &reply.author)?;
    let checked = checked(&reply.body, None)?;
    // Demo posts are published: they were written for the product, not by a new member.
    crate::forum::write_reply(c, thread_id, &author, None, &reply.body, &checked, None)?;
    Ok(())
}

fn add_thread(c: &mut DbConn, thread: &DemoThread) -> Result<(), DbError> {
    let author = member(c, &thread.author)?;
    let category = crate::db::forum::Category::find_by_slug(c, &thread.space)?
        .ok_or_else(|| broken(format!("no space {}", thread.space)))?;
    let tags = thread
        .tags
        .iter()
        .map(|t| crate::api::tags::normalise_tag(t).map_err(broken))
        .collect::<Result<Vec<_>, _>>()?;
    let checked = checked(&thread.body, Some(&thread.title))?;
    let (thread_id, _) = crate::forum::write_thread(
        c,
        &crate::forum::ThreadDraft {
            category: &category,
            author: &author,
            title: &thread.title,
            kind: &thread.kind,
            markdown: &thread.body,
            checked: &checked,
            held: None,
            tags: &tags,
        },
    )?;
    for reply in &thread.replies {
        add_reply(c, thread_id, reply)?;
    }
    Ok(())
}

/// Whether any demo content has been loaded.
pub fn is_loaded(conn: &mut DbConn) -> Result<bool, DbError> {
    Ok(settings::get(conn, LOADED_KEY)?.is_some())
}
