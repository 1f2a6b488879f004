//! Pipelines and stages (B5, D5): each amoCRM pipeline lands on the portal's main pipeline,
//! an existing one (stages merged by name), or a new one; each status lands on a stage.

use std::collections::BTreeMap;

use chrono::Utc;
use migrator_bitrix24::Batch;
use migrator_bitrix24::methods::pipelines::{NewStage, Stage};
use migrator_domain::chunk::{BATCH_LIMIT, FailureCode, RecordOutcome, RecordState};
use migrator_domain::mapping::pipeline::{
    AmoPipeline, PortalStage, Semantics, new_pipeline_fields, plan_stages, stage_entity_id,
};
use migrator_domain::{ChunkCommand, ChunkId, Entity, Migration, PipelineTarget, RecordKind};
use serde_json::json;

use super::{Pass, still_moving};
use crate::chunks::{chunk_count, load_all};
use crate::error::RunnerError;
use crate::runner::Drive;
use crate::source;

/// Places every chosen pipeline, then its stages.
pub(crate) async fn run(drive: &Drive<'_>, migration: &Migration) -> Result<Pass, RunnerError> {
    let services = &drive.runner.services;
    let store = drive.runner.store();
    let Some(settings) = migration.settings() else {
        return Ok(Pass::Done);
    };
    let total = migration
        .counts()
        .get(&Entity::Pipelines)
        .map_or(0, |count| count.total);
    let amo_pipelines: Vec<AmoPipeline> = services
        .amo
        .pipelines()
        .await?
        .iter()
        .map(source::pipeline)
        .collect();
    let planned = load_all(store, drive.id, RecordKind::Pipeline, chunk_count(total)).await?;
    let mut in_doubt = drive.in_doubt();

    let mut placed_all = Vec::new();
    let order: Vec<(u32, u64)> = planned
        .iter()
        .flat_map(|(index, chunk)| chunk.plan().iter().map(|amo_id| (*index, *amo_id)))
        .collect();
    for (position, (chunk_index, amo_id)) in order.into_iter().enumerate() {
        if !still_moving(drive).await? {
            return Ok(Pass::Stopped);
        }
        let chunk_id = ChunkId::new(drive.id, RecordKind::Pipeline, chunk_index);
        let chunk = store.load_chunk(chunk_id).await?;
        let pipeline = amo_pipelines.iter().find(|pipeline| pipeline.id == amo_id);

        let placed = match (chunk.records().get(&amo_id), pipeline) {
            (Some(RecordState::Transferred(b24_id)), Some(pipeline)) => {
                b24_id.parse().ok().map(|id| (pipeline, id, true))
            }
            (Some(RecordState::Matched(b24_id)), Some(pipeline)) => {
                b24_id.parse().ok().map(|id| (pipeline, id, false))
            }
            (Some(_), _) => None,
            (None, pipeline) => {
                let target = settings.pipeline_target(amo_id, pipeline.is_some_and(|p| p.is_main));
                let outcome = place(drive, amo_id, pipeline, target, &mut in_doubt).await?;
                let placed = match (&outcome, pipeline) {
                    (
                        RecordOutcome::Transferred {
                            b24_id, created, ..
                        },
                        Some(pipeline),
                    ) => b24_id.parse().ok().map(|id| (pipeline, id, *created)),
                    _ => None,
                };
                record(drive, chunk_id, RecordKind::Pipeline, vec![outcome]).await?;
                drive.runner.progress.advance(1);
                placed
            }
        };

        if let Some((pipeline, category_id, created_now)) = placed {
            let stage_chunk = ChunkId::new(drive.id, RecordKind::Stage, position as u32);
            placed_all.push(Placed {
                chunk_id: stage_chunk,
                pipeline,
                category_id,
                created_now,
            });
        }
    }
    place_stages(drive, placed_all).await?;
    Ok(Pass::Done)
}

/// A pipeline placed on the portal, whose stages are placed next.
struct Placed<'a> {
    /// Its stage chunk.
    chunk_id: ChunkId,
    pipeline: &'a AmoPipeline,
    category_id: u64,
    /// Whether this run created the portal pipeline (its default stages are then renamed).
    created_now: bool,
}

