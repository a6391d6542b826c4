//! The case-information guard: finds what could identify a person who uses services (an NHS
//! number, a date of birth, a personal phone number ...) so that a post carrying one is held for
//! a moderator instead of being published. It is deliberately narrow: it looks for identifiers,
//! not for names or clinical detail, and it ignores what practice writing is full of (section
//! numbers, Act years, meeting dates, team phone numbers and mailboxes).
//!
//! Pure and blocking (a 64 KiB post scans in milliseconds); see docs/moderation.md for the rules
//! in moderators' words and the measured precision and recall.

use std::sync::LazyLock;

use regex::Regex;

/// The reason recorded when a guard hit holds a post for review.
pub const HOLD_REASON: &str = "possible case information";

/// What kind of identifier a finding looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKind {
    NhsNumber,
    NiNumber,
    Postcode,
    DateOfBirth,
    PhoneNumber,
    Email,
    CaseNumber,
}

impl FindingKind {
    /// A short description for the moderator's review queue.
    pub fn describe(self) -> &'static str {
        match self {
            Self::NhsNumber => "an NHS number",
            Self::NiNumber => "a National Insurance number",
            Self::Postcode => "a full postcode",
            Self::DateOfBirth => "a date of birth",
            Self::PhoneNumber => "a personal phone number",
            Self::Email => "a personal e-mail address",
            Self::CaseNumber => "a hospital or case record number",
        }
    }
}

/// One likely identifier: its kind, where it is (byte offsets into the scanned text, `start`
/// inclusive, `end` exclusive) and the text matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    pub start: usize,
    pub end: usize,
    pub matched: String,
}

/// Scans a text and returns the likely identifiers in it, in order of position, without
/// overlaps. An empty result means nothing was found; any finding means the post should be held
/// with [`HOLD_REASON`].
///
/// Scan what the member typed, the Markdown source (code blocks and link addresses included)
/// and the title, rather than the rendered text: offsets then point into what the member can
/// edit. Linear in the length of the text; a 64 KiB post takes milliseconds in release builds.
pub fn scan(text: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    nhs_numbers(text, &mut findings);
    ni_numbers(text, &mut findings);
    postcodes(text, &mut findings);
    dates_of_birth(text, &mut findings);
    phone_numbers(text, &mut findings);
    emails(text, &mut findings);
    case_numbers(text, &mut findings);

    // Earliest first; at one position the longest, then the more specific kind.
    findings.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(a.kind.cmp(&b.kind))
    });
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    for finding in findings {
        if kept.last().is_none_or(|last| finding.start >= last.end) {
            kept.push(finding);
        }
    }
    kept
}

fn regex(pattern: &str) -> Regex {
    super::fixed_regex(pattern)
}

fn push(findings: &mut Vec<Finding>, kind: FindingKind, text: &str, start: usize, end: usize) {
    findings.push(Finding {
        kind,
        start,
        end,
        matched: text[start..end].to_owned(),
    });
}

/// The text up to `before` bytes before `start` and `after` bytes after `end`, on the same
/// line, lower-cased. Offsets are moved to character boundaries.
fn window(text: &str, start: usize, end: usize, before: usize, after: usize) -> (String, String) {
    let mut from = start.saturating_sub(before);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut to = (end + after).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let left = &text[from..start];
    let left = left.rsplit('\n').next().unwrap_or(left);
    let right = &text[end..to];
    let right = right.split('\n').next().unwrap_or(right);
    (left.to_lowercase(), right.to_lowercase())
}

// ---------------------------------------------------------------------------------------------
// NHS numbers: ten digits, written 3-3-4 with spaces or hyphens or run together, whose last
// digit is the modulus-11 check digit of the first nine.

static NHS_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b(\d{3})([ -]?)(\d{3})([ -]?)(\d{4})\b"));

fn nhs_numbers(text: &str, findings: &mut Vec<Finding>) {
    for caps in NHS_NUMBER.captures_iter(text) {
        let (Some(whole), Some(sep1), Some(sep2)) = (caps.get(0), caps.get(2), caps.get(4)) else {
            continue;
        };
        // One separator style throughout: "943 476 5919" or "9434765919", not "943 4765919".
        if sep1.as_str() != sep2.as_str() {
            continue;
        }
        if surrounded_by_digit_groups(text, whole.start(), whole.end()) {
            continue;
        }
        let digits: Vec<u32> = whole
            .as_str()
            .chars()
            .filter_map(|c| c.to_digit(10))
            .collect();
        if nhs_check_digit_valid(&digits) {
            push(
                findings,
                FindingKind::NhsNumber,
                text,
                whole.start(),
                whole.end(),
            );
        }
    }
}

