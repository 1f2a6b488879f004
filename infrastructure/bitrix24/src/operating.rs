//! The per-method execution-time budget ("operating").
//!
//! The portal sums, per method and per application or webhook, the seconds that method ran
//! over ten one-minute buckets. Before a call it checks the sum; if it is already above the
//! limit (480 s by default) the call is refused with HTTP 429 `OPERATION_TIME_LIMIT`. Every
//! answer reports the current sum in `time.operating` and the moment the oldest bucket drops
//! out in `time.operating_reset_at`.
//!
//! The guard remembers the last report per method. Before a call it waits while the last
//! known sum is within `headroom_seconds` of the limit and the reset moment lies ahead; once
//! that moment passes the reading is stale, so the call goes out and its answer brings the new
//! sum. After a 429 the method is blocked until the reported reset moment, or for one bucket
//! (60 s) when no reset moment is known, and never longer than the portal's window (ten
//! minutes): no block on the portal outlasts it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

use crate::clock::Clock;
use crate::envelope::CallTime;
use crate::shaper::seconds_between;

/// The operating budget the guard respects.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OperatingConfig {
    /// The portal's limit in seconds per ten-minute window (480 unless Bitrix24 says otherwise).
    pub limit_seconds: f64,
    /// Stop calling a method when its sum is this close to the limit, leaving room for calls
    /// already in flight.
    pub headroom_seconds: f64,
    /// How long to block a method after a 429 when the portal gave no reset moment.
    pub fallback_block: Duration,
    /// The portal's window (ten minutes): the longest a method is held back after a 429,
    /// whatever reset moment was reported.
    pub window: Duration,
}

impl Default for OperatingConfig {
    fn default() -> Self {
        Self {
            limit_seconds: 480.0,
            headroom_seconds: 30.0,
            fallback_block: Duration::from_secs(60),
            window: Duration::from_secs(600),
        }
    }
}

/// What the guard knows about one method.
#[derive(Debug, Clone, Copy, Default)]
struct MethodBudget {
    /// Last reported accumulated seconds.
    operating: f64,
    /// Last reported moment the oldest bucket drops out.
    reset_at: Option<DateTime<Utc>>,
    /// Set after a 429: no call before this moment.
    blocked_until: Option<DateTime<Utc>>,
}

/// Tracks `time.operating` per method and holds calls back before the portal would refuse.
#[derive(Debug)]
pub struct OperatingGuard {
    config: OperatingConfig,
    methods: Mutex<HashMap<String, MethodBudget>>,
    clock: Arc<dyn Clock>,
}

impl OperatingGuard {
    /// A guard with no readings yet.
    pub fn new(config: OperatingConfig, clock: Arc<dyn Clock>) -> Self {
        Self {
            config,
            methods: Mutex::new(HashMap::new()),
            clock,
        }
    }