/// Decides where one pipeline goes, creating it when its target is a new pipeline.
async fn place(
    drive: &Drive<'_>,
    amo_id: u64,
    pipeline: Option<&AmoPipeline>,
    target: PipelineTarget,
    in_doubt: &mut bool,
) -> Result<RecordOutcome, RunnerError> {
    let b24 = &drive.runner.services.b24;
    let Some(pipeline) = pipeline else {
        return Ok(RecordOutcome::Failed {
            amo_id,
            code: FailureCode::MissingReference,
            message: format!("amoCRM pipeline {amo_id} was deleted during the migration"),
        });
    };
    let matched = |id: u64| RecordOutcome::Transferred {
        amo_id,
        b24_id: id.to_string(),
        created: false,
    };

    match target {
        PipelineTarget::Main => Ok(matched(0)),
        PipelineTarget::Existing(id) => {
            let exists = id == 0 || b24.list_deal_categories().await?.iter().any(|c| c.id == id);
            if exists {
                Ok(matched(id))
            } else {
                Ok(RecordOutcome::Failed {
                    amo_id,
                    code: FailureCode::MissingReference,
                    message: format!(
                        "the Bitrix24 pipeline {id} chosen for amoCRM pipeline «{}» does not \
                         exist on the portal",
                        pipeline.name
                    ),
                })
            }
        }
        PipelineTarget::New => {
            let mut skipped = Vec::new();
            let fields = new_pipeline_fields(pipeline, &drive.origin, &mut skipped);
            let name = fields
                .get("name")
                .and_then(|name| name.as_str())
                .unwrap_or_default();

            // A category has no origin a list can filter on: after a restart, one with the
            // exact name this run gives the pipeline is taken as this run's own.
            if *in_doubt {
                let existing = b24.list_deal_categories().await?;
                if let Some(category) = existing.iter().find(|c| c.name == name) {
                    *in_doubt = false;
                    return Ok(RecordOutcome::Transferred {
                        amo_id,
                        b24_id: category.id.to_string(),
                        created: true,
                    });
                }
            }
            let sort = u64::try_from(pipeline.sort.max(0)).unwrap_or_default();
            let category = b24.add_deal_category(name, sort).await?;
            *in_doubt = false;
            Ok(RecordOutcome::Transferred {
                amo_id,
                b24_id: category.id.to_string(),
                created: true,
            })
        }
    }
}

/// Places the statuses of every placed pipeline on stages of its portal pipeline, creating
/// the stages it lacks. A created stage is recorded as `<id>/<STATUS_ID>`, a matched one as
/// `<STATUS_ID>`. The portal is asked as few times as the batch limit allows: one batch lists
/// the stages of every pipeline, then the re-sorts and creations of all go in shared batches.
async fn place_stages(drive: &Drive<'_>, placed: Vec<Placed<'_>>) -> Result<(), RunnerError> {
    let store = drive.runner.store();
    let b24 = &drive.runner.services.b24;

    let mut work = Vec::new();
    for placed in placed {
        let mut chunk = store.load_chunk(placed.chunk_id).await?;
        if chunk.plan().is_empty() && !placed.pipeline.statuses.is_empty() {
            let plan = ChunkCommand::Plan {
                migration_id: drive.id,
                kind: RecordKind::Stage,
                amo_ids: placed.pipeline.statuses.iter().map(|s| s.id).collect(),
                at: Utc::now(),
            };
            store.chunk(placed.chunk_id, plan).await?;
            chunk = store.load_chunk(placed.chunk_id).await?;
        }
        let pending: Vec<u64> = chunk.pending().collect();
        if !pending.is_empty() {
            work.push((placed, pending));
        }
    }

    let mut portals: Vec<Vec<Stage>> = Vec::with_capacity(work.len());
    for group in work.chunks(BATCH_LIMIT) {
        let mut request = Batch::new();
        for (index, (placed, _)) in group.iter().enumerate() {
            let params = json!({
                "filter": {"ENTITY_ID": stage_entity_id(placed.category_id)},
                "order": {"SORT": "ASC"},
            });
            request.push(format!("l{index}"), "crm.status.list", params)?;
        }
        let answer = b24.batch(&request).await?;
        for index in 0..group.len() {
            let key = format!("l{index}");
            if let Some(error) = answer.failure(&key) {
                return Err(error.into());
            }
            portals.push(answer.result_as(&key)?.unwrap_or_default());
        }
    }

    let mut outcomes: Vec<(ChunkId, RecordOutcome)> = Vec::new();
    let mut commands: Vec<StageCommand> = Vec::new();
    for ((placed, pending), portal) in work.iter().zip(&portals) {
        let chunk_id = placed.chunk_id;
        let existing: Vec<PortalStage> = portal.iter().map(portal_stage).collect();
        let plan = match plan_stages(
            placed.pipeline,
            placed.category_id,
            placed.created_now,
            &existing,
        ) {
            Ok(plan) => plan,
            Err(failure) => {
                outcomes.extend(pending.iter().map(|amo_id| {
                    let failed = RecordOutcome::Failed {
                        amo_id: *amo_id,
                        code: failure.code,
                        message: failure.message.clone(),
                    };
                    (chunk_id, failed)
                }));
                continue;
            }
        };

        // A pipeline this run created loses the default stages no status uses (D5).
        for status_id in &plan.delete {
            if let Some(stage) = portal.iter().find(|stage| &stage.status_id == status_id) {
                commands.push(StageCommand::Delete { id: stage.id });
            }
        }
        // Stages are re-sorted first: the portal refuses a stage sorted after the final ones.
        for (status_id, sort) in &plan.resorts {
            if let Some(stage) = portal.iter().find(|stage| &stage.status_id == status_id) {
                commands.push(StageCommand::Resort {
                    id: stage.id,
                    sort: *sort,
                });
            }
        }

        let entity_id = stage_entity_id(placed.category_id);
        for amo_id in pending.iter().copied() {
            let Some(code) = plan.by_amo_status.get(&amo_id) else {
                let failed = RecordOutcome::Failed {
                    amo_id,
                    code: FailureCode::UnsupportedValue,
                    message: format!("amoCRM status {amo_id} has no stage in the plan"),
                };
                outcomes.push((chunk_id, failed));
                continue;
            };
            let to_create = plan.create.iter().find(|stage| &stage.status_id == code);
            let on_portal = portal.iter().find(|stage| &stage.status_id == code);
            match (to_create, on_portal) {
                // Created by this run before a restart: adopt it.
                (Some(_), Some(stage)) => {
                    outcomes.push((chunk_id, created(amo_id, stage.id, code)))
                }
                (Some(stage), None) => commands.push(StageCommand::Create {
                    chunk_id,
                    amo_id,
                    stage: NewStage {
                        entity_id: entity_id.clone(),
                        status_id: stage.status_id.clone(),
                        name: stage.name.clone(),
                        sort: u64::try_from(stage.sort.max(0)).unwrap_or_default(),
                        color: stage.color.clone(),
                        semantics: None,
                    },
                }),
                (None, _) => outcomes.push((
                    chunk_id,
                    RecordOutcome::Transferred {
                        amo_id,
                        b24_id: code.clone(),
                        created: false,
                    },
                )),
            }
        }
    }

    for group in commands.chunks(BATCH_LIMIT) {
        let mut request = Batch::new();
        for (index, command) in group.iter().enumerate() {
            match command {
                StageCommand::Resort { id, sort } => {
                    let params = json!({"id": id, "fields": {"SORT": sort}});
                    request.push(format!("r{index}"), "crm.status.update", params)?;
                }
                StageCommand::Create { stage, .. } => {
                    let params = json!({"fields": stage});
                    request.push(format!("s{index}"), "crm.status.add", params)?;
                }
                StageCommand::Delete { id } => {
                    let params = json!({"id": id});
                    request.push(format!("d{index}"), "crm.status.delete", params)?;
                }
            }
        }
        let answer = b24.batch(&request).await?;
        for (index, command) in group.iter().enumerate() {
            let key = match command {
                StageCommand::Resort { .. } => format!("r{index}"),
                StageCommand::Create { .. } => format!("s{index}"),
                StageCommand::Delete { .. } => format!("d{index}"),
            };
            if let Some(error) = answer.failure(&key) {
                // An unused default stage that stays (deleted already after a restart, or
                // kept by the portal) holds nothing: the run goes on.
                if let StageCommand::Delete { id } = command {
                    tracing::warn!(migration = %drive.id, stage = id, %error,
                        "an unused default stage of a created pipeline was not deleted");
                    continue;
                }
                return Err(error.into());
            }
            if let StageCommand::Create {
                chunk_id,
                amo_id,
                stage,
            } = command
            {
                let id = answer.result(&key).and_then(numeric).unwrap_or_default();
                outcomes.push((*chunk_id, created(*amo_id, id, &stage.status_id)));
            }
        }
    }

    let mut by_chunk: BTreeMap<ChunkId, Vec<RecordOutcome>> = BTreeMap::new();
    for (chunk_id, outcome) in outcomes {
        by_chunk.entry(chunk_id).or_default().push(outcome);
    }
    for (chunk_id, outcomes) in by_chunk {
        for batch in outcomes.chunks(BATCH_LIMIT) {
            record(drive, chunk_id, RecordKind::Stage, batch.to_vec()).await?;
        }
    }
    Ok(())
}

