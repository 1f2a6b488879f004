//! The `Migration` aggregate: one per run, from its settings to its confirmation or rollback.
//!
//! Its stream stays short (tens of events): per-record outcomes live in [`crate::chunk`].
//! The state holds only what decisions need: status, settings, counts, the lease epoch and
//! the instant the transfer finished.
//!
//! ```text
//! configured ─▶ counting ─▶ counted ─▶ transferring ⇄ paused
//!     ▲  settings changed ◀──┘            │  │  ╲
//!     └──────────────────────────────────┘  │   ╲▶ interrupted ─▶ (resumed to its phase)
//!                                            ▼
//!      cancelled ◀── (transferring, paused, interrupted, configured, counted)
//!      awaiting confirmation ─▶ confirmed (by the user, or itself after seven days)
//!      cancelled / awaiting confirmation ─▶ rolling back ─▶ rolled back
//! ```

mod command;
mod error;
mod event;
mod status;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use command::MigrationCommand;
pub use error::MigrationError;
pub use event::{EntityTally, MIGRATION_EVENT_VERSION, MigrationEvent};
pub use status::{Interruption, Phase, Service, Status};

use crate::entity::Entity;
use crate::settings::Settings;

/// How long a finished run waits for the user before it confirms itself (F2).
pub const AUTO_CONFIRM_AFTER: Duration = Duration::days(7);

/// The count of one entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Count {
    /// Records in the account.
    pub total: u64,
    /// Records inside the period.
    pub in_period: u64,
}

/// The state of one run, rebuilt from its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Migration {
    id: Option<Uuid>,
    status: Status,
    settings: Settings,
    counts: BTreeMap<Entity, Count>,
    completed: BTreeSet<Entity>,
    interrupted: Option<(Phase, Interruption)>,
    lease_epoch: u64,
    transfer_started: bool,
    finished_at: Option<DateTime<Utc>>,
}

impl Migration {
    /// The run's id, once configured.
    pub fn id(&self) -> Option<Uuid> {
        self.id
    }

    /// Where the run stands.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The run's settings, once configured.
    pub fn settings(&self) -> Option<&Settings> {
        self.id.map(|_| &self.settings)
    }

    /// The counts taken for the current settings.
    pub fn counts(&self) -> &BTreeMap<Entity, Count> {
        &self.counts
    }

    /// Entities whose every record has an outcome.
    pub fn completed(&self) -> &BTreeSet<Entity> {
        &self.completed
    }

    /// What interrupted the run and which phase it stopped, while interrupted.
    pub fn interruption(&self) -> Option<&(Phase, Interruption)> {
        self.interrupted.as_ref()
    }

    /// The latest lease epoch.
    pub fn lease_epoch(&self) -> u64 {
        self.lease_epoch
    }

