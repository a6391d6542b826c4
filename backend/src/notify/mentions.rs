//! Which members a post mentions. Two forms: `@[Jane Smith]`, the display name in brackets
//! (any name, spaces and accents included), and `@jane.smith`, the name with dots, underscores
//! or hyphens for its spaces. Both are compared by `display_name_key`, so case, spacing and
//! look-alike letters don't matter.

use crate::content::markdown;
use crate::db::users::User;
use crate::db::{DbConn, DbError};
use crate::validate::display_name_key;

/// The most members one post can notify by mentioning them.
pub const MAX_MENTIONS_PER_POST: usize = 20;

/// The members a post's Markdown mentions, each once, at most [`MAX_MENTIONS_PER_POST`].
/// Rendering again (rather than storing the mentions) means an approval sees the text as it
/// stands after any edits while it was held.
pub fn mentioned_members(conn: &mut DbConn, markdown_source: &str) -> Result<Vec<i64>, DbError> {
    let Ok(rendered) = markdown::render(markdown_source) else {
        return Ok(Vec::new());
    };
    // Each mention is a list of keys to try in order; the first that names a member wins.
    let mut wanted: Vec<Vec<String>> = Vec::new();
    for name in &rendered.named_mentions {
        wanted.push(vec![display_name_key(name)]);
    }
    for handle in &rendered.mentions {
        wanted.push(handle_keys(handle));
    }
    wanted.truncate(MAX_MENTIONS_PER_POST);
    let all: Vec<String> = wanted.iter().flatten().cloned().collect();
    let found = User::ids_by_name_keys(conn, &all)?;
    let mut members = Vec::new();
    for keys in wanted {
        let hit = keys
            .iter()
            .find_map(|k| found.iter().find(|(_, key)| key == k).map(|(id, _)| *id));
        if let Some(id) = hit
            && !members.contains(&id)
        {
            members.push(id);
        }
    }
    Ok(members)
}

/// The names a handle may stand for: as typed (a name may itself hold dots or hyphens), then
/// with dots and underscores as spaces, then with hyphens as spaces too.
fn handle_keys(handle: &str) -> Vec<String> {
    let mut keys = vec![display_name_key(handle)];
    let spaced = handle.replace(['.', '_'], " ");
    let fully = spaced.replace('-', " ");
    for candidate in [spaced, fully] {
        let key = display_name_key(&candidate);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_stand_for_names_with_spaces() {
        assert_eq!(
            handle_keys("mary-jane.smith"),
            vec![
                display_name_key("mary-jane.smith"),
                display_name_key("mary-jane smith"),
                display_name_key("mary jane smith"),
            ]
        );
        assert_eq!(handle_keys("bob").len(), 1);
    }
}
