//! A run while it moves records (E1-E3, D4, F5, G1): starting the transfer, completing
//! entities, pausing, interrupting, resuming to the phase that stopped, and cancelling.

mod support;

use cqrs_es::test::TestFramework;
use migrator_domain::Status;
use migrator_domain::migration::{Interruption, Phase};
use migrator_domain::{Entity, Migration, MigrationCommand, MigrationError, MigrationEvent};
use support::{EPOCH, Point, at, decide};

/// The event of a resume to `phase`.
fn resumed(phase: Phase) -> Vec<MigrationEvent> {
    vec![MigrationEvent::MigrationResumed { phase, at: at(900) }]
}

/// The event of an interruption of `phase` for `reason`.
fn interrupted_by(reason: Interruption, phase: Phase) -> Vec<MigrationEvent> {
    vec![MigrationEvent::MigrationInterrupted {
        phase,
        reason,
        at: at(900),
    }]
}

#[tokio::test]
async fn the_transfer_starts_once_counting_is_done() {
    TestFramework::<Migration>::with(())
        .given(Point::Counted.history())
        .when_async(MigrationCommand::StartTransfer { at: at(300) })
        .await
        .then_expect_events(vec![MigrationEvent::TransferStarted { at: at(300) }]);
}

#[tokio::test]
async fn an_entity_completes_once_every_record_of_it_has_an_outcome() {
    let command = MigrationCommand::CompleteEntity {
        epoch: EPOCH,
        entity: Entity::Companies,
        at: at(800),
    };

    TestFramework::<Migration>::with(())
        .given(Point::Transferring.history())
        .when_async(command)
        .await
        .then_expect_events(vec![MigrationEvent::EntityTransferCompleted {
            entity: Entity::Companies,
            at: at(800),
        }]);
}

#[tokio::test]
async fn completing_an_entity_twice_is_refused() {
    let mut history = Point::Transferring.history();
    history.push(support::completed(Entity::Companies));
    let command = MigrationCommand::CompleteEntity {
        epoch: EPOCH,
        entity: Entity::Companies,
        at: at(900),
    };

    TestFramework::<Migration>::with(())
        .given(history)
        .when_async(command)
        .await
        .then_expect_error(MigrationError::AlreadyCompleted {
            entity: Entity::Companies,
        });
}

#[tokio::test]
async fn completing_an_entity_that_was_not_chosen_is_refused() {
    let command = MigrationCommand::CompleteEntity {
        epoch: EPOCH,
        entity: Entity::Tasks,
        at: at(800),
    };

    TestFramework::<Migration>::with(())
        .given(Point::Transferring.history())
        .when_async(command)
        .await
        .then_expect_error(MigrationError::EntityNotChosen {
            action: "complete an entity",
            entity: Entity::Tasks,
        });
}

#[tokio::test]
async fn a_running_transfer_pauses() {
    TestFramework::<Migration>::with(())
        .given(Point::Transferring.history())
        .when_async(MigrationCommand::Pause { at: at(400) })
        .await
        .then_expect_events(vec![MigrationEvent::MigrationPaused { at: at(400) }]);
}

#[tokio::test]
async fn resume_after_pause_returns_to_transferring() {
    TestFramework::<Migration>::with(())
        .given(Point::Paused.history())
        .when_async(MigrationCommand::Resume { at: at(900) })
        .await
        .then_expect_events(resumed(Phase::Transferring));
}

#[tokio::test]
async fn resume_after_an_interrupted_count_returns_to_counting() {
    TestFramework::<Migration>::with(())
        .given(Point::InterruptedCounting.history())
        .when_async(MigrationCommand::Resume { at: at(900) })
        .await
        .then_expect_events(resumed(Phase::Counting));
}

#[tokio::test]
async fn resume_after_an_interrupted_transfer_returns_to_transferring() {
    TestFramework::<Migration>::with(())
        .given(Point::InterruptedTransfer.history())
        .when_async(MigrationCommand::Resume { at: at(900) })
        .await
        .then_expect_events(resumed(Phase::Transferring));
}

#[tokio::test]
async fn resume_after_an_interrupted_rollback_returns_to_rolling_back() {
    TestFramework::<Migration>::with(())
        .given(Point::InterruptedRollback.history())
        .when_async(MigrationCommand::Resume { at: at(900) })
        .await
        .then_expect_events(resumed(Phase::RollingBack));
}