    /// When the transfer finished, if it did.
    pub fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.finished_at
    }

    /// Decides which events a command produces, or why it is refused.
    fn decide(&self, command: MigrationCommand) -> Result<Vec<MigrationEvent>, MigrationError> {
        let action = command.action();
        if self.status == Status::New && !matches!(command, MigrationCommand::Configure { .. }) {
            return Err(MigrationError::NotConfigured { action });
        }

        match command {
            MigrationCommand::Configure {
                migration_id,
                portal,
                account,
                settings,
                requested_by,
                at,
            } => {
                if self.status != Status::New {
                    return Err(MigrationError::AlreadyConfigured);
                }
                settings
                    .check()
                    .map_err(|problem| MigrationError::InvalidSettings { action, problem })?;
                Ok(vec![MigrationEvent::MigrationConfigured {
                    migration_id,
                    portal,
                    account,
                    settings,
                    requested_by,
                    at,
                }])
            }

            MigrationCommand::ChangeSettings { settings, at } => {
                self.require(
                    action,
                    &[Status::Configured, Status::Counted],
                    settings_hint(self),
                )?;
                settings
                    .check()
                    .map_err(|problem| MigrationError::InvalidSettings { action, problem })?;
                Ok(vec![MigrationEvent::SettingsChanged { settings, at }])
            }

            MigrationCommand::StartCounting { at } => {
                self.require(
                    action,
                    &[Status::Configured, Status::Counted],
                    "counting happens only before the transfer starts",
                )?;
                let fingerprint = self.current_settings().fingerprint();
                Ok(vec![MigrationEvent::CountingStarted { fingerprint, at }])
            }

            MigrationCommand::RecordCount {
                epoch,
                entity,
                total,
                in_period,
                at,
            } => {
                self.require(
                    action,
                    &[Status::Counting],
                    "counts are recorded while counting",
                )?;
                self.check_epoch(action, epoch)?;
                self.check_chosen(action, entity)?;
                if self.counts.contains_key(&entity) {
                    return Err(MigrationError::AlreadyCounted { entity });
                }
                if self.settings.period.is_none() && in_period != total {
                    return Err(MigrationError::CountWithoutPeriod {
                        entity,
                        total,
                        in_period,
                    });
                }
                let in_period = in_period.min(total);
                Ok(vec![MigrationEvent::EntityCounted {
                    entity,
                    total,
                    in_period,
                    at,
                }])
            }

            MigrationCommand::FinishCounting { epoch, at } => {
                self.require(action, &[Status::Counting], "counting is not under way")?;
                self.check_epoch(action, epoch)?;
                self.check_counts(action)?;
                let fingerprint = self.current_settings().fingerprint();
                Ok(vec![MigrationEvent::CountingFinished { fingerprint, at }])
            }

            MigrationCommand::AcquireLease { worker, epoch, at } => {
                if matches!(self.status, Status::Confirmed | Status::RolledBack) {
                    return Err(MigrationError::NotAllowed {
                        action,
                        status: self.status,
                        hint: "the migration has ended; there is no work left to take over",
                    });
                }
                if epoch <= self.lease_epoch {
                    return Err(MigrationError::LeaseNotNewer {
                        given: epoch,
                        current: self.lease_epoch,
                    });
                }
                Ok(vec![MigrationEvent::LeaseAcquired { worker, epoch, at }])
            }

            MigrationCommand::StartTransfer { at } => {
                self.require(action, &[Status::Counted], start_hint(self.status))?;
                self.check_counts(action)?;
                Ok(vec![MigrationEvent::TransferStarted { at }])
            }

            MigrationCommand::CompleteEntity { epoch, entity, at } => {
                self.require(
                    action,
                    &[Status::Transferring],
                    "records move only while transferring",
                )?;
                self.check_epoch(action, epoch)?;
                self.check_chosen(action, entity)?;
                if self.completed.contains(&entity) {
                    return Err(MigrationError::AlreadyCompleted { entity });
                }
                Ok(vec![MigrationEvent::EntityTransferCompleted { entity, at }])
            }

            MigrationCommand::Pause { at } => {
                self.require(
                    action,
                    &[Status::Transferring],
                    "only a running transfer can pause",
                )?;
                Ok(vec![MigrationEvent::MigrationPaused { at }])
            }

            MigrationCommand::Resume { at } => {
                let phase = match (self.status, &self.interrupted) {
                    (Status::Paused, _) => Phase::Transferring,
                    (Status::Interrupted, Some((phase, _))) => *phase,
                    (status, _) => {
                        return Err(MigrationError::NotAllowed {
                            action,
                            status,
                            hint: resume_hint(status),
                        });
                    }
                };
                Ok(vec![MigrationEvent::MigrationResumed { phase, at }])
            }

            MigrationCommand::Interrupt { reason, at } => {
                let phase = match self.status {
                    Status::Counting => Phase::Counting,
                    Status::Transferring | Status::Paused => Phase::Transferring,
                    Status::RollingBack => Phase::RollingBack,
                    Status::Interrupted => match &self.interrupted {
                        Some((phase, _)) => *phase,
                        None => Phase::Transferring,
                    },
                    status => {
                        return Err(MigrationError::NotAllowed {
                            action,
                            status,
                            hint: "nothing is running that could be interrupted",
                        });
                    }
                };
                Ok(vec![MigrationEvent::MigrationInterrupted {
                    phase,
                    reason,
                    at,
                }])
            }

            MigrationCommand::Cancel { at } => {
                let interrupted_rollback =
                    matches!(self.interrupted, Some((Phase::RollingBack, _)));
                let allowed = matches!(
                    self.status,
                    Status::Configured | Status::Counted | Status::Transferring | Status::Paused
                ) || (self.status == Status::Interrupted && !interrupted_rollback);
                if !allowed {
                    return Err(MigrationError::NotAllowed {
                        action,
                        status: self.status,
                        hint: cancel_hint(self.status),
                    });
                }
                Ok(vec![MigrationEvent::MigrationCancelled { at }])
            }

            MigrationCommand::FinishTransfer { epoch, tallies, at } => {
                self.require(
                    action,
                    &[Status::Transferring],
                    "only a running transfer can finish",
                )?;
                self.check_epoch(action, epoch)?;
                self.check_completed()?;
                self.check_tallies(&tallies)?;
                Ok(vec![MigrationEvent::TransferFinished { tallies, at }])
            }

            MigrationCommand::Confirm { at } => {
                self.require(
                    action,
                    &[Status::AwaitingConfirmation],
                    "only a finished migration waits for confirmation",
                )?;
                Ok(vec![MigrationEvent::MigrationConfirmed {
                    automatically: false,
                    at,
                }])
            }

            MigrationCommand::ConfirmAutomatically { at } => {
                self.require(
                    action,
                    &[Status::AwaitingConfirmation],
                    "only a finished migration waits for confirmation",
                )?;
                let finished_at = self.finished_at.unwrap_or(at);
                let allowed_from = finished_at + AUTO_CONFIRM_AFTER;
                if at < allowed_from {
                    return Err(MigrationError::TooEarlyToConfirm {
                        finished_at,
                        allowed_from,
                    });
                }
                Ok(vec![MigrationEvent::MigrationConfirmed {
                    automatically: true,
                    at,
                }])
            }

            MigrationCommand::StartRollback { at } => {
                self.require(
                    action,
                    &[Status::Cancelled, Status::AwaitingConfirmation],
                    rollback_hint(self),
                )?;
                if !self.transfer_started {
                    return Err(MigrationError::NotAllowed {
                        action,
                        status: self.status,
                        hint: "nothing was moved: the transfer never started",
                    });
                }
                Ok(vec![MigrationEvent::RollbackStarted { at }])
            }

            MigrationCommand::CompleteRollback {
                epoch,
                deleted,
                already_gone,
                users_kept,
                at,
            } => {
                self.require(action, &[Status::RollingBack], "no deletion is under way")?;
                self.check_epoch(action, epoch)?;
                Ok(vec![MigrationEvent::RollbackCompleted {
                    deleted,
                    already_gone,
                    users_kept,
                    at,
                }])
            }
        }
    }

    fn require(
        &self,
        action: &'static str,
        allowed: &[Status],
        hint: &'static str,
    ) -> Result<(), MigrationError> {
        if allowed.contains(&self.status) {
            Ok(())
        } else {
            Err(MigrationError::NotAllowed {
                action,
                status: self.status,
                hint,
            })
        }
    }

    fn check_epoch(&self, action: &'static str, epoch: u64) -> Result<(), MigrationError> {
        if self.lease_epoch == 0 {
            return Err(MigrationError::NoLease { action });
        }
        if epoch == self.lease_epoch {
            Ok(())
        } else {
            Err(MigrationError::StaleLease {
                action,
                given: epoch,
                current: self.lease_epoch,
            })
        }
    }

    fn check_chosen(&self, action: &'static str, entity: Entity) -> Result<(), MigrationError> {
        if self.current_settings().entities.contains(&entity) {
            Ok(())
        } else {
            Err(MigrationError::EntityNotChosen { action, entity })
        }
    }

    fn check_counts(&self, action: &'static str) -> Result<(), MigrationError> {
        let missing: Vec<Entity> = self
            .current_settings()
            .entities_in_order()
            .filter(|entity| !self.counts.contains_key(entity))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(MigrationError::CountsMissing { action, missing })
        }
    }

    fn check_completed(&self) -> Result<(), MigrationError> {
        let missing: Vec<Entity> = self
            .current_settings()
            .entities_in_order()
            .filter(|entity| !self.completed.contains(entity))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(MigrationError::NotCompleted { missing })
        }
    }

    fn check_tallies(&self, tallies: &[EntityTally]) -> Result<(), MigrationError> {
        for tally in tallies {
            if tallies
                .iter()
                .filter(|other| other.entity == tally.entity)
                .count()
                > 1
            {
                return Err(MigrationError::TallyMismatch {
                    entity: tally.entity,
                    problem: "appears twice",
                });
            }
            if !self.current_settings().entities.contains(&tally.entity) {
                return Err(MigrationError::TallyMismatch {
                    entity: tally.entity,
                    problem: "is for an entity this migration does not move",
                });
            }
        }
        for entity in self.current_settings().entities_in_order() {
            let Some(tally) = tallies.iter().find(|tally| tally.entity == entity) else {
                return Err(MigrationError::TallyMismatch {
                    entity,
                    problem: "is missing",
                });
            };
            let count = self.counts.get(&entity).copied().unwrap_or_default();
            if tally.counted != count.total || tally.in_period != count.in_period {
                return Err(MigrationError::TallyMismatch {
                    entity,
                    problem: "does not carry the counts taken before the transfer",
                });
            }
            if tally.outside_period != count.total - count.in_period {
                return Err(MigrationError::TallyMismatch {
                    entity,
                    problem: "leaves a different number of records outside the period than \
                              the count does",
                });
            }
            if !tally.balances() {
                return Err(MigrationError::Unbalanced {
                    entity,
                    counted: tally.counted,
                    accounted: tally.transferred + tally.failed + tally.outside_period,
                });
            }
        }
        Ok(())
    }

    fn current_settings(&self) -> &Settings {
        &self.settings
    }
}

