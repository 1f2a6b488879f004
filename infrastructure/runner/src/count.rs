//! Counting (C1): every chosen entity, total and inside the period, with its chunks planned
//! as the records stream by.
//!
//! Events are the notes of deals, contacts and companies, planned together as one kind: the
//! engine relies on amoCRM numbering notes once across the three collections (a note id seen
//! twice is planned once).

use chrono::{TimeZone, Utc};
use futures::{Stream, StreamExt};
use migrator_amocrm::models::Record;
use migrator_amocrm::models::common::EntityKind;
use migrator_amocrm::{AmoError, ListQuery, Period};
use migrator_domain::{Entity, Migration, MigrationCommand};

use crate::chunks::Planner;
use crate::error::RunnerError;
use crate::runner::Drive;

/// Counts and plans every chosen entity not counted yet (a resumed count skips the others).
pub(crate) async fn run(drive: &Drive<'_>, migration: &Migration) -> Result<(), RunnerError> {
    let Some(settings) = migration.settings() else {
        return Err(RunnerError::UnknownMigration(drive.id));
    };
    let period = settings.period.map(|period| {
        let at = |seconds| Utc.timestamp_opt(seconds, 0).single().unwrap_or_default();
        Period::new(at(period.start_timestamp()), at(period.end_timestamp()))
    });
    let amo = &drive.runner.services.amo;

    for entity in settings.entities_in_order() {
        if migration.counts().contains_key(&entity) {
            continue;
        }
        drive
            .runner
            .progress
            .phase(&format!("counting {entity}"), 0);
        let mut planner = Planner::new(drive.runner.store(), drive.id, entity.primary_kind());

        let (total, in_period) = match entity {
            Entity::Users => plan(&mut planner, amo.users(), None).await?,
            Entity::Companies => {
                plan(&mut planner, amo.companies(ListQuery::new()), period).await?
            }
            Entity::Contacts => plan(&mut planner, amo.contacts(ListQuery::new()), period).await?,
            Entity::Deals => plan(&mut planner, amo.leads(ListQuery::new()), period).await?,
            Entity::Pipelines => {
                let mut total = 0;
                for pipeline in amo.pipelines().await? {
                    if planner.push(crate::source::id(pipeline.id)).await? {
                        total += 1;
                    }
                }
                (total, total)
            }
            Entity::Events => {
                let (mut total, mut inside) = (0, 0);
                for collection in [
                    EntityKind::Leads,
                    EntityKind::Contacts,
                    EntityKind::Companies,
                ] {
                    let notes = amo.notes(collection, ListQuery::new());
                    let (more, more_inside) = plan(&mut planner, notes, period).await?;
                    total += more;
                    inside += more_inside;
                }
                (total, inside)
            }
            Entity::Tasks => plan(&mut planner, amo.tasks(ListQuery::new()), period).await?,
        };
        planner.finish().await?;

        let count = MigrationCommand::RecordCount {
            epoch: drive.epoch,
            entity,
            total,
            in_period,
            at: Utc::now(),
        };
        drive.runner.command(drive.id, count).await?;
        tracing::info!(migration = %drive.id, %entity, total, in_period, "counted");
    }
    Ok(())
}

/// Plans every record of the stream; returns (records, records inside the period). Without a
/// period every record is inside it.
async fn plan<T: Record>(
    planner: &mut Planner<'_>,
    records: impl Stream<Item = Result<T, AmoError>>,
    period: Option<Period>,
) -> Result<(u64, u64), RunnerError> {
    let mut records = std::pin::pin!(records);
    let (mut total, mut inside) = (0, 0);

    while let Some(record) = records.next().await {
        let record = record?;
        let Ok(amo_id) = record.record_id().parse::<u64>() else {
            continue;
        };
        if !planner.push(amo_id).await? {
            continue;
        }
        total += 1;
        let in_period = match (period, record.created_at()) {
            (None, _) => true,
            (Some(period), Some(created)) => period.contains(created),
            (Some(_), None) => false,
        };
        if in_period {
            inside += 1;
        }
    }
    Ok((total, inside))
}
