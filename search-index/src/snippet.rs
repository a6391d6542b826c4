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

/// The snippet for one document's body: the best matching fragment, or else its opening.
pub(crate) fn for_body(generator: Option<&SnippetGenerator>, body: &str) -> String {
    if let Some(generator) = generator {
        let snippet = generator.snippet(body);
        if !snippet.highlighted().is_empty() {
            return to_html(&snippet);
        }
    }
    lead(body)
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
