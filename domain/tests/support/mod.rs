//! Fixtures shared by the domain's given/when/then tests: a fixed clock, one run's identity,
//! settings and counts, the event history that brings a run to each point of its life, one
//! well-formed command of every kind, and a helper that runs a command against a history.
//!
//! Every history is built from the events the aggregate itself emits, in the order a real run
//! emits them; `points_reach_the_status_they_are_named_after` checks that each one lands where
//! its name says.

#![allow(dead_code, reason = "each test file uses its own part of the fixtures")]

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use cqrs_es::Aggregate;
use cqrs_es::test::TestFramework;
use migrator_domain::migration::{EntityTally, Interruption, Phase, Service};
use migrator_domain::settings::Period;
use migrator_domain::{Entity, Migration, MigrationCommand, MigrationError, MigrationEvent};
use migrator_domain::{Settings, Status};
use uuid::Uuid;

/// The lease epoch the worker holds in every history past counting.
pub const EPOCH: u64 = 1;

/// Seconds after [`start`] at which the transfer of every finished history ends.
pub const FINISHED: i64 = 5 * 3_600;

/// Seconds after [`start`] used by commands: later than every event of every history and
/// more than seven days after [`FINISHED`], so that no command is refused for being early.
pub const LATE: i64 = FINISHED + 8 * 86_400;

/// The instant every history starts at.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("a valid instant")
}

/// The instant `seconds` after [`start`].
pub fn at(seconds: i64) -> DateTime<Utc> {
    start() + Duration::seconds(seconds)
}

/// The run every history belongs to.
pub fn migration_id() -> Uuid {
    Uuid::from_u128(0x5eed_0000_0000_4000_8000_0000_0000_0001)
}

/// Another run, for commands that name the wrong one.
pub fn other_migration_id() -> Uuid {
    Uuid::from_u128(0x5eed_0000_0000_4000_8000_0000_0000_0002)
}

/// The settings of the run: contacts (which bring companies), files on, the first quarter of
/// 2025 as the period.
pub fn settings() -> Settings {
    let period = Period::new(day(2025, 1, 1), day(2025, 3, 31)).expect("a valid period");
    let (settings, _) = Settings::new([Entity::Contacts], Some(period), true, BTreeMap::new())
        .expect("contacts are a valid choice");
    settings
}

/// Settings different from [`settings`]: deals too, and no period.
pub fn other_settings() -> Settings {
    let (settings, _) =
        Settings::new([Entity::Deals], None, false, BTreeMap::new()).expect("a valid choice");
    settings
}

/// A calendar day.
pub fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid day")
}

/// The counts of the run: (entity, total, in period), in the order a run moves them.
pub const COUNTS: [(Entity, u64, u64); 2] =
    [(Entity::Companies, 120, 100), (Entity::Contacts, 300, 250)];

/// Tallies that carry [`COUNTS`] and balance: moved + failed + outside the period = counted.
pub fn balanced_tallies() -> Vec<EntityTally> {
    vec![
        tally(Entity::Companies, 120, 100, 95, 5, 20),
        tally(Entity::Contacts, 300, 250, 240, 10, 50),
    ]
}

/// One tally, fields in the order of [`EntityTally`].
pub fn tally(
    entity: Entity,
    counted: u64,
    in_period: u64,
    transferred: u64,
    failed: u64,
    outside_period: u64,
) -> EntityTally {
    EntityTally {
        entity,
        counted,
        in_period,
        transferred,
        failed,
        outside_period,
    }
}

/// A portal field made mandatory (D4).
pub fn required_field() -> Interruption {
    Interruption::RequiredField {
        entity: Entity::Contacts,
        field: "UF_CRM_PASSPORT".to_owned(),
    }
}

/// A fault of the portal beyond what retries cover (F5).
pub fn service_fault() -> Interruption {
    Interruption::ServiceFault {
        service: Service::Bitrix24,
        message: "503 Service Unavailable for 10 minutes".to_owned(),
    }
}

/// The portal moved to another address (G1).
pub fn domain_changed() -> Interruption {
    Interruption::DomainChanged {
        new_domain: Some("new-name.bitrix24.ru".to_owned()),
    }
}

/// The point of a run's life a history brings it to. The three interrupted points differ by
/// the phase the interruption stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    /// No event.
    New,
    /// Configured, never counted.
    Configured,
    /// Counting started (worker holds epoch 1), nothing counted yet.
    Counting,
    /// Both entities counted.
    Counted,
    /// The transfer started; no entity completed.
    Transferring,
    /// Paused by the user during the transfer.
    Paused,
    /// Interrupted by a service fault while counting.
    InterruptedCounting,
    /// Interrupted by a required field while transferring.
    InterruptedTransfer,
    /// Interrupted by a domain change while rolling back.
    InterruptedRollback,
    /// Cancelled during the transfer.
    Cancelled,
    /// Finished at [`FINISHED`], waiting for the user.
    AwaitingConfirmation,
    /// Confirmed by the user.
    Confirmed,
    /// Rolling back after a cancel.
    RollingBack,
    /// Rolled back after a cancel.
    RolledBack,
}

