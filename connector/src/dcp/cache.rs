//! A small time-bounded cache for what verifying callers fetches: DID documents, status lists, verified callers.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::RwLock;

/// The most entries kept; past it the cache starts over (a peer cannot grow it without bound).
const MAX_ENTRIES: usize = 10_000;

/// Values by key, each kept for `ttl`.
#[derive(Debug)]
pub struct TtlCache<V> {
    ttl: Duration,
    entries: RwLock<HashMap<String, (Instant, Arc<V>)>>,
}

impl<V> TtlCache<V> {
    /// An empty cache keeping values for `ttl` (zero: nothing is kept).
    pub fn new(ttl: Duration) -> TtlCache<V> {
        TtlCache { ttl, entries: RwLock::new(HashMap::new()) }
    }

    /// The value of `key` if it is fresh.
    pub async fn get(&self, key: &str) -> Option<Arc<V>> {
        let entries = self.entries.read().await;
        entries.get(key).filter(|(stored, _)| stored.elapsed() < self.ttl).map(|(_, value)| value.clone())
    }

    /// Keeps `value` for `key`; returns it shared.
    pub async fn put(&self, key: &str, value: V) -> Arc<V> {
        let value = Arc::new(value);
        if self.ttl.is_zero() {
            return value;
        }
        let mut entries = self.entries.write().await;
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (stored, _)| stored.elapsed() < self.ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key.to_owned(), (Instant::now(), value.clone()));
        value
    }

    /// Forgets `key`.
    pub async fn forget(&self, key: &str) {
        self.entries.write().await.remove(key);
    }
}
