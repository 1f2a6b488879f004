//! The `Chunk` aggregate (H2, H3, E5): batches of 1 to 50 outcomes, one outcome per record
//! and run, a fixed capacity, rollback of moved records once each; the chunk id's text form;
//! and chunk events as stored (JSON round trip, type names, version).

mod support;

use std::collections::BTreeSet;

use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use migrator_domain::chunk::{
    BATCH_LIMIT, CHUNK_CAPACITY, CHUNK_EVENT_VERSION, FailureCode, NotAChunkId, RecordOutcome,
    RecordState, RolledBack,
};
use migrator_domain::{Chunk, ChunkCommand, ChunkError, ChunkEvent, ChunkId, RecordKind};
use serde_json::json;
use support::{at, migration_id, other_migration_id};

/// The kind of record the chunk holds.
const KIND: RecordKind = RecordKind::Contact;

/// A record moved as `C<amo id>`.
fn moved(amo_id: u64) -> RecordOutcome {
    RecordOutcome::Transferred {
        amo_id,
        b24_id: format!("C{amo_id}"),
        created: true,
    }
}

/// A record refused by the portal for an invalid e-mail.
fn failed(amo_id: u64) -> RecordOutcome {
    RecordOutcome::Failed {
        amo_id,
        code: FailureCode::InvalidValue,
        message: "e-mail \"ivan@\" is not an address".to_owned(),
    }
}

/// One batch of outcomes for this chunk's run and kind.
fn record(outcomes: Vec<RecordOutcome>) -> ChunkCommand {
    ChunkCommand::RecordBatch {
        migration_id: migration_id(),
        kind: KIND,
        outcomes,
        at: at(100),
    }
}

/// One rollback batch deleting these records, none found gone.
fn roll_back(amo_ids: impl IntoIterator<Item = u64>) -> ChunkCommand {
    let records = amo_ids.into_iter().map(|amo_id| RolledBack {
        amo_id,
        already_gone: false,
    });
    ChunkCommand::RollBackBatch {
        migration_id: migration_id(),
        kind: KIND,
        records: records.collect(),
        at: at(200),
    }
}

/// The event of a record moved as `C<amo id>`.
fn transferred_event(amo_id: u64) -> ChunkEvent {
    ChunkEvent::RecordTransferred {
        migration_id: migration_id(),
        kind: KIND,
        amo_id,
        b24_id: format!("C{amo_id}"),
        created: true,
        at: at(100),
    }
}

/// The event of a moved record deleted by a rollback.
fn rolled_back_event(amo_id: u64, already_gone: bool) -> ChunkEvent {
    ChunkEvent::RecordRolledBack {
        migration_id: migration_id(),
        kind: KIND,
        amo_id,
        b24_id: format!("C{amo_id}"),
        already_gone,
        at: at(200),
    }
}

/// A chunk in which records 1 to 4 were moved, 5 failed, 6 fell outside the period and 4 was
/// rolled back.
fn settled_history() -> Vec<ChunkEvent> {
    let mut history = vec![planned()];
    history.extend((1..=4).map(transferred_event));
    history.push(ChunkEvent::RecordFailed {
        migration_id: migration_id(),
        kind: KIND,
        amo_id: 5,
        code: FailureCode::MissingReference,
        message: "company 77 does not exist".to_owned(),
        at: at(100),
    });
    history.push(ChunkEvent::RecordLeftOutsidePeriod {
        migration_id: migration_id(),
        kind: KIND,
        amo_id: 6,
        at: at(100),
    });
    history.push(rolled_back_event(4, false));
    history
}

/// The plan every test chunk starts from: records 1 to `CHUNK_CAPACITY`.
fn planned() -> ChunkEvent {
    ChunkEvent::ChunkPlanned {
        migration_id: migration_id(),
        kind: KIND,
        amo_ids: (1..=CHUNK_CAPACITY as u64).collect(),
        at: at(10),
    }
}

/// Runs `command` against a chunk whose past is `history`, planned first if it is not.
async fn decide(
    mut history: Vec<ChunkEvent>,
    command: ChunkCommand,
) -> Result<Vec<ChunkEvent>, ChunkError> {
    if !matches!(history.first(), Some(ChunkEvent::ChunkPlanned { .. })) {
        history.insert(0, planned());
    }
    TestFramework::<Chunk>::with(())
        .given(history)
        .when_async(command)
        .await
        .inspect_result()
}

