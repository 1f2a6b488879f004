//! What can be asked of a run. Each command carries the instant it was issued, because the
//! domain keeps no clock of its own.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::event::EntityTally;
use super::status::Interruption;
use crate::entity::Entity;
use crate::settings::Settings;

/// A command to the `Migration` aggregate.
///
/// Commands sent by a worker carry the worker's lease `epoch`; a command from an epoch other
/// than the latest `LeaseAcquired` is refused, so a worker that lost its lease cannot write.
#[derive(Debug, Clone, PartialEq)]
pub enum MigrationCommand {
    /// Create the run with its settings.
    Configure {
        /// The run's id (also the aggregate id).
        migration_id: Uuid,
        /// The portal's `member_id`.
        portal: String,
        /// The amoCRM account's address.
        account: String,
        /// The settings.
        settings: Settings,
        /// Who asked.
        requested_by: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// Replace the settings; counts taken before no longer apply.
    ChangeSettings {
        /// The new settings.
        settings: Settings,
        /// When.
        at: DateTime<Utc>,
    },
    /// Begin counting.
    StartCounting {
        /// When.
        at: DateTime<Utc>,
    },
    /// Record the count of one entity.
    RecordCount {
        /// The worker's lease epoch.
        epoch: u64,
        /// The entity.
        entity: Entity,
        /// Records in the account.
        total: u64,
        /// Records inside the period.
        in_period: u64,
        /// When.
        at: DateTime<Utc>,
    },
    /// Close counting once every chosen entity is counted.
    FinishCounting {
        /// The worker's lease epoch.
        epoch: u64,
        /// When.
        at: DateTime<Utc>,
    },
    /// Take the run over with a newer epoch.
    AcquireLease {
        /// The worker's name.
        worker: String,
        /// The new epoch, greater than every earlier one.
        epoch: u64,
        /// When.
        at: DateTime<Utc>,
    },
    /// Begin moving.
    StartTransfer {
        /// When.
        at: DateTime<Utc>,
    },
    /// Record that every record of an entity has an outcome.
    CompleteEntity {
        /// The worker's lease epoch.
        epoch: u64,
        /// The entity.
        entity: Entity,
        /// When.
        at: DateTime<Utc>,
    },
    /// Pause the move (the user's choice).
    Pause {
        /// When.
        at: DateTime<Utc>,
    },
    /// Continue after a pause or an interruption.
    Resume {
        /// When.
        at: DateTime<Utc>,
    },
    /// Stop the run because of something outside it. It carries no lease epoch: whoever
    /// notices (a worker, the app's uninstall handler) may interrupt, and a later interruption
    /// replaces the reason of an earlier one.
    Interrupt {
        /// Why.
        reason: Interruption,
        /// When.
        at: DateTime<Utc>,
    },
    /// Cancel the run (the user's choice).
    Cancel {
        /// When.
        at: DateTime<Utc>,
    },
    /// Close the move with every entity's balance.
    FinishTransfer {
        /// The worker's lease epoch.
        epoch: u64,
        /// One tally per chosen entity.
        tallies: Vec<EntityTally>,
        /// When.
        at: DateTime<Utc>,
    },
    /// The user confirms the finished run.
    Confirm {
        /// When.
        at: DateTime<Utc>,
    },
    /// The scheduler confirms a run that finished seven days ago or more.
    ConfirmAutomatically {
        /// The scheduler's now.
        at: DateTime<Utc>,
    },
    /// Begin deleting what the run moved.
    StartRollback {
        /// When.
        at: DateTime<Utc>,
    },
    /// Record that everything the run moved is gone.
    CompleteRollback {
        /// The worker's lease epoch.
        epoch: u64,
        /// Things deleted.
        deleted: u64,
        /// Things already gone.
        already_gone: u64,
        /// Invited users, who stay.
        users_kept: u64,
        /// When.
        at: DateTime<Utc>,
    },
}

impl MigrationCommand {
    /// What the command asks for, in the words of the refusal messages.
    pub fn action(&self) -> &'static str {
        match self {
            MigrationCommand::Configure { .. } => "configure the migration",
            MigrationCommand::ChangeSettings { .. } => "change the settings",
            MigrationCommand::StartCounting { .. } => "start counting",
            MigrationCommand::RecordCount { .. } => "record a count",
            MigrationCommand::FinishCounting { .. } => "finish counting",
            MigrationCommand::AcquireLease { .. } => "take over the migration",
            MigrationCommand::StartTransfer { .. } => "start the transfer",
            MigrationCommand::CompleteEntity { .. } => "complete an entity",
            MigrationCommand::Pause { .. } => "pause",
            MigrationCommand::Resume { .. } => "resume",
            MigrationCommand::Interrupt { .. } => "interrupt",
            MigrationCommand::Cancel { .. } => "cancel",
            MigrationCommand::FinishTransfer { .. } => "finish the transfer",
            MigrationCommand::Confirm { .. } => "confirm",
            MigrationCommand::ConfirmAutomatically { .. } => "confirm automatically",
            MigrationCommand::StartRollback { .. } => "delete the moved data",
            MigrationCommand::CompleteRollback { .. } => "complete the deletion",
        }
    }
}
