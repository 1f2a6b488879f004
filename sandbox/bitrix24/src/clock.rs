//! The portal clock: real time plus an offset that tests move forward.

use chrono::{DateTime, FixedOffset, Offset, TimeDelta, Utc};

/// Real time shifted by an offset that only grows (tests call [`Clock::advance`]).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset: TimeDelta,
}

impl Clock {
    /// The portal's "now".
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }

    /// Moves the clock forward.
    pub fn advance(&mut self, by: std::time::Duration) {
        self.offset += TimeDelta::from_std(by).unwrap_or(TimeDelta::MAX);
    }
}

/// The portal time zone used for every ISO date it writes.
pub fn portal_offset() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600).unwrap_or_else(|| Utc.fix())
}