/// The chunk rebuilt from `history`.
fn replay(history: Vec<ChunkEvent>) -> Chunk {
    let mut chunk = Chunk::default();
    for event in history {
        chunk.apply(event);
    }
    chunk
}

#[tokio::test]
async fn a_batch_of_one_is_recorded() {
    TestFramework::<Chunk>::with(())
        .given(vec![planned()])
        .when_async(record(vec![moved(1)]))
        .await
        .then_expect_events(vec![transferred_event(1)]);
}

#[tokio::test]
async fn a_batch_records_each_kind_of_outcome_in_its_order() {
    let outcomes = vec![
        moved(3),
        failed(1),
        RecordOutcome::OutsidePeriod { amo_id: 2 },
    ];

    TestFramework::<Chunk>::with(())
        .given(vec![planned()])
        .when_async(record(outcomes))
        .await
        .then_expect_events(vec![
            transferred_event(3),
            ChunkEvent::RecordFailed {
                migration_id: migration_id(),
                kind: KIND,
                amo_id: 1,
                code: FailureCode::InvalidValue,
                message: "e-mail \"ivan@\" is not an address".to_owned(),
                at: at(100),
            },
            ChunkEvent::RecordLeftOutsidePeriod {
                migration_id: migration_id(),
                kind: KIND,
                amo_id: 2,
                at: at(100),
            },
        ]);
}

#[tokio::test]
async fn a_batch_of_fifty_is_recorded() {
    let outcomes: Vec<RecordOutcome> = (1..=50).map(moved).collect();

    TestFramework::<Chunk>::with(())
        .given(vec![planned()])
        .when_async(record(outcomes))
        .await
        .then_expect_events((1..=50).map(transferred_event).collect());
    assert_eq!(BATCH_LIMIT, 50);
}

#[tokio::test]
async fn an_empty_batch_is_refused() {
    TestFramework::<Chunk>::with(())
        .given(vec![planned()])
        .when_async(record(Vec::new()))
        .await
        .then_expect_error(ChunkError::EmptyBatch);
}

#[tokio::test]
async fn a_batch_of_fifty_one_is_refused() {
    TestFramework::<Chunk>::with(())
        .given(vec![planned()])
        .when_async(record((1..=51).map(moved).collect()))
        .await
        .then_expect_error(ChunkError::BatchTooLarge {
            size: 51,
            limit: 50,
        });
}

#[tokio::test]
async fn a_record_twice_in_one_batch_is_refused() {
    TestFramework::<Chunk>::with(())
        .given(vec![planned()])
        .when_async(record(vec![moved(1), moved(2), failed(1)]))
        .await
        .then_expect_error(ChunkError::DuplicateInBatch { amo_id: 1 });
}

#[tokio::test]
async fn a_record_that_has_an_outcome_cannot_get_another_so_nothing_moves_twice() {
    let cases = [
        (1, "transferred"),
        (5, "failed"),
        (6, "outside the period"),
        (4, "rolled back"),
    ];

    for (amo_id, outcome) in cases {
        let batch = record(vec![moved(10), moved(amo_id)]);

        let result = decide(settled_history(), batch).await;

        assert_eq!(
            result,
            Err(ChunkError::AlreadySettled { amo_id, outcome }),
            "re-recording a record that is {outcome}"
        );
    }
}

#[tokio::test]
async fn a_batch_for_another_migration_is_refused() {
    let batch = ChunkCommand::RecordBatch {
        migration_id: other_migration_id(),
        kind: KIND,
        outcomes: vec![moved(10)],
        at: at(300),
    };

    TestFramework::<Chunk>::with(())
        .given(settled_history())
        .when_async(batch)
        .await
        .then_expect_error(ChunkError::WrongChunk {
            held_migration: migration_id(),
            held_kind: KIND,
            migration_id: other_migration_id(),
            kind: KIND,
        });
}

#[tokio::test]
async fn a_batch_of_another_kind_of_record_is_refused() {
    let batch = ChunkCommand::RecordBatch {
        migration_id: migration_id(),
        kind: RecordKind::Company,
        outcomes: vec![moved(10)],
        at: at(300),
    };

    TestFramework::<Chunk>::with(())
        .given(settled_history())
        .when_async(batch)
        .await
        .then_expect_error(ChunkError::WrongChunk {
            held_migration: migration_id(),
            held_kind: KIND,
            migration_id: migration_id(),
            kind: RecordKind::Company,
        });
}

