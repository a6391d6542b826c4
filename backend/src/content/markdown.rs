//! Markdown to safe HTML, done once when a post or article is written: size and nesting caps
//! first, then comrak (GitHub-flavoured, raw HTML off), then ammonia with an explicit allow-list.
//! The stored HTML is what readers get; nothing is rendered again on the way out.
//!
//! Rendering is blocking and CPU-bound (a full-size post takes milliseconds in a release build,
//! the worst inputs the caps let through take well under a second in a debug build). Async
//! callers run [`render`] inside `tokio::task::spawn_blocking`, never on the runtime itself.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use comrak::arena_tree::NodeEdge;
use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options};
use regex::Regex;

/// The longest Markdown source accepted, in bytes.
pub const MAX_INPUT_BYTES: usize = 64 * 1024;
/// The deepest nesting of block quotes and lists accepted. Browsers give up at 512; html5ever
/// (inside ammonia) is quadratic in depth, so the cap sits far below where that matters.
pub const MAX_NESTING: usize = 32;
/// The most `[` characters accepted: each one is a potential link opener the parser must track.
pub const MAX_BRACKETS: usize = 10_000;
/// The most emphasis and strikethrough marks (`*`, `_`, `~`) accepted: each is a delimiter
/// the inline parser must try to pair.
pub const MAX_EMPHASIS_MARKS: usize = 10_000;
/// The most links (inline, reference-style, autolinks and images together) accepted.
pub const MAX_LINKS: usize = 5_000;
/// The largest HTML produced, in bytes, both from comrak and after sanitising. A reference
/// definition with a long URL used thousands of times would otherwise multiply the input.
pub const MAX_HTML_BYTES: usize = 512 * 1024;
/// The most table cells accepted across a document, counting the empty cells the parser adds
/// to short rows (2,000 columns over 10,000 one-word lines would otherwise be 20 million).
pub const MAX_TABLE_CELLS: usize = 10_000;
/// The deepest element tree accepted, counting inline elements (emphasis inside links inside
/// list items ...).
const MAX_TREE_DEPTH: usize = 96;
/// A backstop: comrak checks this every 256 steps and gives up, should a future comrak regress
/// on some input the caps above let through.
const PARSE_BUDGET: Duration = Duration::from_secs(2);

/// The relation every link gets: no search-engine credit, marked as user content, no access to
/// this window from the opened page, and no referrer leaking the thread's URL.
pub const LINK_REL: &str = "nofollow ugc noopener noreferrer";

/// What a post's Markdown turns into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Sanitised HTML, safe to insert into the post's container as is.
    pub html: String,
    /// Plain text for the search index and snippets: one line per block, code included,
    /// no markup. Not HTML-escaped: whoever puts it in a page escapes it.
    pub text: String,
    /// `@handles` mentioned outside code, lower-cased, without the `@`, each once, in order of
    /// first appearance. The caller decides which of them name members.
    pub mentions: Vec<String>,
    /// Names mentioned as `@[Jane Smith]` outside code, as typed (trimmed), each once, in order
    /// of first appearance. The brackets let a mention carry spaces and any letters.
    pub named_mentions: Vec<String>,
}

/// Why a text was refused. Both mean the member must change the text (HTTP 422).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error(
        "the text is too long to publish: keep it under 64 KiB (about 10,000 words), \
         or split it into several posts"
    )]
    TooLarge,
    #[error(
        "the text is too deeply nested or too complex to display: use at most 32 levels \
         of quotes and lists, 10,000 square brackets, 10,000 emphasis marks, 10,000 table \
         cells and 5,000 links"
    )]
    TooDeep,
}

