//! The leaky bucket: each request adds one, the level drains at a fixed rate, overflow is 503.

use std::collections::HashMap;

/// Bucket levels per source IP (one portal, so the portal part of the key is implicit).
#[derive(Debug, Default)]
pub struct LeakyBucket {
    levels: HashMap<String, (f64, f64)>,
}

impl LeakyBucket {
    /// Admits one request from `source` at time `now_secs`, or refuses it when the bucket is
    /// full. A refused request does not raise the level.
    pub fn admit(&mut self, source: &str, now_secs: f64, capacity: f64, drain: f64) -> bool {
        let (level, last) = self
            .levels
            .entry(source.to_string())
            .or_insert((0.0, now_secs));

        let elapsed = (now_secs - *last).max(0.0);
        *level = (*level - elapsed * drain).max(0.0);
        *last = now_secs;

        if *level + 1.0 > capacity {
            return false;
        }
        *level += 1.0;
        true
    }

    /// Empties every bucket (a test reset).
    pub fn clear(&mut self) {
        self.levels.clear();
    }
}
