//! `view_history`: every event of every run, numbered in the global order, as auditors read
//! it.

use super::Inserts;
use crate::db::{Arg, Statement};
use crate::log::LogEntry;

pub(super) fn statements(page: &[LogEntry]) -> Vec<Statement> {
    let mut inserts = Inserts::new(
        "INSERT INTO view_history (migration_id, ordinal, aggregate_type, aggregate_id, \
         sequence, event_type, event_version, payload, recorded_at)",
        9,
    );

    for entry in page {
        let stored = &entry.stored;
        inserts.push(vec![
            Arg::from(entry.decoded.migration_id().to_string()),
            Arg::Int(entry.ordinal),
            Arg::from(stored.aggregate_type.as_str()),
            Arg::from(stored.aggregate_id.as_str()),
            Arg::Int(stored.sequence),
            Arg::from(stored.event_type.as_str()),
            Arg::from(stored.event_version.as_str()),
            Arg::from(stored.payload.as_str()),
            Arg::from(stored.recorded_at.as_str()),
        ]);
    }

    let mut out = Vec::new();
    inserts.flush_into(&mut out);
    out
}