/// Renders Markdown to sanitised HTML, plain text and mentions. Blocking: see the module docs.
///
/// - GitHub-flavoured Markdown: tables, ~~strikethrough~~, bare-URL autolinks and task lists.
/// - Raw HTML is never passed through: it is shown as the text the member typed.
/// - Task list items are rendered as text markers (☐ to do, ☑ done), not as `<input>` elements,
///   which may not appear in a post.
/// - Images are never embedded, so a reader's browser never loads a third-party image (which
///   would tell that site who read the post and when). `![alt](url)` becomes an ordinary link
///   to the URL whose text is the alt text (or the URL when there is none); inside another
///   link it becomes just its alt text.
/// - Headings move down two levels (`#` becomes `<h3>`, `####` and below become `<h6>`), so a
///   post never competes with the page's own `<h1>` and `<h2>`.
/// - Links keep only `http`, `https` and `mailto` URLs; relative and protocol-relative ones
///   lose their `href`. Every link gets `rel="nofollow ugc noopener noreferrer"`.
/// - Bidirectional override characters (U+202A–U+202E, U+2066–U+2069) are removed, so link text
///   cannot be made to read backwards.
pub fn render(markdown: &str) -> Result<Rendered, RenderError> {
    if markdown.len() > MAX_INPUT_BYTES {
        return Err(RenderError::TooLarge);
    }
    let source: Cow<'_, str> = if markdown.chars().any(is_bidi_control) {
        Cow::Owned(markdown.chars().filter(|c| !is_bidi_control(*c)).collect())
    } else {
        Cow::Borrowed(markdown)
    };
    check_source(&source)?;

    let options = comrak_options();
    let arena = Arena::new();
    let deadline = Instant::now() + PARSE_BUDGET;
    let past_deadline = || Instant::now() >= deadline;
    let root = comrak::try_parse_document(&arena, &source, &options, &past_deadline)
        .map_err(|_| RenderError::TooDeep)?;
    check_tree(root)?;

    let (text, mentions, named_mentions) = plain_text_and_mentions(root);
    rewrite_for_posts(&arena, root);

    let mut unsanitised = CappedString::default();
    comrak::format_html(root, &options, &mut unsanitised).map_err(|_| RenderError::TooLarge)?;
    let html = SANITISER.clean(&unsanitised.0).to_string();
    if html.len() > MAX_HTML_BYTES {
        return Err(RenderError::TooLarge);
    }
    Ok(Rendered {
        html,
        text,
        mentions,
        named_mentions,
    })
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Cheap checks on the source, before the parser sees it. The tree check after parsing is the
/// exact one; this refuses the pathological inputs without building their trees at all.
fn check_source(source: &str) -> Result<(), RenderError> {
    if source.bytes().filter(|b| *b == b'[').count() > MAX_BRACKETS
        || source
            .bytes()
            .filter(|b| matches!(b, b'*' | b'_' | b'~'))
            .count()
            > MAX_EMPHASIS_MARKS
    {
        return Err(RenderError::TooDeep);
    }
    if source.lines().any(|line| line_markers(line) > MAX_NESTING) {
        return Err(RenderError::TooDeep);
    }
    if table_cells_upper_bound(source) > MAX_TABLE_CELLS {
        return Err(RenderError::TooDeep);
    }
    Ok(())
}

/// An upper bound on the table cells a document makes. A GFM table is a header line, a
/// delimiter line (`|---|:--:|`) and every following line up to a blank one, each padded to the
/// delimiter's column count; this counts exactly that, after stripping the quote and list
/// markers that could put a table inside another block.
fn table_cells_upper_bound(source: &str) -> usize {
    let mut cells = 0usize;
    let mut columns = 0usize; // of the table being counted, 0 outside tables
    for line in source.lines() {
        let content = strip_container_markers(line);
        if content.trim().is_empty() {
            columns = 0;
            continue;
        }
        if columns > 0 {
            cells = cells.saturating_add(columns);
        } else if let Some(delimiter_columns) = delimiter_row_columns(content) {
            // The header row above has as many cells as the delimiter row.
            columns = delimiter_columns;
            cells = cells.saturating_add(columns.saturating_mul(2));
        }
    }
    cells
}

fn strip_container_markers(line: &str) -> &str {
    let mut rest = line;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t', '>']);
        let trimmed = trimmed
            .strip_prefix(['-', '+', '*'])
            .filter(|after| after.starts_with([' ', '\t']))
            .unwrap_or(trimmed);
        if trimmed.len() == rest.len() {
            return rest;
        }
        rest = trimmed;
    }
}

/// The column count of a table delimiter row (`| :--- | ---: |`), or `None` for any other line.
fn delimiter_row_columns(line: &str) -> Option<usize> {
    let trimmed = line.trim();
    if !trimmed.contains('|') && !trimmed.contains('-') {
        return None;
    }
    let inner = trimmed.strip_prefix('|').unwrap_or(trimmed);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut columns = 0;
    for cell in inner.split('|') {
        let cell = cell.trim();
        let dashes = cell.trim_start_matches(':').trim_end_matches(':');
        if dashes.is_empty() || !dashes.bytes().all(|b| b == b'-') {
            return None;
        }
        columns += 1;
    }
    (columns > 0 && (trimmed.contains('|') || columns > 1)).then_some(columns)
}

