//! `view_migrations`: every run, its settings, status and current interruption.

use migrator_domain::migration::{MigrationEvent, Status};

use super::instant;
use crate::db::{Arg, Statement};
use crate::log::{Decoded, LogEntry};

pub(super) fn statements(page: &[LogEntry]) -> Vec<Statement> {
    page.iter().filter_map(statement).collect()
}

fn statement(entry: &LogEntry) -> Option<Statement> {
    let Decoded::Migration {
        migration_id,
        event,
    } = &entry.decoded
    else {
        return None;
    };
    let id = migration_id.to_string();

    let status = |status: Status, at| {
        Some(Statement::new(
            "UPDATE view_migrations SET status = $1, interruption = NULL, updated_at = $2 \
             WHERE migration_id = $3",
            vec![
                Arg::from(status.as_str()),
                Arg::from(instant(at)),
                Arg::from(id.clone()),
            ],
        ))
    };

    match event {
        MigrationEvent::MigrationConfigured {
            portal,
            account,
            settings,
            at,
            ..
        } => Some(Statement::new(
            "INSERT INTO view_migrations (migration_id, portal, account, status, settings, \
                 configured_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            vec![
                Arg::from(id.clone()),
                Arg::from(portal.as_str()),
                Arg::from(account.as_str()),
                Arg::from(Status::Configured.as_str()),
                Arg::from(serde_json::to_string(settings).unwrap_or_default()),
                Arg::from(instant(at)),
                Arg::from(instant(at)),
            ],
        )),
        MigrationEvent::SettingsChanged { settings, at } => Some(Statement::new(
            "UPDATE view_migrations SET status = $1, settings = $2, updated_at = $3 \
             WHERE migration_id = $4",
            vec![
                Arg::from(Status::Configured.as_str()),
                Arg::from(serde_json::to_string(settings).unwrap_or_default()),
                Arg::from(instant(at)),
                Arg::from(id),
            ],
        )),
        MigrationEvent::LeaseAcquired { epoch, at, .. } => Some(Statement::new(
            "UPDATE view_migrations SET lease_epoch = $1, updated_at = $2 WHERE migration_id = $3",
            vec![Arg::from(*epoch), Arg::from(instant(at)), Arg::from(id)],
        )),
        MigrationEvent::MigrationInterrupted { reason, at, .. } => Some(Statement::new(
            "UPDATE view_migrations SET status = $1, interruption = $2, updated_at = $3 \
             WHERE migration_id = $4",
            vec![
                Arg::from(Status::Interrupted.as_str()),
                Arg::from(reason.to_string()),
                Arg::from(instant(at)),
                Arg::from(id),
            ],
        )),
        MigrationEvent::CountingStarted { at, .. } => status(Status::Counting, at),
        MigrationEvent::CountingFinished { at, .. } => status(Status::Counted, at),
        MigrationEvent::TransferStarted { at } => status(Status::Transferring, at),
        MigrationEvent::MigrationPaused { at } => status(Status::Paused, at),
        MigrationEvent::MigrationResumed { phase, at } => status(phase.status(), at),
        MigrationEvent::MigrationCancelled { at } => status(Status::Cancelled, at),
        MigrationEvent::TransferFinished { at, .. } => status(Status::AwaitingConfirmation, at),
        MigrationEvent::MigrationConfirmed { at, .. } => status(Status::Confirmed, at),
        MigrationEvent::RollbackStarted { at } => status(Status::RollingBack, at),
        MigrationEvent::RollbackCompleted { at, .. } => status(Status::RolledBack, at),
        MigrationEvent::EntityCounted { .. } | MigrationEvent::EntityTransferCompleted { .. } => {
            None
        }
    }
}
