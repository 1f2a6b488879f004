//! F1, F2 on both stores: a finished run waits for confirmation, and the sweep confirms it on
//! its own once seven days have passed since it finished, by the clock it is given; not a
//! moment before, and only once.

// Not every helper of the shared support module is used here.
#[allow(dead_code)]
mod support;

use chrono::Duration;
use migrator_domain::{Entity, Status};
use migrator_runner::{ManualClock, Stop, confirm_due};
use migrator_tests::{Kind, on_both_stores};
use support::World;

on_both_stores!(f2_a_finished_run_confirms_itself_seven_days_after_it_finished);
async fn f2_a_finished_run_confirms_itself_seven_days_after_it_finished(kind: Kind) {
    let world = World::with_amo_rate(kind, 100, 50).await;
    let runner = world.runner().await;
    let request = world.request(&[Entity::Companies]);
    let id = request.migration_id;
    let stop = runner.start(request).await.expect("the run completes");
    assert_eq!(stop, Stop::Finished);
    let store = runner.store();
    let finished = store
        .load_migration(id)
        .await
        .expect("the run")
        .finished_at()
        .expect("a finished run knows when it finished");

    let clock = ManualClock::new(finished + Duration::days(7) - Duration::seconds(1));
    let early = confirm_due(store, &[id], &clock).await.expect("a sweep");

    assert!(early.is_empty(), "confirmed a second too early");
    let waiting = store.load_migration(id).await.expect("the run");
    assert_eq!(waiting.status(), Status::AwaitingConfirmation);

    clock.advance(Duration::seconds(1));
    let due = confirm_due(store, &[id], &clock).await.expect("a sweep");

    assert_eq!(due, vec![id]);
    let confirmed = store.load_migration(id).await.expect("the run");
    assert_eq!(confirmed.status(), Status::Confirmed);

    clock.advance(Duration::days(23));
    let again = confirm_due(store, &[id], &clock).await.expect("a sweep");

    assert!(again.is_empty(), "a confirmed run is confirmed once");
    let confirmations: Vec<_> = world
        .history(id)
        .await
        .into_iter()
        .filter(|(event, _)| event == "MigrationConfirmed")
        .collect();
    assert_eq!(confirmations.len(), 1, "{confirmations:?}");
    assert_eq!(
        confirmations[0].1["automatically"],
        serde_json::json!(true),
        "{confirmations:?}"
    );
}
