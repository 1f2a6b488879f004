//! Confirmation (F1, F2): a finished run waits for its user; seven days after it finished it
//! confirms itself. [`confirm_due`] is the sweep that does it, with the time taken from a
//! [`Clock`] so that tests can move it.
//!
//! The sweep is handed the runs to look at (the app server and the command line take them
//! from the runs view); each is loaded from its own events, so a view that lags behind can
//! only make the sweep look at a run too early, which the run itself refuses.
//!
//! The clock is the wall clock the amoCRM client already defines ([`Clock`], with
//! [`SystemClock`] and [`ManualClock`]); the runner re-exports it.

use migrator_domain::migration::AUTO_CONFIRM_AFTER;
use migrator_domain::{MigrationCommand, Status};
use migrator_store::Store;
use uuid::Uuid;

use crate::error::RunnerError;

pub use migrator_amocrm::{Clock, ManualClock, SystemClock};

/// Confirms every run among `candidates` that has waited for confirmation for
/// [`AUTO_CONFIRM_AFTER`] or longer; returns the ones it confirmed. A run that is not
/// finished, not due yet or already confirmed is left as it is.
///
/// # Errors
/// The store failed to load a run or to record its confirmation; the runs confirmed before
/// the failure stay confirmed.
pub async fn confirm_due(
    store: &Store,
    candidates: &[Uuid],
    clock: &dyn Clock,
) -> Result<Vec<Uuid>, RunnerError> {
    let now = clock.now();
    let mut confirmed = Vec::new();

    for id in candidates {
        let migration = store.load_migration(*id).await?;
        if migration.status() != Status::AwaitingConfirmation {
            continue;
        }
        let due = migration
            .finished_at()
            .is_some_and(|finished| finished + AUTO_CONFIRM_AFTER <= now);
        if !due {
            continue;
        }

        let command = MigrationCommand::ConfirmAutomatically { at: now };
        store.migration(*id, command).await?;
        tracing::info!(migration = %id, "confirmed automatically, seven days after it finished");
        confirmed.push(*id);
    }
    Ok(confirmed)
}