#[tokio::test]
async fn a_chunk_filled_to_capacity_by_batches_refuses_any_record_outside_its_plan() {
    let mut history = Vec::new();
    for batch in 0..(CHUNK_CAPACITY / BATCH_LIMIT) as u64 {
        let first = batch * BATCH_LIMIT as u64 + 1;
        let outcomes = (first..first + BATCH_LIMIT as u64).map(moved).collect();
        let events = decide(history.clone(), record(outcomes)).await;
        history.extend(events.unwrap_or_else(|error| panic!("batch {batch} refused: {error}")));
    }

    let one_more = decide(history.clone(), record(vec![moved(5_000)])).await;

    assert_eq!(replay(history).records().len(), CHUNK_CAPACITY);
    assert_eq!(one_more, Err(ChunkError::NotInPlan { amo_id: 5_000 }));
}

#[tokio::test]
async fn a_batch_reaching_past_the_plan_is_refused_whole_and_one_within_it_passes() {
    let held = CHUNK_CAPACITY as u64 - 10;
    let history: Vec<ChunkEvent> = (1..=held).map(transferred_event).collect();

    let eleven = decide(
        history.clone(),
        record((held + 1..=held + 11).map(moved).collect()),
    )
    .await;
    let ten = decide(history, record((held + 1..=held + 10).map(moved).collect())).await;

    assert_eq!(eleven, Err(ChunkError::NotInPlan { amo_id: 1_001 }));
    assert_eq!(ten.map(|events| events.len()), Ok(10));
}

#[tokio::test]
async fn rollback_of_a_moved_record_names_the_portal_id_it_deleted() {
    TestFramework::<Chunk>::with(())
        .given(settled_history())
        .when_async(roll_back([2, 1]))
        .await
        .then_expect_events(vec![
            rolled_back_event(2, false),
            rolled_back_event(1, false),
        ]);
}

#[tokio::test]
async fn rollback_records_that_the_portal_had_already_lost_the_record() {
    let command = ChunkCommand::RollBackBatch {
        migration_id: migration_id(),
        kind: KIND,
        records: vec![RolledBack {
            amo_id: 3,
            already_gone: true,
        }],
        at: at(200),
    };

    TestFramework::<Chunk>::with(())
        .given(settled_history())
        .when_async(command)
        .await
        .then_expect_events(vec![rolled_back_event(3, true)]);
}

#[tokio::test]
async fn rollback_of_a_record_never_moved_is_refused() {
    for amo_id in [5, 6, 99] {
        let result = decide(settled_history(), roll_back([1, amo_id])).await;

        assert_eq!(
            result,
            Err(ChunkError::NotTransferred { amo_id }),
            "record {amo_id}"
        );
    }
}

#[tokio::test]
async fn rollback_of_a_record_already_rolled_back_is_refused() {
    TestFramework::<Chunk>::with(())
        .given(settled_history())
        .when_async(roll_back([1, 4]))
        .await
        .then_expect_error(ChunkError::AlreadyRolledBack { amo_id: 4 });
}

#[tokio::test]
async fn rollback_batches_obey_the_batch_rules() {
    let wrong_kind = ChunkCommand::RollBackBatch {
        migration_id: migration_id(),
        kind: RecordKind::Deal,
        records: vec![RolledBack {
            amo_id: 1,
            already_gone: false,
        }],
        at: at(200),
    };
    let cases = [
        ("empty", roll_back([]), ChunkError::EmptyBatch),
        (
            "51 records",
            roll_back(1..=51),
            ChunkError::BatchTooLarge {
                size: 51,
                limit: 50,
            },
        ),
        (
            "a duplicate",
            roll_back([1, 2, 1]),
            ChunkError::DuplicateInBatch { amo_id: 1 },
        ),
        (
            "another kind",
            wrong_kind,
            ChunkError::WrongChunk {
                held_migration: migration_id(),
                held_kind: KIND,
                migration_id: migration_id(),
                kind: RecordKind::Deal,
            },
        ),
    ];

    for (name, command, error) in cases {
        let result = decide(settled_history(), command).await;

        assert_eq!(result, Err(error), "rollback batch with {name}");
    }
}

