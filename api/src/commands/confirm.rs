//! `migrator confirm ID` (F1): the user accepts a finished run. `migrator confirm-due` (F2):
//! every run that has waited seven days since it finished is confirmed on its own.
//!
//! There is no resident process yet, so the seven-day rule runs whenever migrator does:
//! `run`, `resume` and `rollback` sweep first (a failing sweep is logged and does not stop
//! them), and `confirm-due` is the command for a scheduler such as cron.

use chrono::Utc;
use migrator_domain::MigrationCommand;
use migrator_runner::{SystemClock, confirm_due};
use migrator_store::{Store, StoreUrl};
use uuid::Uuid;

use super::{open_current, require_known, view_db};
use crate::error::CliError;

/// Confirms run `migration_id` and prints `migration <id> confirmed`.
pub async fn one(url: &StoreUrl, migration_id: Uuid) -> Result<(), CliError> {
    let opened = open_current(url).await?;
    require_known(&opened, migration_id).await?;

    let command = MigrationCommand::Confirm { at: Utc::now() };
    opened.store.migration(migration_id, command).await?;
    println!("migration {migration_id} confirmed");
    Ok(())
}

/// Confirms every run that is due and prints the id of each, one per line.
pub async fn due(url: &StoreUrl) -> Result<(), CliError> {
    let opened = open_current(url).await?;
    let candidates = opened.read.awaiting_confirmation().await?;

    let confirmed = confirm_due(&opened.store, &candidates, &SystemClock).await?;
    for id in confirmed {
        println!("{id}");
    }
    Ok(())
}

/// The sweep `run`, `resume` and `rollback` do before their own work; a failure is logged.
pub async fn sweep_quietly(store: &Store) {
    let db = view_db(store);
    let swept = async {
        migrator_projections::Projector::new(db.clone())
            .catch_up()
            .await?;
        let candidates = migrator_projections::ReadModels::new(db)
            .awaiting_confirmation()
            .await?;
        confirm_due(store, &candidates, &SystemClock).await?;
        Ok::<(), CliError>(())
    };
    if let Err(error) = swept.await {
        tracing::warn!(%error, "could not confirm the runs that are due; trying next time");
    }
}
