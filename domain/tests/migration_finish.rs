//! How a run ends (F1, F2, E4, E5, H3): finishing the transfer with a balanced tally per
//! entity, confirming by the user or by itself after seven days, and deleting what it moved.

mod support;

use chrono::Duration;
use cqrs_es::test::TestFramework;
use migrator_domain::Status;
use migrator_domain::migration::{AUTO_CONFIRM_AFTER, EntityTally, Phase};
use migrator_domain::{Entity, Migration, MigrationCommand, MigrationError, MigrationEvent};
use support::{EPOCH, FINISHED, Point, at, balanced_tallies, decide, tally};

/// A transfer in which both entities are complete: ready to finish.
fn all_completed() -> Vec<MigrationEvent> {
    let mut history = Point::Transferring.history();
    history.push(support::completed(Entity::Companies));
    history.push(support::completed(Entity::Contacts));
    history
}

/// The worker closes the transfer at [`FINISHED`].
fn finish(tallies: Vec<EntityTally>) -> MigrationCommand {
    MigrationCommand::FinishTransfer {
        epoch: EPOCH,
        tallies,
        at: at(FINISHED),
    }
}

/// The scheduler's automatic confirmation, some seconds after the transfer finished.
fn confirm_automatically(seconds_after_finishing: i64) -> MigrationCommand {
    MigrationCommand::ConfirmAutomatically {
        at: at(FINISHED + seconds_after_finishing),
    }
}

/// The wait of F2, in seconds.
const SEVEN_DAYS: i64 = 7 * 86_400;

#[tokio::test]
async fn a_balanced_transfer_finishes_with_every_tally_and_awaits_confirmation() {
    let events = decide(all_completed(), finish(balanced_tallies())).await;

    let expected = MigrationEvent::TransferFinished {
        tallies: balanced_tallies(),
        at: at(FINISHED),
    };
    assert_eq!(events, Ok(vec![expected.clone()]));
    let mut history = all_completed();
    history.push(expected);
    let rebuilt = support::replay(history);
    assert_eq!(rebuilt.status(), Status::AwaitingConfirmation);
    assert_eq!(rebuilt.finished_at(), Some(at(FINISHED)));
}

#[tokio::test]
async fn finishing_refuses_a_tally_that_does_not_balance() {
    let tallies = vec![
        tally(Entity::Companies, 120, 100, 95, 5, 20),
        tally(Entity::Contacts, 300, 250, 240, 9, 50),
    ];

    TestFramework::<Migration>::with(())
        .given(all_completed())
        .when_async(finish(tallies))
        .await
        .then_expect_error(MigrationError::Unbalanced {
            entity: Entity::Contacts,
            counted: 300,
            accounted: 299,
        });
}

#[tokio::test]
async fn finishing_refuses_a_tally_that_accounts_for_more_than_was_counted() {
    let tallies = vec![
        tally(Entity::Companies, 120, 100, 96, 5, 20),
        tally(Entity::Contacts, 300, 250, 240, 10, 50),
    ];

    TestFramework::<Migration>::with(())
        .given(all_completed())
        .when_async(finish(tallies))
        .await
        .then_expect_error(MigrationError::Unbalanced {
            entity: Entity::Companies,
            counted: 120,
            accounted: 121,
        });
}

#[tokio::test]
async fn finishing_refuses_a_tally_whose_total_is_not_the_count() {
    let tallies = vec![
        tally(Entity::Companies, 121, 100, 96, 5, 20),
        tally(Entity::Contacts, 300, 250, 240, 10, 50),
    ];

    TestFramework::<Migration>::with(())
        .given(all_completed())
        .when_async(finish(tallies))
        .await
        .then_expect_error(MigrationError::TallyMismatch {
            entity: Entity::Companies,
            problem: "does not carry the counts taken before the transfer",
        });
}

#[tokio::test]
async fn finishing_refuses_a_tally_whose_period_figure_is_not_the_count() {
    let tallies = vec![
        tally(Entity::Companies, 120, 100, 95, 5, 20),
        tally(Entity::Contacts, 300, 240, 240, 10, 50),
    ];

    TestFramework::<Migration>::with(())
        .given(all_completed())
        .when_async(finish(tallies))
        .await
        .then_expect_error(MigrationError::TallyMismatch {
            entity: Entity::Contacts,
            problem: "does not carry the counts taken before the transfer",
        });
}

#[tokio::test]
async fn finishing_refuses_when_a_chosen_entity_has_no_tally() {
    let tallies = vec![tally(Entity::Contacts, 300, 250, 240, 10, 50)];

    TestFramework::<Migration>::with(())
        .given(all_completed())
        .when_async(finish(tallies))
        .await
        .then_expect_error(MigrationError::TallyMismatch {
            entity: Entity::Companies,
            problem: "is missing",
        });
}

#[tokio::test]
async fn the_unbalanced_refusal_tells_the_user_what_was_counted_and_accounted_for() {
    let tallies = vec![
        tally(Entity::Companies, 120, 100, 95, 5, 20),
        tally(Entity::Contacts, 300, 250, 240, 9, 50),
    ];

    let error = decide(all_completed(), finish(tallies))
        .await
        .expect_err("unbalanced");

    assert_eq!(
        error.to_string(),
        "cannot finish the transfer: contacts does not balance: counted 300, but moved, failed \
         and outside the period add up to 299"
    );
}

