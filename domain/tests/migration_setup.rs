//! A run before its transfer: configuring it (B1, B2), changing its settings (C3) and
//! counting (C1, C2, B3), with the refusals those commands give for their content.

mod support;

use std::collections::BTreeMap;

use cqrs_es::test::TestFramework;
use migrator_domain::migration::Phase;
use migrator_domain::{Entity, Migration, MigrationCommand, MigrationError, MigrationEvent};
use migrator_domain::{Settings, Status};
use support::{EPOCH, Point, at, configure, configured, decide, other_settings, settings};

/// The worker's count of one entity.
fn record_count(entity: Entity, total: u64, in_period: u64) -> MigrationCommand {
    MigrationCommand::RecordCount {
        epoch: EPOCH,
        entity,
        total,
        in_period,
        at: at(50),
    }
}

/// Counting under way with every chosen entity counted, not yet finished.
fn counts_recorded() -> Vec<MigrationEvent> {
    let mut history = Point::Counting.history();
    history.extend(support::counted());
    history.pop();
    history
}

#[tokio::test]
async fn configuring_a_new_run_records_its_settings_and_who_asked() {
    TestFramework::<Migration>::with(())
        .given_no_previous_events()
        .when_async(configure())
        .await
        .then_expect_events(vec![configured()]);
}

#[tokio::test]
async fn settings_change_before_counting_is_recorded_as_given() {
    let command = MigrationCommand::ChangeSettings {
        settings: other_settings(),
        at: at(5),
    };

    TestFramework::<Migration>::with(())
        .given(Point::Configured.history())
        .when_async(command)
        .await
        .then_expect_events(vec![MigrationEvent::SettingsChanged {
            settings: other_settings(),
            at: at(5),
        }]);
}

#[tokio::test]
async fn settings_change_after_counting_clears_counts_so_the_transfer_cannot_start() {
    let change = MigrationCommand::ChangeSettings {
        settings: other_settings(),
        at: at(250),
    };
    let changed = decide(Point::Counted.history(), change)
        .await
        .expect("allowed when counted");
    let mut history = Point::Counted.history();
    history.extend(changed.clone());

    let refusal = decide(
        history.clone(),
        MigrationCommand::StartTransfer { at: at(260) },
    )
    .await;

    assert_eq!(
        changed,
        vec![MigrationEvent::SettingsChanged {
            settings: other_settings(),
            at: at(250)
        }]
    );
    assert_eq!(
        refusal,
        Err(MigrationError::NotAllowed {
            action: "start the transfer",
            status: Status::Configured,
            hint: "count first: the settings have not been counted",
        })
    );
    assert!(
        support::replay(history).counts().is_empty(),
        "old counts must be gone"
    );
}

#[tokio::test]
async fn counting_starts_with_the_fingerprint_of_the_current_settings() {
    TestFramework::<Migration>::with(())
        .given(Point::Configured.history())
        .when_async(MigrationCommand::StartCounting { at: at(20) })
        .await
        .then_expect_events(vec![MigrationEvent::CountingStarted {
            fingerprint: settings().fingerprint(),
            at: at(20),
        }]);
}

#[tokio::test]
async fn counting_after_a_settings_change_fingerprints_the_new_settings() {
    let mut history = Point::Counted.history();
    history.push(MigrationEvent::SettingsChanged {
        settings: other_settings(),
        at: at(250),
    });

    let events = decide(history, MigrationCommand::StartCounting { at: at(260) }).await;

    assert_eq!(
        events,
        Ok(vec![MigrationEvent::CountingStarted {
            fingerprint: other_settings().fingerprint(),
            at: at(260),
        }])
    );
    assert_ne!(other_settings().fingerprint(), settings().fingerprint());
}

#[tokio::test]
async fn counting_again_from_counted_starts_over_without_the_old_counts() {
    let started = decide(
        Point::Counted.history(),
        MigrationCommand::StartCounting { at: at(250) },
    )
    .await
    .expect("recounting is allowed");
    let mut history = Point::Counted.history();
    history.extend(started);

    let recount = decide(history.clone(), record_count(Entity::Companies, 130, 110)).await;

    assert_eq!(
        recount,
        Ok(vec![MigrationEvent::EntityCounted {
            entity: Entity::Companies,
            total: 130,
            in_period: 110,
            at: at(50),
        }])
    );
    assert_eq!(support::replay(history).status(), Status::Counting);
}

#[tokio::test]
async fn a_count_records_the_total_and_what_falls_inside_the_period() {
    TestFramework::<Migration>::with(())
        .given(Point::Counting.history())
        .when_async(record_count(Entity::Contacts, 300, 250))
        .await
        .then_expect_events(vec![MigrationEvent::EntityCounted {
            entity: Entity::Contacts,
            total: 300,
            in_period: 250,
            at: at(50),
        }]);
}

#[tokio::test]
async fn a_count_never_puts_more_inside_the_period_than_the_total() {
    TestFramework::<Migration>::with(())
        .given(Point::Counting.history())
        .when_async(record_count(Entity::Contacts, 300, 301))
        .await
        .then_expect_events(vec![MigrationEvent::EntityCounted {
            entity: Entity::Contacts,
            total: 300,
            in_period: 300,
            at: at(50),
        }]);
}

#[tokio::test]
async fn counting_an_entity_twice_is_refused() {
    let mut history = Point::Counting.history();
    history.extend(support::counted().into_iter().take(1));

    TestFramework::<Migration>::with(())
        .given(history)
        .when_async(record_count(Entity::Companies, 120, 100))
        .await
        .then_expect_error(MigrationError::AlreadyCounted {
            entity: Entity::Companies,
        });
}

