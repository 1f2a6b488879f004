//! [`ListQuery`] and [`Period`]: what a listing asks amoCRM for beyond paging.
//!
//! Period filters are sent to the server where the reference documents them and are
//! always applied again on the client: amoCRM silently ignores filters on accounts
//! without API filtering, and whether its range bounds are inclusive is unknown. The
//! client therefore widens the server range by one second on each side and keeps exactly
//! the half-open window `[from, to)` itself.

use chrono::{DateTime, Utc};

/// A half-open time window `[from, to)`, compared with records' `created_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First instant inside the window.
    pub from: DateTime<Utc>,
    /// First instant after the window.
    pub to: DateTime<Utc>,
}

impl Period {
    /// The window `[from, to)`.
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>) -> Self {
        Self { from, to }
    }

    /// Whether the Unix timestamp `seconds` lies inside the window.
    pub fn contains(&self, seconds: i64) -> bool {
        self.from.timestamp() <= seconds && seconds < self.to.timestamp()
    }

    /// The bounds sent to amoCRM: one second wider on each side than the window, so that
    /// neither inclusive nor exclusive server bounds lose a record.
    pub(crate) fn server_bounds(&self) -> (i64, i64) {
        (self.from.timestamp() - 1, self.to.timestamp())
    }
}

/// Options of one listing: a creation period, an update period, ids, `with=` parts and
/// any raw filter.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub(crate) created: Option<Period>,
    pub(crate) updated: Option<Period>,
    pub(crate) with: Vec<String>,
    pub(crate) params: Vec<(String, String)>,
}

impl ListQuery {
    /// Everything, with the default `with=` parts of the endpoint.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only records created inside `period` (sent to the server where it supports it,
    /// always checked on the client).
    pub fn created_in(mut self, period: Period) -> Self {
        self.created = Some(period);
        self
    }

    /// Only records updated inside `period` (a delta pass after a long export). Sent as
    /// `filter[updated_at][from|to]`; not re-checked on the client.
    pub fn updated_in(mut self, period: Period) -> Self {
        self.updated = Some(period);
        self
    }

    /// Adds a `with=` part (e.g. `only_deleted`) to the endpoint's defaults.
    pub fn with(mut self, part: &str) -> Self {
        self.with.push(part.to_owned());
        self
    }

    /// Adds a raw query parameter, e.g. `("filter[responsible_user_id]", "42")`.
    pub fn param(mut self, key: &str, value: &str) -> Self {
        self.params.push((key.to_owned(), value.to_owned()));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_period_is_half_open_and_the_server_range_is_wider() {
        let from = Utc.timestamp_opt(1_000, 0).single().expect("from");
        let to = Utc.timestamp_opt(2_000, 0).single().expect("to");
        let period = Period::new(from, to);

        assert!(period.contains(1_000));
        assert!(period.contains(1_999));
        assert!(!period.contains(2_000));
        assert!(!period.contains(999));
        assert_eq!(period.server_bounds(), (999, 2_000));
    }
}
