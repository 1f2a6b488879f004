//! `view_progress`: per run and kind of record, the counts (for the seven entities) and how
//! many records were moved, failed, left outside the period and rolled back.

use std::collections::BTreeMap;

use migrator_domain::{ChunkEvent, MigrationEvent, RecordKind};
use uuid::Uuid;

use crate::db::{Arg, Statement};
use crate::log::{Decoded, LogEntry};

/// Outcomes added up over one page, per run and kind.
#[derive(Default)]
struct Delta {
    transferred: u64,
    failed: u64,
    outside_period: u64,
    rolled_back: u64,
}

pub(super) fn statements(page: &[LogEntry]) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut deltas: BTreeMap<(Uuid, RecordKind), Delta> = BTreeMap::new();

    // Counts are absolute and touch only the count columns; outcomes are increments and touch
    // only the others. So the counts apply in order and the increments add up once per page.
    for entry in page {
        match &entry.decoded {
            Decoded::Migration {
                migration_id,
                event,
            } => {
                if let Some(statement) = count_statement(*migration_id, event) {
                    out.push(statement);
                }
            }
            Decoded::Chunk { event, .. } => {
                let (migration_id, kind) = match event {
                    ChunkEvent::ChunkPlanned { .. } => continue,
                    ChunkEvent::RecordTransferred {
                        migration_id, kind, ..
                    }
                    | ChunkEvent::RecordFailed {
                        migration_id, kind, ..
                    }
                    | ChunkEvent::RecordLeftOutsidePeriod {
                        migration_id, kind, ..
                    }
                    | ChunkEvent::RecordRolledBack {
                        migration_id, kind, ..
                    } => (*migration_id, *kind),
                };
                let delta = deltas.entry((migration_id, kind)).or_default();
                match event {
                    ChunkEvent::RecordTransferred { .. } => delta.transferred += 1,
                    ChunkEvent::RecordFailed { .. } => delta.failed += 1,
                    ChunkEvent::RecordLeftOutsidePeriod { .. } => delta.outside_period += 1,
                    ChunkEvent::RecordRolledBack { .. } => delta.rolled_back += 1,
                    ChunkEvent::ChunkPlanned { .. } => {}
                }
            }
        }
    }

    for ((migration_id, kind), delta) in deltas {
        out.push(Statement::new(
            "INSERT INTO view_progress (migration_id, kind, transferred, failed, outside_period, \
             rolled_back) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (migration_id, kind) DO UPDATE SET \
             transferred = view_progress.transferred + excluded.transferred, \
             failed = view_progress.failed + excluded.failed, \
             outside_period = view_progress.outside_period + excluded.outside_period, \
             rolled_back = view_progress.rolled_back + excluded.rolled_back",
            vec![
                Arg::from(migration_id.to_string()),
                Arg::from(kind.as_str()),
                Arg::from(delta.transferred),
                Arg::from(delta.failed),
                Arg::from(delta.outside_period),
                Arg::from(delta.rolled_back),
            ],
        ));
    }
    out
}

fn count_statement(migration_id: Uuid, event: &MigrationEvent) -> Option<Statement> {
    match event {
        MigrationEvent::CountingStarted { .. } | MigrationEvent::SettingsChanged { .. } => {
            Some(Statement::new(
                "UPDATE view_progress SET counted = 0, in_period = 0 WHERE migration_id = $1",
                vec![Arg::from(migration_id.to_string())],
            ))
        }
        MigrationEvent::EntityCounted {
            entity,
            total,
            in_period,
            ..
        } => Some(Statement::new(
            "INSERT INTO view_progress (migration_id, kind, counted, in_period) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (migration_id, kind) DO UPDATE SET \
             counted = excluded.counted, in_period = excluded.in_period",
            vec![
                Arg::from(migration_id.to_string()),
                Arg::from(entity.as_str()),
                Arg::from(*total),
                Arg::from(*in_period),
            ],
        )),
        _ => None,
    }
}
