//! Text extraction. Parsers of untrusted files run in a child process (`partners extract-text`)
//! with an address-space limit, a CPU limit, a wall-clock timeout and a cap on what it may
//! print, so a bomb, a parser crash or a runaway loop costs the child and nothing else.

use std::io::{BufReader, Read};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use quick_xml::events::Event;
use tokio::io::AsyncReadExt as _;

use super::sniff::FileType;

/// Largest XML part inflated from a DOCX or ODT (a ZIP bomb stops here).
pub const MAX_XML_BYTES: u64 = 32 << 20;

/// The caps a child runs under.
#[derive(Debug, Clone)]
pub struct Limits {
    pub timeout: Duration,
    pub memory_bytes: u64,
    /// Largest text accepted back (all pages together).
    pub max_text_bytes: usize,
}

/// What the child prints as the last line of its standard output.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct ChildOutput {
    #[serde(default)]
    pub pages: Vec<String>,
    #[serde(default)]
    pub error: Option<String>,
}

/// Runs `program extract-text` on `file` and returns the text of each page, or a short reason
/// for people ("timed out", "the file could not be read: ...").
pub async fn run_in_child(
    program: &Path,
    file: &Path,
    file_type: FileType,
    limits: &Limits,
) -> Result<Vec<String>, String> {
    let cpu_seconds = limits.timeout.as_secs().saturating_add(1).max(1);
    let mut child = tokio::process::Command::new(program)
        .arg("extract-text")
        .arg("--type")
        .arg(file_type.as_str())
        .arg("--memory-limit")
        .arg(limits.memory_bytes.to_string())
        .arg("--cpu-seconds")
        .arg(cpu_seconds.to_string())
        .arg("--max-text-bytes")
        .arg(limits.max_text_bytes.to_string())
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            tracing::error!(error = %e, program = %program.display(), "cannot start the text extractor");
            "the extractor could not be started".to_owned()
        })?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err("the extractor could not be started".into());
    };
    // JSON escaping can double the text; a little more leaves room for the wrapper.
    let stdout_cap = (limits.max_text_bytes as u64).saturating_mul(2) + 4096;
    let work = async {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let mut stdout = stdout.take(stdout_cap + 1);
        let mut stderr = stderr.take(8192);
        let (read_out, _) =
            tokio::join!(stdout.read_to_end(&mut out), stderr.read_to_end(&mut err));
        read_out.map_err(|e| format!("reading the extractor's output: {e}"))?;
        if out.len() as u64 > stdout_cap {
            return Err("the text is too long".to_owned());
        }
        let status = child
            .wait()
            .await
            .map_err(|e| format!("waiting for the extractor: {e}"))?;
        Ok::<_, String>((status, out, err))
    };
    let (status, out, err) = match tokio::time::timeout(limits.timeout, work).await {
        Ok(Ok(done)) => done,
        Ok(Err(reason)) => return Err(reason),
        Err(_) => return Err(format!("timed out after {} s", limits.timeout.as_secs())),
    };
    let text = String::from_utf8_lossy(&out);
    let parsed = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .and_then(|l| serde_json::from_str::<ChildOutput>(l).ok());
    match parsed {
        Some(ChildOutput { error: Some(e), .. }) => Err(e),
        Some(ChildOutput { pages, error: None }) if status.success() => Ok(pages),
        _ => {
            let stderr = String::from_utf8_lossy(&err);
            tracing::warn!(%status, stderr = %stderr.trim(), "text extractor failed");
            Err(match status.code() {
                Some(_) => "the extractor stopped with an error".to_owned(),
                None => "the extractor was stopped (too much memory or time)".to_owned(),
            })
        }
    }
}

/// The child side: sets its own limits, extracts, prints one JSON line. Returns the exit code.
pub fn child_main(
    file: &Path,
    file_type: &str,
    memory_limit: u64,
    cpu_seconds: u64,
    max_text_bytes: usize,
) -> u8 {
    // Limits first, before the file is even opened.
    if let Err(e) = rlimit::setrlimit(rlimit::Resource::AS, memory_limit, memory_limit) {
        print_output(&ChildOutput {
            pages: vec![],
            error: Some(format!("cannot set the memory limit: {e}")),
        });
        return 1;
    }
    let _ = rlimit::setrlimit(rlimit::Resource::CPU, cpu_seconds, cpu_seconds);
    let result = match FileType::parse(file_type) {
        Some(ft) => std::panic::catch_unwind(|| extract_file(file, ft, max_text_bytes))
            .unwrap_or_else(|_| Err("the file could not be read".to_owned())),
        None => Err(format!("unknown type {file_type:?}")),
    };
    let (code, output) = match result {
        Ok(pages) => (0, ChildOutput { pages, error: None }),
        Err(e) => (
            1,
            ChildOutput {
                pages: vec![],
                error: Some(e),
            },
        ),
    };
    print_output(&output);
    code
}