#[test]
fn a_chunk_lists_each_record_once_and_only_moved_ones_as_transferred() {
    let chunk = replay(settled_history());

    let transferred: Vec<(u64, &str)> = chunk.transferred().collect();

    assert_eq!(transferred, [(1, "C1"), (2, "C2"), (3, "C3")]);
    assert_eq!(chunk.records().len(), 6);
    assert_eq!(chunk.records().get(&4), Some(&RecordState::RolledBack));
    assert_eq!(chunk.records().get(&5), Some(&RecordState::Failed));
    assert_eq!(chunk.records().get(&6), Some(&RecordState::OutsidePeriod));
}

#[tokio::test]
async fn a_transfer_without_a_portal_id_is_refused() {
    let outcome = RecordOutcome::Transferred {
        amo_id: 1,
        b24_id: String::new(),
        created: true,
    };

    let result = decide(Vec::new(), record(vec![outcome])).await;

    assert!(
        result.is_err(),
        "a transfer with no portal id was recorded: {result:?}"
    );
}

#[test]
fn a_chunk_id_reads_back_from_its_text_for_every_kind() {
    for (index, kind) in RecordKind::ALL.into_iter().enumerate() {
        let id = ChunkId::new(migration_id(), kind, index as u32 * 1_000);

        let text = id.to_string();

        assert_eq!(text.parse::<ChunkId>(), Ok(id), "{text}");
    }
}

#[test]
fn a_chunk_id_is_written_as_migration_kind_and_index() {
    let id = ChunkId::new(migration_id(), RecordKind::Note, 7);

    assert_eq!(id.to_string(), format!("{}:events:7", migration_id()));
}

#[test]
fn text_that_does_not_name_a_chunk_is_refused_and_quoted() {
    let id = migration_id();
    let bad = [
        String::new(),
        "not a chunk".to_owned(),
        format!("{id}:contacts"),
        format!("{id}:contacts:1:2"),
        format!("{id}:contact:1"),
        format!("{id}:contacts:-1"),
        format!("{id}:contacts:4294967296"),
        "5eed:contacts:1".to_owned(),
        format!("{id}::1"),
    ];

    for text in bad {
        let error = text.parse::<ChunkId>().expect_err(&text);

        assert_eq!(error, NotAChunkId(text.clone()));
        assert!(error.to_string().contains(&format!("{text:?}")), "{error}");
    }
}

/// One event of every type, with every failure code.
fn chunk_samples() -> Vec<ChunkEvent> {
    let codes = [
        FailureCode::UnsupportedValue,
        FailureCode::InvalidValue,
        FailureCode::MissingReference,
        FailureCode::ParentNotMoved,
        FailureCode::RejectedByPortal,
        FailureCode::FileUnavailable,
        FailureCode::TooLarge,
    ];
    let mut events = settled_history();
    events.push(rolled_back_event(3, true));
    for (amo_id, code) in (100..).zip(codes) {
        events.push(ChunkEvent::RecordFailed {
            migration_id: migration_id(),
            kind: RecordKind::File,
            amo_id,
            code,
            message: format!("reason {}", code.as_str()),
            at: at(100),
        });
    }
    events
}

#[test]
fn every_chunk_event_round_trips_through_json_and_is_named_after_its_variant() {
    let mut names = BTreeSet::new();

    for event in chunk_samples() {
        let stored = serde_json::to_value(&event).expect("an event serializes");
        let read: ChunkEvent = serde_json::from_value(stored.clone()).expect("it reads back");
        let tags: Vec<&String> = stored.as_object().expect("an object").keys().collect();

        assert_eq!(read, event);
        assert_eq!(tags, [&event.event_type()]);
        assert_eq!(event.event_version(), CHUNK_EVENT_VERSION);
        names.insert(event.event_type());
    }
    let expected = [
        "ChunkPlanned",
        "RecordFailed",
        "RecordLeftOutsidePeriod",
        "RecordRolledBack",
        "RecordTransferred",
    ];
    assert_eq!(names, expected.map(str::to_owned).into());
}

