//! The storage suite: the same behaviour of the event store on SQLite and on PostgreSQL.

use std::collections::BTreeSet;

use migrator_domain::chunk::{ChunkError, RecordOutcome, RecordState};
use migrator_domain::{
    ChunkCommand, ChunkId, MigrationCommand, MigrationError, RecordKind, Status,
};
use migrator_store::{Store, StoreError};
use migrator_tests::scenario::{self, t0};
use migrator_tests::{Kind, TestStore, on_both_stores};
use uuid::Uuid;

on_both_stores!(
    a_run_is_stored_and_loaded_back,
    a_refused_command_writes_nothing_and_says_why,
    a_batch_of_fifty_outcomes_is_one_command,
    concurrent_batches_on_one_chunk_are_all_kept_once,
    the_same_record_recorded_by_two_writers_is_kept_once,
    global_positions_follow_commit_order,
    reopening_the_store_keeps_every_event,
);

async fn a_run_is_stored_and_loaded_back(kind: Kind) {
    let test = TestStore::new(kind).await;

    let id = scenario::start_run(&test.store, 120).await;
    let run = test.store.load_migration(id).await.expect("load");

    assert_eq!(run.status(), Status::Transferring);
    assert_eq!(run.id(), Some(id));
    assert_eq!(run.lease_epoch(), 1);
    assert_eq!(run.settings(), Some(&scenario::companies_only()));
    assert_eq!(
        test.event_count().await,
        7,
        "six for the run, one chunk plan"
    );
}

async fn a_refused_command_writes_nothing_and_says_why(kind: Kind) {
    let test = TestStore::new(kind).await;
    let id = scenario::start_run(&test.store, 10).await;
    let before = test.event_count().await;

    let refused = test
        .store
        .migration(id, MigrationCommand::Confirm { at: t0() })
        .await;

    let Err(StoreError::Migration(MigrationError::NotAllowed { status, .. })) = &refused else {
        panic!("confirming a running transfer must be refused, got {refused:?}");
    };
    assert_eq!(*status, Status::Transferring);
    let message = refused.expect_err("refused").to_string();
    assert!(
        message.contains("cannot confirm while the migration is transferring"),
        "{message}"
    );
    assert_eq!(test.event_count().await, before);
}

async fn a_batch_of_fifty_outcomes_is_one_command(kind: Kind) {
    let test = TestStore::new(kind).await;
    let id = scenario::start_run(&test.store, 50).await;
    let before = test.event_count().await;

    scenario::record_companies(&test.store, id, 1, 50).await;

    assert_eq!(test.event_count().await, before + 50);
    let chunk = test
        .store
        .load_chunk(ChunkId::new(id, RecordKind::Company, 0))
        .await
        .expect("load chunk");
    assert_eq!(chunk.records().len(), 50);
    assert_eq!(
        chunk.records().get(&1),
        Some(&RecordState::Transferred("100001".to_owned()))
    );
    assert_eq!(chunk.records().get(&10), Some(&RecordState::Failed));
    assert_eq!(chunk.records().get(&7), Some(&RecordState::OutsidePeriod));
}

async fn concurrent_batches_on_one_chunk_are_all_kept_once(kind: Kind) {
    let test = TestStore::new(kind).await;
    let id = scenario::start_run(&test.store, 400).await;
    let store = test.store.clone();

    // Four writers, each with its own records, all aimed at chunk 0: they race on the same
    // stream and must lose no batch and double none.
    let writers: Vec<_> = (0..4u64)
        .map(|writer| {
            let store = store.clone();
            tokio::spawn(async move {
                for batch in 0..10u64 {
                    let first = 1 + writer * 100 + batch * 10;
                    send_batch(&store, id, first, 10)
                        .await
                        .expect("written after retries");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("writer finished");
    }

    let chunk = store
        .load_chunk(ChunkId::new(id, RecordKind::Company, 0))
        .await
        .expect("load");
    let expected: BTreeSet<u64> = (1..=400).collect();
    assert_eq!(
        chunk.records().keys().copied().collect::<BTreeSet<_>>(),
        expected
    );
}

async fn the_same_record_recorded_by_two_writers_is_kept_once(kind: Kind) {
    let test = TestStore::new(kind).await;
    let id = scenario::start_run(&test.store, 10).await;

    let first = send_batch(&test.store, id, 1, 5).await;
    let second = send_batch(&test.store, id, 3, 5).await;

    assert!(first.is_ok());
    let Err(StoreError::Chunk(ChunkError::AlreadySettled { amo_id, .. })) = second else {
        panic!("a record recorded twice must be refused, got {second:?}");
    };
    assert_eq!(amo_id, 3);
    let chunk = test
        .store
        .load_chunk(ChunkId::new(id, RecordKind::Company, 0))
        .await
        .expect("ok");
    assert_eq!(chunk.records().len(), 5);
}

async fn global_positions_follow_commit_order(kind: Kind) {
    let test = TestStore::new(kind).await;
    let id = scenario::start_run(&test.store, 200).await;
    scenario::record_companies(&test.store, id, 1, 200).await;

    let rows: Vec<(String, i64, i64)> = match test.store.backend() {
        migrator_store::Backend::Postgres(pool) => sqlx::query_as(
            "SELECT aggregate_id, sequence, global_position FROM events ORDER BY global_position",
        )
        .fetch_all(pool)
        .await
        .expect("read positions"),
        migrator_store::Backend::Sqlite(pool) => sqlx::query_as(
            "SELECT aggregate_id, sequence, global_position FROM events ORDER BY global_position",
        )
        .fetch_all(pool)
        .await
        .expect("read positions"),
    };

    assert_eq!(rows.len(), 207, "six for the run, one plan, 200 outcomes");
    let migration_events: Vec<i64> = rows
        .iter()
        .filter(|row| row.0 == id.to_string())
        .map(|row| row.1)
        .collect();
    assert_eq!(
        migration_events,
        (1..=6).collect::<Vec<_>>(),
        "the run's own events in order"
    );
    let chunk_sequences: Vec<i64> = rows
        .iter()
        .filter(|row| row.0 != id.to_string())
        .map(|row| row.1)
        .collect();
    assert_eq!(
        chunk_sequences,
        (1..=201).collect::<Vec<_>>(),
        "chunk events in order"
    );
}

async fn reopening_the_store_keeps_every_event(kind: Kind) {
    let test = TestStore::new(kind).await;
    let id = scenario::start_run(&test.store, 60).await;
    scenario::record_companies(&test.store, id, 1, 60).await;

    let reopened = Store::open(&test.url)
        .await
        .expect("reopen and re-apply the schema");

    let run = reopened.load_migration(id).await.expect("load");
    assert_eq!(run.status(), Status::Transferring);
    let chunk = reopened
        .load_chunk(ChunkId::new(id, RecordKind::Company, 0))
        .await
        .expect("ok");
    assert_eq!(chunk.records().len(), 60);
    reopened.close().await;
}

async fn send_batch(store: &Store, id: Uuid, first: u64, count: u64) -> Result<(), StoreError> {
    let outcomes: Vec<RecordOutcome> = (first..first + count).map(scenario::outcome_for).collect();
    let command = ChunkCommand::RecordBatch {
        migration_id: id,
        kind: RecordKind::Company,
        outcomes,
        at: t0(),
    };
    store
        .chunk(ChunkId::new(id, RecordKind::Company, 0), command)
        .await
}
