//! Input rules for accounts: e-mail canonical form, display names that can't impersonate,
//! passwords, and free text. Each check returns the message shown beside the field.

use std::collections::HashSet;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

/// The 10,000 most common passwords (lower case), refused at registration and change.
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/common-passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
});

pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 1024;

/// Names nobody may take, because they would read as the service or its staff.
const RESERVED_NAMES: &[&str] = &[
    "admin",
    "administrator",
    "moderator",
    "mod",
    "curator",
    "system",
    "support",
    "partners",
    "partners in practice",
    "nhs",
    "nhs england",
    "root",
    "staff",
    "helpdesk",
    "security",
];

/// The canonical form of an e-mail address: trimmed, lower case, without a trailing dot on the
/// domain. Refuses anything that could smuggle a header (CR/LF) or isn't a plain address.
pub fn canonical_email(raw: &str) -> Result<String, &'static str> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err("Enter your e-mail address");
    }
    if email.len() > 254 {
        return Err("E-mail address must be 254 characters or fewer");
    }
    if email.chars().any(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '<' | '>' | ',' | ';' | '"' | '(' | ')' | '\\')
    }) {
        return Err("Enter an e-mail address in the correct format, like name@nhs.net");
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err("Enter an e-mail address in the correct format, like name@nhs.net");
    };
    let domain = domain.trim_end_matches('.');
    let labels_ok = domain.split('.').count() >= 2
        && domain.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if local.is_empty() || local.len() > 64 || local.contains('@') || !labels_ok {
        return Err("Enter an e-mail address in the correct format, like name@nhs.net");
    }
    Ok(format!("{local}@{domain}"))
}

pub fn email_domain(email: &str) -> &str {
    email.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
}

/// `nhs.net` or `*.nhs.uk`.
pub fn is_domain_pattern(p: &str) -> bool {
    let d = p.strip_prefix("*.").unwrap_or(p);
    d.contains('.')
        && d.split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

/// Whether an address's domain is on the approved list (`*.x` matches any subdomain of x).
pub fn domain_approved(email: &str, approved: &[String]) -> bool {
    let domain = email_domain(email);
    approved.iter().any(|p| match p.strip_prefix("*.") {
        Some(parent) => {
            domain.len() > parent.len() + 1
                && domain.ends_with(parent)
                && domain[..domain.len() - parent.len()].ends_with('.')
        }
        None => domain == p,
    })
}

/// A display name as stored (NFKC, trimmed), or the reason it is refused.
pub fn display_name(raw: &str) -> Result<String, &'static str> {
    let name: String = raw.nfkc().collect::<String>().trim().to_owned();
    if name.is_empty() {
        return Err("Enter your name");
    }
    if name.chars().count() > 60 {
        return Err("Name must be 60 characters or fewer");
    }
    if name.chars().count() < 2 {
        return Err("Name must be at least 2 characters");
    }
    if name.chars().any(is_invisible_or_control) {
        return Err("Name must not contain control or invisible characters");
    }
    let key = display_name_key(&name);
    if RESERVED_NAMES.iter().any(|r| display_name_key(r) == key) {
        return Err("That name is reserved: choose another");
    }
    Ok(name)
}

/// What two names must not share to be told apart: case-folded, spacing collapsed, and reduced
/// to the Unicode confusables skeleton (so a Cyrillic "і" equals a Latin "i").
pub fn display_name_key(name: &str) -> String {
    let folded: String = name.nfkc().collect::<String>().to_lowercase();
    let collapsed = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    let skeleton: String = unicode_security::skeleton(&collapsed).collect();
    skeleton.to_lowercase()
}

fn is_invisible_or_control(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180E}'
            | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

/// Checks a new password; `email` is refused as a password too.
pub fn password(pw: &str, email: &str) -> Result<(), &'static str> {
    let n = pw.chars().count();
    if n < PASSWORD_MIN {
        return Err("Password must be at least 10 characters");
    }
    if n > PASSWORD_MAX {
        return Err("Password must be 1024 characters or fewer");
    }
    if pw.contains('\0') {
        return Err("Password must not contain a NUL character");
    }
    let lower = pw.to_lowercase();
    if COMMON_PASSWORDS.contains(lower.as_str()) {
        return Err("That password is too common: choose one that is harder to guess");
    }
    if !email.is_empty() && lower == email.to_lowercase() {
        return Err("Password must not be your e-mail address");
    }
    Ok(())
}

/// A short single-line text field (organisation, job role): trimmed, 1..=max characters.
pub fn short_text(raw: &str, max: usize, empty_message: &'static str) -> Result<String, String> {
    let text: String = raw.nfc().collect::<String>().trim().to_owned();
    if text.is_empty() {
        return Err(empty_message.to_owned());
    }
    if text.chars().count() > max {
        return Err(format!("Must be {max} characters or fewer"));
    }
    if text.chars().any(is_invisible_or_control) {
        return Err("Must not contain control or invisible characters".to_owned());
    }
    Ok(text)
}

/// A moderation reason: required, up to 1000 characters.
pub fn reason(raw: &str) -> Result<String, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("Give a reason".to_owned());
    }
    if text.chars().count() > 1000 {
        return Err("Reason must be 1000 characters or fewer".to_owned());
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("Reason must not contain control characters".to_owned());
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_canonical() {
        assert_eq!(
            canonical_email("  VICTIM@NHS.NET ").as_deref(),
            Ok("victim@nhs.net")
        );
        assert_eq!(
            canonical_email("victim@nhs.net.").as_deref(),
            Ok("victim@nhs.net")
        );
        assert!(canonical_email("victim@nhs.net\nBcc:x@evil.example").is_err());
        assert!(canonical_email("victim@nhs.net%0aBcc:x@evil.example").is_err());
        assert!(canonical_email("no-at-sign").is_err());
    }

    #[test]
    fn approved_domains_match_subdomains_only_with_a_star() {
        let approved = vec!["nhs.net".to_owned(), "*.nhs.uk".to_owned()];
        assert!(domain_approved("a@nhs.net", &approved));
        assert!(domain_approved("a@trust.nhs.uk", &approved));
        assert!(!domain_approved("a@nhs.uk", &approved));
        assert!(!domain_approved("a@evilnhs.uk", &approved));
        assert!(!domain_approved("a@nhs.net.evil.example", &approved));
    }

    #[test]
    fn look_alike_names_share_a_key() {
        assert_eq!(display_name_key("Admіn"), display_name_key("admin"));
        assert!(display_name("admіn").is_err());
        assert!(display_name("a\u{200B}dmin").is_err());
        assert!(display_name("\u{202E}nimda").is_err());
        assert!(display_name(" Moderator ").is_err());
        assert_eq!(display_name("  Sam Jones ").as_deref(), Ok("Sam Jones"));
    }

    #[test]
    fn common_and_short_passwords_are_refused() {
        assert!(COMMON_PASSWORDS.len() >= 10_000);
        assert!(password("password123", "").is_err());
        assert!(password("short", "").is_err());
        assert!(password("correct horse battery staple", "").is_ok());
    }
}