/// Counts the block-quote (`>`) and list markers (`-`, `+`, `*`, `1.`, `1)`) that open a line:
/// `> > - 1. text` opens four containers. Indentation is left to the tree check, because it
/// only nests inside a list, which this cheap pass cannot tell.
fn line_markers(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut markers = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' => i += 1,
            b'>' => {
                markers += 1;
                i += 1;
            }
            b'-' | b'+' | b'*' if bytes.get(i + 1).is_none_or(|b| *b == b' ' || *b == b'\t') => {
                markers += 1;
                i += 1;
            }
            b'0'..=b'9' => {
                let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                let after = i + digits;
                let is_marker = digits <= 9
                    && matches!(bytes.get(after), Some(b'.' | b')'))
                    && bytes
                        .get(after + 1)
                        .is_none_or(|b| *b == b' ' || *b == b'\t');
                if !is_marker {
                    break;
                }
                markers += 1;
                i = after + 1;
            }
            _ => break,
        }
    }
    markers
}

/// The exact caps, on the parsed tree: nesting of quotes and lists, overall element depth,
/// and the number of links (reference-style uses included).
fn check_tree<'a>(root: &'a AstNode<'a>) -> Result<(), RenderError> {
    let mut depth = 0usize;
    let mut nesting = 0usize;
    let mut links = 0usize;
    for edge in root.traverse() {
        match edge {
            NodeEdge::Start(node) => {
                depth += 1;
                match node.data().value {
                    NodeValue::BlockQuote | NodeValue::List(_) => nesting += 1,
                    NodeValue::Link(_) | NodeValue::Image(_) => links += 1,
                    _ => {}
                }
                if depth > MAX_TREE_DEPTH || nesting > MAX_NESTING || links > MAX_LINKS {
                    return Err(RenderError::TooDeep);
                }
            }
            NodeEdge::End(node) => {
                depth = depth.saturating_sub(1);
                if matches!(
                    node.data().value,
                    NodeValue::BlockQuote | NodeValue::List(_)
                ) {
                    nesting = nesting.saturating_sub(1);
                }
            }
        }
    }
    Ok(())
}

fn comrak_options() -> Options<'static> {
    let mut options = Options::default();
    options.extension.strikethrough = true;
    options.extension.table = true;
    options.extension.autolink = true;
    options.extension.tasklist = true;
    // Off, and said so: footnotes, raw HTML and everything else not asked for.
    options.extension.footnotes = false;
    options.render.r#unsafe = false;
    // Raw HTML is shown as the text the member typed rather than silently dropped.
    options.render.escape = true;
    options
}

static MENTION: LazyLock<Regex> = LazyLock::new(|| {
    // A handle starts and ends with a letter, digit or underscore; dots and hyphens may sit
    // inside (`@jane.doe`, `@amhp-lead`). The character before the `@` must not be one that
    // would make it part of an e-mail address or a path.
    super::fixed_regex(r"(?:^|[^A-Za-z0-9_.@+/\\-])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)")
});

/// The longest handle taken as a mention.
const MAX_HANDLE_LEN: usize = 40;

static NAMED_MENTION: LazyLock<Regex> = LazyLock::new(|| {
    // `@[Jane Smith]`: a display name (at most 60 characters) in brackets, no brackets or line
    // breaks inside. Without a link definition of that name Markdown leaves it as text.
    super::fixed_regex(r"@\[([^\[\]\n]{2,80})\]")
});

