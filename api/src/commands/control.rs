//! `migrator pause ID` and `migrator cancel ID` (E3): asked from any terminal while a run
//! moves (in another process or on another machine sharing the store). The process moving the
//! run stops after its current batch; a paused run continues with `migrator resume ID`, a
//! cancelled one waits for `migrator rollback ID` or stays as it is.

use chrono::Utc;
use migrator_domain::MigrationCommand;
use migrator_store::StoreUrl;
use uuid::Uuid;

use super::{open_current, require_known};
use crate::error::CliError;

/// What a person asks of a moving run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// Stop after the current batch, to resume later.
    Pause,
    /// Stop for good.
    Cancel,
}

/// Records the request and prints `migration <id> paused` (or `cancelled`).
pub async fn run(url: &StoreUrl, migration_id: Uuid, request: Request) -> Result<(), CliError> {
    let opened = open_current(url).await?;
    require_known(&opened, migration_id).await?;

    let at = Utc::now();
    let (command, done) = match request {
        Request::Pause => (MigrationCommand::Pause { at }, "paused"),
        Request::Cancel => (MigrationCommand::Cancel { at }, "cancelled"),
    };
    opened.store.migration(migration_id, command).await?;
    println!("migration {migration_id} {done}");
    Ok(())
}
