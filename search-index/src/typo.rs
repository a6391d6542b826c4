//! Words near a misspelt one: the index's own words within the typo allowance, for typo
//! matching and "did you mean".
//!
//! The first letter is taken as typed. Typos there are rare, and it keeps the search to the
//! words under that letter, a small part of each segment's dictionary: walking all of it for
//! every misspelt word took most of a search's time.

use std::collections::BTreeMap;

use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::error::SearchError;

/// The most neighbours one word is matched against (the nearest, then the most frequent).
pub(crate) const MAX_NEIGHBOURS: usize = 50;

/// An indexed word near the one typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Neighbour {
    pub text: String,
    /// Edits from the typed word (an insertion, deletion, substitution or swap of two
    /// neighbouring letters each count one).
    pub distance: u8,
    /// Documents holding it, over all segments.
    pub doc_freq: u64,
}

/// Indexed words of `field` within `distance` edits of `word` and starting with its first
/// letter, the word itself excluded: nearest first, then the most frequent, at most
/// [`MAX_NEIGHBOURS`].
pub(crate) fn neighbours(
    searcher: &Searcher,
    field: Field,
    word: &str,
    distance: u8,
) -> Result<Vec<Neighbour>, SearchError> {
    let Some(first) = word.chars().next() else {
        return Ok(Vec::new());
    };
    if distance == 0 {
        return Ok(Vec::new());
    }
    let automaton =
        FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true).automaton()?;
    let low = first.to_string().into_bytes();
    // UTF-8 never uses the byte 0xFF, so this bounds exactly the words starting with `first`.
    let mut high = low.clone();
    if let Some(last) = high.last_mut() {
        *last += 1;
    }
    let mut found: BTreeMap<String, u64> = BTreeMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .search(&automaton)
            .ge(&low)
            .lt(&high)
            .into_stream()?;
        while stream.advance() {
            if let Ok(text) = std::str::from_utf8(stream.key())
                && text != word
            {
                *found.entry(text.to_owned()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    let mut out: Vec<Neighbour> = found
        .into_iter()
        .map(|(text, doc_freq)| Neighbour {
            distance: edit_distance(word, &text).min(usize::from(u8::MAX)) as u8,
            text,
            doc_freq,
        })
        .collect();
    out.sort_by(|a, b| {
        a.distance
            .cmp(&b.distance)
            .then(b.doc_freq.cmp(&a.doc_freq))
            .then_with(|| a.text.cmp(&b.text))
    });
    out.truncate(MAX_NEIGHBOURS);
    Ok(out)
}

/// Edits between two words, counting a swap of neighbouring letters as one (optimal string
/// alignment), as the typo automaton does.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_edits_with_swaps_as_one() {
        assert_eq!(edit_distance("supervison", "supervision"), 1);
        assert_eq!(edit_distance("safegaurding", "safeguarding"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