fn print_output(output: &ChildOutput) {
    use std::io::Write as _;
    let line = serde_json::to_string(output).unwrap_or_else(|_| "{}".into());
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "\n{line}");
    let _ = stdout.flush();
}

/// Extracts in this process: only ever called in the child.
pub fn extract_file(
    file: &Path,
    file_type: FileType,
    max_text_bytes: usize,
) -> Result<Vec<String>, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read the file: {e}"))?;
    let pages = match file_type {
        FileType::Pdf => pdf_extract::extract_text_from_mem_by_pages(&bytes)
            .map_err(|e| short(&format!("the PDF could not be read: {e}")))?,
        FileType::Docx => vec![xml_text(&bytes, "word/document.xml", Dialect::Word)?],
        FileType::Odt => vec![xml_text(&bytes, "content.xml", Dialect::OpenDocument)?],
        other => return Err(format!("no text is taken from {}", other.label())),
    };
    let total: usize = pages.iter().map(String::len).sum();
    if total > max_text_bytes {
        return Err("the text is too long".into());
    }
    Ok(pages
        .into_iter()
        .map(|p| p.replace('\u{c}', "\n").trim().to_owned())
        .collect())
}

fn short(s: &str) -> String {
    s.chars().take(200).collect()
}

#[derive(Clone, Copy)]
enum Dialect {
    Word,
    OpenDocument,
}

/// Paragraph text of one XML part of an office archive, inflating at most `MAX_XML_BYTES`.
fn xml_text(bytes: &[u8], part: &str, dialect: Dialect) -> Result<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| short(&format!("the document could not be opened: {e}")))?;
    let entry = archive
        .by_name(part)
        .map_err(|_| format!("the document has no {part}"))?;
    if entry.size() > MAX_XML_BYTES {
        return Err("the document is too large once uncompressed".into());
    }
    // The declared size can lie; the reader is capped whatever it says.
    let mut capped = entry.take(MAX_XML_BYTES + 1);
    let mut xml = Vec::new();
    capped
        .read_to_end(&mut xml)
        .map_err(|e| short(&format!("the document could not be read: {e}")))?;
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err("the document is too large once uncompressed".into());
    }
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(xml.as_slice()));
    let mut buf = Vec::new();
    let mut out = String::new();
    let mut in_text = matches!(dialect, Dialect::OpenDocument);
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| short(&format!("the document's XML is malformed: {e}")))?;
        match event {
            Event::Eof => break,
            Event::Start(e) => match (dialect, e.local_name().as_ref()) {
                (Dialect::Word, "t") => in_text = true,
                (Dialect::Word, "tab") | (Dialect::OpenDocument, "tab") => out.push('\t'),
                _ => {}
            },
            Event::Empty(e) => match (dialect, e.local_name().as_ref()) {
                (_, "tab") => out.push('\t'),
                (Dialect::Word, "br") | (Dialect::OpenDocument, "line-break") => out.push('\n'),
                (Dialect::OpenDocument, "s") => out.push(' '),
                _ => {}
            },
            Event::End(e) => match (dialect, e.local_name().as_ref()) {
                (Dialect::Word, "t") => in_text = false,
                (Dialect::Word, "p") | (Dialect::OpenDocument, "p" | "h") => out.push('\n'),
                _ => {}
            },
            Event::Text(t) if in_text => out.push_str(&t.xml10_content()),
            Event::CData(t) if in_text => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else {
                    match r.as_ref() {
                        "amp" => out.push('&'),
                        "lt" => out.push('<'),
                        "gt" => out.push('>'),
                        "quot" => out.push('"'),
                        "apos" => out.push('\''),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn generated_pdf_pages_come_back_in_order() {
        let pdf = crate::files::sample::pdf(&["first page words", "second page words"]);
        let dir = std::env::temp_dir().join(format!("pip-extract-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.pdf");
        std::fs::write(&file, pdf).unwrap();
        let pages = extract_file(&file, FileType::Pdf, 1 << 20).unwrap();
        assert_eq!(pages.len(), 2);
        assert!(pages[0].contains("first page words"), "{pages:?}");
        assert!(pages[1].contains("second page words"), "{pages:?}");
    }
}
