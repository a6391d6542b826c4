//! Demo content for a first start: an admin to sign in with, and a few members marked as demo.

use diesel::prelude::*;

use crate::auth::password::Hasher;
use crate::db::audit::NewAudit;
use crate::db::users::{NewUser, User};
use crate::db::{DbConn, DbError, now, settings};
use crate::model::{MemberStatus, Region, Role};
use crate::validate;

pub const DEMO_ADMIN_EMAIL: &str = "demo.admin@partners-demo.nhs.uk";
const LOADED_KEY: &str = "demo_loaded";

/// What loading created, for the terminal.
pub struct DemoReport {
    pub admin_email: String,
    /// Only when this run created the admin: the password is never stored in clear.
    pub admin_password: Option<String>,
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
pub fn load(conn: &mut DbConn) -> Result<Option<DemoReport>, DbError> {
    if settings::get(conn, LOADED_KEY)?.is_some() {
        return Ok(None);
    }
    let admin_password = crate::auth::random_token()[..20].to_owned();
    let admin_hash = Hasher::hash_now(&admin_password).map_err(|e| DbError::Task(e.to_string()))?;
    // Other demo accounts get passwords nobody knows; an admin can reset them.
    let other_hash =
        Hasher::hash_now(&crate::auth::random_token()).map_err(|e| DbError::Task(e.to_string()))?;
    conn.transaction::<_, DbError, _>(|c| {
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

/// Whether any demo content has been loaded.
pub fn is_loaded(conn: &mut DbConn) -> Result<bool, DbError> {
    Ok(settings::get(conn, LOADED_KEY)?.is_some())
}