/// One write of the stage pass.
enum StageCommand {
    /// Moves an existing stage (`crm.status.update`).
    Resort { id: u64, sort: i64 },
    /// Creates a stage for an amoCRM status (`crm.status.add`).
    Create {
        chunk_id: ChunkId,
        amo_id: u64,
        stage: NewStage,
    },
    /// Deletes a default stage no status uses from a pipeline the run created
    /// (`crm.status.delete`).
    Delete { id: u64 },
}

/// An id as the portal returned it: a number, or a number in a string.
fn numeric(value: &serde_json::Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|text| text.parse().ok()))
}

fn created(amo_id: u64, id: u64, code: &str) -> RecordOutcome {
    RecordOutcome::Transferred {
        amo_id,
        b24_id: format!("{id}/{code}"),
        created: true,
    }
}

fn portal_stage(stage: &Stage) -> PortalStage {
    PortalStage {
        status_id: stage.status_id.clone(),
        name: stage.name.clone(),
        sort: i64::try_from(stage.sort.unwrap_or_default()).unwrap_or_default(),
        semantics: Semantics::from_code(stage.semantics.as_deref()),
        system: stage.system,
    }
}

async fn record(
    drive: &Drive<'_>,
    chunk_id: ChunkId,
    kind: RecordKind,
    outcomes: Vec<RecordOutcome>,
) -> Result<(), RunnerError> {
    let command = ChunkCommand::RecordBatch {
        migration_id: drive.id,
        kind,
        outcomes,
        at: Utc::now(),
    };
    drive.runner.store().chunk(chunk_id, command).await?;
    Ok(())
}
