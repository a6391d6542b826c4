//! A wrapper for the queries a search excludes (`-word`, `-"a phrase"`).
//!
//! tantivy checks an exclusion by calling `seek_danger` on the excluded scorer with each
//! candidate document, starting from the first. A phrase scorer positions itself on its first
//! match when it is built, so the first candidate can lie behind it (or it can already be
//! exhausted), and the phrase scorer does not accept a seek backwards. The wrapper answers those
//! seeks itself: a document behind the scorer's position is not a match.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

/// An excluded query, made safe to use as a `MustNot` clause.
#[derive(Debug)]
pub(crate) struct Excluded(pub(crate) Box<dyn Query>);

impl Clone for Excluded {
    fn clone(&self) -> Self {
        Self(self.0.box_clone())
    }
}

impl Query for Excluded {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExcludedWeight(self.0.weight(enable_scoring)?)))
    }
}

struct ExcludedWeight(Box<dyn Weight>);

impl Weight for ExcludedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.0.scorer(reader, boost)?;
        if inner.doc() == TERMINATED {
            return Ok(Box::new(EmptyScorer));
        }
        Ok(Box::new(ExcludedScorer(inner)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

struct ExcludedScorer(Box<dyn Scorer>);

impl DocSet for ExcludedScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target <= self.0.doc() {
            return self.0.doc();
        }
        self.0.seek(target)
    }

    fn seek_danger(&mut self, target: DocId) -> tantivy::SeekDangerResult {
        let doc = self.0.doc();
        if target == doc {
            return tantivy::SeekDangerResult::Found;
        }
        if target < doc {
            return tantivy::SeekDangerResult::SeekLowerBound(doc);
        }
        self.0.seek_danger(target)
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }
}

impl Scorer for ExcludedScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}
