//! The durable projector on both stores: views match the events, survive a crash between
//! applying and committing, catch up exactly once after a stop, and rebuild to the same rows.

use migrator_domain::MigrationCommand;
use migrator_projections::{FailPoint, ProjectionError, View};
use migrator_tests::scenario::{self, t0};
use migrator_tests::{Kind, TestStore, on_both_stores};

on_both_stores!(
    views_show_progress_failures_id_map_and_history,
    a_rebuild_from_the_events_equals_the_live_views,
    a_crash_before_the_commit_loses_and_doubles_nothing,
    events_written_while_the_projector_was_stopped_are_applied_exactly_once,
);

/// Writes a run of 2,500 companies with failures, records outside the period, a rollback of
/// some, and a pause; returns its id.
async fn busy_run(test: &TestStore) -> uuid::Uuid {
    let id = scenario::start_run(&test.store, 2_500).await;
    scenario::record_companies(&test.store, id, 1, 1_200).await;
    test.store
        .migration(id, MigrationCommand::Pause { at: t0() })
        .await
        .expect("pause");
    test.store
        .migration(id, MigrationCommand::Resume { at: t0() })
        .await
        .expect("resume");
    scenario::record_companies(&test.store, id, 1_201, 1_300).await;
    scenario::finish_run(&test.store, id, 2_500).await;
    id
}

async fn views_show_progress_failures_id_map_and_history(kind: Kind) {
    let test = TestStore::new(kind).await;
    let id = busy_run(&test).await;
    scenario::roll_back_companies(&test.store, id, &[1, 2, 3]).await;

    test.projector().catch_up().await.expect("catch up");
    let read = test.read();

    let (transferred, failed, outside) = scenario::expected_outcomes(2_500);
    let progress = read.progress(id).await.expect("progress");
    assert_eq!(progress.len(), 1);
    let companies = &progress[0];
    assert_eq!(companies.kind, "companies");
    assert_eq!(companies.counted, 2_500);
    assert_eq!(companies.in_period as u64, scenario::in_period(2_500));
    assert_eq!(companies.transferred as u64, transferred);
    assert_eq!(companies.failed as u64, failed);
    assert_eq!(companies.outside_period as u64, outside);
    assert_eq!(companies.rolled_back, 3);

    let failures = read.failures(id, 0, 10_000).await.expect("failures");
    assert_eq!(failures.len() as u64, failed);
    assert_eq!(failures[0].1.amo_id, 10);
    assert_eq!(failures[0].1.reason, "Некорректный email: broken10@");

    let newest = read
        .created_newest_first(id, i64::MAX, 2)
        .await
        .expect("id map");
    assert_eq!(
        newest[0].amo_id, 2_498,
        "2,499 is outside the period, 2,500 failed"
    );
    assert_eq!(newest[0].b24_id, "102498");
    let oldest_left = read
        .created_newest_first(id, i64::MAX, 10_000)
        .await
        .expect("id map");
    assert!(
        oldest_left.iter().all(|entry| entry.amo_id > 3),
        "rolled back ones are excluded"
    );

    let run = read.migration(id).await.expect("run").expect("known");
    assert_eq!(run.status, "awaiting_confirmation");

    let history = read.history(id, 0, 100_000).await.expect("history");
    assert_eq!(history.len() as i64, test.event_count().await);
    assert_eq!(history[0].event_type, "MigrationConfigured");
    assert!(
        history
            .windows(2)
            .all(|pair| pair[0].ordinal < pair[1].ordinal)
    );
    assert_eq!(
        history.last().expect("events").event_type,
        "RecordRolledBack"
    );
}

async fn a_rebuild_from_the_events_equals_the_live_views(kind: Kind) {
    let test = TestStore::new(kind).await;
    let projector = test.projector().with_page_size(300);

    // The live views are built in many small steps, between writes.
    let first = busy_run(&test).await;
    projector.catch_up().await.expect("catch up");
    let second = scenario::start_run(&test.store, 700).await;
    scenario::record_companies(&test.store, second, 1, 350).await;
    projector.catch_up().await.expect("catch up");
    scenario::roll_back_companies(&test.store, first, &[11, 12, 13, 15]).await;
    scenario::record_companies(&test.store, second, 351, 350).await;
    projector.catch_up().await.expect("catch up");
    let live = dump_all(&test).await;

    let applied = test.projector().rebuild().await.expect("rebuild");

    assert_eq!(applied as i64, 5 * test.event_count().await);
    assert_eq!(dump_all(&test).await, live);
}

async fn a_crash_before_the_commit_loses_and_doubles_nothing(kind: Kind) {
    let test = TestStore::new(kind).await;
    let id = busy_run(&test).await;

    // Each view in turn dies before committing its second page; the next projector resumes
    // from the checkpoint that was committed with the first page.
    for view in View::ALL {
        let crashing = test
            .projector()
            .with_page_size(500)
            .with_fail_point(FailPoint { view, page: 2 });
        let crashed = crashing.catch_up().await;
        assert!(
            matches!(crashed, Err(ProjectionError::FailPoint { .. })),
            "{view:?} must stop at its fail point, got {crashed:?}"
        );
    }
    let history_after_crash = test.read().history(id, 0, 100_000).await.expect("history");
    assert!(history_after_crash.len() < test.event_count().await as usize);

    test.projector()
        .with_page_size(500)
        .catch_up()
        .await
        .expect("resume");
    let resumed = dump_all(&test).await;
    test.projector().rebuild().await.expect("rebuild");

    assert_eq!(resumed, dump_all(&test).await);
    let history = test.read().history(id, 0, 100_000).await.expect("history");
    assert_eq!(history.len() as i64, test.event_count().await);
}

async fn events_written_while_the_projector_was_stopped_are_applied_exactly_once(kind: Kind) {
    let test = TestStore::new(kind).await;
    let id = scenario::start_run(&test.store, 1_000).await;
    test.projector().catch_up().await.expect("catch up");

    // The projector is "down" while commands commit; then two projectors start at once.
    scenario::record_companies(&test.store, id, 1, 1_000).await;
    let (left, right) = (test.projector(), test.projector());
    let (a, b) = tokio::join!(left.catch_up(), right.catch_up());
    a.expect("first projector");
    b.expect("second projector");

    let progress = test.read().progress(id).await.expect("progress");
    let (transferred, failed, outside) = scenario::expected_outcomes(1_000);
    assert_eq!(progress[0].transferred as u64, transferred);
    assert_eq!(progress[0].failed as u64, failed);
    assert_eq!(progress[0].outside_period as u64, outside);
    let history = test.read().history(id, 0, 100_000).await.expect("history");
    assert_eq!(history.len() as i64, test.event_count().await);
}

async fn dump_all(test: &TestStore) -> Vec<Vec<Vec<migrator_projections::db::Value>>> {
    let mut views = Vec::new();
    for view in View::ALL {
        views.push(test.read().dump(view).await.expect("dump"));
    }
    views
}
