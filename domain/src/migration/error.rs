//! Why a command to a run was refused.

use chrono::{DateTime, Utc};

use super::status::Status;
use crate::entity::Entity;
use crate::settings::SettingsError;

/// A refused command. Each message says what was asked, why it cannot be done now, and,
/// where there is one, what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MigrationError {
    /// The run does not exist yet.
    #[error("cannot {action}: no migration with this id has been configured")]
    NotConfigured {
        /// What was asked.
        action: &'static str,
    },
    /// The settings cannot be used.
    #[error("cannot {action}: {problem}")]
    InvalidSettings {
        /// What was asked.
        action: &'static str,
        /// What is wrong with the settings.
        problem: SettingsError,
    },
    /// A worker command arrived before any worker took the run over.
    #[error("cannot {action}: no worker has taken the migration over yet")]
    NoLease {
        /// What was asked.
        action: &'static str,
    },
    /// A count puts records outside a period the run does not have.
    #[error(
        "cannot record a count: {entity} has {total} records and no period is set, so all of \
         them are inside it, not {in_period}"
    )]
    CountWithoutPeriod {
        /// The entity.
        entity: Entity,
        /// Records counted.
        total: u64,
        /// Records said to be inside the period.
        in_period: u64,
    },
    /// Some chosen entities still have records without an outcome.
    #[error("cannot finish the transfer: not completed yet: {}", list(missing))]
    NotCompleted {
        /// The entities not completed.
        missing: Vec<Entity>,
    },
    /// The run exists already.
    #[error("cannot configure the migration: it was configured already")]
    AlreadyConfigured,
    /// The command does not apply in the run's current status.
    #[error("cannot {action} while the migration is {status}: {hint}")]
    NotAllowed {
        /// What was asked.
        action: &'static str,
        /// Where the run stands.
        status: Status,
        /// Why, and what can be done instead.
        hint: &'static str,
    },
    /// The entity is not part of the run's settings.
    #[error("cannot {action}: {entity} is not among the entities chosen for this migration")]
    EntityNotChosen {
        /// What was asked.
        action: &'static str,
        /// The entity.
        entity: Entity,
    },
    /// The entity already has its count.
    #[error("cannot record a count: {entity} has been counted already")]
    AlreadyCounted {
        /// The entity.
        entity: Entity,
    },
    /// The entity was already completed.
    #[error("cannot complete {entity}: it was completed already")]
    AlreadyCompleted {
        /// The entity.
        entity: Entity,
    },
    /// Some chosen entities have no count yet.
    #[error("cannot {action}: not counted yet: {}", list(missing))]
    CountsMissing {
        /// What was asked.
        action: &'static str,
        /// The entities still without a count.
        missing: Vec<Entity>,
    },
    /// The command came from a worker whose lease is no longer the latest.
    #[error(
        "cannot {action}: the command comes from lease epoch {given}, but epoch {current} has \
         taken over the migration"
    )]
    StaleLease {
        /// What was asked.
        action: &'static str,
        /// The epoch the command carried.
        given: u64,
        /// The latest epoch.
        current: u64,
    },
    /// A lease must be newer than the last one.
    #[error("cannot take over the migration with epoch {given}: epoch {current} is already held")]
    LeaseNotNewer {
        /// The epoch asked for.
        given: u64,
        /// The latest epoch.
        current: u64,
    },
    /// The seven days of F2 have not passed.
    #[error(
        "cannot confirm automatically: the migration finished at {finished_at} and confirms \
         itself only from {allowed_from}"
    )]
    TooEarlyToConfirm {
        /// When the transfer finished.
        finished_at: DateTime<Utc>,
        /// When automatic confirmation becomes possible.
        allowed_from: DateTime<Utc>,
    },
    /// A tally does not balance (H3): something would be lost silently.
    #[error(
        "cannot finish the transfer: {entity} does not balance: counted {counted}, but moved, \
         failed and outside the period add up to {accounted}"
    )]
    Unbalanced {
        /// The entity.
        entity: Entity,
        /// Records counted.
        counted: u64,
        /// Records with an outcome.
        accounted: u64,
    },
    /// A tally is missing, doubled, or does not match the entity's count.
    #[error("cannot finish the transfer: the tally for {entity} {problem}")]
    TallyMismatch {
        /// The entity.
        entity: Entity,
        /// What is wrong with it.
        problem: &'static str,
    },
}

fn list(entities: &[Entity]) -> String {
    entities
        .iter()
        .map(|entity| entity.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
