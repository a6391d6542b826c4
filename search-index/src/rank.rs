//! The page of hits: the best `offset + limit` documents, by relevance with the recency boost or
//! by date.
//!
//! The boost is at most [`MAX_RECENCY`], so a document whose relevance alone, boosted by the
//! most any document can be, could not enter the page is passed over without reading its date.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::schema::PUBLISHED_AT;

/// The most a brand-new document's score is raised (10%), halving every year of age.
const RECENCY_WEIGHT: f32 = 0.1;
const RECENCY_HALF_LIFE_SECS: f32 = 365.0 * 24.0 * 3600.0;
/// The largest recency factor: a document published now (or dated in the future).
pub(crate) const MAX_RECENCY: f32 = 1.0 + RECENCY_WEIGHT;

/// Multiplies relevance by 1 + 10% × 2^(−age in years): recent documents edge ahead of equally
/// relevant old ones, and documents of the same date keep their order.
pub(crate) fn recency_factor(published_at: i64, now: i64) -> f32 {
    let age = now.saturating_sub(published_at).max(0) as f32;
    1.0 + RECENCY_WEIGHT * (-age / RECENCY_HALF_LIFE_SECS).exp2()
}

/// How the page is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ordered {
    /// By relevance times the recency factor, as of `now` (Unix seconds).
    Relevance { now: i64 },
    /// Newest first.
    Newest,
}

/// Collects the best `offset + limit` documents and returns the `limit` after `offset`, best
/// first, with their (boosted) scores; by date, the score is 0.
pub(crate) struct TopHits {
    pub limit: usize,
    pub offset: usize,
    pub order: Ordered,
}

/// A candidate: higher `key` is better; on equal keys the earlier document wins.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    key: f64,
    score: Score,
    doc: DocAddress,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key
            .total_cmp(&other.key)
            .then_with(|| other.doc.cmp(&self.doc))
    }
}

impl Collector for TopHits {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = TopHitsSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<TopHitsSegment> {
        let default = match self.order {
            Ordered::Relevance { now } => now,
            Ordered::Newest => 0,
        };
        let dates = reader
            .fast_fields()
            .i64(PUBLISHED_AT)
            .ok()
            .map(|c| c.first_or_default_col(default));
        Ok(TopHitsSegment {
            k: self.limit + self.offset,
            segment,
            order: self.order,
            dates,
            heap: BinaryHeap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        matches!(self.order, Ordered::Relevance { .. })
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Entry>>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<Entry> = fruits.into_iter().flatten().collect();
        all.sort_unstable_by(|a, b| b.cmp(a));
        Ok(all
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .map(|e| (e.score, e.doc))
            .collect())
    }
}

pub(crate) struct TopHitsSegment {
    k: usize,
    segment: SegmentOrdinal,
    order: Ordered,
    dates: Option<Arc<dyn ColumnValues<i64>>>,
    /// The best so far, worst on top.
    heap: BinaryHeap<Reverse<Entry>>,
}

impl TopHitsSegment {
    /// The key a candidate must beat once the heap is full.
    fn threshold(&self) -> Option<f64> {
        (self.heap.len() >= self.k)
            .then(|| self.heap.peek().map(|Reverse(e)| e.key))
            .flatten()
    }

    fn date(&self, doc: DocId) -> Option<i64> {
        self.dates.as_ref().map(|d| d.get_val(doc))
    }
}

impl SegmentCollector for TopHitsSegment {
    type Fruit = Vec<Entry>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.k == 0 {
            return;
        }
        let threshold = self.threshold();
        let (key, score) = match self.order {
            Ordered::Relevance { now } => {
                if threshold.is_some_and(|t| f64::from(score * MAX_RECENCY) < t) {
                    return;
                }
                let boosted = score * recency_factor(self.date(doc).unwrap_or(now), now);
                (f64::from(boosted), boosted)
            }
            Ordered::Newest => (self.date(doc).unwrap_or(0) as f64, 0.0),
        };
        let entry = Entry {
            key,
            score,
            doc: DocAddress::new(self.segment, doc),
        };
        if threshold.is_none() {
            self.heap.push(Reverse(entry));
        } else if let Some(mut worst) = self.heap.peek_mut()
            && entry > worst.0
        {
            *worst = Reverse(entry);
        }
    }

    fn harvest(self) -> Vec<Entry> {
        self.heap
            .into_vec()
            .into_iter()
            .map(|Reverse(e)| e)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recency_is_gentle_and_neutral_for_equal_dates() {
        let now = 1_800_000_000;
        assert!((recency_factor(now, now) - MAX_RECENCY).abs() < 1e-6);
        let year_old = recency_factor(now - 365 * 24 * 3600, now);
        assert!((year_old - 1.05).abs() < 1e-3);
        assert!(recency_factor(now + 1000, now) <= MAX_RECENCY);
        assert_eq!(recency_factor(0, now), recency_factor(0, now));
    }

    fn entry(key: f64, doc: DocId) -> Entry {
        Entry {
            key,
            score: key as Score,
            doc: DocAddress::new(0, doc),
        }
    }

    #[test]
    fn keeps_the_best_and_prefers_earlier_documents_on_ties() -> tantivy::Result<()> {
        let collector = TopHits {
            limit: 2,
            offset: 1,
            order: Ordered::Relevance { now: 0 },
        };
        let mut heap = TopHitsSegment {
            k: 3,
            segment: 0,
            order: Ordered::Relevance { now: 0 },
            dates: None,
            heap: BinaryHeap::new(),
        };
        for (doc, score) in [(0, 1.0), (1, 5.0), (2, 3.0), (3, 5.0), (4, 0.5), (5, 4.0)] {
            heap.collect(doc, score);
        }
        let page = collector.merge_fruits(vec![heap.harvest()])?;
        let docs: Vec<DocId> = page.iter().map(|(_, d)| d.doc_id).collect();
        // Best three: 1 (5.0), 3 (5.0, later), 5 (4.0); the page skips the first.
        assert_eq!(docs, vec![3, 5]);
        assert!(entry(1.0, 1) > entry(1.0, 2));
        assert!(entry(2.0, 9) > entry(1.0, 1));
        Ok(())
    }
}
