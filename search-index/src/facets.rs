//! The total and the facet counts (type, kind, topic, region) over every matching document.
//!
//! Each segment's matches are noted as they come, as a bitset; the counting happens once they
//! are all known, whichever way is cheaper for that segment and field:
//! - a large share of the segment matched: count the matches among each facet value's
//!   documents. A segment never changes, so its values and their documents are read from the
//!   postings once and kept ([`FacetCache`]): a common value (a document type) as a bitset,
//!   counted a word at a time, a rare one (most kinds, topics and regions) as a list;
//! - few matched: read each match's values from the facet column.

use std::collections::BTreeMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED};

use crate::filter::Bits;
use crate::segment_cache::SegmentCache;

/// Counts by value for each of the fields, in order.
pub(crate) type FieldCounts = Vec<BTreeMap<String, u64>>;

/// The documents holding one facet value in one segment.
enum ValueDocs {
    /// Held by more than one document in 32: a bitset is no bigger than the list.
    Common(Bits),
    Rare(Vec<DocId>),
}

/// One field's values in one segment, with their documents.
pub(crate) struct FieldValues {
    /// Documents with any value.
    with_values: u32,
    values: Vec<(String, ValueDocs)>,
}

impl FieldValues {
    fn read(reader: &SegmentReader, field: Field) -> tantivy::Result<FieldValues> {
        let inverted = reader.inverted_index(field)?;
        // Every document with a value is in the root facet's postings, once.
        let with_values = inverted.doc_freq(&tantivy::Term::from_facet(field, &Facet::root()))?;
        let max_doc = reader.max_doc();
        let mut values = Vec::new();
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            let Some(value) = leaf(terms.key()) else {
                continue;
            };
            let info = terms.value();
            let mut postings =
                inverted.read_postings_from_terminfo(info, IndexRecordOption::Basic)?;
            let mut docs = Vec::with_capacity(info.doc_freq as usize);
            let mut doc = postings.doc();
            while doc != TERMINATED {
                docs.push(doc);
                doc = postings.advance();
            }
            let docs = if docs.len() as u64 * 32 > u64::from(max_doc) {
                let mut bits = Bits::empty(max_doc);
                docs.into_iter().for_each(|d| bits.insert(d));
                ValueDocs::Common(bits)
            } else {
                ValueDocs::Rare(docs)
            };
            values.push((value, docs));
        }
        Ok(FieldValues {
            with_values,
            values,
        })
    }
}

/// Facet values and their documents by segment and field, shared by the clones of one index.
pub(crate) type FacetCache = SegmentCache<Field, FieldValues>;

/// The facet fields, by handle and name, and where their values are kept.
#[derive(Clone)]
pub(crate) struct FacetFields {
    pub fields: Vec<(Field, &'static str)>,
    pub cache: Arc<FacetCache>,
}

impl FacetFields {
    /// For each field, how many of a segment's `matched` documents hold each value.
    pub(crate) fn count(
        &self,
        reader: &SegmentReader,
        matched: &Bits,
    ) -> tantivy::Result<FieldCounts> {
        let mut out = Vec::with_capacity(self.fields.len());
        for (field, name) in &self.fields {
            let mut counts = BTreeMap::new();
            if matched.len() == 0 {
                out.push(counts);
                continue;
            }
            let values = self
                .cache
                .get_or_make(reader, *field, || FieldValues::read(reader, *field))?;
            if u64::from(matched.len()) * 4 > u64::from(values.with_values) {
                for (value, docs) in &values.values {
                    let n = match docs {
                        ValueDocs::Common(bits) => u64::from(matched.count_common(bits)),
                        ValueDocs::Rare(docs) => {
                            docs.iter().filter(|&&d| matched.contains(d)).count() as u64
                        }
                    };
                    if n > 0 {
                        counts.insert(value.clone(), n);
                    }
                }
            } else {
                let reader = reader.facet_reader(name)?;
                let mut by_ord = vec![0u64; reader.facet_dict().num_terms()];
                for doc in matched.iter() {
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
        Ok(out)
    }
}

/// Collects the number of matches and, for each field, how many matches hold each value.
pub(crate) struct FacetCounter(pub FacetFields);

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
            fields: self.0.clone(),
            matched: Bits::empty(reader.max_doc()),
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
        let mut merged: FieldCounts = vec![BTreeMap::new(); self.0.fields.len()];
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
    fields: FacetFields,
    matched: Bits,
}

impl SegmentCollector for FacetCounterSegment {
    type Fruit = tantivy::Result<(usize, FieldCounts)>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.matched.insert(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        docs.iter().for_each(|&d| self.matched.insert(d));
    }

    fn harvest(self) -> Self::Fruit {
        let counts = self.fields.count(&self.reader, &self.matched)?;
        Ok((self.matched.len() as usize, counts))
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
