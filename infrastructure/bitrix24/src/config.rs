//! Settings of the client: traffic shaping, operating budget, retries and time-outs.

use std::time::Duration;

use crate::operating::OperatingConfig;
use crate::shaper::ShaperConfig;

/// How often and how patiently calls are retried.
///
/// Back-off pauses are deterministic (no random jitter): one client works one portal, and the
/// shaper already spreads its requests, so synchronised retries of many clients are not a
/// concern here.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// How many times one call may be refused by a limit (503 or 429) before giving up.
    pub max_limit_retries: u32,
    /// How many server failures or network errors a read (or an unsent write) survives.
    pub max_failure_retries: u32,
    /// First pause after a failure; doubled each time.
    pub backoff_base: Duration,
    /// Longest pause after a failure.
    pub backoff_cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_limit_retries: 10,
            max_failure_retries: 3,
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The pause before retry number `failure` (1-based).
    pub fn backoff(&self, failure: u32) -> Duration {
        let factor = 2u32.saturating_pow(failure.saturating_sub(1));
        self.backoff_base
            .saturating_mul(factor)
            .min(self.backoff_cap)
    }
}

/// Everything that tunes a [`crate::B24Client`].
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    /// Leaky-bucket limits; standard plans by default, switch with
    /// [`crate::B24Client::adopt_plan`] or set Enterprise limits here.
    pub shaper: ShaperConfig,
    /// Whether [`crate::B24Client::adopt_plan`] replaces `shaper` with the limits of the
    /// portal's plan. Switch it off when the portal's limits are known to differ from its
    /// plan's published ones (an on-premise portal, a raised limit, a benchmark).
    pub follow_plan: bool,
    /// Per-method execution-time budget.
    pub operating: OperatingConfig,
    /// Retry behaviour.
    pub retry: RetryPolicy,
    /// Time-out of one HTTP request (the portal cuts requests at 60 s).
    pub request_timeout: Duration,
    /// The `User-Agent` header (Bitrix24 asks for a real one).
    pub user_agent: String,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            shaper: ShaperConfig::standard(),
            follow_plan: true,
            operating: OperatingConfig::default(),
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(70),
            user_agent: concat!("migrator-bitrix24/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}