impl Point {
    /// Every point, in the order a run may pass them.
    pub const ALL: [Point; 14] = [
        Point::New,
        Point::Configured,
        Point::Counting,
        Point::Counted,
        Point::Transferring,
        Point::Paused,
        Point::InterruptedCounting,
        Point::InterruptedTransfer,
        Point::InterruptedRollback,
        Point::Cancelled,
        Point::AwaitingConfirmation,
        Point::Confirmed,
        Point::RollingBack,
        Point::RolledBack,
    ];

    /// The point in words, for assertion messages.
    pub fn name(self) -> &'static str {
        match self {
            Point::New => "new",
            Point::Configured => "configured",
            Point::Counting => "counting",
            Point::Counted => "counted",
            Point::Transferring => "transferring",
            Point::Paused => "paused",
            Point::InterruptedCounting => "interrupted while counting",
            Point::InterruptedTransfer => "interrupted while transferring",
            Point::InterruptedRollback => "interrupted while rolling back",
            Point::Cancelled => "cancelled",
            Point::AwaitingConfirmation => "awaiting confirmation",
            Point::Confirmed => "confirmed",
            Point::RollingBack => "rolling back",
            Point::RolledBack => "rolled back",
        }
    }

    /// The status a run at this point is in.
    pub fn status(self) -> Status {
        match self {
            Point::New => Status::New,
            Point::Configured => Status::Configured,
            Point::Counting => Status::Counting,
            Point::Counted => Status::Counted,
            Point::Transferring => Status::Transferring,
            Point::Paused => Status::Paused,
            Point::InterruptedCounting
            | Point::InterruptedTransfer
            | Point::InterruptedRollback => Status::Interrupted,
            Point::Cancelled => Status::Cancelled,
            Point::AwaitingConfirmation => Status::AwaitingConfirmation,
            Point::Confirmed => Status::Confirmed,
            Point::RollingBack => Status::RollingBack,
            Point::RolledBack => Status::RolledBack,
        }
    }

    /// The events that bring a new run to this point.
    pub fn history(self) -> Vec<MigrationEvent> {
        match self {
            Point::New => Vec::new(),
            Point::Configured => vec![configured()],
            Point::Counting => then(Point::Configured, counting_started()),
            Point::Counted => then(Point::Counting, counted()),
            Point::Transferring => then(
                Point::Counted,
                vec![MigrationEvent::TransferStarted { at: at(300) }],
            ),
            Point::Paused => then(
                Point::Transferring,
                vec![MigrationEvent::MigrationPaused { at: at(400) }],
            ),
            Point::InterruptedCounting => then(
                Point::Counting,
                vec![interrupted(Phase::Counting, service_fault(), 150)],
            ),
            Point::InterruptedTransfer => then(
                Point::Transferring,
                vec![interrupted(Phase::Transferring, required_field(), 450)],
            ),
            Point::InterruptedRollback => then(
                Point::RollingBack,
                vec![interrupted(Phase::RollingBack, domain_changed(), 700)],
            ),
            Point::Cancelled => then(
                Point::Transferring,
                vec![MigrationEvent::MigrationCancelled { at: at(500) }],
            ),
            Point::AwaitingConfirmation => then(Point::Transferring, finished()),
            Point::Confirmed => then(
                Point::AwaitingConfirmation,
                vec![MigrationEvent::MigrationConfirmed {
                    automatically: false,
                    at: at(LATE),
                }],
            ),
            Point::RollingBack => then(
                Point::Cancelled,
                vec![MigrationEvent::RollbackStarted { at: at(600) }],
            ),
            Point::RolledBack => then(Point::RollingBack, vec![rollback_completed()]),
        }
    }
}

fn then(point: Point, events: Vec<MigrationEvent>) -> Vec<MigrationEvent> {
    let mut history = point.history();
    history.extend(events);
    history
}

/// The event that creates the run with [`settings`].
pub fn configured() -> MigrationEvent {
    configured_with(settings())
}

/// The event that creates the run with the given settings.
pub fn configured_with(settings: Settings) -> MigrationEvent {
    MigrationEvent::MigrationConfigured {
        migration_id: migration_id(),
        portal: "member-0f3a".to_owned(),
        account: "acme.amocrm.ru".to_owned(),
        settings,
        requested_by: "portal-user-1".to_owned(),
        at: start(),
    }
}