/// Plain text of the document and the `@handles` in it outside code. Text is gathered per
/// block, so a handle split across several text nodes by the parser (`@jane_doe` around an
/// unmatched `_`) is still seen whole.
fn plain_text_and_mentions<'a>(root: &'a AstNode<'a>) -> (String, Vec<String>, Vec<String>) {
    let mut text = String::new();
    let mut inline_run = String::new();
    let mut mentions: Vec<String> = Vec::new();
    let mut named: Vec<String> = Vec::new();

    let flush = |run: &mut String, mentions: &mut Vec<String>, named: &mut Vec<String>| {
        for caps in NAMED_MENTION.captures_iter(run) {
            if let Some(name) = caps.get(1) {
                let name = name.as_str().trim();
                let count = name.chars().count();
                if (2..=60).contains(&count)
                    && !named
                        .iter()
                        .any(|n| n.to_lowercase() == name.to_lowercase())
                {
                    named.push(name.to_owned());
                }
            }
        }
        for caps in MENTION.captures_iter(run) {
            if let Some(handle) = caps.get(1) {
                let handle = handle.as_str().to_lowercase();
                if handle.len() <= MAX_HANDLE_LEN && !mentions.contains(&handle) {
                    mentions.push(handle);
                }
            }
        }
        run.clear();
    };

    for edge in root.traverse() {
        match edge {
            NodeEdge::Start(node) => match &node.data().value {
                NodeValue::Text(t) => {
                    text.push_str(t);
                    inline_run.push_str(t);
                }
                NodeValue::Code(code) => {
                    text.push_str(&code.literal);
                    inline_run.push(' ');
                }
                NodeValue::CodeBlock(block) => {
                    text.push_str(&block.literal);
                }
                NodeValue::HtmlInline(raw) => {
                    text.push_str(raw);
                    inline_run.push(' ');
                }
                NodeValue::HtmlBlock(block) => text.push_str(&block.literal),
                NodeValue::SoftBreak => {
                    text.push(' ');
                    inline_run.push(' ');
                }
                NodeValue::LineBreak => {
                    text.push('\n');
                    inline_run.push(' ');
                }
                _ => {}
            },
            NodeEdge::End(node) => {
                if node.data().value.block() {
                    text.push('\n');
                    flush(&mut inline_run, &mut mentions, &mut named);
                }
            }
        }
    }
    flush(&mut inline_run, &mut mentions, &mut named);

    let text = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    (text, mentions, named)
}

/// Changes the tree into what a post shows: headings down two levels, task items as text
/// markers, images as links. Done after the text is taken, so markers stay out of the index.
fn rewrite_for_posts<'a>(arena: &'a Arena<'a>, root: &'a AstNode<'a>) {
    let nodes: Vec<&'a AstNode<'a>> = root.descendants().collect();
    for node in nodes {
        let value = node.data().value.clone();
        match value {
            NodeValue::Heading(mut heading) => {
                heading.level = (heading.level + 2).min(6);
                node.data_mut().value = NodeValue::Heading(heading);
            }
            NodeValue::TaskItem(task) => {
                let marker = if task.symbol.is_some() {
                    "☑ "
                } else {
                    "☐ "
                };
                let list = node.parent().and_then(|parent| match &parent.data().value {
                    NodeValue::List(list) => Some(*list),
                    _ => None,
                });
                let Some(list) = list else {
                    // A task item outside a list (in a table cell): just the marker.
                    let text = new_node(arena, NodeValue::Text(Cow::Borrowed(marker)));
                    node.insert_before(text);
                    node.detach();
                    continue;
                };
                node.data_mut().value = NodeValue::Item(list);
                let text = new_node(arena, NodeValue::Text(Cow::Borrowed(marker)));
                let first_paragraph = node
                    .first_child()
                    .filter(|child| matches!(child.data().value, NodeValue::Paragraph));
                match first_paragraph {
                    Some(paragraph) => paragraph.prepend(text),
                    None => {
                        let paragraph = new_node(arena, NodeValue::Paragraph);
                        paragraph.append(text);
                        node.prepend(paragraph);
                    }
                }
            }
            NodeValue::Image(link) => {
                let inside_link = node
                    .ancestors()
                    .skip(1)
                    .any(|a| matches!(a.data().value, NodeValue::Link(_)));
                if inside_link {
                    let children: Vec<_> = node.children().collect();
                    for child in children {
                        node.insert_before(child);
                    }
                    node.detach();
                } else {
                    if node.first_child().is_none() {
                        let url = NodeValue::Text(Cow::Owned(link.url.clone()));
                        node.append(new_node(arena, url));
                    }
                    node.data_mut().value = NodeValue::Link(link);
                }
            }
            _ => {}
        }
    }
}

fn new_node<'a>(arena: &'a Arena<'a>, value: NodeValue) -> &'a AstNode<'a> {
    arena.alloc(AstNode::from(value))
}

/// A `fmt::Write` that fails once more than [`MAX_HTML_BYTES`] are written, so an input that
/// expands (one long reference URL used many times) is refused without building it all.
#[derive(Default)]
struct CappedString(String);

impl fmt::Write for CappedString {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.0.len() + s.len() > MAX_HTML_BYTES {
            return Err(fmt::Error);
        }
        self.0.push_str(s);
        Ok(())
    }
}

/// The tags a post may contain. `h1`/`h2` are absent because headings are moved down.
const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
];