/// True when the match is one part of a longer run of digit groups ("0113 943 476 5919" is a
/// phone number followed by digits, not an NHS number).
fn surrounded_by_digit_groups(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].trim_end_matches([' ', '-']);
    let after = text[end..].trim_start_matches([' ', '-']);
    let spaced_before = before.len() < start && before.ends_with(|c: char| c.is_ascii_digit());
    let spaced_after =
        after.len() < text.len() - end && after.starts_with(|c: char| c.is_ascii_digit());
    spaced_before || spaced_after || text[..start].ends_with('+')
}

/// The NHS number check: weights 10 down to 2 on the first nine digits; the check digit is
/// 11 minus the sum modulo 11, with 11 meaning 0 and 10 meaning the number is invalid. Numbers
/// of one repeated digit are placeholders, not numbers.
pub fn nhs_check_digit_valid(digits: &[u32]) -> bool {
    if digits.len() != 10 || digits.iter().all(|d| *d == digits[0]) {
        return false;
    }
    let sum: u32 = digits[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(d, w)| d * w)
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == digits[9]
}

// ---------------------------------------------------------------------------------------------
// National Insurance numbers: two letters (first not D F I Q U V; second not D F I O Q U V;
// not BG GB KN NK NT TN ZZ), six digits (pairs may be spaced), and a suffix A-D. Without the
// suffix only when "NI", "NINO" or "national insurance" comes just before.

static NI_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?(\d{2} ?\d{2} ?\d{2}|\d{3} \d{3}) ?([A-D])?\b",
    )
});
static NI_CONTEXT: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\b(?:ni|nino|nin|n\.i\.|national insurance)\b[^\n]{0,20}$"));

fn ni_numbers(text: &str, findings: &mut Vec<Finding>) {
    for caps in NI_NUMBER.captures_iter(text) {
        let (Some(whole), Some(prefix)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        let prefix = prefix.as_str().to_ascii_uppercase();
        if ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(&prefix.as_str()) {
            continue;
        }
        // Mixed case ("Ab123456C") is a word followed by digits, not an NI number.
        let letters: String = whole
            .as_str()
            .chars()
            .filter(char::is_ascii_alphabetic)
            .collect();
        let one_case = letters.chars().all(|c| c.is_ascii_uppercase())
            || letters.chars().all(|c| c.is_ascii_lowercase());
        if !one_case {
            continue;
        }
        if caps.get(3).is_none() {
            let (left, _) = window(text, whole.start(), whole.end(), 40, 0);
            if !NI_CONTEXT.is_match(&left) {
                continue;
            }
        }
        push(
            findings,
            FindingKind::NiNumber,
            text,
            whole.start(),
            whole.end(),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Postcodes: full ones only (outward and inward code, "LS1 4AP", "SW1A 1AA"); a bare district
// such as "LS1" or "M60" names an area, not a home.

static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"(?i)\b(?:GIR ?0AA|(?:",
        r"[A-PR-UWYZ][0-9][0-9]?",
        r"|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?",
        r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]",
        r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]",
        r") ?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    ))
});

fn postcodes(text: &str, findings: &mut Vec<Finding>) {
    for m in POSTCODE.find_iter(text) {
        let s = m.as_str();
        // One case throughout; and lower-case "s3 1st" or "m6 4th" is an ordinal, not a postcode.
        let letters: String = s.chars().filter(char::is_ascii_alphabetic).collect();
        let upper = letters.chars().all(|c| c.is_ascii_uppercase());
        let lower = letters.chars().all(|c| c.is_ascii_lowercase());
        if !upper && !lower {
            continue;
        }
        let inward_letters = &s[s.len().saturating_sub(2)..];
        if lower && ["st", "nd", "rd", "th"].contains(&inward_letters) {
            continue;
        }
        push(findings, FindingKind::Postcode, text, m.start(), m.end());
    }
}

// ---------------------------------------------------------------------------------------------
// Dates of birth: a date (12/03/1987, 12.3.87, 12 March 1987, 3rd Mar 87, March 12, 1987) with
// "DOB", "d.o.b.", "born", "date of birth" or "birthday" close before it (or "DOB" right after
// it), or with "aged" close by when the date is at least ten years ago. Any other date is a
// meeting, a hearing or a deadline, and is left alone.

