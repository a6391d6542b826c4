//! Where the index lives on disk: `DATA_DIR/index/` holds one or more generation directories
//! (`gen-…`, each a complete tantivy index) and a pointer file, `CURRENT`, naming the live one.
//! A rebuild writes a new generation beside the live one and then replaces `CURRENT` atomically
//! (write a temporary file, rename it over); a running server notices the new name on its next
//! poll, opens that generation, catches it up from the outbox and removes the old one.

use std::path::{Path, PathBuf};

pub const POINTER: &str = "CURRENT";
const PREFIX: &str = "gen-";

/// The live generation's name, if the pointer file names a valid one.
pub fn read_current(root: &Path) -> Option<String> {
    let name = std::fs::read_to_string(root.join(POINTER)).ok()?;
    let name = name.trim();
    valid_name(name).then(|| name.to_owned())
}

fn valid_name(name: &str) -> bool {
    name.starts_with(PREFIX)
        && name.len() <= 80
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A fresh, unused generation name (time-ordered).
pub fn new_generation(root: &Path) -> (String, PathBuf) {
    loop {
        let now = chrono::Utc::now();
        let name = format!(
            "{PREFIX}{}-{}",
            now.format("%Y%m%dT%H%M%S%6f"),
            &crate::auth::random_token()[..6]
                .to_ascii_lowercase()
                .replace(['-', '_'], "x")
        );
        let dir = root.join(&name);
        if !dir.exists() {
            return (name, dir);
        }
    }
}

/// Points `CURRENT` at `name`, atomically.
pub fn write_current(root: &Path, name: &str) -> std::io::Result<()> {
    let tmp = root.join(format!("{POINTER}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, format!("{name}\n"))?;
    std::fs::rename(&tmp, root.join(POINTER))
}

/// Generation directories other than `keep`.
pub fn stale_generations(root: &Path, keep: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(PREFIX) && name != keep
        })
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect()
}
