//! Filters (who may see a document, and the request's own filters) as one bitset per segment.
//!
//! A segment never changes once written (deletes are kept apart, in its alive bitset), so the
//! documents a filter admits in a segment can be worked out once and kept for every later
//! search with the same filter. Nearly every search has one: the viewer's audiences and spaces,
//! which most viewers share. Working it out from the postings on every search took a fifth of a
//! search's time.

use std::sync::Arc;

use tantivy::query::{AllScorer, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{IndexRecordOption, Schema};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use crate::segment_cache::SegmentCache;

/// A set of documents of one segment.
#[derive(Clone, Debug)]
pub(crate) struct Bits {
    words: Vec<u64>,
    len: u32,
}

impl Bits {
    pub(crate) fn empty(max_doc: DocId) -> Bits {
        Bits {
            words: vec![0; (max_doc as usize).div_ceil(64)],
            len: 0,
        }
    }

    pub(crate) fn insert(&mut self, doc: DocId) {
        let (word, bit) = ((doc / 64) as usize, doc % 64);
        if let Some(w) = self.words.get_mut(word) {
            let mask = 1u64 << bit;
            self.len += u32::from(*w & mask == 0);
            *w |= mask;
        }
    }

    #[inline]
    pub(crate) fn contains(&self, doc: DocId) -> bool {
        self.words
            .get((doc / 64) as usize)
            .is_some_and(|w| w & (1u64 << (doc % 64)) != 0)
    }

    /// How many documents are in both sets.
    pub(crate) fn count_common(&self, other: &Bits) -> u32 {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| (a & b).count_ones())
            .sum()
    }

    /// The documents, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = DocId> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            let base = i as DocId * 64;
            let mut bits = word;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let doc = base + bits.trailing_zeros();
                    bits &= bits - 1;
                    doc
                })
            })
        })
    }

    fn intersect(&mut self, other: &Bits) {
        let mut len = 0;
        for (w, o) in self.words.iter_mut().zip(&other.words) {
            *w &= *o;
            len += w.count_ones();
        }
        self.len = len;
    }

    pub(crate) fn len(&self) -> u32 {
        self.len
    }

    /// The first document at or after `from`, or [`TERMINATED`].
    fn next_from(&self, from: DocId) -> DocId {
        let mut word = (from / 64) as usize;
        let Some(&first) = self.words.get(word) else {
            return TERMINATED;
        };
        let mut bits = first & (u64::MAX << (from % 64));
        loop {
            if bits != 0 {
                return word as DocId * 64 + bits.trailing_zeros();
            }
            word += 1;
            match self.words.get(word) {
                Some(&w) => bits = w,
                None => return TERMINATED,
            }
        }
    }
}

/// Walks a [`Bits`] in document order.
pub(crate) struct BitsDocSet {
    bits: Bits,
    doc: DocId,
}

impl BitsDocSet {
    pub(crate) fn new(bits: Bits) -> Self {
        let doc = bits.next_from(0);
        BitsDocSet { bits, doc }
    }
}

