//! `view_id_map`: the amoCRM → Bitrix24 id of everything a run created, in creation order,
//! marked once a rollback deleted it.

use migrator_domain::ChunkEvent;

use super::Inserts;
use crate::db::{Arg, Statement};
use crate::log::{Decoded, LogEntry};

pub(super) fn statements(page: &[LogEntry]) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut inserts = Inserts::new(
        "INSERT INTO view_id_map (migration_id, kind, chunk_index, amo_id, b24_id, ordinal)",
        6,
    );

    for entry in page {
        let Decoded::Chunk { chunk_id, event } = &entry.decoded else {
            continue;
        };
        match event {
            ChunkEvent::RecordTransferred {
                migration_id,
                kind,
                amo_id,
                b24_id,
                ..
            } => {
                inserts.push(vec![
                    Arg::from(migration_id.to_string()),
                    Arg::from(kind.as_str()),
                    Arg::from(u64::from(chunk_id.index)),
                    Arg::from(*amo_id),
                    Arg::from(b24_id.as_str()),
                    Arg::Int(entry.ordinal),
                ]);
            }
            ChunkEvent::RecordRolledBack {
                migration_id,
                kind,
                amo_id,
                ..
            } => {
                // The insert of the same record may sit in this page: it goes first.
                inserts.flush_into(&mut out);
                out.push(Statement::new(
                    "UPDATE view_id_map SET rolled_back = 1 \
                     WHERE migration_id = $1 AND kind = $2 AND chunk_index = $3 \
                     AND amo_id = $4",
                    vec![
                        Arg::from(migration_id.to_string()),
                        Arg::from(kind.as_str()),
                        Arg::from(u64::from(chunk_id.index)),
                        Arg::from(*amo_id),
                    ],
                ));
            }
            ChunkEvent::ChunkPlanned { .. }
            | ChunkEvent::RecordFailed { .. }
            | ChunkEvent::RecordLeftOutsidePeriod { .. } => {}
        }
    }

    inserts.flush_into(&mut out);
    out
}
