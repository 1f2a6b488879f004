//! Runs written through the real command path, for tests and benchmarks.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use migrator_domain::chunk::{FailureCode, RecordOutcome, RolledBack};
use migrator_domain::migration::EntityTally;
use migrator_domain::{
    ChunkCommand, ChunkId, Entity, MigrationCommand, Period, RecordKind, Settings,
};
use migrator_store::Store;
use uuid::Uuid;

/// A fixed instant, so that tests do not depend on the clock.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0)
        .single()
        .expect("a valid instant")
}

/// Settings moving the companies created in 2025.
pub fn companies_only() -> Settings {
    let period = Period::new(day("2025-01-01"), day("2025-12-31")).expect("a valid period");
    Settings::new([Entity::Companies], Some(period), true, BTreeMap::new())
        .expect("valid settings")
        .0
}

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a valid day")
}

/// How many of companies `1..=total` fall inside the period under [`outcome_for`].
pub fn in_period(total: u64) -> u64 {
    total - expected_outcomes(total).2
}

/// Configures a run for companies, counts `total` companies (those [`outcome_for`] leaves
/// outside the period are counted outside it), takes lease epoch 1 and starts the transfer.
pub async fn start_run(store: &Store, total: u64) -> Uuid {
    let in_period = in_period(total);
    let id = Uuid::new_v4();
    let commands = [
        MigrationCommand::Configure {
            migration_id: id,
            portal: "portal-member-1".to_owned(),
            account: "company.amocrm.ru".to_owned(),
            settings: companies_only(),
            requested_by: "test".to_owned(),
            at: t0(),
        },
        MigrationCommand::AcquireLease {
            worker: "worker-1".to_owned(),
            epoch: 1,
            at: t0(),
        },
        MigrationCommand::StartCounting { at: t0() },
        MigrationCommand::RecordCount {
            epoch: 1,
            entity: Entity::Companies,
            total,
            in_period,
            at: t0(),
        },
        MigrationCommand::FinishCounting { epoch: 1, at: t0() },
        MigrationCommand::StartTransfer {
            at: t0() + Duration::seconds(1),
        },
    ];
    let (counting, transfer) = commands.split_at(4);
    for command in counting {
        let accepted = store.migration(id, command.clone()).await;
        accepted.expect("the run accepts its set-up");
    }
    plan_companies(store, id, total).await;
    for command in transfer {
        let accepted = store.migration(id, command.clone()).await;
        accepted.expect("the run accepts its set-up");
    }
    id
}

/// Plans companies `1..=total` of run `id` into chunks of 1,000, as counting does.
pub async fn plan_companies(store: &Store, id: Uuid, total: u64) {
    let ids: Vec<u64> = (1..=total).collect();
    for (index, slice) in ids.chunks(1_000).enumerate() {
        let chunk = ChunkId::new(id, RecordKind::Company, u32::try_from(index).expect("fits"));
        let plan = ChunkCommand::Plan {
            migration_id: id,
            kind: RecordKind::Company,
            amo_ids: slice.to_vec(),
            at: t0(),
        };
        store
            .chunk(chunk, plan)
            .await
            .expect("the chunk takes its plan");
    }
}

/// The outcome the scenarios give amoCRM record `amo_id`: every 10th fails, every 7th (that
/// does not fail) is outside the period, the rest move to Bitrix24 id `amo_id + 100000`.
pub fn outcome_for(amo_id: u64) -> RecordOutcome {
    if amo_id % 10 == 0 {
        RecordOutcome::Failed {
            amo_id,
            code: FailureCode::InvalidValue,
            message: format!("Некорректный email: broken{amo_id}@"),
        }
    } else if amo_id % 7 == 0 {
        RecordOutcome::OutsidePeriod { amo_id }
    } else {
        RecordOutcome::Transferred {
            amo_id,
            b24_id: (amo_id + 100_000).to_string(),
            created: true,
        }
    }
}

/// Records companies `first..first + count` of run `id` in batches of 50, in the chunks a
/// runner would use (1,000 records per chunk, by position).
pub async fn record_companies(store: &Store, id: Uuid, first: u64, count: u64) {
    let ids: Vec<u64> = (first..first + count).collect();
    for batch in ids.chunks(50) {
        let chunk = ChunkId::new(id, RecordKind::Company, chunk_index(batch[0]));
        let command = ChunkCommand::RecordBatch {
            migration_id: id,
            kind: RecordKind::Company,
            outcomes: batch.iter().copied().map(outcome_for).collect(),
            at: t0() + Duration::seconds(2),
        };
        store
            .chunk(chunk, command)
            .await
            .expect("the chunk accepts the batch");
    }
}

/// The chunk a record at 1-based position `amo_id` belongs to.
pub fn chunk_index(amo_id: u64) -> u32 {
    u32::try_from((amo_id - 1) / 1_000).expect("fits")
}

/// Rolls back the given transferred companies of run `id`, one batch per chunk slice.
pub async fn roll_back_companies(store: &Store, id: Uuid, amo_ids: &[u64]) {
    for batch in amo_ids.chunks(50) {
        let chunk = ChunkId::new(id, RecordKind::Company, chunk_index(batch[0]));
        let command = ChunkCommand::RollBackBatch {
            migration_id: id,
            kind: RecordKind::Company,
            records: batch
                .iter()
                .map(|amo_id| RolledBack {
                    amo_id: *amo_id,
                    already_gone: amo_id % 3 == 0,
                })
                .collect(),
            at: t0() + Duration::seconds(3),
        };
        store
            .chunk(chunk, command)
            .await
            .expect("the chunk accepts the rollback");
    }
}

/// What [`outcome_for`] gives records `1..=total`: (transferred, failed, outside).
pub fn expected_outcomes(total: u64) -> (u64, u64, u64) {
    let mut tally = (0, 0, 0);
    for amo_id in 1..=total {
        match outcome_for(amo_id) {
            RecordOutcome::Transferred { .. } => tally.0 += 1,
            RecordOutcome::Failed { .. } => tally.1 += 1,
            RecordOutcome::OutsidePeriod { .. } => tally.2 += 1,
        }
    }
    tally
}

/// Finishes run `id` whose companies `1..=total` were recorded with [`record_companies`].
pub async fn finish_run(store: &Store, id: Uuid, total: u64) {
    let (transferred, failed, outside_period) = expected_outcomes(total);
    let in_period = in_period(total);
    let complete = MigrationCommand::CompleteEntity {
        epoch: 1,
        entity: Entity::Companies,
        at: t0(),
    };
    store
        .migration(id, complete)
        .await
        .expect("companies complete");
    let tallies = vec![EntityTally {
        entity: Entity::Companies,
        counted: total,
        in_period,
        transferred,
        failed,
        outside_period,
    }];
    store
        .migration(
            id,
            MigrationCommand::FinishTransfer {
                epoch: 1,
                tallies,
                at: t0(),
            },
        )
        .await
        .expect("the run finishes");
}
