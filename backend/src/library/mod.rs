//! The knowledge base: curated resources with their full history, their attached files,
//! collections of them, practice examples members submit, and the jobs that keep guidance current
//! (link checks, review reminders). Rules live here (who sees what, what a valid resource is); handlers in `crate::api` are thin.

pub mod attachments;
pub mod collections;
pub mod link_check;
pub mod practice_examples;
pub mod reminders;
pub mod resources;
pub mod revisions;
pub mod transfer;

use crate::db::DbError;
use crate::db::library::{PUBLIC_STATUSES, ResourceRow};
use crate::db::users::User;
use crate::error::{ApiError, FieldError};

/// What can go wrong when changing the library. Converted to a problem in one place below.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// Some fields are invalid (422).
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// The change clashes with what is there, e.g. a slug already in use (409).
    #[error("conflict: {0}")]
    Conflict(String, Vec<FieldError>),
    /// No such thing, or not visible to the actor (404).
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The actor may not do this (403).
    #[error("not allowed")]
    Forbidden,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for LibraryError {
    fn from(e: diesel::result::Error) -> LibraryError {
        LibraryError::Db(DbError::Query(e))
    }
}

impl LibraryError {
    pub fn field(field: &str, message: impl Into<String>) -> LibraryError {
        LibraryError::Invalid(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }
}

impl From<LibraryError> for ApiError {
    fn from(e: LibraryError) -> ApiError {
        match e {
            LibraryError::Invalid(errors) => ApiError::validation(errors),
            LibraryError::Conflict(detail, errors) => ApiError::conflict(detail, errors),
            LibraryError::NotFound(what) => ApiError::not_found(what),
            LibraryError::Forbidden => ApiError::not_allowed(),
            LibraryError::Db(e) => e.into(),
        }
    }
}

/// Curators and admins curate; moderators do not.
pub fn is_curator(user: Option<&User>) -> bool {
    user.is_some_and(|u| u.role().can_curate())
}

/// Published and archived resources are public; drafts and those in review are seen only by
/// curators, admins and the resource's owner.
pub fn can_see(viewer: Option<&User>, resource: &ResourceRow) -> bool {
    PUBLIC_STATUSES.contains(&resource.status.as_str())
        || is_curator(viewer)
        || viewer.is_some_and(|u| resource.owner_id == Some(u.id))
}

/// Curators edit everything; an owner edits their own resource.
pub fn can_edit(actor: &User, resource: &ResourceRow) -> bool {
    actor.role().can_curate() || resource.owner_id == Some(actor.id)
}

/// A URL-safe slug from any text: lower case ASCII letters and digits joined by single hyphens,
/// at most 80 characters (cut at a hyphen where possible).
pub fn slugify(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut slug = String::with_capacity(text.len());
    for c in text.nfkd().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if unicode_normalization::char::is_combining_mark(c) {
            // Accents split off by NFKD vanish: é becomes e.
            continue;
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.len() > 80 {
        let cut = slug[..80].rfind('-').filter(|i| *i >= 40).unwrap_or(80);
        slug.truncate(cut);
        while slug.ends_with('-') {
            slug.pop();
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_are_plain_ascii_words() {
        assert_eq!(
            slugify("  AMHP Service Standards — Toolkit! "),
            "amhp-service-standards-toolkit"
        );
        assert_eq!(slugify("Café für Sozialarbeit"), "cafe-fur-sozialarbeit");
        assert_eq!(
            slugify("<script>alert(1)</script>"),
            "script-alert-1-script"
        );
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("——"), "");
        assert!(slugify(&"word ".repeat(40)).len() <= 80);
    }
}