fn settings_hint(migration: &Migration) -> &'static str {
    match migration.status {
        Status::Counting => "counting cannot be stopped; change the settings once it ends",
        _ => "settings can change only before the transfer starts",
    }
}

fn start_hint(status: Status) -> &'static str {
    match status {
        Status::Configured => "count first: the settings have not been counted",
        Status::Counting => "wait for counting to finish",
        Status::Paused | Status::Interrupted => "resume it instead",
        _ => "a transfer starts once, right after counting",
    }
}

fn resume_hint(status: Status) -> &'static str {
    match status {
        Status::Transferring | Status::Counting | Status::RollingBack => "it is running already",
        Status::AwaitingConfirmation | Status::Confirmed => {
            "it has finished; nothing is left to do"
        }
        Status::RolledBack => "its data has been deleted; nothing is left to do",
        _ => "only a paused or interrupted migration can resume",
    }
}

fn cancel_hint(status: Status) -> &'static str {
    match status {
        Status::Counting => "counting cannot be stopped; cancel once it ends",
        Status::Interrupted | Status::RollingBack => "a deletion cannot be cancelled; resume it",
        Status::Cancelled => "it is cancelled already",
        Status::AwaitingConfirmation => "it has finished; confirm it or delete what it moved",
        Status::Confirmed => "it has finished and been confirmed",
        _ => "its data is gone; nothing is left to cancel",
    }
}

