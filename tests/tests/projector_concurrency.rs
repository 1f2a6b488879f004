//! PostgreSQL only: several writers commit at once while projectors run; the live views must
//! equal a full replay. This is where ordering by position alone would skip events: positions
//! are taken at insert, and transactions commit in another order.

use std::sync::Arc;
use std::time::Duration;

use migrator_projections::View;
use migrator_tests::scenario;
use migrator_tests::{Kind, TestStore};
use tokio::sync::watch;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_and_projectors_give_the_views_of_a_full_replay() {
    let test = Arc::new(TestStore::new(Kind::Postgres).await);
    let (stop, stopped) = watch::channel(false);

    // Two projectors poll all the time, racing each other and the writers.
    let projectors: Vec<_> = (0..2)
        .map(|_| {
            let test = test.clone();
            let stopped = stopped.clone();
            tokio::spawn(async move {
                let projector = test.projector().with_page_size(64);
                projector.run(Duration::from_millis(1), stopped).await;
            })
        })
        .collect();

    // Six runs written at once, each by its own writer, in batches of 50.
    let writers: Vec<_> = (0..6)
        .map(|_| {
            let test = test.clone();
            tokio::spawn(async move {
                let id = scenario::start_run(&test.store, 1_500).await;
                scenario::record_companies(&test.store, id, 1, 1_500).await;
                scenario::finish_run(&test.store, id, 1_500).await;
                id
            })
        })
        .collect();
    let mut runs = Vec::new();
    for writer in writers {
        runs.push(writer.await.expect("writer finished"));
    }

    stop.send(true).expect("projectors listen");
    for projector in projectors {
        projector.await.expect("projector stopped");
    }
    test.projector().catch_up().await.expect("final catch-up");
    let live = dump_all(&test).await;

    test.projector().rebuild().await.expect("rebuild");

    assert_eq!(dump_all(&test).await, live);
    let (transferred, failed, outside) = scenario::expected_outcomes(1_500);
    for id in runs {
        let progress = test.read().progress(id).await.expect("progress");
        assert_eq!(progress[0].transferred as u64, transferred, "run {id}");
        assert_eq!(progress[0].failed as u64, failed, "run {id}");
        assert_eq!(progress[0].outside_period as u64, outside, "run {id}");
    }
    let history_rows = live[4].len() as i64;
    assert_eq!(
        history_rows,
        test.event_count().await,
        "every event in the history once"
    );
}

async fn dump_all(test: &TestStore) -> Vec<Vec<Vec<migrator_projections::db::Value>>> {
    let mut views = Vec::new();
    for view in View::ALL {
        views.push(test.read().dump(view).await.expect("dump"));
    }
    views
}
