//! Moving (D1-D8): each chosen entity in dependency order, chunk by chunk, one Bitrix24
//! `batch` per command.

mod context;
mod crm;
mod events;
mod fields;
mod files;
mod pipelines;
mod tasks;
mod users;
mod walk;

use migrator_domain::plan::{Plan, check_pipeline_targets};
use migrator_domain::{Entity, Migration, Status};

use crate::error::RunnerError;
use crate::runner::Drive;

pub(crate) use context::Context;
pub(crate) use events::numeric_id;

/// How a transfer pass ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pass {
    /// Every chosen entity is complete.
    Done,
    /// A person paused or cancelled the run meanwhile; it stopped between two batches.
    Stopped,
}

/// Refuses a pipeline choice the portal's plan does not allow (B6), before anything is
/// written to the portal.
pub(crate) async fn check_plan(
    drive: &Drive<'_>,
    migration: &Migration,
) -> Result<(), RunnerError> {
    let Some(settings) = migration.settings() else {
        return Ok(());
    };
    if !settings.entities.contains(&Entity::Pipelines) {
        return Ok(());
    }
    let b24 = &drive.runner.services.b24;

    let info = b24.adopt_plan().await?;
    let plan = Plan::from_app_info(
        info.license.as_deref().unwrap_or_default(),
        info.license_previous.as_deref(),
    );
    let existing: Vec<u64> = b24
        .list_deal_categories()
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    let pipelines = drive.runner.services.amo.pipelines().await?;
    let targets: Vec<_> = pipelines
        .iter()
        .map(|pipeline| {
            let id = crate::source::id(pipeline.id);
            settings.pipeline_target(id, pipeline.is_main)
        })
        .collect();

    check_pipeline_targets(&plan, &existing, targets)?;
    Ok(())
}

/// Moves every entity that is not complete yet.
pub(crate) async fn run(drive: &Drive<'_>, migration: &Migration) -> Result<Pass, RunnerError> {
    let Some(settings) = migration.settings() else {
        return Ok(Pass::Done);
    };

    for entity in settings.entities_in_order() {
        if migration.completed().contains(&entity) {
            continue;
        }
        let total = migration
            .counts()
            .get(&entity)
            .map_or(0, |count| count.total);
        drive
            .runner
            .progress
            .phase(&format!("moving {entity}"), total);

        let pass = match entity {
            Entity::Users => users::run(drive, migration).await?,
            Entity::Pipelines => pipelines::run(drive, migration).await?,
            Entity::Companies | Entity::Contacts | Entity::Deals => {
                let context = Context::build(drive, migration).await?;
                crm::run(drive, migration, entity, &context).await?
            }
            Entity::Events | Entity::Tasks => {
                let mut context = Context::build(drive, migration).await?;
                events::with_deals(drive, migration, &mut context).await?;
                if entity == Entity::Events {
                    events::run(drive, migration, &context).await?
                } else {
                    tasks::run(drive, migration, &context).await?
                }
            }
        };
        if pass == Pass::Stopped {
            return Ok(Pass::Stopped);
        }

        let complete = migrator_domain::MigrationCommand::CompleteEntity {
            epoch: drive.epoch,
            entity,
            at: chrono::Utc::now(),
        };
        drive.runner.command(drive.id, complete).await?;
    }
    Ok(Pass::Done)
}

/// Whether the run is still meant to move records (a person may have paused or cancelled it
/// from elsewhere); checked between batches.
pub(crate) async fn still_moving(drive: &Drive<'_>) -> Result<bool, RunnerError> {
    Ok(drive.runner.load(drive.id).await?.status() == Status::Transferring)
}

/// The numeric id of a stage recorded as `<id>/<STATUS_ID>`.
pub(crate) fn stage_numeric_id(b24_id: &str) -> u64 {
    b24_id
        .split_once('/')
        .and_then(|(id, _)| id.parse().ok())
        .unwrap_or_default()
}
