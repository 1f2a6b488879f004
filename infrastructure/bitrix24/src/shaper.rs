//! The client-side mirror of the portal's leaky bucket.
//!
//! The portal keeps a counter per portal: each request adds one, the counter drains at `R`
//! per second, and a request that would push it past `C` is refused with HTTP 503
//! `QUERY_LIMIT_EXCEEDED` (standard plans `C = 50, R = 2`; Enterprise `C = 250, R = 5`).
//!
//! The shaper keeps the same counter on our side and hands out *reservations*: a request may
//! leave at once while `level + 1 <= C - headroom`; otherwise it waits
//! `(level + 1 - (C - headroom)) / R` seconds. The reservation is added to the level at once,
//! so concurrent callers queue behind each other without a background task: the level may
//! exceed the capacity and then stands for requests scheduled in the future. The steady rate
//! is exactly `R`, after an initial burst of `C - headroom`.
//!
//! The portal's counter is shared with every other app calling the same portal from the same
//! IP, which the shaper cannot see. A 503 therefore tells it that the real bucket is full: it
//! sets its level to the capacity and lowers its drain rate by a quarter (never below a
//! quarter of `R`); each accepted request wins one hundredth of `R` back.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::clock::Clock;

/// The limits the shaper obeys.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShaperConfig {
    /// Bucket capacity `C` (burst size).
    pub capacity: f64,
    /// Drain rate `R` in requests per second.
    pub drain_per_second: f64,
    /// How many units below the capacity the shaper stops bursting, as a safety margin for
    /// clock skew between us and the portal.
    pub headroom: f64,
}

impl ShaperConfig {
    /// Every non-Enterprise plan: 50 requests, draining 2 per second.
    pub fn standard() -> Self {
        Self {
            capacity: 50.0,
            drain_per_second: 2.0,
            headroom: 2.0,
        }
    }

    /// Enterprise plans: 250 requests, draining 5 per second.
    pub fn enterprise() -> Self {
        Self {
            capacity: 250.0,
            drain_per_second: 5.0,
            headroom: 5.0,
        }
    }

    /// The limits matching an `app.info` `LICENSE` value such as `ru_ent250` or `en_team`.
    ///
    /// Enterprise plan keys start with `ent`; everything else (including a demo, whose real
    /// plan is only in `LICENSE_PREVIOUS`) gets the standard limits.
    pub fn for_license(license: &str) -> Self {
        let plan = license.split_once('_').map_or(license, |(_, plan)| plan);
        if plan.to_ascii_lowercase().starts_with("ent") {
            Self::enterprise()
        } else {
            Self::standard()
        }
    }
}

impl Default for ShaperConfig {
    fn default() -> Self {
        Self::standard()
    }
}

/// Smallest share of the drain rate the shaper slows down to after refusals.
const MIN_SLOWDOWN: f64 = 0.25;

/// A leaky-bucket traffic shaper shared by every call of one client.
#[derive(Debug)]
pub struct Shaper {
    state: Mutex<ShaperState>,
    clock: Arc<dyn Clock>,
}

#[derive(Debug)]
struct ShaperState {
    config: ShaperConfig,
    /// Units in the bucket as of `updated`, including reservations not yet sent.
    level: f64,
    updated: DateTime<Utc>,
    /// Share of the drain rate in use, 1.0 unless the portal refused recently.
    slowdown: f64,
}

impl ShaperState {
    fn drain(&mut self, now: DateTime<Utc>) {
        let elapsed = seconds_between(self.updated, now);
        if elapsed > 0.0 {
            self.level = (self.level - elapsed * self.rate()).max(0.0);
            self.updated = now;
        }
    }

    fn rate(&self) -> f64 {
        self.config.drain_per_second * self.slowdown
    }

    fn ceiling(&self) -> f64 {
        (self.config.capacity - self.config.headroom).max(1.0)
    }
}

impl Shaper {
    /// A shaper with an empty bucket.
    pub fn new(config: ShaperConfig, clock: Arc<dyn Clock>) -> Self {
        let now = clock.now();
        Self {
            state: Mutex::new(ShaperState {
                config,
                level: 0.0,
                updated: now,
                slowdown: 1.0,
            }),
            clock,
        }
    }