const MONTHS: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        concat!(
            r"(?i)\b(?:",
            r"(?:0?[1-9]|[12][0-9]|3[01])[/.-](?:0?[1-9]|1[0-2])[/.-](?P<y1>(?:19|20)?[0-9]{{2}})",
            r"|(?:0?[1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)?\s+(?:of\s+)?{m}\.?,?\s+(?P<y2>(?:19|20)[0-9]{{2}}|'?[0-9]{{2}})",
            r"|{m}\.?\s+(?:0?[1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)?,?\s+(?P<y3>(?:19|20)[0-9]{{2}})",
            r")\b"
        ),
        m = MONTHS
    ))
});
static DOB_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?:\bdob\b|\bd\.\s?o\.\s?b\b\.?|\bborn\b|\bdate of birth\b|\bbirth\s?date\b|\bbirthday\b|\bb\.\s)[^\n]{0,24}$",
    )
});
static DOB_AFTER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)^[^\n]{0,6}(?:\(?\s*dob\b|\(?\s*d\.o\.b|\(?\s*date of birth)"));
static AGED: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)\baged\s+\d{1,3}\b"));

fn dates_of_birth(text: &str, findings: &mut Vec<Finding>) {
    let this_year = current_year();
    for caps in DATE.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        let (left, right) = window(text, whole.start(), whole.end(), 40, 40);
        let dob = DOB_BEFORE.is_match(&left) || DOB_AFTER.is_match(&right);
        let aged = || {
            let year = ["y1", "y2", "y3"]
                .iter()
                .find_map(|name| caps.name(name))
                .map(|y| full_year(y.as_str(), this_year));
            year.is_some_and(|y| y + 10 <= this_year)
                && (AGED.is_match(&left) || AGED.is_match(&right))
        };
        if dob || aged() {
            push(
                findings,
                FindingKind::DateOfBirth,
                text,
                whole.start(),
                whole.end(),
            );
        }
    }
}

fn current_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().year()
}

/// "87" is 1987 and "05" is 2005 when it is this year, the year of a birth seen in practice.
fn full_year(year: &str, this_year: i32) -> i32 {
    let digits: String = year.chars().filter(char::is_ascii_digit).collect();
    let value: i32 = digits.parse().unwrap_or(0);
    if digits.len() == 4 {
        value
    } else if 2000 + value <= this_year {
        2000 + value
    } else {
        1900 + value
    }
}

// ---------------------------------------------------------------------------------------------
// Phone numbers: UK mobiles (07..., +44 7...) and geographic landlines (01..., 02...), spaced
// any way. Not flagged when the number is a service's:
// - its line starts with a service label (Tel, Telephone, Phone, T, Switchboard, Office, Main
//   line, Duty, Duty line, Duty desk, Reception, Fax, Helpline, Crisis line, AMHP hub, Hub,
//   Team, Ward, Out of hours, EDT, SPA, Single point of access), e.g. in a signature; or
// - the words just before it say whom it reaches: "call the AMHP team on", "ring the duty
//   line on", "contact the crisis service at", "the switchboard on"; or
// - a service label in brackets follows it: "0113 496 0000 (switchboard)".
// Non-geographic numbers (03, 08, 09) are organisations' by design and are never flagged.
// "Mob:" or "Mobile:" is not a service label: a mobile on such a line is still flagged.

static PHONE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?:\+44\s?(?:\(0\)\s?)?|\b0|\(0)[127][0-9][0-9 ()-]{7,13}[0-9]\b"));
static SERVICE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"(?i)^[\s>*_\-|]*(?:",
        r"tel\b|telephone|phone\b|t\s*:|switchboard|office|main\s+line|duty|reception|fax|",
        r"helpline|crisis\s+line|amhp\s+hub|hub\b|team\b|ward\b|out\s+of\s+hours|edt\b|spa\b|",
        r"single\s+point\s+of\s+access|general\s+enquiries|enquiries",
        r")"
    ))
});
static SERVICE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"(?i)\b(?:team|service|hub|line|office|desk|switchboard|unit|ward|helpline|reception|",
        r"department|practice|surgery|centre|center|edt|spa|amhp|amhps|crisis)(?:'s)?",
        r"\s+(?:number\s+)?(?:is\s+|on\s+|at\s+|number\s+|:\s*|-\s*)?(?:on\s+|at\s+)?\(?$"
    ))
});
static SERVICE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^\s*[(\[-]\s*(?:switchboard|office|main\s+line|duty|reception|team|helpline|hub|ward)",
    )
});

