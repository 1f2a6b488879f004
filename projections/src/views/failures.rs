//! `view_failures`: every record that could not be moved, with its reason.

use migrator_domain::ChunkEvent;

use super::{Inserts, instant};
use crate::db::{Arg, Statement};
use crate::log::{Decoded, LogEntry};

pub(super) fn statements(page: &[LogEntry]) -> Vec<Statement> {
    let mut inserts = Inserts::new(
        "INSERT INTO view_failures (migration_id, kind, chunk_index, amo_id, code, message, \
         failed_at, ordinal)",
        8,
    );

    for entry in page {
        if let Decoded::Chunk {
            chunk_id,
            event:
                ChunkEvent::RecordFailed {
                    migration_id,
                    kind,
                    amo_id,
                    code,
                    message,
                    at,
                },
        } = &entry.decoded
        {
            inserts.push(vec![
                Arg::from(migration_id.to_string()),
                Arg::from(kind.as_str()),
                Arg::from(u64::from(chunk_id.index)),
                Arg::from(*amo_id),
                Arg::from(code.as_str()),
                Arg::from(message.as_str()),
                Arg::from(instant(at)),
                Arg::Int(entry.ordinal),
            ]);
        }
    }

    let mut out = Vec::new();
    inserts.flush_into(&mut out);
    out
}