impl DocSet for BitsDocSet {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.bits.next_from(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target > self.doc {
            self.doc = self.bits.next_from(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.bits.len()
    }
}

/// Bitsets by segment and filter key, shared by the clones of one index. A bitset is one bit a
/// document (12 KiB for 100,000 documents).
pub(crate) type FilterCache = SegmentCache<String, Bits>;

/// The documents of a segment a filter part matches, from the cache.
fn part_bits(
    cache: &FilterCache,
    reader: &SegmentReader,
    part: &Part,
    schema: &Schema,
) -> tantivy::Result<Arc<Bits>> {
    cache.get_or_make(reader, part.key.clone(), || {
        let weight = part
            .query
            .weight(EnableScoring::disabled_from_schema(schema))?;
        let mut bits = Bits::empty(reader.max_doc());
        weight.for_each_no_score(reader, &mut |docs| {
            for &doc in docs {
                bits.insert(doc);
            }
        })?;
        Ok(bits)
    })
}

/// One condition of a filter: a query matched without scores, and a key naming exactly what it
/// matches (two parts with the same key must match the same documents).
#[derive(Debug)]
pub(crate) struct Part {
    pub key: String,
    pub query: Box<dyn Query>,
}

/// What a search lets through: documents the viewer may see (`visible`, or owned by `owner`)
/// that also match every one of `also`.
#[derive(Debug)]
pub(crate) struct Filter {
    pub visible: Part,
    /// The owner field's term for the viewer: their own documents pass whatever `visible` says.
    pub owner: Option<Term>,
    pub also: Vec<Part>,
}

impl Filter {
    /// The documents of a segment the filter lets through (deleted ones included: collectors
    /// check those apart).
    pub(crate) fn bits(
        &self,
        cache: &FilterCache,
        reader: &SegmentReader,
        schema: &Schema,
    ) -> tantivy::Result<Bits> {
        let mut bits = (*part_bits(cache, reader, &self.visible, schema)?).clone();
        if let Some(owner) = &self.owner {
            let inverted = reader.inverted_index(owner.field())?;
            if let Some(mut postings) = inverted.read_postings(owner, IndexRecordOption::Basic)? {
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    bits.insert(doc);
                    doc = postings.advance();
                }
            }
        }
        for part in &self.also {
            bits.intersect(part_bits(cache, reader, part, schema)?.as_ref());
        }
        Ok(bits)
    }
}

/// A filter as a query clause (`Must`, scoring nothing), answered from the cache.
#[derive(Clone)]
pub(crate) struct FilterQuery {
    pub filter: Arc<Filter>,
    pub cache: Arc<FilterCache>,
}

impl std::fmt::Debug for FilterQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("FilterQuery").field(&self.filter).finish()
    }
}

impl Query for FilterQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(FilterWeight {
            query: self.clone(),
            schema: enable_scoring.schema().clone(),
        }))
    }
}

struct FilterWeight {
    query: FilterQuery,
    schema: Schema,
}

impl Weight for FilterWeight {
    fn scorer(&self, reader: &SegmentReader, _boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let bits = self
            .query
            .filter
            .bits(&self.query.cache, reader, &self.schema)?;
        if bits.len() >= reader.max_doc() {
            // Everything passes, as it mostly does. A boolean query drops an `AllScorer` from
            // its intersection, which saves a seek on the filter for every matching document.
            return Ok(Box::new(AllScorer::new(reader.max_doc())));
        }
        Ok(Box::new(ConstScorer::new(BitsDocSet::new(bits), 0.0)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let bits = self
            .query
            .filter
            .bits(&self.query.cache, reader, &self.schema)?;
        if bits.contains(doc) {
            Ok(Explanation::new("filter", 0.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not pass the filter"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_walk_in_order_and_intersect() {
        let mut a = Bits::empty(200);
        for d in [0, 3, 63, 64, 130, 199] {
            a.insert(d);
        }
        a.insert(3);
        assert_eq!(a.len(), 6);
        let mut set = BitsDocSet::new(a.clone());
        let mut seen = vec![set.doc()];
        while set.advance() != TERMINATED {
            seen.push(set.doc());
        }
        assert_eq!(seen, vec![0, 3, 63, 64, 130, 199]);
        let mut set = BitsDocSet::new(a.clone());
        assert_eq!(set.seek(65), 130);
        assert_eq!(set.seek(10), 130, "a seek never goes back");
        assert_eq!(set.seek(200), TERMINATED);

        let mut b = Bits::empty(200);
        for d in [3, 64, 100] {
            b.insert(d);
        }
        assert_eq!(a.count_common(&b), 2);
        a.intersect(&b);
        assert_eq!(a.len(), 2);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![3, 64]);

        assert!(a.contains(3) && a.contains(64) && !a.contains(100) && !a.contains(0));
        assert_eq!(BitsDocSet::new(Bits::empty(10)).doc(), TERMINATED);
    }
}
