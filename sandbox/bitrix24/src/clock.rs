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
        Utc::now()
            .checked_add_signed(self.offset)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Moves the clock forward. The total offset is capped at a century so date arithmetic
    /// (token lifetimes, `CLOSEDATE` + 7 days) can never overflow.
    pub fn advance(&mut self, by: std::time::Duration) {
        let cap = TimeDelta::days(36_500);
        let step = TimeDelta::from_std(by).unwrap_or(cap);
        self.offset = self.offset.checked_add(&step).unwrap_or(cap).min(cap);
    }
}

/// The portal time zone used for every ISO date it writes.
pub fn portal_offset() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600).unwrap_or_else(|| Utc.fix())
}