#[test]
fn a_failure_keeps_the_json_shape_stored_streams_hold() {
    let event = ChunkEvent::RecordFailed {
        migration_id: migration_id(),
        kind: RecordKind::Deal,
        amo_id: 31,
        code: FailureCode::ParentNotMoved,
        message: "its pipeline was not moved".to_owned(),
        at: at(0),
    };

    let stored = serde_json::to_value(&event).expect("an event serializes");

    assert_eq!(
        stored,
        json!({ "RecordFailed": {
            "migration_id": migration_id().to_string(),
            "kind": "deals",
            "amo_id": 31,
            "code": "parent_not_moved",
            "message": "its pipeline was not moved",
            "at": "2026-03-02T09:00:00Z"
        }})
    );
    assert_eq!(event.amo_id(), 31);
}

#[test]
fn failure_codes_are_stored_under_the_names_they_are_exported_with() {
    for event in chunk_samples() {
        if let ChunkEvent::RecordFailed { code, .. } = event {
            let stored = serde_json::to_value(code).expect("a code serializes");

            assert_eq!(stored, json!(code.as_str()));
        }
    }
}

fn plan(amo_ids: Vec<u64>) -> ChunkCommand {
    ChunkCommand::Plan {
        migration_id: migration_id(),
        kind: KIND,
        amo_ids,
        at: at(5),
    }
}

#[tokio::test]
async fn planning_fixes_the_records_of_the_chunk_in_listing_order() {
    TestFramework::<Chunk>::with(())
        .given_no_previous_events()
        .when_async(plan(vec![30, 10, 20]))
        .await
        .then_expect_events(vec![ChunkEvent::ChunkPlanned {
            migration_id: migration_id(),
            kind: KIND,
            amo_ids: vec![30, 10, 20],
            at: at(5),
        }]);
}

#[tokio::test]
async fn a_plan_with_no_record_too_many_or_one_twice_is_refused() {
    let over = (1..=CHUNK_CAPACITY as u64 + 1).collect();

    for (amo_ids, words) in [
        (vec![], "names no record"),
        (over, "exceed"),
        (vec![4, 5, 4], "4 twice"),
    ] {
        let result = TestFramework::<Chunk>::with(())
            .given_no_previous_events()
            .when_async(plan(amo_ids))
            .await
            .inspect_result();

        let Err(ChunkError::BadPlan { problem }) = result else {
            panic!("a bad plan was accepted: {result:?}");
        };
        assert!(problem.contains(words), "{problem}");
    }
}

#[tokio::test]
async fn a_recount_may_plan_a_chunk_again_until_it_holds_an_outcome() {
    let again = decide(vec![planned()], plan(vec![1, 2])).await;
    let after_outcome = decide(vec![planned(), transferred_event(1)], plan(vec![1, 2])).await;

    assert!(again.is_ok(), "{again:?}");
    assert_eq!(
        after_outcome,
        Err(ChunkError::AlreadyStarted { outcomes: 1 })
    );
}

#[tokio::test]
async fn outcomes_for_a_chunk_never_planned_are_refused() {
    let result = TestFramework::<Chunk>::with(())
        .given_no_previous_events()
        .when_async(record(vec![moved(1)]))
        .await
        .inspect_result();

    assert_eq!(result, Err(ChunkError::NotPlanned));
}

#[tokio::test]
async fn pending_lists_the_planned_records_without_an_outcome_in_plan_order() {
    let chunk = replay(vec![
        ChunkEvent::ChunkPlanned {
            migration_id: migration_id(),
            kind: KIND,
            amo_ids: vec![9, 3, 7, 5],
            at: at(5),
        },
        transferred_event(3),
        transferred_event(5),
    ]);

    assert_eq!(chunk.pending().collect::<Vec<_>>(), vec![9, 7]);
}

#[tokio::test]
async fn a_matched_record_counts_as_transferred_but_a_rollback_leaves_it() {
    let matched = RecordOutcome::Transferred {
        amo_id: 8,
        b24_id: "U8".to_owned(),
        created: false,
    };
    let events = decide(Vec::new(), record(vec![matched]))
        .await
        .expect("recorded");
    let mut history = vec![planned()];
    history.extend(events);

    let chunk = replay(history.clone());
    let rollback = decide(history, roll_back([8])).await;

    assert_eq!(
        chunk.records().get(&8),
        Some(&RecordState::Matched("U8".to_owned()))
    );
    assert_eq!(chunk.transferred().count(), 0);
    assert_eq!(rollback, Err(ChunkError::NotTransferred { amo_id: 8 }));
}
