//! Pure functions over what members write: Markdown rendering for posts and articles, and the
//! case-information guard that holds a post for review when it may identify a person.
//!
//! Both are blocking, CPU-bound and free of I/O; async callers run them in `spawn_blocking`.

pub mod case_guard;
pub mod markdown;

use regex::Regex;

/// Compiles one of this module's fixed patterns. They are constants, each one compiled by the
/// unit tests, so an invalid pattern is a bug caught before release, not a run-time condition.
pub(crate) fn fixed_regex(pattern: &str) -> Regex {
    match Regex::new(pattern) {
        Ok(regex) => regex,
        Err(err) => unreachable!("invalid fixed pattern {pattern:?}: {err}"),
    }
}