#[tokio::test]
async fn a_resumed_run_is_in_the_status_of_its_phase_and_no_longer_interrupted() {
    let cases = [
        (Point::Paused, Status::Transferring),
        (Point::InterruptedCounting, Status::Counting),
        (Point::InterruptedTransfer, Status::Transferring),
        (Point::InterruptedRollback, Status::RollingBack),
    ];

    for (point, status) in cases {
        let mut history = point.history();
        let events = decide(history.clone(), MigrationCommand::Resume { at: at(900) }).await;
        history.extend(events.expect("resume is allowed here"));

        let rebuilt = support::replay(history);
        assert_eq!(rebuilt.status(), status, "resumed from {}", point.name());
        assert_eq!(
            rebuilt.interruption(),
            None,
            "resumed from {}",
            point.name()
        );
    }
}

#[tokio::test]
async fn an_interruption_while_counting_stops_the_counting_phase() {
    TestFramework::<Migration>::with(())
        .given(Point::Counting.history())
        .when_async(MigrationCommand::Interrupt {
            reason: support::service_fault(),
            at: at(900),
        })
        .await
        .then_expect_events(interrupted_by(support::service_fault(), Phase::Counting));
}

#[tokio::test]
async fn a_required_portal_field_interrupts_the_transfer_and_names_the_field() {
    TestFramework::<Migration>::with(())
        .given(Point::Transferring.history())
        .when_async(MigrationCommand::Interrupt {
            reason: support::required_field(),
            at: at(900),
        })
        .await
        .then_expect_events(interrupted_by(
            support::required_field(),
            Phase::Transferring,
        ));

    let message = support::required_field().to_string();
    assert!(message.contains("UF_CRM_PASSPORT"), "{message}");
    assert!(message.contains("resume"), "{message}");
}

#[tokio::test]
async fn an_interruption_while_paused_belongs_to_the_transfer_phase() {
    TestFramework::<Migration>::with(())
        .given(Point::Paused.history())
        .when_async(MigrationCommand::Interrupt {
            reason: Interruption::AppRemoved,
            at: at(900),
        })
        .await
        .then_expect_events(interrupted_by(
            Interruption::AppRemoved,
            Phase::Transferring,
        ));
}

#[tokio::test]
async fn a_domain_change_interrupts_a_rollback_and_keeps_the_rollback_phase() {
    let mut history = Point::Cancelled.history();
    history.push(MigrationEvent::RollbackStarted { at: at(600) });

    TestFramework::<Migration>::with(())
        .given(history)
        .when_async(MigrationCommand::Interrupt {
            reason: support::domain_changed(),
            at: at(900),
        })
        .await
        .then_expect_events(interrupted_by(
            support::domain_changed(),
            Phase::RollingBack,
        ));
}

#[test]
fn an_interrupted_run_remembers_the_phase_and_the_reason() {
    let rebuilt = support::replay(Point::InterruptedTransfer.history());

    assert_eq!(rebuilt.status(), Status::Interrupted);
    assert_eq!(
        rebuilt.interruption(),
        Some(&(Phase::Transferring, support::required_field()))
    );
}

#[tokio::test]
async fn cancelling_is_allowed_before_and_during_the_transfer() {
    let points = [
        Point::Configured,
        Point::Counted,
        Point::Transferring,
        Point::Paused,
        Point::InterruptedCounting,
        Point::InterruptedTransfer,
    ];

    for point in points {
        let events = decide(point.history(), MigrationCommand::Cancel { at: at(900) }).await;

        assert_eq!(
            events,
            Ok(vec![MigrationEvent::MigrationCancelled { at: at(900) }]),
            "cancel from {}",
            point.name()
        );
    }
}

#[test]
fn a_cancelled_interrupted_run_is_no_longer_interrupted() {
    let mut history = Point::InterruptedTransfer.history();
    history.push(MigrationEvent::MigrationCancelled { at: at(900) });

    let rebuilt = support::replay(history);

    assert_eq!(rebuilt.status(), Status::Cancelled);
    assert_eq!(rebuilt.interruption(), None);
}

#[tokio::test]
async fn cancel_hints_never_suggest_what_is_refused() {
    for point in [Point::Confirmed, Point::RolledBack] {
        let result = decide(point.history(), MigrationCommand::Cancel { at: at(900) }).await;

        let Err(MigrationError::NotAllowed { hint, .. }) = result else {
            panic!(
                "cancel from {} was not refused for its status: {result:?}",
                point.name()
            );
        };
        assert!(
            !hint.contains("delete"),
            "cancel from {}: {hint:?}",
            point.name()
        );
        assert!(
            !hint.contains("confirm it"),
            "cancel from {}: {hint:?}",
            point.name()
        );
    }
}
