//! The per-account rate limiter on real time: a one-second sliding window, 429 above
//! the limit, and a persistent 403 block after repeated violations.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The limiter's verdict on one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Serve it.
    Admitted,
    /// Over the limit: 429.
    TooMany,
    /// The account's API is blocked: 403.
    Blocked,
}

#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    recent: VecDeque<Instant>,
    violations: VecDeque<Instant>,
    blocked: bool,
}

impl RateLimiter {
    /// Judges a request arriving at `now`.
    pub(crate) fn admit(&mut self, now: Instant, rps: u32, block_after: u32) -> Admission {
        if self.blocked {
            return Admission::Blocked;
        }
        if rps == 0 {
            return Admission::Admitted;
        }

        let second = Duration::from_secs(1);
        while self
            .recent
            .front()
            .is_some_and(|at| now.duration_since(*at) >= second)
        {
            self.recent.pop_front();
        }
        if self.recent.len() < rps as usize {
            self.recent.push_back(now);
            return Admission::Admitted;
        }

        let minute = Duration::from_secs(60);
        while self
            .violations
            .front()
            .is_some_and(|at| now.duration_since(*at) >= minute)
        {
            self.violations.pop_front();
        }
        self.violations.push_back(now);
        if block_after > 0 && self.violations.len() >= block_after as usize {
            self.blocked = true;
        }
        Admission::TooMany
    }

    pub(crate) fn is_blocked(&self) -> bool {
        self.blocked
    }

    /// Lifts the block (what amoCRM support does on request).
    pub(crate) fn unblock(&mut self) {
        self.blocked = false;
        self.violations.clear();
    }
}
