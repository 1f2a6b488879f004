//! [`Limiter`]: paces every request to one account and pauses them all after a 429.
//!
//! A token bucket (the `governor` crate) lets requests out evenly, one every
//! `(1 s + margin) / requests_per_second`, with no burst: amoCRM counts requests in a
//! one-second window, and a burst at the edge of a second would land twice the rate in
//! one window. The small margin absorbs jitter between sending a request and its arrival,
//! so that no window on the server side ever sees one request too many. When amoCRM
//! answers 429 anyway (another integration of the account shares its budget), the whole
//! account pauses, not just the request that was refused.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::time::Instant;

/// The pacing shared by all requests of one client.
#[derive(Debug)]
pub(crate) struct Limiter {
    bucket: DefaultDirectRateLimiter,
    paused_until: Mutex<Option<Instant>>,
}

impl Limiter {
    /// A limiter letting out `requests_per_second` requests (at least one) in every
    /// window of one second plus `margin`.
    pub(crate) fn new(requests_per_second: u32, margin: Duration) -> Self {
        let rate = NonZeroU32::new(requests_per_second).unwrap_or(NonZeroU32::MIN);
        let period = (Duration::from_secs(1) + margin) / rate.get();
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(rate))
            .allow_burst(NonZeroU32::MIN);

        Self {
            bucket: RateLimiter::direct(quota),
            paused_until: Mutex::new(None),
        }
    }

    /// Waits until a pause (if any) is over and the bucket lets one more request out.
    pub(crate) async fn ready(&self) {
        loop {
            let until = *self.lock_pause();
            match until {
                Some(until) if until > Instant::now() => tokio::time::sleep_until(until).await,
                _ => break,
            }
        }

        self.bucket.until_ready().await;
    }

    /// Holds every request back for `pause` (or longer, if a longer pause is running).
    pub(crate) fn pause(&self, pause: Duration) {
        let wanted = Instant::now() + pause;
        let mut until = self.lock_pause();
        if until.is_none_or(|current| current < wanted) {
            *until = Some(wanted);
        }
    }

    fn lock_pause(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.paused_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
