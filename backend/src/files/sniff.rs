//! The type of an uploaded file, found from its content: magic bytes for PDF and images, and
//! for the ZIP-based office formats the parts inside the archive. The name and the declared
//! Content-Type are never believed.

use std::io::{Cursor, Read as _};

/// The file types the library accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Docx,
    Odt,
    Xlsx,
    Pptx,
    Png,
    Jpeg,
}

impl FileType {
    /// The name stored in `attachment_versions.file_type`.
    pub fn as_str(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Docx => "docx",
            FileType::Odt => "odt",
            FileType::Xlsx => "xlsx",
            FileType::Pptx => "pptx",
            FileType::Png => "png",
            FileType::Jpeg => "jpeg",
        }
    }

    pub fn parse(s: &str) -> Option<FileType> {
        Some(match s {
            "pdf" => FileType::Pdf,
            "docx" => FileType::Docx,
            "odt" => FileType::Odt,
            "xlsx" => FileType::Xlsx,
            "pptx" => FileType::Pptx,
            "png" => FileType::Png,
            "jpeg" => FileType::Jpeg,
            _ => return None,
        })
    }

    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::Odt => "application/vnd.oasis.opendocument.text",
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
        }
    }

    /// The extension downloads carry.
    pub fn extension(self) -> &'static str {
        match self {
            FileType::Jpeg => "jpg",
            other => other.as_str(),
        }
    }

    /// Extensions that already name this type (a file called `photo.jpeg` keeps its name).
    pub fn accepts_extension(self, ext: &str) -> bool {
        let ext = ext.to_ascii_lowercase();
        match self {
            FileType::Jpeg => ext == "jpg" || ext == "jpeg",
            other => ext == other.as_str(),
        }
    }

    /// Whether text is taken out of this type (the others are stored with status `none`).
    pub fn has_text(self) -> bool {
        matches!(self, FileType::Pdf | FileType::Docx | FileType::Odt)
    }

    /// A short label for people ("PDF", "Word document").
    pub fn label(self) -> &'static str {
        match self {
            FileType::Pdf => "PDF",
            FileType::Docx => "Word document",
            FileType::Odt => "OpenDocument text",
            FileType::Xlsx => "Excel spreadsheet",
            FileType::Pptx => "PowerPoint presentation",
            FileType::Png => "PNG image",
            FileType::Jpeg => "JPEG image",
        }
    }
}

/// The accepted type of `bytes`, or None for anything else (HTML, SVG, executables, archives
/// that are not office documents, ...).
pub fn detect(bytes: &[u8]) -> Option<FileType> {
    let kind = infer::get(bytes)?;
    match kind.mime_type() {
        "application/pdf" if bytes.starts_with(b"%PDF-") => Some(FileType::Pdf),
        "image/png" => Some(FileType::Png),
        "image/jpeg" => Some(FileType::Jpeg),
        // infer guesses office types from the first entries; look at the archive to be sure.
        "application/zip"
        | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        | "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        | "application/vnd.oasis.opendocument.text" => office_type(bytes),
        _ => None,
    }
}

/// Reads only the archive's directory and the tiny `mimetype` entry: nothing is inflated beyond
/// that, so a ZIP bomb costs nothing here.
fn office_type(bytes: &[u8]) -> Option<FileType> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    if let Ok(entry) = archive.by_name("mimetype") {
        let mut mimetype = String::new();
        entry.take(128).read_to_string(&mut mimetype).ok()?;
        return (mimetype.trim() == FileType::Odt.mime()).then_some(FileType::Odt);
    }
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    let has = |name: &str| names.iter().any(|n| n == name);
    if !has("[Content_Types].xml") {
        return None;
    }
    if has("word/document.xml") {
        Some(FileType::Docx)
    } else if has("xl/workbook.xml") {
        Some(FileType::Xlsx)
    } else if has("ppt/presentation.xml") {
        Some(FileType::Pptx)
    } else {
        None
    }
}