/// A worker takes the run with [`EPOCH`], then starts counting [`settings`].
pub fn counting_started() -> Vec<MigrationEvent> {
    vec![
        MigrationEvent::LeaseAcquired {
            worker: "worker-a".to_owned(),
            epoch: EPOCH,
            at: at(10),
        },
        MigrationEvent::CountingStarted {
            fingerprint: settings().fingerprint(),
            at: at(20),
        },
    ]
}

/// Every entity of [`settings`] counted as in [`COUNTS`], then counting finished.
pub fn counted() -> Vec<MigrationEvent> {
    let mut events: Vec<MigrationEvent> = COUNTS
        .into_iter()
        .map(|(entity, total, in_period)| MigrationEvent::EntityCounted {
            entity,
            total,
            in_period,
            at: at(100),
        })
        .collect();
    events.push(MigrationEvent::CountingFinished {
        fingerprint: settings().fingerprint(),
        at: at(200),
    });
    events
}

/// Both entities completed, then the transfer finished at [`FINISHED`] with balanced tallies.
pub fn finished() -> Vec<MigrationEvent> {
    vec![
        completed(Entity::Companies),
        completed(Entity::Contacts),
        MigrationEvent::TransferFinished {
            tallies: balanced_tallies(),
            at: at(FINISHED),
        },
    ]
}

/// One entity's transfer completed.
pub fn completed(entity: Entity) -> MigrationEvent {
    MigrationEvent::EntityTransferCompleted {
        entity,
        at: at(1_000),
    }
}

/// An interruption of `phase` at `seconds`.
pub fn interrupted(phase: Phase, reason: Interruption, seconds: i64) -> MigrationEvent {
    MigrationEvent::MigrationInterrupted {
        phase,
        reason,
        at: at(seconds),
    }
}

/// The end of a rollback.
pub fn rollback_completed() -> MigrationEvent {
    MigrationEvent::RollbackCompleted {
        deleted: 335,
        already_gone: 2,
        users_kept: 4,
        at: at(800),
    }
}

/// One well-formed command of every kind, each issued at [`LATE`] by the worker holding
/// [`EPOCH`], naming an entity of [`settings`] and carrying [`balanced_tallies`]: wherever one
/// is refused, it is refused for the run's status, not for its content.
pub fn every_command() -> Vec<MigrationCommand> {
    let at = at(LATE);
    vec![
        configure(),
        MigrationCommand::ChangeSettings {
            settings: other_settings(),
            at,
        },
        MigrationCommand::StartCounting { at },
        MigrationCommand::RecordCount {
            epoch: EPOCH,
            entity: Entity::Companies,
            total: 120,
            in_period: 100,
            at,
        },
        MigrationCommand::FinishCounting { epoch: EPOCH, at },
        MigrationCommand::AcquireLease {
            worker: "worker-b".to_owned(),
            epoch: EPOCH + 1,
            at,
        },
        MigrationCommand::StartTransfer { at },
        MigrationCommand::CompleteEntity {
            epoch: EPOCH,
            entity: Entity::Companies,
            at,
        },
        MigrationCommand::Pause { at },
        MigrationCommand::Resume { at },
        MigrationCommand::Interrupt {
            reason: Interruption::AppRemoved,
            at,
        },
        MigrationCommand::Cancel { at },
        MigrationCommand::FinishTransfer {
            epoch: EPOCH,
            tallies: balanced_tallies(),
            at,
        },
        MigrationCommand::Confirm { at },
        MigrationCommand::ConfirmAutomatically { at },
        MigrationCommand::StartRollback { at },
        MigrationCommand::CompleteRollback {
            epoch: EPOCH,
            deleted: 335,
            already_gone: 2,
            users_kept: 4,
            at,
        },
    ]
}

/// The command that creates the run with [`settings`].
pub fn configure() -> MigrationCommand {
    configure_with(settings())
}

/// The command that creates the run with the given settings.
pub fn configure_with(settings: Settings) -> MigrationCommand {
    MigrationCommand::Configure {
        migration_id: migration_id(),
        portal: "member-0f3a".to_owned(),
        account: "acme.amocrm.ru".to_owned(),
        settings,
        requested_by: "portal-user-1".to_owned(),
        at: start(),
    }
}

/// Runs `command` against a run whose past is `history`; returns the events or the refusal.
pub async fn decide(
    history: Vec<MigrationEvent>,
    command: MigrationCommand,
) -> Result<Vec<MigrationEvent>, MigrationError> {
    TestFramework::<Migration>::with(())
        .given(history)
        .when_async(command)
        .await
        .inspect_result()
}

/// The state a run reaches by applying `history`, as a reader rebuilding it would.
pub fn replay(history: Vec<MigrationEvent>) -> Migration {
    let mut migration = Migration::default();
    for event in history {
        migration.apply(event);
    }
    migration
}
