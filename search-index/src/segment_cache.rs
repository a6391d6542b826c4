//! What a search works out once for a segment and keeps: a segment never changes once written
//! (deletes are kept apart, in its alive bitset), so anything read from its postings stays true
//! for as long as the segment lives.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

use tantivy::SegmentReader;
use tantivy::index::SegmentId;

/// Values by segment and key, at most [`SegmentCache::MAX`]; past it the cache starts again (a
/// segment merged away leaves its entries behind until then).
pub(crate) struct SegmentCache<K, V> {
    entries: Mutex<HashMap<(SegmentId, K), Arc<V>>>,
}

impl<K, V> Default for SegmentCache<K, V> {
    fn default() -> Self {
        SegmentCache {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Hash + Eq, V> SegmentCache<K, V> {
    pub(crate) const MAX: usize = 512;

    /// The value kept for `key` in this segment, made by `make` the first time.
    pub(crate) fn get_or_make(
        &self,
        reader: &SegmentReader,
        key: K,
        make: impl FnOnce() -> tantivy::Result<V>,
    ) -> tantivy::Result<Arc<V>> {
        let key = (reader.segment_id(), key);
        if let Some(value) = self.lock().get(&key) {
            return Ok(value.clone());
        }
        // Made without the lock held: two searches may both make it, and one is kept.
        let value = Arc::new(make()?);
        let mut entries = self.lock();
        if entries.len() >= Self::MAX {
            entries.clear();
        }
        entries.insert(key, value.clone());
        Ok(value)
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<(SegmentId, K), Arc<V>>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}