fn phone_numbers(text: &str, findings: &mut Vec<Finding>) {
    for m in PHONE.find_iter(text) {
        let digits: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
        let national = match digits.strip_prefix("44") {
            Some(rest) if m.as_str().starts_with('+') => {
                let rest = rest.strip_prefix('0').unwrap_or(rest);
                format!("0{rest}")
            }
            _ => digits,
        };
        let plausible = match national.as_bytes() {
            [b'0', b'7', ..] | [b'0', b'2', ..] => national.len() == 11,
            [b'0', b'1', ..] => national.len() == 11 || national.len() == 10,
            _ => false,
        };
        if !plausible {
            continue;
        }
        let start = m.start();
        let end = m.end();
        // Part of a longer run of digits: a reference number, not a phone number.
        if text[end..].starts_with(|c: char| c.is_ascii_digit())
            || text[..start].ends_with(|c: char| c.is_ascii_digit())
        {
            continue;
        }
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_before = &text[line_start..start];
        let (left, right) = window(text, start, end, 80, 30);
        let service = SERVICE_LINE.is_match(line_before)
            || SERVICE_BEFORE.is_match(&left)
            || SERVICE_AFTER.is_match(&right);
        if !service {
            push(findings, FindingKind::PhoneNumber, text, start, end);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// E-mail addresses of persons. A mailbox is a role's, not a person's, and is not flagged when:
// - any part of its local part (split at . _ - +) is a role word (team, amhp, duty, admin,
//   enquiries, info, office, referrals, hub, service, mailbox, contact, support, reception,
//   safeguarding, spa, crisis, helpdesk, noreply, ...); or
// - it is an NHS England national mailbox (local part starting "england." at nhs.net), such as
//   england.partnersinpractice@nhs.net.
// Everything else, including a colleague's work address, is a person's and is flagged.

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b[A-Z0-9][A-Z0-9._%+'-]*@[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?(?:\.[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?)*\.[A-Z]{2,}\b",
    )
});

const ROLE_WORDS: &[&str] = &[
    "team",
    "teams",
    "amhp",
    "amhps",
    "duty",
    "admin",
    "administration",
    "enquiries",
    "enquiry",
    "info",
    "information",
    "office",
    "referrals",
    "referral",
    "hub",
    "service",
    "services",
    "mailbox",
    "contact",
    "contactus",
    "support",
    "reception",
    "safeguarding",
    "spa",
    "crisis",
    "helpdesk",
    "noreply",
    "no-reply",
    "donotreply",
    "mash",
    "edt",
    "ooh",
    "bookings",
    "booking",
    "training",
    "workforce",
    "practice",
    "partnersinpractice",
    "communications",
    "comms",
    "foi",
    "complaints",
    "pals",
    "governance",
    "secure",
    "generic",
    "shared",
    "web",
    "webmaster",
    "hello",
    "mhsw",
    "mhlt",
    "cmht",
    "bia",
    "dols",
    "lps",
    "s117",
];

fn emails(text: &str, findings: &mut Vec<Finding>) {
    for m in EMAIL.find_iter(text) {
        let address = m.as_str().to_ascii_lowercase();
        let Some((local, domain)) = address.split_once('@') else {
            continue;
        };
        if is_role_mailbox(local, domain) {
            continue;
        }
        push(findings, FindingKind::Email, text, m.start(), m.end());
    }
}

fn is_role_mailbox(local: &str, domain: &str) -> bool {
    if domain == "nhs.net" && local.starts_with("england.") {
        return true;
    }
    local
        .split(['.', '_', '-', '+'])
        .any(|part| ROLE_WORDS.contains(&part))
}

// ---------------------------------------------------------------------------------------------
// Hospital and case record numbers: a record label followed by an identifier with at least
// four digits that is not just a year. Labels: hospital number/no, case number/no/ref, patient
// or client ID/number, MRN, NHS no/number, CHI, RiO, PARIS, Mosaic, LAS, SystmOne, EMIS,
// Liquidlogic, Carefirst, Eclipse, framework-i (with or without "no", "number", "ID", "ref").

static CASE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"(?i)\b(?:",
        r"hosp(?:ital)?\.?\s*(?:no\b\.?|num(?:ber)?\b|id\b|ref\b)",
        r"|case\s*(?:no\b\.?|num(?:ber)?\b|ref(?:erence)?\b|id\b)",
        r"|(?:patient|client|service\s+user|person)\s*(?:id\b|no\b\.?|num(?:ber)?\b|ref\b)",
        r"|nhs\s*(?:no\b\.?|num(?:ber)?\b)",
        r"|mrn\b|chi\b(?:\s*(?:no\b\.?|num(?:ber)?\b))?",
        r"|(?:rio|paris|mosaic|las|systmone|emis|liquidlogic|carefirst|eclipse|framework-?i)",
        r"(?:\s*(?:no\b\.?|num(?:ber)?\b|id\b|ref\b|record\b))?",
        r")",
        r"\s*(?:[:#=]|is\b|-)?\s*",
        r"(?P<id>[A-Z]{0,4}[-/]?[0-9][A-Z0-9/-]{2,18}[A-Z0-9])\b"
    ))
});
static YEAR_ONLY: LazyLock<Regex> = LazyLock::new(|| regex(r"^(?:19|20)[0-9]{2}$"));

