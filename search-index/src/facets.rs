//! The total and the facet counts (type, kind, topic, region) over every matching document.
//!
//! Each segment's matches are noted as they come; the counting happens once they are all
//! known, whichever way is cheaper for that segment and field:
//! - a large share of the segment matched: walk each facet value's postings and count the
//!   matches among them (kinds, topics and regions belong to resources only, a few documents
//!   out of many, so this is usually a few thousand steps);
//! - few matched: read each match's values from the facet column.

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED};

use crate::filter::Bits;

/// Counts by value for each of the fields, in order.
pub(crate) type FieldCounts = Vec<BTreeMap<String, u64>>;

/// Collects the number of matches and, for each field, how many matches hold each value.
pub(crate) struct FacetCounter {
    /// The facet fields, by handle and name.
    pub fields: Vec<(Field, &'static str)>,
}

impl Collector for FacetCounter {
    type Fruit = (usize, FieldCounts);
    type Child = FacetCounterSegment;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetCounterSegment> {
        Ok(FacetCounterSegment {
            reader: reader.clone(),
            fields: self.fields.clone(),
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<tantivy::Result<(usize, FieldCounts)>>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut total = 0;
        let mut merged: FieldCounts = vec![BTreeMap::new(); self.fields.len()];
        for fruit in fruits {
            let (count, counts) = fruit?;
            total += count;
            for (into, from) in merged.iter_mut().zip(counts) {
                for (value, n) in from {
                    *into.entry(value).or_default() += n;
                }
            }
        }
        Ok((total, merged))
    }
}

pub(crate) struct FacetCounterSegment {
    reader: SegmentReader,
    fields: Vec<(Field, &'static str)>,
    docs: Vec<DocId>,
}

impl SegmentCollector for FacetCounterSegment {
    type Fruit = tantivy::Result<(usize, FieldCounts)>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.docs.push(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.docs.extend_from_slice(docs);
    }

    fn harvest(self) -> Self::Fruit {
        let mut matched: Option<Bits> = None;
        let mut out = Vec::with_capacity(self.fields.len());
        for (field, name) in &self.fields {
            let inverted = self.reader.inverted_index(*field)?;
            // Every document with a value is in the root facet's postings, once.
            let with_values = inverted
                .doc_freq(&tantivy::Term::from_facet(*field, &Facet::root()))
                .unwrap_or(u32::MAX);
            let mut counts = BTreeMap::new();
            if self.docs.is_empty() {
                out.push(counts);
                continue;
            }
            if (self.docs.len() as u64) * 4 > u64::from(with_values) {
                let matched = matched.get_or_insert_with(|| {
                    let mut bits = Bits::empty(self.reader.max_doc());
                    self.docs.iter().for_each(|&d| bits.insert(d));
                    bits
                });
                let mut terms = inverted.terms().stream()?;
                while terms.advance() {
                    let Some(value) = leaf(terms.key()) else {
                        continue;
                    };
                    let mut postings = inverted
                        .read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
                    let mut n = 0u64;
                    let mut doc = postings.doc();
                    while doc != TERMINATED {
                        n += u64::from(matched.contains(doc));
                        doc = postings.advance();
                    }
                    if n > 0 {
                        counts.insert(value, n);
                    }
                }
            } else {
                let reader = self.reader.facet_reader(name)?;
                let mut by_ord = vec![0u64; reader.facet_dict().num_terms()];
                for &doc in &self.docs {
                    for ord in reader.facet_ords(doc) {
                        if let Some(n) = by_ord.get_mut(ord as usize) {
                            *n += 1;
                        }
                    }
                }
                let mut bytes = Vec::new();
                for (ord, n) in by_ord.into_iter().enumerate().filter(|(_, n)| *n > 0) {
                    bytes.clear();
                    if reader.facet_dict().ord_to_term(ord as u64, &mut bytes)?
                        && let Some(value) = leaf(&bytes)
                    {
                        *counts.entry(value).or_default() += n;
                    }
                }
            }
            out.push(counts);
        }
        Ok((self.docs.len(), out))
    }
}

/// The value a one-level facet term names; `None` for the root.
fn leaf(encoded: &[u8]) -> Option<String> {
    let facet = Facet::from_encoded(encoded.to_vec()).ok()?;
    if facet.is_root() {
        return None;
    }
    facet.to_path().last().map(|s| (*s).to_owned())
}