#[tokio::test]
async fn the_user_confirms_a_finished_run() {
    TestFramework::<Migration>::with(())
        .given(Point::AwaitingConfirmation.history())
        .when_async(MigrationCommand::Confirm {
            at: at(FINISHED + 60),
        })
        .await
        .then_expect_events(vec![MigrationEvent::MigrationConfirmed {
            automatically: false,
            at: at(FINISHED + 60),
        }]);
}

#[tokio::test]
async fn auto_confirm_exactly_seven_days_after_finishing_passes() {
    TestFramework::<Migration>::with(())
        .given(Point::AwaitingConfirmation.history())
        .when_async(confirm_automatically(SEVEN_DAYS))
        .await
        .then_expect_events(vec![MigrationEvent::MigrationConfirmed {
            automatically: true,
            at: at(FINISHED + SEVEN_DAYS),
        }]);
    assert_eq!(AUTO_CONFIRM_AFTER, Duration::seconds(SEVEN_DAYS));
}

#[tokio::test]
async fn auto_confirm_one_second_before_seven_days_is_too_early() {
    TestFramework::<Migration>::with(())
        .given(Point::AwaitingConfirmation.history())
        .when_async(confirm_automatically(SEVEN_DAYS - 1))
        .await
        .then_expect_error(MigrationError::TooEarlyToConfirm {
            finished_at: at(FINISHED),
            allowed_from: at(FINISHED + SEVEN_DAYS),
        });
}

#[tokio::test]
async fn auto_confirm_long_after_seven_days_still_passes() {
    TestFramework::<Migration>::with(())
        .given(Point::AwaitingConfirmation.history())
        .when_async(confirm_automatically(30 * 86_400))
        .await
        .then_expect_events(vec![MigrationEvent::MigrationConfirmed {
            automatically: true,
            at: at(FINISHED + 30 * 86_400),
        }]);
}

#[tokio::test]
async fn deleting_what_a_cancelled_run_moved_starts_a_rollback() {
    TestFramework::<Migration>::with(())
        .given(Point::Cancelled.history())
        .when_async(MigrationCommand::StartRollback { at: at(600) })
        .await
        .then_expect_events(vec![MigrationEvent::RollbackStarted { at: at(600) }]);
}

#[tokio::test]
async fn a_finished_run_can_be_deleted_instead_of_confirmed() {
    TestFramework::<Migration>::with(())
        .given(Point::AwaitingConfirmation.history())
        .when_async(MigrationCommand::StartRollback {
            at: at(FINISHED + 60),
        })
        .await
        .then_expect_events(vec![MigrationEvent::RollbackStarted {
            at: at(FINISHED + 60),
        }]);
}

#[tokio::test]
async fn a_rollback_completes_with_what_was_deleted_found_gone_and_kept() {
    let command = MigrationCommand::CompleteRollback {
        epoch: EPOCH,
        deleted: 335,
        already_gone: 2,
        users_kept: 4,
        at: at(800),
    };

    TestFramework::<Migration>::with(())
        .given(Point::RollingBack.history())
        .when_async(command)
        .await
        .then_expect_events(vec![support::rollback_completed()]);
    assert_eq!(
        support::replay(Point::RolledBack.history()).status(),
        Status::RolledBack
    );
}

#[tokio::test]
async fn a_resumed_rollback_can_complete() {
    let mut history = Point::InterruptedRollback.history();
    history.push(MigrationEvent::MigrationResumed {
        phase: Phase::RollingBack,
        at: at(750),
    });
    let command = MigrationCommand::CompleteRollback {
        epoch: EPOCH,
        deleted: 335,
        already_gone: 2,
        users_kept: 4,
        at: at(800),
    };

    TestFramework::<Migration>::with(())
        .given(history)
        .when_async(command)
        .await
        .then_expect_events(vec![support::rollback_completed()]);
}

#[tokio::test]
async fn finishing_before_every_entity_is_completed_is_refused() {
    let mut history = Point::Transferring.history();
    history.push(support::completed(Entity::Companies));

    let result = decide(history, finish(balanced_tallies())).await;

    assert!(
        result.is_err(),
        "finished with contacts never completed: {result:?}"
    );
}

#[tokio::test]
async fn finishing_refuses_a_tally_whose_outside_period_disagrees_with_the_count() {
    let tallies = vec![
        tally(Entity::Companies, 120, 100, 115, 5, 0),
        tally(Entity::Contacts, 300, 250, 240, 10, 50),
    ];

    let result = decide(all_completed(), finish(tallies)).await;

    assert!(
        result.is_err(),
        "20 companies outside the period were moved: {result:?}"
    );
}

#[tokio::test]
async fn finishing_refuses_two_tallies_for_one_entity() {
    let mut tallies = balanced_tallies();
    tallies.push(tally(Entity::Contacts, 300, 250, 0, 250, 50));

    let result = decide(all_completed(), finish(tallies)).await;

    assert!(
        result.is_err(),
        "a second, different contacts tally was stored: {result:?}"
    );
}

#[tokio::test]
async fn rollback_hint_while_a_deletion_is_interrupted_says_to_resume() {
    let command = MigrationCommand::StartRollback { at: at(900) };

    let result = decide(Point::InterruptedRollback.history(), command).await;

    let Err(MigrationError::NotAllowed { hint, .. }) = result else {
        panic!("a second deletion was not refused for the status: {result:?}");
    };
    assert!(hint.contains("resume"), "{hint:?}");
}
