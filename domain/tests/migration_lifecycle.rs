//! Whole runs, told as stories: each command is decided against everything the run emitted
//! before it, exactly as the event store replays a stream, and the run's status is checked
//! after every step.

mod support;

use migrator_domain::migration::{EntityTally, Interruption, Phase};
use migrator_domain::{Entity, MigrationCommand, MigrationError, MigrationEvent, Status};
use support::{EPOCH, at, balanced_tallies, configure, decide, other_settings, settings};

/// A run being driven command by command.
#[derive(Default)]
struct Run {
    history: Vec<MigrationEvent>,
}

impl Run {
    /// Sends a command that must be accepted; keeps its events; checks the status reached.
    async fn accept(&mut self, command: MigrationCommand, then: Status) -> Vec<MigrationEvent> {
        let action = command.action();
        let events = decide(self.history.clone(), command)
            .await
            .unwrap_or_else(|error| panic!("{action:?} was refused: {error}"));

        self.history.extend(events.clone());
        assert_eq!(self.status(), then, "after {action:?}");
        events
    }

    /// Sends a command that must be refused; the run stays as it was.
    async fn refuse(&self, command: MigrationCommand) -> MigrationError {
        let action = command.action();
        let result = decide(self.history.clone(), command).await;

        result.expect_err(&format!("{action:?} was accepted"))
    }

    /// The status the run is in now.
    fn status(&self) -> Status {
        support::replay(self.history.clone()).status()
    }
}

/// The worker's count of one entity.
fn count(entity: Entity, total: u64, in_period: u64, epoch: u64) -> MigrationCommand {
    MigrationCommand::RecordCount {
        epoch,
        entity,
        total,
        in_period,
        at: at(60),
    }
}

/// A worker asks for the lease.
fn lease(worker: &str, epoch: u64) -> MigrationCommand {
    MigrationCommand::AcquireLease {
        worker: worker.to_owned(),
        epoch,
        at: at(30),
    }
}

/// A run configured, leased by the first worker and counted.
async fn counted_run() -> Run {
    let mut run = Run::default();
    run.accept(configure(), Status::Configured).await;
    run.accept(lease("worker-a", EPOCH), Status::Configured)
        .await;
    run.accept(
        MigrationCommand::StartCounting { at: at(40) },
        Status::Counting,
    )
    .await;
    for (entity, total, in_period) in support::COUNTS {
        run.accept(count(entity, total, in_period, EPOCH), Status::Counting)
            .await;
    }
    run.accept(
        MigrationCommand::FinishCounting {
            epoch: EPOCH,
            at: at(90),
        },
        Status::Counted,
    )
    .await;
    run
}

#[tokio::test]
async fn a_run_moves_through_pause_and_interruption_and_confirms_itself_after_seven_days() {
    let mut run = counted_run().await;
    let finished_at = at(5_000);

    run.accept(
        MigrationCommand::StartTransfer { at: at(100) },
        Status::Transferring,
    )
    .await;
    let complete = |entity| MigrationCommand::CompleteEntity {
        epoch: EPOCH,
        entity,
        at: at(200),
    };
    run.accept(complete(Entity::Companies), Status::Transferring)
        .await;
    run.accept(MigrationCommand::Pause { at: at(300) }, Status::Paused)
        .await;
    run.accept(
        MigrationCommand::Resume { at: at(400) },
        Status::Transferring,
    )
    .await;
    let reason = support::required_field();
    let stop = MigrationCommand::Interrupt {
        reason: reason.clone(),
        at: at(500),
    };
    let interrupted = run.accept(stop, Status::Interrupted).await;
    assert_eq!(
        interrupted,
        vec![MigrationEvent::MigrationInterrupted {
            phase: Phase::Transferring,
            reason,
            at: at(500)
        }]
    );
    run.accept(
        MigrationCommand::Resume { at: at(600) },
        Status::Transferring,
    )
    .await;
    run.accept(complete(Entity::Contacts), Status::Transferring)
        .await;
    let finish = MigrationCommand::FinishTransfer {
        epoch: EPOCH,
        tallies: balanced_tallies(),
        at: finished_at,
    };
    run.accept(finish, Status::AwaitingConfirmation).await;

    let early = MigrationCommand::ConfirmAutomatically {
        at: at(5_000 + 6 * 86_400),
    };
    assert!(matches!(
        run.refuse(early).await,
        MigrationError::TooEarlyToConfirm { .. }
    ));
    let due = MigrationCommand::ConfirmAutomatically {
        at: at(5_000 + 7 * 86_400),
    };
    let confirmed = run.accept(due, Status::Confirmed).await;
    assert_eq!(
        confirmed,
        vec![MigrationEvent::MigrationConfirmed {
            automatically: true,
            at: at(5_000 + 7 * 86_400)
        }]
    );
    let delete = MigrationCommand::StartRollback {
        at: at(5_000 + 8 * 86_400),
    };
    assert_eq!(
        run.refuse(delete).await,
        MigrationError::NotAllowed {
            action: "delete the moved data",
            status: Status::Confirmed,
            hint: "a confirmed migration keeps its data",
        }
    );
}

