//! Lease epochs: a worker takes a run over with a newer epoch, and from then on every
//! command carrying an older (or not yet granted) epoch is refused, so a worker that lost its
//! lease cannot write.

mod support;

use cqrs_es::test::TestFramework;
use migrator_domain::{Entity, Migration, MigrationCommand, MigrationError, MigrationEvent};
use support::{EPOCH, Point, at, balanced_tallies, decide};

/// The epoch a second worker takes over with.
const TAKEOVER: u64 = EPOCH + 1;

/// `history` followed by a second worker taking the run over with [`TAKEOVER`].
fn taken_over(mut history: Vec<MigrationEvent>) -> Vec<MigrationEvent> {
    history.push(MigrationEvent::LeaseAcquired {
        worker: "worker-b".to_owned(),
        epoch: TAKEOVER,
        at: at(850),
    });
    history
}

/// The second worker asks for the lease with `epoch`.
fn acquire(epoch: u64) -> MigrationCommand {
    MigrationCommand::AcquireLease {
        worker: "worker-b".to_owned(),
        epoch,
        at: at(850),
    }
}

/// One command of every kind that carries an epoch, with a history in which the worker
/// holding the lease would see it accepted.
fn worker_commands(epoch: u64) -> Vec<(Vec<MigrationEvent>, MigrationCommand)> {
    let at = at(900);
    let mut all_counted = Point::Counting.history();
    all_counted.extend(support::counted());
    all_counted.pop();
    let mut all_completed = Point::Transferring.history();
    all_completed.push(support::completed(Entity::Companies));
    all_completed.push(support::completed(Entity::Contacts));

    let record_count = MigrationCommand::RecordCount {
        epoch,
        entity: Entity::Companies,
        total: 120,
        in_period: 100,
        at,
    };
    let complete_entity = MigrationCommand::CompleteEntity {
        epoch,
        entity: Entity::Contacts,
        at,
    };
    let finish_transfer = MigrationCommand::FinishTransfer {
        epoch,
        tallies: balanced_tallies(),
        at,
    };
    let complete_rollback = MigrationCommand::CompleteRollback {
        epoch,
        deleted: 1,
        already_gone: 0,
        users_kept: 0,
        at,
    };
    vec![
        (Point::Counting.history(), record_count),
        (all_counted, MigrationCommand::FinishCounting { epoch, at }),
        (Point::Transferring.history(), complete_entity),
        (all_completed, finish_transfer),
        (Point::RollingBack.history(), complete_rollback),
    ]
}

#[tokio::test]
async fn a_worker_takes_over_with_a_newer_epoch() {
    TestFramework::<Migration>::with(())
        .given(Point::Transferring.history())
        .when_async(acquire(TAKEOVER))
        .await
        .then_expect_events(vec![MigrationEvent::LeaseAcquired {
            worker: "worker-b".to_owned(),
            epoch: TAKEOVER,
            at: at(850),
        }]);
    assert_eq!(
        support::replay(taken_over(Point::Transferring.history())).lease_epoch(),
        TAKEOVER
    );
}

#[tokio::test]
async fn the_first_lease_can_be_taken_before_counting() {
    TestFramework::<Migration>::with(())
        .given(Point::Configured.history())
        .when_async(acquire(1))
        .await
        .then_expect_events(vec![MigrationEvent::LeaseAcquired {
            worker: "worker-b".to_owned(),
            epoch: 1,
            at: at(850),
        }]);
}

#[tokio::test]
async fn a_newer_lease_is_taken_at_every_point_until_the_run_ends() {
    let expected = MigrationEvent::LeaseAcquired {
        worker: "worker-b".to_owned(),
        epoch: TAKEOVER,
        at: at(850),
    };

    let ended = [Point::Confirmed, Point::RolledBack];
    for point in Point::ALL
        .into_iter()
        .skip(1)
        .filter(|point| !ended.contains(point))
    {
        let result = decide(point.history(), acquire(TAKEOVER)).await;

        assert_eq!(
            result,
            Ok(vec![expected.clone()]),
            "take over from {}",
            point.name()
        );
    }
}

#[tokio::test]
async fn a_lease_with_the_current_epoch_is_refused() {
    TestFramework::<Migration>::with(())
        .given(Point::Transferring.history())
        .when_async(acquire(EPOCH))
        .await
        .then_expect_error(MigrationError::LeaseNotNewer {
            given: EPOCH,
            current: EPOCH,
        });
}

#[tokio::test]
async fn a_lease_with_an_older_epoch_is_refused() {
    TestFramework::<Migration>::with(())
        .given(taken_over(Point::Transferring.history()))
        .when_async(acquire(EPOCH))
        .await
        .then_expect_error(MigrationError::LeaseNotNewer {
            given: EPOCH,
            current: TAKEOVER,
        });
}

#[tokio::test]
async fn epoch_zero_is_never_a_lease() {
    TestFramework::<Migration>::with(())
        .given(Point::Configured.history())
        .when_async(acquire(0))
        .await
        .then_expect_error(MigrationError::LeaseNotNewer {
            given: 0,
            current: 0,
        });
}

#[tokio::test]
async fn lease_epochs_fence_stale_workers_from_every_worker_command() {
    for (history, command) in worker_commands(EPOCH) {
        let action = command.action();

        let result = decide(taken_over(history), command).await;

        assert_eq!(
            result,
            Err(MigrationError::StaleLease {
                action,
                given: EPOCH,
                current: TAKEOVER
            }),
            "{action:?} from the worker that lost the lease"
        );
    }
}

#[tokio::test]
async fn a_command_from_an_epoch_not_granted_yet_is_refused() {
    for (history, command) in worker_commands(TAKEOVER + 1) {
        let action = command.action();

        let result = decide(taken_over(history), command).await;

        assert_eq!(
            result,
            Err(MigrationError::StaleLease {
                action,
                given: TAKEOVER + 1,
                current: TAKEOVER
            }),
            "{action:?} from a future epoch"
        );
    }
}

#[tokio::test]
async fn the_worker_holding_the_new_lease_carries_on() {
    for (history, command) in worker_commands(TAKEOVER) {
        let action = command.action();

        let result = decide(taken_over(history), command).await;

        assert!(
            result.is_ok(),
            "{action:?} from the worker holding the lease: {result:?}"
        );
    }
}

#[tokio::test]
async fn the_stale_lease_refusal_names_both_epochs() {
    let command = MigrationCommand::FinishCounting {
        epoch: EPOCH,
        at: at(900),
    };

    let error = decide(taken_over(Point::Counting.history()), command)
        .await
        .expect_err("stale");

    assert_eq!(
        error.to_string(),
        "cannot finish counting: the command comes from lease epoch 1, but epoch 2 has taken \
         over the migration"
    );
}

#[tokio::test]
async fn worker_commands_are_refused_before_any_lease_is_taken() {
    let mut history = Point::Configured.history();
    history.push(MigrationEvent::CountingStarted {
        fingerprint: support::settings().fingerprint(),
        at: at(20),
    });
    let command = MigrationCommand::RecordCount {
        epoch: 0,
        entity: Entity::Companies,
        total: 120,
        in_period: 100,
        at: at(30),
    };

    let result = decide(history, command).await;

    assert!(
        result.is_err(),
        "a count from a worker without a lease was recorded: {result:?}"
    );
}
