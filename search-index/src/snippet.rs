//! HTML snippets: every character of document text is escaped, and the only markup is our own
//! `<mark>` around matched terms.

use tantivy::snippet::{Snippet, SnippetGenerator};

/// Characters of body text shown when no term matched in the body.
const LEAD_CHARS: usize = 200;

/// Escapes text for use in HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Builds the HTML from a fragment and its highlighted byte ranges, escaping all text.
pub(crate) fn to_html(snippet: &Snippet) -> String {
    let fragment = snippet.fragment();
    let mut html = String::new();
    let mut at = 0;
    for range in snippet.highlighted() {
        let (Some(before), Some(marked)) = (
            fragment.get(at..range.start),
            fragment.get(range.start..range.end),
        ) else {
            continue;
        };
        html.push_str(&escape_html(before));
        html.push_str("<mark>");
        html.push_str(&escape_html(marked));
        html.push_str("</mark>");
        at = range.end;
    }
    html.push_str(&escape_html(fragment.get(at..).unwrap_or_default()));
    html
}

/// A hit's snippet and, when it came from an attachment, where.
pub(crate) struct Found {
    pub html: String,
    pub page: Option<u32>,
    pub attachment_title: Option<String>,
}

/// Most attachment pages looked at for one snippet.
const MAX_PAGES_SCANNED: usize = 500;

/// The snippet for a document: the body's best fragment when a term matched there, else the
/// attachment page with most matches (named by page and title), else the body's opening.
pub(crate) fn for_document(
    generator: Option<&SnippetGenerator>,
    body: &str,
    pages: &[String],
) -> Found {
    if let Some(generator) = generator {
        let snippet = generator.snippet(body);
        if !snippet.highlighted().is_empty() {
            return Found {
                html: to_html(&snippet),
                page: None,
                attachment_title: None,
            };
        }
        let mut best: Option<(usize, Snippet, u32, &str)> = None;
        for stored in pages.iter().take(MAX_PAGES_SCANNED) {
            let mut parts = stored.splitn(3, crate::schema::PAGE_SEP);
            let (Some(n), Some(title), Some(text)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let Ok(n) = n.parse::<u32>() else { continue };
            let snippet = generator.snippet(text);
            let marks = snippet.highlighted().len();
            if marks > 0 && best.as_ref().is_none_or(|(m, ..)| marks > *m) {
                best = Some((marks, snippet, n, title));
            }
        }
        if let Some((_, snippet, n, title)) = best {
            return Found {
                html: to_html(&snippet),
                page: Some(n),
                attachment_title: Some(title.to_owned()),
            };
        }
    }
    Found {
        html: lead(body),
        page: None,
        attachment_title: None,
    }
}

fn lead(body: &str) -> String {
    let body = body.trim();
    let cut = body.char_indices().nth(LEAD_CHARS).map(|(i, _)| i);
    match cut {
        None => escape_html(body),
        Some(end) => {
            // Cut at a word boundary where there is one.
            let head = &body[..end];
            let head = head.rfind(char::is_whitespace).map_or(head, |i| &head[..i]);
            format!("{}…", escape_html(head.trim_end()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything() {
        assert_eq!(
            escape_html(r#"<script>alert("x&'y")</script>"#),
            "&lt;script&gt;alert(&quot;x&amp;&#39;y&quot;)&lt;/script&gt;"
        );
    }

    #[test]
    fn lead_cuts_at_words() {
        let body = "word ".repeat(100);
        let out = lead(&body);
        assert!(out.ends_with("word…"));
        assert!(out.chars().count() <= LEAD_CHARS + 1);
        assert_eq!(lead("ünïcode <b>"), "ünïcode &lt;b&gt;");
    }
}
