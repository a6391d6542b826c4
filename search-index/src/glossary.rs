//! The glossary of the field's acronyms and their expansions, used to widen queries both ways
//! at query time (so an edited glossary takes effect without reindexing).

use std::collections::HashMap;

use crate::analysis::plain_tokens;

/// The glossary shipped with the crate; see `glossary.txt` for the format.
pub const DEFAULT_GLOSSARY: &str = include_str!("glossary.txt");

/// Longest form, in words, that we look for in a query.
const MAX_FORM_WORDS: usize = 8;

/// A line of glossary text that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("glossary line {line}: {reason}")]
pub struct GlossaryError {
    pub line: usize,
    pub reason: String,
}

/// Groups of equivalent forms ("AMHP", "approved mental health professional"), each form held
/// as the lower-cased, folded words the query parser produces.
#[derive(Debug, Clone)]
pub struct Glossary {
    concepts: Vec<Vec<Vec<String>>>,
    by_form: HashMap<Vec<String>, usize>,
    longest: usize,
}

impl Glossary {
    /// Reads glossary text: one concept a line, forms separated by `|`, `#` starts a comment.
    /// Every line must have at least two forms, each with a word in it.
    pub fn parse(text: &str) -> Result<Glossary, GlossaryError> {
        let mut glossary = Glossary::empty();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let forms: Vec<Vec<String>> = line.split('|').map(plain_tokens).collect();
            let error = |reason: &str| GlossaryError {
                line: index + 1,
                reason: reason.to_owned(),
            };
            if forms.iter().any(Vec::is_empty) {
                return Err(error("a form has no words in it"));
            }
            if forms.len() < 2 {
                return Err(error("a line needs at least two forms separated by |"));
            }
            if forms.iter().any(|f| f.len() > MAX_FORM_WORDS) {
                return Err(error("a form has more than 8 words"));
            }
            glossary.add(forms);
        }
        Ok(glossary)
    }

    /// A glossary that expands nothing.
    pub fn empty() -> Glossary {
        Glossary {
            concepts: Vec::new(),
            by_form: HashMap::new(),
            longest: 0,
        }
    }

    /// The shipped glossary ([`DEFAULT_GLOSSARY`]).
    pub fn shipped() -> Glossary {
        // The shipped text is checked by a unit test, so a parse failure cannot reach a user;
        // an empty glossary is still a safe fallback.
        Glossary::parse(DEFAULT_GLOSSARY).unwrap_or_else(|_| Glossary::empty())
    }

    /// Number of concepts.
    pub fn len(&self) -> usize {
        self.concepts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    fn add(&mut self, forms: Vec<Vec<String>>) {
        let concept = self.concepts.len();
        for form in &forms {
            self.longest = self.longest.max(form.len());
            // A form listed twice keeps its first concept.
            self.by_form.entry(form.clone()).or_insert(concept);
        }
        self.concepts.push(forms);
    }

    /// The concept `words` is a form of, and the form it matched.
    fn concept_of(&self, words: &[String]) -> Option<(usize, Vec<String>)> {
        if let Some(&c) = self.by_form.get(words) {
            return Some((c, words.to_vec()));
        }
        // "AMHPs" → "amhp"; only for forms of four letters or more, so "bias" is not "BIA".
        if let [word] = words {
            let stripped = word.strip_suffix('s')?;
            if stripped.len() >= 4 {
                let form = vec![stripped.to_owned()];
                return self.by_form.get(&form).map(|&c| (c, form));
            }
        }
        None
    }

    /// The other forms of the concept `words` is a form of, if any.
    pub fn alternatives(&self, words: &[String]) -> Vec<Vec<String>> {
        let Some((concept, matched)) = self.concept_of(words) else {
            return Vec::new();
        };
        self.concepts[concept]
            .iter()
            .filter(|form| **form != matched)
            .cloned()
            .collect()
    }

    /// The longest form starting at `words[0]`: its length in words and its alternatives.
    pub(crate) fn longest_match(&self, words: &[String]) -> Option<(usize, Vec<Vec<String>>)> {
        let max = self.longest.min(words.len());
        (1..=max).rev().find_map(|len| {
            let alternatives = self.alternatives(&words[..len]);
            (!alternatives.is_empty()).then_some((len, alternatives))
        })
    }
}

impl Default for Glossary {
    fn default() -> Self {
        Glossary::shipped()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        plain_tokens(s)
    }

    #[test]
    fn shipped_glossary_parses() {
        let g = Glossary::parse(DEFAULT_GLOSSARY);
        assert!(g.is_ok(), "{g:?}");
        assert!(g.map(|g| g.len()).unwrap_or(0) > 40);
    }

    #[test]
    fn expands_both_ways() {
        let g = Glossary::shipped();
        assert!(
            g.alternatives(&words("AMHP"))
                .contains(&words("approved mental health professional"))
        );
        assert!(
            g.alternatives(&words("approved mental health professional"))
                .contains(&words("amhp"))
        );
        assert!(
            g.alternatives(&words("s.117"))
                .contains(&words("section 117"))
        );
        assert!(
            g.alternatives(&words("AMHPs"))
                .contains(&words("approved mental health professional"))
        );
        assert!(g.alternatives(&words("bias")).is_empty());
    }

    #[test]
    fn longest_match_prefers_longer_forms() {
        let g = Glossary::shipped();
        let found = g.longest_match(&words("mental health act review"));
        assert_eq!(found.map(|(len, _)| len), Some(3));
    }

    #[test]
    fn rejects_bad_lines() {
        assert_eq!(
            Glossary::parse("AMHP").map(|g| g.len()).map_err(|e| e.line),
            Err(1)
        );
        assert_eq!(
            Glossary::parse("# c\n\nX | ...").map_err(|e| e.line).err(),
            Some(3)
        );
        assert_eq!(Glossary::parse("X | y # note").map(|g| g.len()), Ok(1));
    }
}