    /// The limits in force.
    pub fn config(&self) -> ShaperConfig {
        self.lock().config
    }

    /// Switches to other limits (for example after reading the plan from `app.info`).
    pub fn set_config(&self, config: ShaperConfig) {
        let now = self.clock.now();
        let mut state = self.lock();
        state.drain(now);
        state.config = config;
    }

    /// Waits until one more request fits into the bucket, and counts it.
    pub async fn acquire(&self) {
        let wait = self.reserve();
        if !wait.is_zero() {
            self.clock.sleep(wait).await;
        }
    }

    /// Counts one request and says how long it must wait before leaving.
    pub fn reserve(&self) -> Duration {
        let now = self.clock.now();
        let mut state = self.lock();
        state.drain(now);

        let overflow = state.level + 1.0 - state.ceiling();
        state.level += 1.0;
        if overflow <= 0.0 {
            return Duration::ZERO;
        }

        Duration::from_secs_f64(overflow / state.rate())
    }

    /// The portal refused a request with 503: assume its bucket is full and slow down.
    pub fn on_refused(&self) {
        let now = self.clock.now();
        let mut state = self.lock();
        state.drain(now);

        state.level = state.level.max(state.config.capacity);
        state.slowdown = (state.slowdown * 0.75).max(MIN_SLOWDOWN);
        tracing::debug!(
            slowdown = state.slowdown,
            "request-rate limit hit, slowing down"
        );
    }

    /// The portal accepted a request: win back a little of the drain rate.
    pub fn on_accepted(&self) {
        let mut state = self.lock();
        state.slowdown = (state.slowdown + 0.01).min(1.0);
    }

    /// The share of the drain rate currently used (1.0 when no refusal slowed it down).
    pub fn slowdown(&self) -> f64 {
        self.lock().slowdown
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ShaperState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Seconds from `earlier` to `later` as a float (negative if the clock went back).
pub(crate) fn seconds_between(earlier: DateTime<Utc>, later: DateTime<Utc>) -> f64 {
    let delta = later - earlier;
    delta
        .num_microseconds()
        .map_or(0.0, |us| us as f64 / 1_000_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn shaper(config: ShaperConfig) -> (Shaper, ManualClock) {
        let clock = ManualClock::starting_at(Utc::now());
        (Shaper::new(config, Arc::new(clock.clone())), clock)
    }

    #[test]
    fn bursts_up_to_capacity_minus_headroom_then_paces_at_drain_rate() {
        let (shaper, _clock) = shaper(ShaperConfig::standard());

        let waits: Vec<Duration> = (0..52).map(|_| shaper.reserve()).collect();

        assert!(waits[..48].iter().all(Duration::is_zero));
        assert_eq!(waits[48], Duration::from_millis(500));
        assert_eq!(waits[49], Duration::from_millis(1000));
        assert_eq!(waits[51], Duration::from_millis(2000));
    }

    #[tokio::test]
    async fn sustained_rate_matches_the_drain_rate() {
        let (shaper, clock) = shaper(ShaperConfig::standard());

        for _ in 0..48 + 200 {
            shaper.acquire().await;
        }

        let waited = clock.total_slept().as_secs_f64();
        assert!(
            (waited - 100.0).abs() < 0.01,
            "waited {waited}s for 200 paced requests"
        );
    }

    #[test]
    fn a_refusal_fills_the_bucket_and_slows_the_drain() {
        let (shaper, _clock) = shaper(ShaperConfig::standard());

        shaper.on_refused();
        let wait = shaper.reserve();

        assert!(shaper.slowdown() < 1.0);
        assert!(wait > Duration::from_millis(500), "waited only {wait:?}");
    }

    #[test]
    fn enterprise_licences_get_the_larger_bucket() {
        assert_eq!(
            ShaperConfig::for_license("ru_ent250"),
            ShaperConfig::enterprise()
        );
        assert_eq!(
            ShaperConfig::for_license("en_ent10000"),
            ShaperConfig::enterprise()
        );
        assert_eq!(
            ShaperConfig::for_license("ru_team"),
            ShaperConfig::standard()
        );
        assert_eq!(
            ShaperConfig::for_license("ru_demo"),
            ShaperConfig::standard()
        );
    }
}
