//! [`Limiter`]: paces every request to one account and pauses them all after a 429.
//!
//! amoCRM counts requests in a sliding one-second window. The limiter keeps to a
//! slightly wider window: at most `requests_per_second` requests leave in any window of
//! one second plus a small margin, which absorbs the jitter between sending a request
//! and its arrival. Two mechanisms share the work:
//!
//! - a token bucket (the `governor` crate) spaces requests evenly, one every
//!   `window / requests_per_second`, with room for one request of catch-up, so a request
//!   that the scheduler woke late does not cost the budget for good;
//! - a record of the last `requests_per_second` send instants is the hard cap: a
//!   request that would make the window hold one too many waits until the oldest send
//!   leaves it. Catch-up can therefore never put an extra request into a window.
//!
//! When amoCRM answers 429 anyway (another integration of the account shares its
//! budget), the whole account pauses, not just the request that was refused.

use std::collections::VecDeque;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::time::Instant;

/// The pacing shared by all requests of one client.
#[derive(Debug)]
pub(crate) struct Limiter {
    /// Even spacing with one request of catch-up.
    spacing: DefaultDirectRateLimiter,
    /// Length of the window the budget applies to.
    window: Duration,
    /// Requests allowed in one window.
    budget: usize,
    /// Send instants still inside the window, oldest first.
    sent: Mutex<VecDeque<Instant>>,
    /// Until when every request is held back after a 429.
    paused_until: Mutex<Option<Instant>>,
}

impl Limiter {
    /// A limiter letting out `requests_per_second` requests (at least one) in every
    /// window of one second plus `margin`.
    pub(crate) fn new(requests_per_second: u32, margin: Duration) -> Self {
        let rate = NonZeroU32::new(requests_per_second).unwrap_or(NonZeroU32::MIN);
        let window = Duration::from_secs(1) + margin;
        let catch_up = NonZeroU32::new(2).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(window / rate.get())
            .unwrap_or_else(|| Quota::per_second(rate))
            .allow_burst(catch_up);

        Self {
            spacing: RateLimiter::direct(quota),
            window,
            budget: rate.get() as usize,
            sent: Mutex::new(VecDeque::with_capacity(rate.get() as usize)),
            paused_until: Mutex::new(None),
        }
    }

    /// Waits until a pause (if any) is over and one more request fits the window.
    pub(crate) async fn ready(&self) {
        loop {
            let until = *lock(&self.paused_until);
            match until {
                Some(until) if until > Instant::now() => tokio::time::sleep_until(until).await,
                _ => break,
            }
        }

        self.spacing.until_ready().await;
        while let Some(wait_until) = self.try_take_slot() {
            tokio::time::sleep_until(wait_until).await;
        }
    }

    /// Records a send now if the window has room; otherwise returns when it will.
    fn try_take_slot(&self) -> Option<Instant> {
        let now = Instant::now();
        let mut sent = lock(&self.sent);
        while sent
            .front()
            .is_some_and(|at| now.duration_since(*at) >= self.window)
        {
            sent.pop_front();
        }

        if sent.len() < self.budget {
            sent.push_back(now);
            return None;
        }
        sent.front().map(|oldest| *oldest + self.window)
    }

    /// Holds every request back for `pause` (or longer, if a longer pause is running).
    pub(crate) fn pause(&self, pause: Duration) {
        let wanted = Instant::now() + pause;
        let mut until = lock(&self.paused_until);
        if until.is_none_or(|current| current < wanted) {
            *until = Some(wanted);
        }
    }
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn no_window_of_one_second_holds_more_than_the_budget() {
        let limiter = Limiter::new(20, Duration::from_millis(20));
        let started = Instant::now();
        let mut sends = Vec::new();

        for _ in 0..25 {
            limiter.ready().await;
            sends.push(Instant::now());
        }

        for (i, at) in sends.iter().enumerate() {
            let in_window = sends[i..]
                .iter()
                .filter(|later| later.duration_since(*at) < Duration::from_secs(1))
                .count();
            assert!(in_window <= 20, "{in_window} requests within a second");
        }
        assert!(started.elapsed() >= Duration::from_secs(1));
    }

    #[tokio::test]
    async fn a_pause_holds_the_next_request_back() {
        let limiter = Limiter::new(1_000, Duration::ZERO);
        limiter.pause(Duration::from_millis(50));
        let started = Instant::now();

        limiter.ready().await;

        assert!(started.elapsed() >= Duration::from_millis(50));
    }
}
