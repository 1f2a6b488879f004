//! The sandbox clock: real time plus an offset tests move. Token and code expiry follow
//! it; the rate limiter stays on real time.

use std::sync::atomic::{AtomicI64, Ordering};

/// Unix seconds as the sandbox sees them.
#[derive(Debug, Default)]
pub(crate) struct SandboxClock {
    offset: AtomicI64,
}

impl SandboxClock {
    /// Current sandbox time in Unix seconds.
    pub(crate) fn now(&self) -> i64 {
        chrono::Utc::now().timestamp() + self.offset.load(Ordering::SeqCst)
    }

    /// Moves the clock forward (or back, when negative) by `seconds`.
    pub(crate) fn advance(&self, seconds: i64) {
        self.offset.fetch_add(seconds, Ordering::SeqCst);
    }

    /// The current offset from real time.
    pub(crate) fn offset(&self) -> i64 {
        self.offset.load(Ordering::SeqCst)
    }
}