fn case_numbers(text: &str, findings: &mut Vec<Finding>) {
    for caps in CASE_NUMBER.captures_iter(text) {
        let Some(id) = caps.name("id") else { continue };
        let digit_count = id.as_str().chars().filter(char::is_ascii_digit).count();
        if digit_count < 4 || YEAR_ONLY.is_match(id.as_str()) {
            continue;
        }
        push(
            findings,
            FindingKind::CaseNumber,
            text,
            id.start(),
            id.end(),
        );
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<FindingKind> {
        scan(text).into_iter().map(|f| f.kind).collect()
    }

    #[test]
    fn nhs_check_digit() {
        // 943 476 5919 is the NHS Data Dictionary's worked example.
        assert!(nhs_check_digit_valid(&[9, 4, 3, 4, 7, 6, 5, 9, 1, 9]));
        assert!(!nhs_check_digit_valid(&[9, 4, 3, 4, 7, 6, 5, 9, 1, 8]));
        assert!(!nhs_check_digit_valid(&[0; 10]));
        assert!(!nhs_check_digit_valid(&[1, 2, 3]));
    }

    #[test]
    fn nhs_numbers_spaced_and_unspaced() {
        for text in ["NHS 943 476 5919.", "9434765919", "ref 943-476-5919 today"] {
            assert_eq!(kinds(text), vec![FindingKind::NhsNumber], "{text}");
        }
        assert!(scan("order 9434765918").is_empty());
        assert!(scan("943 4765919").is_empty());
    }

    #[test]
    fn offsets_are_byte_offsets() {
        let text = "Café – DOB 12/03/1987";
        let finding = &scan(text)[0];
        assert_eq!(finding.kind, FindingKind::DateOfBirth);
        assert_eq!(&text[finding.start..finding.end], "12/03/1987");
        assert_eq!(finding.matched, "12/03/1987");
    }

    #[test]
    fn ni_numbers() {
        assert_eq!(kinds("NI AB 12 34 56 C"), vec![FindingKind::NiNumber]);
        assert_eq!(kinds("his NINO is JT123456"), vec![FindingKind::NiNumber]);
        assert!(scan("GB123456A").is_empty());
        assert!(scan("Room AB123456").is_empty());
    }

    #[test]
    fn postcodes_full_only() {
        assert_eq!(kinds("lives at LS1 4AP"), vec![FindingKind::Postcode]);
        assert_eq!(kinds("SW1A 1AA"), vec![FindingKind::Postcode]);
        assert_eq!(kinds("m14 5rf"), vec![FindingKind::Postcode]);
        assert!(scan("the LS1 area").is_empty());
        assert!(scan("under s3 1st time").is_empty());
    }

    #[test]
    fn dates_need_birth_context() {
        assert_eq!(kinds("DOB: 14/02/1979"), vec![FindingKind::DateOfBirth]);
        assert_eq!(
            kinds("born 3rd March 1990 in Leeds"),
            vec![FindingKind::DateOfBirth]
        );
        assert_eq!(kinds("aged 44 (12.7.80)"), vec![FindingKind::DateOfBirth]);
        assert!(scan("panel on 14/02/2025").is_empty());
        assert!(scan("Mental Health Act 1983").is_empty());
    }

    #[test]
    fn phones_personal_vs_service() {
        assert_eq!(
            kinds("her mobile is 07700 900123"),
            vec![FindingKind::PhoneNumber]
        );
        assert_eq!(kinds("+44 7700 900 456"), vec![FindingKind::PhoneNumber]);
        assert_eq!(kinds("Mob: 07700900789"), vec![FindingKind::PhoneNumber]);
        assert!(scan("Tel: 0113 496 0000").is_empty());
        assert!(scan("call the AMHP team on 0113 496 0123").is_empty());
        assert!(scan("0113 496 0000 (switchboard)").is_empty());
        assert!(scan("0300 123 4567").is_empty());
    }

    #[test]
    fn emails_personal_vs_role() {
        assert_eq!(kinds("j.bloggs87@example.com"), vec![FindingKind::Email]);
        assert!(scan("england.partnersinpractice@nhs.net").is_empty());
        assert!(scan("amhp.team@example.nhs.uk").is_empty());
        assert!(scan("duty@example.gov.uk").is_empty());
    }

    #[test]
    fn case_numbers_with_labels() {
        assert_eq!(
            kinds("Hospital no. RX1234567"),
            vec![FindingKind::CaseNumber]
        );
        assert_eq!(kinds("MRN: 00482913"), vec![FindingKind::CaseNumber]);
        assert_eq!(kinds("RiO 4471823"), vec![FindingKind::CaseNumber]);
        assert!(scan("Paris 2024").is_empty());
        assert!(scan("we moved to RiO in 2019").is_empty());
    }

    #[test]
    fn practice_language_is_left_alone() {
        for text in [
            "Detained under s136 and moved to s2, then s3.",
            "A s37/41 restricted patient; section 117 aftercare.",
            "Mental Health Act 1983, Care Act 2014, Mental Capacity Act 2005.",
            "Meeting at 14:30 on 3 March 2025; version 2.4.1 of the form.",
            "Email england.partnersinpractice@nhs.net with questions.",
            "We had 1200 referrals and 45 assessments.",
        ] {
            assert!(scan(text).is_empty(), "{text}: {:?}", scan(text));
        }
    }

    /// A guard against runaway matching on a full-size post, not a speed figure: the bound
    /// leaves room for a debug build on a busy machine.
    #[test]
    fn a_full_size_post_scans_quickly() {
        let unit = "DOB 12/03/1987 call 07700 900123, 943 476 5919, LS1 4AP, a.b@example.com. ";
        let text = unit.repeat(64 * 1024 / unit.len());
        let started = std::time::Instant::now();
        let findings = scan(&text);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(findings.len(), 5 * (64 * 1024 / unit.len()));
        let digits = "1234567890 ".repeat(64 * 1024 / 11);
        let started = std::time::Instant::now();
        scan(&digits);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    struct Score {
        true_pos: usize,
        false_neg: usize,
        false_pos: usize,
        true_neg: usize,
    }

    fn score_corpus() -> (Score, Vec<String>) {
        let corpus = include_str!("../../data/case-guard-corpus.tsv");
        let mut score = Score {
            true_pos: 0,
            false_neg: 0,
            false_pos: 0,
            true_neg: 0,
        };
        let mut misses = Vec::new();
        for (n, line) in corpus.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let (label, sentence) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("line {}: no tab", n + 1));
            let sentence = sentence.replace("\\n", "\n");
            let flagged = !scan(&sentence).is_empty();
            match (label, flagged) {
                ("pos", true) => score.true_pos += 1,
                ("pos", false) => {
                    score.false_neg += 1;
                    misses.push(format!("missed: {sentence}"));
                }
                ("neg", true) => {
                    score.false_pos += 1;
                    misses.push(format!("flagged: {sentence} {:?}", scan(&sentence)));
                }
                ("neg", false) => score.true_neg += 1,
                _ => panic!("line {}: label must be pos or neg", n + 1),
            }
        }
        (score, misses)
    }

    /// Run with `-- --nocapture` to see the figures quoted in docs/moderation.md.
    #[test]
    fn corpus_precision_and_recall() {
        let (s, misses) = score_corpus();
        let positives = s.true_pos + s.false_neg;
        let negatives = s.false_pos + s.true_neg;
        assert!(
            positives >= 60 && negatives >= 60,
            "{positives} pos, {negatives} neg"
        );
        let recall = s.true_pos as f64 / positives as f64;
        let precision = s.true_pos as f64 / (s.true_pos + s.false_pos).max(1) as f64;
        println!(
            "case guard corpus: {positives} positive and {negatives} negative sentences; \
             true positives {}, false negatives {}, false positives {}, true negatives {}; \
             recall {recall:.3}, precision {precision:.3}",
            s.true_pos, s.false_neg, s.false_pos, s.true_neg
        );
        for miss in &misses {
            println!("  {miss}");
        }
        assert!(recall >= 0.95, "recall {recall:.3} < 0.95");
        assert!(precision >= 0.9, "precision {precision:.3} < 0.9");
    }
}
