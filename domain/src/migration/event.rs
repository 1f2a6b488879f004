//! Everything that can happen to a run, as stored forever in its stream.
//!
//! Names are past tense and never change. Each payload carries everything a reader needs, so
//! no projection recomputes business rules. The version of every type is
//! [`MIGRATION_EVENT_VERSION`]; a change to a payload's shape bumps it and comes with an
//! upcaster.

use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::status::{Interruption, Phase};
use crate::entity::Entity;
use crate::settings::Settings;

/// The version of every `Migration` event type's payload.
pub const MIGRATION_EVENT_VERSION: &str = "1.0.0";

/// One entity's final balance, as checked when a transfer finishes (H3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityTally {
    /// The entity.
    pub entity: Entity,
    /// Records of the entity in the account.
    pub counted: u64,
    /// Of those, records inside the period.
    pub in_period: u64,
    /// Records moved to the portal.
    pub transferred: u64,
    /// Records that could not be moved, each in the failure list.
    pub failed: u64,
    /// Records left out because they fall outside the period.
    pub outside_period: u64,
}

impl EntityTally {
    /// Whether every counted record is accounted for: moved, failed or outside the period.
    pub fn balances(&self) -> bool {
        self.counted == self.transferred + self.failed + self.outside_period
    }
}

/// An event of the `Migration` aggregate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum MigrationEvent {
    /// A run was created with its settings.
    MigrationConfigured {
        /// The run's id.
        migration_id: Uuid,
        /// The portal's `member_id`.
        portal: String,
        /// The amoCRM account's address.
        account: String,
        /// The settings, dependencies included.
        settings: Settings,
        /// Who asked: a portal user id, or the command line.
        requested_by: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// The settings changed; earlier counts no longer apply (C3).
    SettingsChanged {
        /// The new settings.
        settings: Settings,
        /// When.
        at: DateTime<Utc>,
    },
    /// Counting began for settings with this fingerprint.
    CountingStarted {
        /// The fingerprint of the settings being counted.
        fingerprint: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// One entity was counted (C1, B3).
    EntityCounted {
        /// The entity.
        entity: Entity,
        /// Records in the account.
        total: u64,
        /// Records inside the period (equal to `total` without a period).
        in_period: u64,
        /// When.
        at: DateTime<Utc>,
    },
    /// Every chosen entity was counted.
    CountingFinished {
        /// The fingerprint of the settings counted.
        fingerprint: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// A worker took over the run; commands from earlier epochs are refused from now on.
    LeaseAcquired {
        /// The worker's name.
        worker: String,
        /// The new epoch.
        epoch: u64,
        /// When.
        at: DateTime<Utc>,
    },
    /// Moving began (E1).
    TransferStarted {
        /// When.
        at: DateTime<Utc>,
    },
    /// Every record of one entity has an outcome.
    EntityTransferCompleted {
        /// The entity.
        entity: Entity,
        /// When.
        at: DateTime<Utc>,
    },
    /// The user paused the move (E3).
    MigrationPaused {
        /// When.
        at: DateTime<Utc>,
    },
    /// The run went back to work after a pause or an interruption.
    MigrationResumed {
        /// The phase it went back to.
        phase: Phase,
        /// When.
        at: DateTime<Utc>,
    },
    /// Something outside the run stopped it (D4, F5, G1).
    MigrationInterrupted {
        /// The phase it stopped.
        phase: Phase,
        /// Why.
        reason: Interruption,
        /// When.
        at: DateTime<Utc>,
    },
    /// The user cancelled the run (E3).
    MigrationCancelled {
        /// When.
        at: DateTime<Utc>,
    },
    /// Every record has an outcome and every entity balances (H3); the run awaits
    /// confirmation (F1).
    TransferFinished {
        /// The balance of every entity.
        tallies: Vec<EntityTally>,
        /// When.
        at: DateTime<Utc>,
    },
    /// The run was confirmed (F1, F2).
    MigrationConfirmed {
        /// True when seven days passed without an answer (F2).
        automatically: bool,
        /// When.
        at: DateTime<Utc>,
    },
    /// Deleting what the run moved began (E4).
    RollbackStarted {
        /// When.
        at: DateTime<Utc>,
    },
    /// Everything the run moved is gone (E5).
    RollbackCompleted {
        /// Records, files, stages, pipelines and fields deleted.
        deleted: u64,
        /// Records that were already gone when the rollback came to them.
        already_gone: u64,
        /// Invited users, who stay on the portal.
        users_kept: u64,
        /// When.
        at: DateTime<Utc>,
    },
}

impl DomainEvent for MigrationEvent {
    fn event_type(&self) -> String {
        let name = match self {
            MigrationEvent::MigrationConfigured { .. } => "MigrationConfigured",
            MigrationEvent::SettingsChanged { .. } => "SettingsChanged",
            MigrationEvent::CountingStarted { .. } => "CountingStarted",
            MigrationEvent::EntityCounted { .. } => "EntityCounted",
            MigrationEvent::CountingFinished { .. } => "CountingFinished",
            MigrationEvent::LeaseAcquired { .. } => "LeaseAcquired",
            MigrationEvent::TransferStarted { .. } => "TransferStarted",
            MigrationEvent::EntityTransferCompleted { .. } => "EntityTransferCompleted",
            MigrationEvent::MigrationPaused { .. } => "MigrationPaused",
            MigrationEvent::MigrationResumed { .. } => "MigrationResumed",
            MigrationEvent::MigrationInterrupted { .. } => "MigrationInterrupted",
            MigrationEvent::MigrationCancelled { .. } => "MigrationCancelled",
            MigrationEvent::TransferFinished { .. } => "TransferFinished",
            MigrationEvent::MigrationConfirmed { .. } => "MigrationConfirmed",
            MigrationEvent::RollbackStarted { .. } => "RollbackStarted",
            MigrationEvent::RollbackCompleted { .. } => "RollbackCompleted",
        };
        name.to_owned()
    }

    fn event_version(&self) -> String {
        MIGRATION_EVENT_VERSION.to_owned()
    }
}