fn rollback_hint(migration: &Migration) -> &'static str {
    if matches!(migration.interrupted, Some((Phase::RollingBack, _))) {
        return "the deletion was interrupted; resume it";
    }
    match migration.status {
        Status::Transferring | Status::Paused | Status::Interrupted => "cancel the migration first",
        Status::RollingBack => "the deletion is under way already",
        Status::RolledBack => "its data has been deleted already",
        Status::Confirmed => "a confirmed migration keeps its data",
        _ => "nothing has been moved yet",
    }
}

impl Aggregate for Migration {
    const TYPE: &'static str = "Migration";
    type Command = MigrationCommand;
    type Event = MigrationEvent;
    type Error = MigrationError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            MigrationEvent::MigrationConfigured {
                migration_id,
                settings,
                ..
            } => {
                self.id = Some(migration_id);
                self.settings = settings;
                self.status = Status::Configured;
            }
            MigrationEvent::SettingsChanged { settings, .. } => {
                self.settings = settings;
                self.counts.clear();
                self.status = Status::Configured;
            }
            MigrationEvent::CountingStarted { .. } => {
                self.counts.clear();
                self.status = Status::Counting;
            }
            MigrationEvent::EntityCounted {
                entity,
                total,
                in_period,
                ..
            } => {
                self.counts.insert(entity, Count { total, in_period });
            }
            MigrationEvent::CountingFinished { .. } => self.status = Status::Counted,
            MigrationEvent::LeaseAcquired { epoch, .. } => self.lease_epoch = epoch,
            MigrationEvent::TransferStarted { .. } => {
                self.transfer_started = true;
                self.status = Status::Transferring;
            }
            MigrationEvent::EntityTransferCompleted { entity, .. } => {
                self.completed.insert(entity);
            }
            MigrationEvent::MigrationPaused { .. } => self.status = Status::Paused,
            MigrationEvent::MigrationResumed { phase, .. } => {
                self.interrupted = None;
                self.status = phase.status();
            }
            MigrationEvent::MigrationInterrupted { phase, reason, .. } => {
                self.interrupted = Some((phase, reason));
                self.status = Status::Interrupted;
            }
            MigrationEvent::MigrationCancelled { .. } => {
                self.interrupted = None;
                self.status = Status::Cancelled;
            }
            MigrationEvent::TransferFinished { at, .. } => {
                self.finished_at = Some(at);
                self.status = Status::AwaitingConfirmation;
            }
            MigrationEvent::MigrationConfirmed { .. } => self.status = Status::Confirmed,
            MigrationEvent::RollbackStarted { .. } => self.status = Status::RollingBack,
            MigrationEvent::RollbackCompleted { .. } => self.status = Status::RolledBack,
        }
    }
}
