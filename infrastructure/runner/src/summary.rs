//! The balance of a run (H3): for every entity, counted = moved + failed + outside the period.

use std::collections::BTreeMap;

use migrator_domain::chunk::RecordState;
use migrator_domain::migration::EntityTally;
use migrator_domain::{Migration, Status};
use migrator_store::Store;
use serde::Serialize;
use uuid::Uuid;

use crate::chunks::{chunk_count, load_all};
use crate::error::RunnerError;

/// One entity's line of the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EntityLine {
    /// Records in the account.
    pub counted: u64,
    /// Of those, inside the period.
    pub in_period: u64,
    /// On the portal: created, or matched to what was there.
    pub transferred: u64,
    /// Could not be moved; each is in the failure list with its reason.
    pub failed: u64,
    /// Left in amoCRM by the period.
    pub outside_period: u64,
    /// Deleted by a rollback.
    pub rolled_back: u64,
    /// Whether counted = transferred + failed + outside the period (+ rolled back).
    pub balanced: bool,
}

/// Where a run stands and how every entity balances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The run.
    pub migration_id: Uuid,
    /// Its status.
    pub status: String,
    /// What interrupted it, while interrupted.
    pub interruption: Option<String>,
    /// Per entity.
    pub entities: BTreeMap<String, EntityLine>,
}

/// Builds the summary from the run and its chunks.
pub(crate) async fn build(
    store: &Store,
    id: Uuid,
    migration: &Migration,
) -> Result<Summary, RunnerError> {
    let mut entities = BTreeMap::new();
    for (entity, count) in migration.counts() {
        let chunks = load_all(store, id, entity.primary_kind(), chunk_count(count.total)).await?;
        let mut line = EntityLine {
            counted: count.total,
            in_period: count.in_period,
            ..EntityLine::default()
        };
        for state in chunks
            .iter()
            .flat_map(|(_, chunk)| chunk.records().values())
        {
            match state {
                RecordState::Transferred(_) | RecordState::Matched(_) => line.transferred += 1,
                RecordState::Failed => line.failed += 1,
                RecordState::OutsidePeriod => line.outside_period += 1,
                RecordState::RolledBack => line.rolled_back += 1,
            }
        }
        line.balanced =
            line.counted == line.transferred + line.failed + line.outside_period + line.rolled_back;
        entities.insert(entity.as_str().to_owned(), line);
    }

    let interruption = match migration.status() {
        Status::Interrupted => migration
            .interruption()
            .map(|(_, reason)| reason.to_string()),
        _ => None,
    };
    Ok(Summary {
        migration_id: id,
        status: migration.status().as_str().to_owned(),
        interruption,
        entities,
    })
}

/// The tallies a finished transfer records.
pub(crate) async fn tallies(
    store: &Store,
    id: Uuid,
    migration: &Migration,
) -> Result<Vec<EntityTally>, RunnerError> {
    let summary = build(store, id, migration).await?;
    Ok(migration
        .counts()
        .keys()
        .filter_map(|entity| {
            let line = summary.entities.get(entity.as_str())?;
            Some(EntityTally {
                entity: *entity,
                counted: line.counted,
                in_period: line.in_period,
                transferred: line.transferred,
                failed: line.failed,
                outside_period: line.outside_period,
            })
        })
        .collect())
}
