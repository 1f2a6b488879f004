//! [`ClientConfig`] and [`RetryPolicy`]: the settings of the client.
//!
//! Facts the reference marks as unconfirmed (the exact rate limit, how long to back off,
//! how early to refresh) are settings here rather than constants buried in code.

use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};

/// How the client retries failed reads.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in total for a call that meets 5xx answers or no answer at all.
    pub max_attempts: u32,
    /// Attempts in total for a call that meets 429 answers.
    pub max_rate_limited_attempts: u32,
    /// First pause; each further pause doubles it.
    pub initial_backoff: Duration,
    /// Longest pause, also the cap on a `retry_after` amoCRM asks for.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// Five attempts on faults, eight on 429, pauses from 1 s doubling up to 60 s (the
    /// reference's recommended backoff, §4.2).
    fn default() -> Self {
        Self {
            max_attempts: 5,
            max_rate_limited_attempts: 8,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The pause before attempt number `attempt + 1` (`attempt` counts from 1).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// Settings of one [`crate::AmoClient`].
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Requests per second to this account, all calls together. amoCRM allows 7 per
    /// integration; other integrations of the same account share a wider budget.
    pub requests_per_second: u32,
    /// Extra time added to each one-second window the limiter keeps, so that network
    /// jitter never lands one request too many in amoCRM's window. 20 ms costs 2 % of the
    /// rate.
    pub pacing_margin: Duration,
    /// Retries on 429, 5xx and timeouts.
    pub retry: RetryPolicy,
    /// How long one request may take before it counts as timed out.
    pub request_timeout: Duration,
    /// Refresh an OAuth access token this long before it expires (the reference advises
    /// about 5 minutes).
    pub refresh_margin: Duration,
    /// Page size asked for lists that allow 250 records a page.
    pub page_size: u32,
    /// Page size asked for events, which allow 100.
    pub events_page_size: u32,
    /// Pages of one listing requested before the earliest is answered. With 1 the
    /// listing waits for each answer, and any server slower than the limiter's spacing
    /// (about 146 ms at 7/s) sets the pace; keeping the limiter busy takes about
    /// `requests_per_second × latency` pages in flight. Each listing then ends with up
    /// to `read_ahead - 1` requests past its last page.
    pub read_ahead: usize,
    /// `User-Agent` header sent with each request.
    pub user_agent: String,
    /// The wall clock token expiry is judged by.
    pub clock: Arc<dyn Clock>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            requests_per_second: 7,
            pacing_margin: Duration::from_millis(20),
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(30),
            refresh_margin: Duration::from_secs(300),
            page_size: 250,
            events_page_size: 100,
            read_ahead: 3,
            user_agent: concat!("migrator-amocrm/", env!("CARGO_PKG_VERSION")).to_owned(),
            clock: Arc::new(SystemClock),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_stops_at_the_cap() {
        let policy = RetryPolicy::default();

        assert_eq!(policy.backoff(1), Duration::from_secs(1));
        assert_eq!(policy.backoff(3), Duration::from_secs(4));
        assert_eq!(policy.backoff(30), Duration::from_secs(60));
    }
}
