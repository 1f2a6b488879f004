//! The operating budget: accumulated execution seconds per (app or webhook, method) over ten
//! one-minute buckets.

use std::collections::{BTreeMap, HashMap};

/// Window length in seconds (ten one-minute buckets).
const WINDOW_SECS: i64 = 600;

/// Per (caller, method) minute buckets of spent seconds.
#[derive(Debug, Default)]
pub struct OperatingBudget {
    spent: HashMap<(String, String), BTreeMap<i64, f64>>,
}

/// What `time.operating` and `time.operating_reset_at` report after a call.
#[derive(Debug, Clone, Copy)]
pub struct OperatingReport {
    /// Seconds accumulated in the current window.
    pub operating: f64,
    /// Unix time when the oldest minute bucket drops out.
    pub reset_at: i64,
}

impl OperatingBudget {
    fn buckets(&mut self, caller: &str, method: &str, now: i64) -> &mut BTreeMap<i64, f64> {
        let buckets = self
            .spent
            .entry((caller.to_string(), method.to_string()))
            .or_default();
        let oldest_kept = (now - WINDOW_SECS) / 60 + 1;
        buckets.retain(|minute, _| *minute >= oldest_kept);
        buckets
    }

    /// The current report; `None` when the method has nothing accumulated.
    pub fn report(&mut self, caller: &str, method: &str, now: i64) -> OperatingReport {
        let buckets = self.buckets(caller, method, now);
        let operating = buckets.values().sum();
        let reset_at = buckets
            .keys()
            .next()
            .map_or(now, |minute| minute * 60 + WINDOW_SECS);
        OperatingReport {
            operating,
            reset_at,
        }
    }

    /// Whether the method is already over `limit` (checked before a call; the call that
    /// crosses the limit still runs).
    pub fn is_blocked(&mut self, caller: &str, method: &str, now: i64, limit: f64) -> bool {
        self.report(caller, method, now).operating > limit
    }

    /// Adds a finished call's cost.
    pub fn record(&mut self, caller: &str, method: &str, now: i64, cost: f64) -> OperatingReport {
        *self
            .buckets(caller, method, now)
            .entry(now.div_euclid(60))
            .or_insert(0.0) += cost;
        self.report(caller, method, now)
    }
}