/// The sanitiser, configured field by field rather than from ammonia's defaults (which allow
/// images, 25 URL schemes, relative URLs and `noopener noreferrer` only).
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(ALLOWED_TAGS.iter().copied().collect())
        // Content of these is dropped, not just the tags (a `<style>` body is not text).
        .clean_content_tags(HashSet::from(["script", "style"]))
        .generic_attributes(HashSet::new())
        .generic_attribute_prefixes(HashSet::new())
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href"])),
            ("th", HashSet::from(["align"])),
            ("td", HashSet::from(["align"])),
        ]))
        .tag_attribute_values(HashMap::new())
        .set_tag_attribute_values(HashMap::new())
        .allowed_classes(HashMap::new())
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some(LINK_REL))
        .strip_comments(true)
        .id_prefix(None);
    builder
});

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use scraper::{Html, Selector};

    const FORBIDDEN_TAGS: &[&str] = &[
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "form",
        "input",
        "button",
        "base",
        "meta",
        "link",
        "svg",
        "math",
        "img",
        "template",
        "set",
        "foreignobject",
        "annotation-xml",
    ];

    /// Parses the output as a browser would and checks every element and attribute against
    /// what the security README demands of a post's container.
    fn assert_safe(payload: &str, html: &str) {
        let document = Html::parse_fragment(html);
        let all = Selector::parse("*").unwrap();
        for element in document.select(&all) {
            let name = element.value().name();
            if name == "html" {
                continue; // the fragment's own wrapper
            }
            assert!(
                !FORBIDDEN_TAGS.contains(&name),
                "forbidden <{name}> from {payload:?}: {html}"
            );
            assert!(
                ALLOWED_TAGS.contains(&name),
                "<{name}> is not on the allow-list, from {payload:?}: {html}"
            );
            for (attr, value) in element.value().attrs() {
                let attr = attr.to_ascii_lowercase();
                assert!(!attr.starts_with("on"), "{attr} from {payload:?}: {html}");
                assert!(attr != "style", "style from {payload:?}: {html}");
                assert!(attr != "src", "src from {payload:?}: {html}");
                if attr == "id" || attr == "name" {
                    assert!(
                        value.starts_with("user-content-"),
                        "{attr} from {payload:?}"
                    );
                }
                let lowered = value.to_ascii_lowercase();
                for scheme in ["javascript:", "data:", "vbscript:", "file:"] {
                    assert!(
                        !(attr == "href" && lowered.trim_start().starts_with(scheme)),
                        "{scheme} href from {payload:?}: {html}"
                    );
                }
            }
            if name == "a" {
                let rel: Vec<&str> = element
                    .value()
                    .attr("rel")
                    .unwrap_or_default()
                    .split_whitespace()
                    .collect();
                for needed in ["nofollow", "ugc", "noopener", "noreferrer"] {
                    assert!(
                        rel.contains(&needed),
                        "rel lacks {needed}: {payload:?}: {html}"
                    );
                }
                if let Some(href) = element.value().attr("href") {
                    let scheme_ok = ["http://", "https://", "mailto:"]
                        .iter()
                        .any(|s| href.to_ascii_lowercase().starts_with(s));
                    assert!(scheme_ok, "href {href:?} from {payload:?}");
                }
            }
        }
        // Belt and braces on the serialised form as well.
        let lowered = html.to_ascii_lowercase();
        assert!(!lowered.contains("<script"), "{payload:?}: {html}");
        assert!(
            !lowered.contains("<a href=\"javascript"),
            "{payload:?}: {html}"
        );
    }

    fn payloads() -> Vec<String> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/security/xss_payloads.txt"
        );
        let file = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("the XSS payload list must be at {path}: {e}"));
        let payloads: Vec<String> = file
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| line.replace("\\n", "\n"))
            .collect();
        assert!(
            payloads.len() >= 40,
            "only {} payloads read",
            payloads.len()
        );
        payloads
    }

    #[test]
    fn every_xss_payload_renders_safely() {
        for payload in payloads() {
            let rendered = render(&payload).unwrap();
            assert_safe(&payload, &rendered.html);
            // Also inside the structures that change how the parser sees it.
            for wrapped in [
                format!("> {payload}"),
                format!("- {payload}"),
                format!("| a |\n|---|\n| {payload} |"),
                format!("# {payload}"),
                format!("- [ ] {payload}"),
            ] {
                let rendered = render(&wrapped).unwrap();
                assert_safe(&wrapped, &rendered.html);
            }
        }
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let rendered = render("<script>alert(1)</script> and <b>bold</b>").unwrap();
        assert!(
            rendered.html.contains("&lt;script&gt;"),
            "{}",
            rendered.html
        );
        assert!(!rendered.html.contains("<b>"));
    }

    #[test]
    fn links_get_rel_and_only_safe_schemes() {
        let html = render("[a](https://www.nhs.uk/) [b](/relative) [c](//evil.example/x) [d](mailto:amhp@example.nhs.uk) [e](ftp://x.example/)")
            .unwrap()
            .html;
        assert!(html.contains(
            r#"<a href="https://www.nhs.uk/" rel="nofollow ugc noopener noreferrer">a</a>"#
        ));
        assert!(html.contains(r#"href="mailto:amhp@example.nhs.uk""#));
        assert!(!html.contains("/relative"), "{html}");
        assert!(!html.contains("evil.example"), "{html}");
        assert!(!html.contains("ftp:"), "{html}");
        assert_safe("links", &html);
    }

    #[test]
    fn images_become_links_and_never_load() {
        let html = render("See ![the leaflet](https://example.org/leaflet.png \"t\").")
            .unwrap()
            .html;
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains(r#"<a href="https://example.org/leaflet.png" rel="nofollow ugc noopener noreferrer">the leaflet</a>"#),
            "{html}"
        );
        let html = render("![](https://example.org/a.png)").unwrap().html;
        assert!(html.contains(">https://example.org/a.png</a>"), "{html}");
        let html = render("[![badge](https://example.org/b.svg)](https://example.org/)")
            .unwrap()
            .html;
        assert!(!html.contains("b.svg"), "{html}");
        assert!(html.contains(">badge</a>"), "{html}");
        // Private addresses are never fetched by the server; the link is inert until clicked.
        let html = render("![a](http://169.254.169.254/latest/meta-data/)")
            .unwrap()
            .html;
        assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn gfm_table() {
        let html = render("| Team | Duty line |\n|:---|---:|\n| AMHP | 0113 000 0000 |")
            .unwrap()
            .html;
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains(r#"<th align="left">Team</th>"#), "{html}");
        assert!(
            html.contains(r#"<td align="right">0113 000 0000</td>"#),
            "{html}"
        );
    }

    #[test]
    fn gfm_strikethrough_and_emphasis() {
        let html = render("~~old policy~~ **new** _policy_").unwrap().html;
        assert!(html.contains("<del>old policy</del>"), "{html}");
        assert!(html.contains("<strong>new</strong>"), "{html}");
        assert!(html.contains("<em>policy</em>"), "{html}");
    }

    #[test]
    fn gfm_autolinks() {
        let html = render("See www.nhs.uk and https://www.england.nhs.uk/mental-health/.")
            .unwrap()
            .html;
        assert!(
            html.contains(
                r#"<a href="http://www.nhs.uk" rel="nofollow ugc noopener noreferrer">www.nhs.uk</a>"#
            ),
            "{html}"
        );
        assert!(
            html.contains(r#"href="https://www.england.nhs.uk/mental-health/""#),
            "{html}"
        );
    }

    #[test]
    fn gfm_task_lists_render_as_markers_not_inputs() {
        let rendered =
            render("- [ ] book the interpreter\n- [x] tell the nearest relative\n").unwrap();
        assert!(!rendered.html.contains("<input"), "{}", rendered.html);
        assert!(
            rendered.html.contains("<li>☐ book the interpreter</li>"),
            "{}",
            rendered.html
        );
        assert!(
            rendered
                .html
                .contains("<li>☑ tell the nearest relative</li>"),
            "{}",
            rendered.html
        );
        assert_eq!(
            rendered.text,
            "book the interpreter\ntell the nearest relative"
        );
        // A loose list and an empty item too.
        let html = render("- [ ] a\n\n- [x]\n  more\n").unwrap().html;
        assert!(!html.contains("<input"), "{html}");
        assert!(html.contains("☐ a"), "{html}");
    }

    #[test]
    fn headings_move_down_two_levels() {
        let html = render("# Title\n\n## Sub\n\n#### Deep").unwrap().html;
        assert!(html.contains("<h3>Title</h3>"), "{html}");
        assert!(html.contains("<h4>Sub</h4>"), "{html}");
        assert!(html.contains("<h6>Deep</h6>"), "{html}");
        assert!(!html.contains("<h1") && !html.contains("<h2"), "{html}");
    }

    #[test]
    fn mentions_outside_code_only() {
        let rendered = render(
            "Thanks @Jane.Doe and @bob_2, (@amhp-lead).\n\n\
             `@not_in_code` and\n\n```\n@nor_in_blocks\n```\n\n\
             mail jane@example.nhs.uk, path a/@b, again @jane.doe, @jane_doe_x.",
        )
        .unwrap();
        assert_eq!(
            rendered.mentions,
            vec!["jane.doe", "bob_2", "amhp-lead", "jane_doe_x"]
        );
    }

    #[test]
    fn named_mentions_in_brackets_outside_code() {
        let rendered = render(
            "Thanks @[Jane Smith] and @[Siân O'Brien-Jones], again @[jane smith].\n\n\
             `@[Not In Code]` and @[x] and @[], a name wrapped @[Line\nbreak], and\n\n\
             @[across\n\nparagraphs].",
        )
        .unwrap();
        assert_eq!(
            rendered.named_mentions,
            vec!["Jane Smith", "Siân O'Brien-Jones", "Line break"]
        );
        assert!(rendered.html.contains("@[Jane Smith]"), "{}", rendered.html);
    }

    #[test]
    fn plain_text_has_no_markup() {
        let rendered = render("# Section 136\n\nA **place of safety** and [a link](https://x.example/).\n\n> quoted\n\n`code`").unwrap();
        assert_eq!(
            rendered.text,
            "Section 136\nA place of safety and a link.\nquoted\ncode"
        );
    }

    #[test]
    fn bidi_overrides_are_removed() {
        let rendered =
            render("[https://www.nhs.uk/\u{202E}fdp.exe](https://attacker.invalid/)").unwrap();
        assert!(!rendered.html.contains('\u{202E}'));
        assert!(!rendered.text.contains('\u{202E}'));
    }

    #[test]
    fn nesting_is_capped() {
        let ok = format!("{}deep enough", "> ".repeat(MAX_NESTING));
        assert!(render(&ok).is_ok());
        let too_deep = format!("{}too deep", "> ".repeat(MAX_NESTING + 1));
        assert_eq!(render(&too_deep), Err(RenderError::TooDeep));
        // Nesting by indentation, which the line check leaves to the tree check.
        let mut indented = String::new();
        for level in 0..=MAX_NESTING {
            indented.push_str(&" ".repeat(level * 2));
            indented.push_str("- item\n");
        }
        assert_eq!(render(&indented), Err(RenderError::TooDeep));
        let mut fine = String::new();
        for level in 0..10 {
            fine.push_str(&" ".repeat(level * 2));
            fine.push_str("- item\n");
        }
        assert!(render(&fine).is_ok());
    }

    #[test]
    fn line_markers_counts_openers_only() {
        assert_eq!(line_markers("> > - 1. text"), 4);
        assert_eq!(line_markers("- [ ] task"), 1);
        assert_eq!(line_markers("1983 Act"), 0);
        assert_eq!(line_markers("-5 degrees"), 0);
        assert_eq!(line_markers("**bold**"), 0);
        assert_eq!(line_markers(">>>"), 3);
    }

    #[test]
    fn table_cells_are_counted_before_parsing() {
        assert_eq!(
            table_cells_upper_bound("| a | b |\n|---|:--:|\n| c | d |\n\ntext"),
            6
        );
        assert_eq!(
            table_cells_upper_bound("> | a |\n> |---|\n> | c |\n> more"),
            4
        );
        assert_eq!(table_cells_upper_bound("a\n---\nb"), 0);
        assert_eq!(table_cells_upper_bound("- a\n- b"), 0);
        let wide = format!(
            "|{}\n|{}\n{}",
            "a|".repeat(100),
            "-|".repeat(100),
            "x\n".repeat(200)
        );
        assert_eq!(render(&wide), Err(RenderError::TooDeep));
        let fine = format!(
            "|{}\n|{}\n{}",
            "a|".repeat(10),
            "-|".repeat(10),
            "|x|\n".repeat(200)
        );
        assert!(render(&fine).unwrap().html.contains("<td>x</td>"));
    }

    #[test]
    fn size_is_capped() {
        assert_eq!(
            render(&"a".repeat(MAX_INPUT_BYTES + 1)),
            Err(RenderError::TooLarge)
        );
        assert!(render(&"word ".repeat(MAX_INPUT_BYTES / 5)).is_ok());
    }

    /// Each DEPTH-01 and DEPTH-02 input from bad_inputs.txt, and the largest variant of it that
    /// fits under the size cap, either renders or is refused without a hang. The bound is a
    /// guard against quadratic blow-up (uncapped, 100 KB of `>` took 81 s), not a speed figure:
    /// it leaves room for a debug build on a busy machine. Speed is in docs/benchmarks.md.
    #[test]
    fn pathological_inputs_finish_quickly() {
        let fits = |unit: &str| unit.repeat((MAX_INPUT_BYTES - 16) / unit.len());
        let long_url = format!("[r]: /{}\n\n", "a".repeat(1024));
        let table_row = |cols: usize| format!("|{}\n", "a|".repeat(cols));
        let table = |cols: usize, rows: usize| {
            let mut t = table_row(cols);
            t.push_str(&format!("|{}\n", "-|".repeat(cols)));
            for _ in 0..rows {
                t.push_str(&table_row(cols));
            }
            t
        };
        let mut short_rows = table_row(2000);
        short_rows.push_str(&format!("|{}\n", "-|".repeat(2000)));
        short_rows.push_str(&"a\n".repeat(10_000));

        let cases: Vec<(&str, String)> = vec![
            ("DEPTH-01 > x 100k", ">".repeat(100_000)),
            ("DEPTH-01 '> ' x 20k", "> ".repeat(20_000)),
            ("DEPTH-01 <div> x 100k", "<div>".repeat(100_000)),
            ("DEPTH-01 > fitting", fits(">")),
            ("DEPTH-01 <div> fitting", fits("<div>")),
            ("DEPTH-01 '> ' per line", fits(">\n")),
            ("DEPTH-01 '- ' nested", fits("- ")),
            ("DEPTH-02 [ x 100k", "[".repeat(100_000)),
            ("DEPTH-02 [ fitting", fits("[")),
            ("DEPTH-02 [ just under cap", "[".repeat(MAX_BRACKETS)),
            ("DEPTH-02 [a]( x 50k", "[a](".repeat(50_000)),
            ("DEPTH-02 [a]( fitting", fits("[a](")),
            ("DEPTH-02 *a x 100k", "*a".repeat(100_000)),
            ("DEPTH-02 *a fitting", fits("*a")),
            ("DEPTH-02 _a fitting", fits("_a")),
            ("DEPTH-02 ` x 100k", "`".repeat(100_000)),
            ("DEPTH-02 ` fitting", fits("`")),
            (
                "DEPTH-02 [r] x 50k",
                format!("{long_url}{}", "[r]".repeat(50_000)),
            ),
            (
                "DEPTH-02 [r] x 5k",
                format!("{long_url}{}", "[r]".repeat(5_000)),
            ),
            (
                "DEPTH-02 [r] x 400",
                format!("{long_url}{}", "[r]".repeat(400)),
            ),
            ("DEPTH-02 table 2000x200", table(2000, 200)),
            ("DEPTH-02 table fitting", table(2000, 7)),
            ("DEPTH-02 table short rows", short_rows),
            (
                "references near the output cap",
                format!(
                    "[r]: https://example.org/{}\n\n{}",
                    "a".repeat(80),
                    "[r] ".repeat(3_300)
                ),
            ),
            (
                "links near the output cap",
                "[a](https://example.org/aaaaaaaaaaaaaaaaaaaaaa) ".repeat(1_300),
            ),
            ("emphasis nesting", fits("**a ")),
            ("emphasis just under cap", "*a".repeat(MAX_EMPHASIS_MARKS)),
            ("links in links", fits("[[a](b)")),
        ];
        for (name, input) in cases {
            let started = Instant::now();
            let result = render(&input);
            let took = started.elapsed();
            assert!(
                took < Duration::from_secs(5),
                "{name}: {took:?} ({} bytes in)",
                input.len()
            );
            match result {
                Ok(rendered) => {
                    assert!(rendered.html.len() <= MAX_HTML_BYTES, "{name}");
                    assert_safe(name, &rendered.html);
                }
                Err(RenderError::TooLarge | RenderError::TooDeep) => {}
            }
        }
        assert_eq!(render(&">".repeat(100_000)), Err(RenderError::TooLarge));
        assert_eq!(render(&fits(">")), Err(RenderError::TooDeep));
        assert_eq!(render(&fits("[")), Err(RenderError::TooDeep));
    }

    #[test]
    fn errors_read_as_advice() {
        assert!(RenderError::TooLarge.to_string().contains("64 KiB"));
        assert!(RenderError::TooDeep.to_string().contains("32 levels"));
    }
}
