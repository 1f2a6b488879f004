//! Time as the client sees it: "now" and "wait for a while", behind a trait so that tests can
//! run the shaper, the operating-budget guard and the retry pauses without real waiting.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};

/// A boxed future returned by [`Clock::sleep`].
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A source of time for the client.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current wall-clock time (compared with the portal's `operating_reset_at`).
    fn now(&self) -> DateTime<Utc>;

    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> SleepFuture;
}

/// The real clock: system time and `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep(&self, duration: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock for tests: time stands still until someone sleeps, and sleeping advances it at
/// once. Every sleep is recorded so that a test can assert how long the client waited.
#[derive(Debug, Clone)]
pub struct ManualClock {
    state: Arc<Mutex<ManualState>>,
}

#[derive(Debug)]
struct ManualState {
    now: DateTime<Utc>,
    sleeps: Vec<Duration>,
}

impl ManualClock {
    /// A clock that starts at `start`.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            state: Arc::new(Mutex::new(ManualState {
                now: start,
                sleeps: Vec::new(),
            })),
        }
    }

    /// Moves time forward without recording a sleep.
    pub fn advance(&self, duration: Duration) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.now += chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::zero());
    }

    /// Every sleep requested so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.sleeps.clone()
    }

    /// The sum of every sleep requested so far.
    pub fn total_slept(&self) -> Duration {
        self.sleeps().iter().sum()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.now
    }

    fn sleep(&self, duration: Duration) -> SleepFuture {
        {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.sleeps.push(duration);
            state.now += chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::zero());
        }

        Box::pin(tokio::task::yield_now())
    }
}
