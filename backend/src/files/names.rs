//! The names attachments are served under. The uploaded name is only ever a label: files are
//! stored under their content hash, so nothing here decides where bytes are written.

use super::sniff::FileType;

/// Longest stored name, in characters, extension included.
pub const MAX_NAME_CHARS: usize = 120;

/// Bidirectional and zero-width formatting characters, which can make `evil\u{202e}fdp.exe`
/// look like `evilexe.pdf`.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        | '\u{061C}' | '\u{FEFF}')
}

/// A safe file name for an upload of type `file_type`: the last path component only, without
/// control, bidi or reserved characters, leading dots or spaces, at most `MAX_NAME_CHARS`
/// long, ending in the extension of the type found from the content.
pub fn sanitise(raw: &str, file_type: FileType) -> String {
    // Keep only what follows the last separator of either kind.
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_invisible(*c))
        .collect();
    let options = sanitize_filename::Options {
        windows: true,
        truncate: true,
        replacement: "_",
    };
    let cleaned = sanitize_filename::sanitize_with_options(cleaned, options);
    let cleaned = cleaned
        .trim_start_matches(['.', ' ', '_'])
        .trim_end_matches(['.', ' ']);
    // Drop whatever extension the name claims; the content decides.
    let stem = match cleaned.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && (1..=5).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            if file_type.accepts_extension(ext) {
                return cap(stem, ext);
            }
            stem
        }
        _ => cleaned,
    };
    let stem = stem.trim_end_matches(['.', ' ']);
    let stem = if stem.chars().all(|c| c == '_') {
        "attachment"
    } else {
        stem
    };
    cap(stem, file_type.extension())
}

fn cap(stem: &str, ext: &str) -> String {
    let room = MAX_NAME_CHARS.saturating_sub(ext.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    let stem = stem.trim_end_matches(['.', ' ']);
    format!("{stem}.{ext}")
}

/// `Content-Disposition: attachment` with an ASCII `filename` for old clients and the exact
/// name as `filename*=UTF-8''...` (RFC 6266, RFC 8187).
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        // RFC 8187 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~"
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_and_take_the_detected_extension() {
        assert_eq!(sanitise("../../../tmp/evil.pdf", FileType::Pdf), "evil.pdf");
        assert_eq!(sanitise("..\\..\\evil.pdf", FileType::Pdf), "evil.pdf");
        assert_eq!(sanitise("report.pdf", FileType::Png), "report.png");
        assert_eq!(sanitise("photo.JPEG", FileType::Jpeg), "photo.JPEG");
        assert_eq!(sanitise(".hidden", FileType::Pdf), "hidden.pdf");
        assert_eq!(
            sanitise("a.pdf\r\nContent-Type: text/html", FileType::Pdf),
            "html.pdf"
        );
        assert_eq!(sanitise("a.pdf\r\nX: y", FileType::Pdf), "a.pdfX_ y.pdf");
        assert_eq!(sanitise("CON.pdf", FileType::Pdf), "attachment.pdf");
        assert_eq!(sanitise("", FileType::Pdf), "attachment.pdf");
        assert!(!sanitise("evil\u{202e}fdp.exe", FileType::Pdf).contains('\u{202e}'));
        assert_eq!(
            sanitise(&"x".repeat(300), FileType::Pdf).chars().count(),
            MAX_NAME_CHARS
        );
    }

    #[test]
    fn disposition_has_both_forms() {
        assert_eq!(
            content_disposition("Café plan.pdf"),
            "attachment; filename=\"Caf_ plan.pdf\"; filename*=UTF-8''Caf%C3%A9%20plan.pdf"
        );
    }
}