    /// Waits until none of `methods` is at risk of `OPERATION_TIME_LIMIT`.
    pub async fn respect(&self, methods: &[String]) {
        while let Some(wait) = self.wait_needed(methods) {
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "waiting for operating budget"
            );
            self.clock.sleep(wait).await;
        }
    }

    /// How long the next call of any of `methods` should wait, if at all.
    pub fn wait_needed(&self, methods: &[String]) -> Option<Duration> {
        let now = self.clock.now();
        let table = self.lock();
        let threshold = self.config.limit_seconds - self.config.headroom_seconds;

        let mut longest = None::<Duration>;
        for method in methods {
            let Some(budget) = table.get(&normalise(method)) else {
                continue;
            };

            let mut until = budget.blocked_until.filter(|until| *until > now);
            if until.is_none() && budget.operating >= threshold {
                until = budget.reset_at.filter(|reset| *reset > now);
            }

            if let Some(until) = until {
                let wait = Duration::from_secs_f64(seconds_between(now, until).max(0.001));
                longest = Some(longest.map_or(wait, |current| current.max(wait)));
            }
        }

        longest
    }

    /// Records the `time` block of an answer of `method`.
    pub fn record(&self, method: &str, time: &CallTime) {
        let Some(operating) = time.operating else {
            return;
        };

        let mut table = self.lock();
        let budget = table.entry(normalise(method)).or_default();
        budget.operating = operating;
        budget.reset_at = time.operating_reset_at.and_then(unix_to_utc);
    }

    /// The portal refused `method` with 429: block it until its window moves on, at most for
    /// the whole window. The block's end is also the moment the reading turns stale.
    pub fn on_blocked(&self, method: &str) {
        let now = self.clock.now();
        let after = |wait: Duration| {
            now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(60))
        };
        let (fallback, longest) = (after(self.config.fallback_block), after(self.config.window));

        let mut table = self.lock();
        let budget = table.entry(normalise(method)).or_default();
        let until = budget
            .reset_at
            .filter(|reset| *reset > now)
            .unwrap_or(fallback)
            .min(longest);
        budget.blocked_until = Some(until);
        budget.reset_at = Some(until);
        budget.operating = budget.operating.max(self.config.limit_seconds);
        tracing::debug!(method, "method blocked by the operating-time limit");
    }

    /// The last reported accumulated seconds of `method`, if any answer reported it.
    pub fn operating(&self, method: &str) -> Option<f64> {
        self.lock()
            .get(&normalise(method))
            .map(|budget| budget.operating)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, MethodBudget>> {
        self.methods.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Method names are case-insensitive on the portal.
fn normalise(method: &str) -> String {
    method.trim().to_ascii_lowercase()
}

fn unix_to_utc(seconds: f64) -> Option<DateTime<Utc>> {
    let whole = seconds.floor();
    let nanos = ((seconds - whole) * 1e9) as u32;
    Utc.timestamp_opt(whole as i64, nanos).single()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn guard() -> (OperatingGuard, ManualClock) {
        let clock = ManualClock::starting_at(Utc.timestamp_opt(1_800_000_000, 0).unwrap());
        (
            OperatingGuard::new(OperatingConfig::default(), Arc::new(clock.clone())),
            clock,
        )
    }

    fn report(operating: f64, reset_at: f64) -> CallTime {
        CallTime {
            operating: Some(operating),
            operating_reset_at: Some(reset_at),
            ..CallTime::default()
        }
    }

    #[test]
    fn a_method_near_its_limit_waits_until_the_reset_moment() {
        let (guard, _clock) = guard();
        guard.record("crm.deal.list", &report(470.0, 1_800_000_042.0));

        let wait = guard.wait_needed(&["CRM.DEAL.LIST".to_owned()]);

        assert_eq!(wait, Some(Duration::from_secs(42)));
        assert_eq!(guard.wait_needed(&["crm.deal.add".to_owned()]), None);
    }

    #[test]
    fn a_method_well_below_its_limit_does_not_wait() {
        let (guard, _clock) = guard();
        guard.record("crm.deal.list", &report(100.0, 1_800_000_042.0));

        assert_eq!(guard.wait_needed(&["crm.deal.list".to_owned()]), None);
    }

    #[tokio::test]
    async fn a_stale_reading_stops_holding_calls_back() {
        let (guard, clock) = guard();
        guard.record("crm.deal.list", &report(479.0, 1_800_000_010.0));

        guard.respect(&["crm.deal.list".to_owned()]).await;

        assert_eq!(clock.total_slept(), Duration::from_secs(10));
        assert_eq!(guard.wait_needed(&["crm.deal.list".to_owned()]), None);
    }

    #[tokio::test]
    async fn a_refusal_blocks_no_longer_than_the_window_and_the_next_call_then_goes_out() {
        let clock = ManualClock::starting_at(Utc.timestamp_opt(1_800_000_000, 0).unwrap());
        let config = OperatingConfig {
            window: Duration::from_secs(5),
            ..OperatingConfig::default()
        };
        let guard = OperatingGuard::new(config, Arc::new(clock.clone()));
        guard.record("crm.deal.add", &report(100.0, 1_800_000_590.0));

        guard.on_blocked("crm.deal.add");
        guard.respect(&["crm.deal.add".to_owned()]).await;

        assert_eq!(clock.total_slept(), Duration::from_secs(5));
        assert_eq!(guard.wait_needed(&["crm.deal.add".to_owned()]), None);
    }

    #[tokio::test]
    async fn by_default_a_refusal_holds_the_method_until_the_reported_reset_moment() {
        let (guard, clock) = guard();
        guard.record("crm.deal.add", &report(100.0, 1_800_000_590.0));

        guard.on_blocked("crm.deal.add");
        guard.respect(&["crm.deal.add".to_owned()]).await;

        assert_eq!(clock.total_slept(), Duration::from_secs(590));
    }

    #[test]
    fn a_refusal_without_a_reset_moment_blocks_for_one_bucket() {
        let (guard, _clock) = guard();

        guard.on_blocked("tasks.task.add");

        assert_eq!(
            guard.wait_needed(&["tasks.task.add".to_owned()]),
            Some(Duration::from_secs(60))
        );
    }
}
