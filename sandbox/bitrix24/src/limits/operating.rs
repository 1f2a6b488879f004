//! The operating budget: accumulated execution seconds per (app or webhook, method) over a
//! window of ten buckets. A real portal keeps ten one-minute buckets (a ten-minute window);
//! the window is [`crate::SandboxConfig::operating_window`], so a test can make it short.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// Buckets per window.
const BUCKETS: i64 = 10;

/// The real portal's window: ten minutes.
const REAL_WINDOW: Duration = Duration::from_secs(600);

/// Per (caller, method) buckets of spent seconds, keyed by bucket number.
#[derive(Debug)]
pub struct OperatingBudget {
    /// Window length in milliseconds (at least one per bucket).
    window_ms: i64,
    spent: HashMap<(String, String), BTreeMap<i64, f64>>,
}

impl Default for OperatingBudget {
    fn default() -> Self {
        OperatingBudget::new(REAL_WINDOW)
    }
}

/// What `time.operating` and `time.operating_reset_at` report after a call.
#[derive(Debug, Clone, Copy)]
pub struct OperatingReport {
    /// Seconds accumulated in the current window.
    pub operating: f64,
    /// Unix time when the oldest bucket drops out, in whole seconds as the portal reports it
    /// (rounded up when the window is not a whole number of seconds).
    pub reset_at: i64,
}

impl OperatingBudget {
    /// A budget whose window lasts `window` (ten buckets of a tenth each).
    pub fn new(window: Duration) -> Self {
        let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
        OperatingBudget {
            window_ms: window_ms.max(BUCKETS),
            spent: HashMap::new(),
        }
    }

    fn bucket_ms(&self) -> i64 {
        self.window_ms / BUCKETS
    }

    fn buckets(&mut self, caller: &str, method: &str, now_ms: i64) -> &mut BTreeMap<i64, f64> {
        let oldest_kept = (now_ms - self.window_ms).div_euclid(self.bucket_ms()) + 1;
        let buckets = self
            .spent
            .entry((caller.to_string(), method.to_string()))
            .or_default();
        buckets.retain(|bucket, _| *bucket >= oldest_kept);
        buckets
    }

    /// The current report at `now_ms` (Unix milliseconds).
    pub fn report(&mut self, caller: &str, method: &str, now_ms: i64) -> OperatingReport {
        let (bucket_ms, window_ms) = (self.bucket_ms(), self.window_ms);
        let buckets = self.buckets(caller, method, now_ms);
        let operating = buckets.values().sum();
        let reset_at_ms = buckets
            .keys()
            .next()
            .map_or(now_ms, |bucket| bucket * bucket_ms + window_ms);
        OperatingReport {
            operating,
            reset_at: (reset_at_ms + 999).div_euclid(1000),
        }
    }

    /// Whether the method is already over `limit` (checked before a call; the call that
    /// crosses the limit still runs).
    pub fn is_blocked(&mut self, caller: &str, method: &str, now_ms: i64, limit: f64) -> bool {
        self.report(caller, method, now_ms).operating > limit
    }

    /// Adds a finished call's cost.
    pub fn record(
        &mut self,
        caller: &str,
        method: &str,
        now_ms: i64,
        cost: f64,
    ) -> OperatingReport {
        let bucket = now_ms.div_euclid(self.bucket_ms());
        *self
            .buckets(caller, method, now_ms)
            .entry(bucket)
            .or_insert(0.0) += cost;
        self.report(caller, method, now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_window_reports_the_end_of_the_oldest_minute_plus_ten_minutes() {
        let mut budget = OperatingBudget::default();
        let now_ms = 1_800_000_030_000;

        let report = budget.record("webhook:1", "crm.deal.add", now_ms, 2.0);

        assert_eq!(report.operating, 2.0);
        assert_eq!(report.reset_at, 1_800_000_000 + 600);
        let later = budget.report("webhook:1", "crm.deal.add", (1_800_000_000 + 600) * 1000);
        assert_eq!(
            later.operating, 0.0,
            "the bucket dropped out at the reset moment"
        );
    }

    #[test]
    fn a_short_window_forgets_spent_time_after_it() {
        let mut budget = OperatingBudget::new(Duration::from_secs(1));
        let now_ms = 1_800_000_000_250;
        let report = budget.record("webhook:1", "crm.deal.add", now_ms, 500.0);

        assert_eq!(
            report.reset_at, 1_800_000_002,
            "1.2 s rounded up to whole seconds"
        );
        assert!(budget.is_blocked("webhook:1", "crm.deal.add", now_ms + 500, 480.0));
        assert!(!budget.is_blocked("webhook:1", "crm.deal.add", now_ms + 1_000, 480.0));
    }
}