#[tokio::test]
async fn a_cancelled_run_deletes_what_it_moved_across_an_interruption_and_a_takeover() {
    let mut run = counted_run().await;
    run.accept(
        MigrationCommand::StartTransfer { at: at(100) },
        Status::Transferring,
    )
    .await;
    run.accept(MigrationCommand::Pause { at: at(200) }, Status::Paused)
        .await;
    run.accept(MigrationCommand::Cancel { at: at(300) }, Status::Cancelled)
        .await;
    run.accept(
        MigrationCommand::StartRollback { at: at(400) },
        Status::RollingBack,
    )
    .await;
    let moved = MigrationCommand::Interrupt {
        reason: support::domain_changed(),
        at: at(500),
    };
    run.accept(moved, Status::Interrupted).await;

    let cancel = run.refuse(MigrationCommand::Cancel { at: at(550) }).await;
    let resumed = run
        .accept(
            MigrationCommand::Resume { at: at(600) },
            Status::RollingBack,
        )
        .await;
    run.accept(lease("worker-b", EPOCH + 1), Status::RollingBack)
        .await;
    let done = |epoch| MigrationCommand::CompleteRollback {
        epoch,
        deleted: 335,
        already_gone: 2,
        users_kept: 4,
        at: at(800),
    };
    let stale = run.refuse(done(EPOCH)).await;
    let completed = run.accept(done(EPOCH + 1), Status::RolledBack).await;

    assert_eq!(
        cancel,
        MigrationError::NotAllowed {
            action: "cancel",
            status: Status::Interrupted,
            hint: "a deletion cannot be cancelled; resume it",
        }
    );
    assert_eq!(
        resumed,
        vec![MigrationEvent::MigrationResumed {
            phase: Phase::RollingBack,
            at: at(600)
        }]
    );
    assert_eq!(
        stale,
        MigrationError::StaleLease {
            action: "complete the deletion",
            given: 1,
            current: 2
        }
    );
    assert_eq!(completed, vec![support::rollback_completed()]);
    assert!(matches!(
        run.refuse(MigrationCommand::Resume { at: at(900) }).await,
        MigrationError::NotAllowed {
            status: Status::RolledBack,
            ..
        }
    ));
}

#[tokio::test]
async fn changed_settings_are_counted_again_before_their_transfer_starts() {
    let mut run = counted_run().await;
    let change = MigrationCommand::ChangeSettings {
        settings: other_settings(),
        at: at(95),
    };
    run.accept(change, Status::Configured).await;
    run.accept(
        MigrationCommand::StartCounting { at: at(96) },
        Status::Counting,
    )
    .await;
    let recount = [
        (Entity::Companies, 120),
        (Entity::Contacts, 300),
        (Entity::Pipelines, 4),
        (Entity::Deals, 900),
    ];
    for (entity, total) in recount {
        run.accept(count(entity, total, total, EPOCH), Status::Counting)
            .await;
    }

    let finished = run
        .accept(
            MigrationCommand::FinishCounting {
                epoch: EPOCH,
                at: at(97),
            },
            Status::Counted,
        )
        .await;
    run.accept(
        MigrationCommand::StartTransfer { at: at(98) },
        Status::Transferring,
    )
    .await;

    assert_eq!(
        finished,
        vec![MigrationEvent::CountingFinished {
            fingerprint: other_settings().fingerprint(),
            at: at(97)
        }]
    );
    assert_ne!(other_settings().fingerprint(), settings().fingerprint());
    for (entity, _) in recount {
        let complete = MigrationCommand::CompleteEntity {
            epoch: EPOCH,
            entity,
            at: at(98),
        };
        run.accept(complete, Status::Transferring).await;
    }
    let tallies: Vec<EntityTally> = recount
        .into_iter()
        .map(|(entity, total)| support::tally(entity, total, total, total, 0, 0))
        .collect();
    let finish = MigrationCommand::FinishTransfer {
        epoch: EPOCH,
        tallies,
        at: at(99),
    };
    run.accept(finish, Status::AwaitingConfirmation).await;
}

#[tokio::test]
async fn an_app_removed_from_the_portal_stops_the_run_and_keeps_its_history() {
    let mut run = counted_run().await;
    run.accept(
        MigrationCommand::StartTransfer { at: at(100) },
        Status::Transferring,
    )
    .await;
    let before = run.history.len();

    let removed = MigrationCommand::Interrupt {
        reason: Interruption::AppRemoved,
        at: at(200),
    };
    run.accept(removed, Status::Interrupted).await;

    assert_eq!(
        run.history.len(),
        before + 1,
        "nothing is dropped from the stream"
    );
    let rebuilt = support::replay(run.history.clone());
    assert_eq!(
        rebuilt.interruption(),
        Some(&(Phase::Transferring, Interruption::AppRemoved))
    );
    assert_eq!(
        rebuilt.counts().len(),
        2,
        "the counts survive the interruption"
    );
}