#[tokio::test]
async fn counting_an_entity_that_was_not_chosen_is_refused() {
    TestFramework::<Migration>::with(())
        .given(Point::Counting.history())
        .when_async(record_count(Entity::Deals, 10, 10))
        .await
        .then_expect_error(MigrationError::EntityNotChosen {
            action: "record a count",
            entity: Entity::Deals,
        });
}

#[tokio::test]
async fn counting_finishes_with_the_fingerprint_once_every_entity_is_counted() {
    TestFramework::<Migration>::with(())
        .given(counts_recorded())
        .when_async(MigrationCommand::FinishCounting {
            epoch: EPOCH,
            at: at(200),
        })
        .await
        .then_expect_events(vec![MigrationEvent::CountingFinished {
            fingerprint: settings().fingerprint(),
            at: at(200),
        }]);
}

#[tokio::test]
async fn counting_cannot_finish_while_an_entity_has_no_count_and_names_it() {
    let mut history = Point::Counting.history();
    history.extend(support::counted().into_iter().take(1));

    TestFramework::<Migration>::with(())
        .given(history)
        .when_async(MigrationCommand::FinishCounting {
            epoch: EPOCH,
            at: at(200),
        })
        .await
        .then_expect_error(MigrationError::CountsMissing {
            action: "finish counting",
            missing: vec![Entity::Contacts],
        });
}

#[tokio::test]
async fn counting_that_has_not_begun_lists_every_entity_as_missing_in_moving_order() {
    TestFramework::<Migration>::with(())
        .given(Point::Counting.history())
        .when_async(MigrationCommand::FinishCounting {
            epoch: EPOCH,
            at: at(200),
        })
        .await
        .then_expect_error(MigrationError::CountsMissing {
            action: "finish counting",
            missing: vec![Entity::Companies, Entity::Contacts],
        });
}

#[tokio::test]
async fn an_interrupted_count_resumes_counting_and_keeps_what_was_counted() {
    let mut history = Point::Counting.history();
    history.extend(support::counted().into_iter().take(1));
    history.push(support::interrupted(
        Phase::Counting,
        support::service_fault(),
        60,
    ));
    history.push(MigrationEvent::MigrationResumed {
        phase: Phase::Counting,
        at: at(70),
    });

    let finish = decide(
        history.clone(),
        MigrationCommand::FinishCounting {
            epoch: EPOCH,
            at: at(80),
        },
    )
    .await;

    assert_eq!(
        finish,
        Err(MigrationError::CountsMissing {
            action: "finish counting",
            missing: vec![Entity::Contacts],
        })
    );
    let rebuilt = support::replay(history);
    assert_eq!(rebuilt.status(), Status::Counting);
    assert_eq!(rebuilt.counts().len(), 1);
    assert_eq!(rebuilt.interruption(), None);
}

#[tokio::test]
async fn the_transfer_cannot_start_from_a_history_counted_without_counts() {
    let mut history = Point::Counting.history();
    history.push(MigrationEvent::CountingFinished {
        fingerprint: settings().fingerprint(),
        at: at(200),
    });

    TestFramework::<Migration>::with(())
        .given(history)
        .when_async(MigrationCommand::StartTransfer { at: at(300) })
        .await
        .then_expect_error(MigrationError::CountsMissing {
            action: "start the transfer",
            missing: vec![Entity::Companies, Entity::Contacts],
        });
}

#[test]
fn a_configured_run_exposes_its_id_settings_and_nothing_counted() {
    let rebuilt = support::replay(Point::Configured.history());

    assert_eq!(rebuilt.id(), Some(support::migration_id()));
    assert_eq!(rebuilt.settings(), Some(&settings()));
    assert!(rebuilt.counts().is_empty());
    assert_eq!(support::replay(Vec::new()).settings(), None);
}

#[tokio::test]
async fn configuring_with_no_entity_chosen_is_refused() {
    let result = decide(Vec::new(), support::configure_with(Settings::default())).await;

    assert!(
        result.is_err(),
        "settings with no entity were accepted: {result:?}"
    );
}

#[tokio::test]
async fn changing_to_settings_without_their_dependencies_is_refused() {
    let open = Settings {
        entities: [Entity::Deals].into(),
        period: None,
        files: true,
        pipelines: BTreeMap::new(),
    };
    let command = MigrationCommand::ChangeSettings {
        settings: open,
        at: at(5),
    };

    let result = decide(Point::Configured.history(), command).await;

    assert!(
        result.is_err(),
        "settings missing dependencies were accepted: {result:?}"
    );
}

#[tokio::test]
async fn a_count_without_a_period_puts_every_record_inside_it() {
    let mut history = vec![support::configured_with(other_settings())];
    history.extend(support::counting_started());

    let result = decide(history, record_count(Entity::Deals, 40, 25)).await;

    let short = matches!(
        result.as_deref(),
        Ok([MigrationEvent::EntityCounted { in_period: 25, .. }])
    );
    assert!(
        !short,
        "no period, yet only 25 of 40 deals were counted inside it: {result:?}"
    );
}

#[test]
fn an_interruption_is_reported_only_while_the_run_is_interrupted() {
    let interrupted = support::replay(Point::InterruptedCounting.history());
    let running = support::replay(Point::Counting.history());

    assert_eq!(
        interrupted.interruption(),
        Some(&(Phase::Counting, support::service_fault()))
    );
    assert_eq!(running.interruption(), None);
}
