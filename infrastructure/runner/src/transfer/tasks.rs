//! Tasks (D8): amoCRM tasks become Bitrix24 tasks through `map_task`, chunk by chunk, in
//! `batch` calls of 50.
//!
//! Tasks have no origin fields: `map_task` ends each description with the run's marker
//! (`[amocrm:<account>:<run> task:<id>]`). When a batch is in doubt the engine looks its tasks
//! up by that marker (`tasks.task.list` filtered on the description, the answer checked
//! again here) and adopts what it finds.

use std::collections::BTreeMap;

use futures::TryStreamExt;
use migrator_amocrm::ListQuery;
use migrator_amocrm::models::tasks::Task;
use migrator_bitrix24::{B24Error, Batch};
use migrator_domain::chunk::{FailureCode, RecordOutcome};
use migrator_domain::mapping::task::{AmoTask, ORIGIN_KIND, map_task};
use migrator_domain::mapping::{AmoEntity, Fields};
use migrator_domain::{Entity, Migration, Period};
use serde_json::json;

use super::events::numeric_id;
use super::walk::{Mover, Sent, walk};
use super::{Context, Pass};
use crate::error::RunnerError;
use crate::runner::Drive;

/// amoCRM ids per listing request when fetching a chunk's tasks.
const IDS_PER_REQUEST: usize = 250;

/// One task, ready to send or already decided.
enum Prepared {
    /// Fields for `tasks.task.add`.
    Create(Fields),
    /// An outcome without a call: outside the period.
    Settled(RecordOutcome),
}

/// Moves the pending tasks, chunk by chunk.
pub(crate) async fn run(
    drive: &Drive<'_>,
    migration: &Migration,
    context: &Context,
) -> Result<Pass, RunnerError> {
    walk(drive, migration, Entity::Tasks, &TaskMover { context }).await
}

/// Tasks, as [`walk`] moves them.
struct TaskMover<'a> {
    context: &'a Context,
}

impl Mover for TaskMover<'_> {
    type Prepared = BTreeMap<u64, Prepared>;

    async fn prepare(
        &self,
        drive: &Drive<'_>,
        pending: &[u64],
        period: Option<Period>,
    ) -> Result<Self::Prepared, RunnerError> {
        prepare(drive, pending, period, self.context).await
    }

    async fn send(
        &self,
        drive: &Drive<'_>,
        batch: &[u64],
        prepared: &mut Self::Prepared,
        in_doubt: &mut bool,
    ) -> Result<Sent, RunnerError> {
        let outcomes = send(drive, batch, prepared, in_doubt).await?;
        Ok(Sent::all(outcomes))
    }
}

/// Fetches the chunk's pending tasks and maps each one.
async fn prepare(
    drive: &Drive<'_>,
    pending: &[u64],
    period: Option<Period>,
    context: &Context,
) -> Result<BTreeMap<u64, Prepared>, RunnerError> {
    let amo = &drive.runner.services.amo;
    let mut prepared = BTreeMap::new();

    for ids in pending.chunks(IDS_PER_REQUEST) {
        let query = ids.iter().fold(ListQuery::new(), |query, id| {
            query.param("filter[id][]", &id.to_string())
        });
        let tasks: Vec<Task> = amo.tasks(query).try_collect().await?;
        for task in tasks {
            let Some(input) = amo_task(&task) else {
                continue;
            };
            let inside = period.is_none_or(|period| {
                chrono::DateTime::from_timestamp(input.created_at, 0)
                    .is_some_and(|created| period.contains(created))
            });
            let decided = if inside {
                Prepared::Create(map_task(&input, &context.mapping).fields)
            } else {
                Prepared::Settled(RecordOutcome::OutsidePeriod { amo_id: input.id })
            };
            prepared.insert(input.id, decided);
        }
    }
    Ok(prepared)
}

/// Sends one batch and returns the outcome of every task in it.
async fn send(
    drive: &Drive<'_>,
    batch: &[u64],
    prepared: &mut BTreeMap<u64, Prepared>,
    in_doubt: &mut bool,
) -> Result<Vec<RecordOutcome>, RunnerError> {
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut to_create = Vec::new();

    for amo_id in batch {
        match prepared.remove(amo_id) {
            Some(Prepared::Settled(outcome)) => outcomes.push(outcome),
            Some(Prepared::Create(fields)) => to_create.push((*amo_id, fields)),
            None => outcomes.push(RecordOutcome::Failed {
                amo_id: *amo_id,
                code: FailureCode::MissingReference,
                message: format!(
                    "amoCRM task {amo_id} was counted but is gone from the account (deleted \
                     during the migration)"
                ),
            }),
        }
    }

    // After a restart or a write whose answer was lost, the tasks of this batch may be on the
    // portal already: adopt them by their marker instead of creating them again.
    if *in_doubt && !to_create.is_empty() {
        let ids: Vec<u64> = to_create.iter().map(|(amo_id, _)| *amo_id).collect();
        let found = find_by_marker(drive, &ids).await?;
        to_create.retain(|(amo_id, _)| {
            let Some(b24_id) = found.get(amo_id) else {
                return true;
            };
            tracing::info!(migration = %drive.id, amo_id, b24_id, "adopted a task");
            outcomes.push(transferred(*amo_id, *b24_id));
            false
        });
    }
    if to_create.is_empty() {
        *in_doubt = false;
        return Ok(outcomes);
    }

    let mut request = Batch::new();
    for (amo_id, fields) in &to_create {
        request.push(
            format!("t{amo_id}"),
            "tasks.task.add",
            json!({"fields": fields}),
        )?;
    }
    let answer = match drive.runner.services.b24.batch(&request).await {
        Ok(answer) => answer,
        Err(error) => {
            *in_doubt = matches!(error, B24Error::OutcomeUnknown { .. });
            return Err(error.into());
        }
    };

    for (amo_id, _) in to_create {
        let key = format!("t{amo_id}");
        if let Some(error) = answer.failure(&key) {
            if error.leaves_record_pending() {
                *in_doubt = true;
                return Err(error.into());
            }
            outcomes.push(RecordOutcome::Failed {
                amo_id,
                code: FailureCode::RejectedByPortal,
                message: error.to_string(),
            });
            continue;
        }
        let b24_id = answer
            .result(&key)
            .and_then(|result| numeric_id(&result["task"]["id"]))
            .unwrap_or_default();
        outcomes.push(transferred(amo_id, b24_id));
    }
    *in_doubt = false;
    Ok(outcomes)
}

/// The portal ids of this run's tasks whose description carries the marker of these amoCRM
/// tasks, by amoCRM id.
async fn find_by_marker(
    drive: &Drive<'_>,
    amo_ids: &[u64],
) -> Result<BTreeMap<u64, u64>, RunnerError> {
    let mut request = Batch::new();
    for amo_id in amo_ids {
        let marker = drive.origin.marker(ORIGIN_KIND, *amo_id);
        let params = json!({
            "filter": {"%DESCRIPTION": marker},
            "select": ["ID", "DESCRIPTION"],
        });
        request.push(format!("m{amo_id}"), "tasks.task.list", params)?;
    }

    let answer = drive.runner.services.b24.batch(&request).await?;
    let mut found = BTreeMap::new();
    for amo_id in amo_ids {
        let key = format!("m{amo_id}");
        if let Some(error) = answer.failure(&key) {
            return Err(error.into());
        }

        // A portal that ignored the filter answers with other tasks: keep only real matches.
        let marker = drive.origin.marker(ORIGIN_KIND, *amo_id);
        let rows = answer
            .result(&key)
            .and_then(|result| result["tasks"].as_array());
        let hit = rows.into_iter().flatten().find(|row| {
            row["description"]
                .as_str()
                .is_some_and(|description| description.contains(&marker))
        });
        if let Some(b24_id) = hit.and_then(|row| numeric_id(&row["id"])) {
            found.insert(*amo_id, b24_id);
        }
    }
    Ok(found)
}

fn transferred(amo_id: u64, b24_id: u64) -> RecordOutcome {
    RecordOutcome::Transferred {
        amo_id,
        b24_id: b24_id.to_string(),
        created: true,
    }
}

/// amoCRM's task as the mapping rules read it. The account's own task type names are not
/// read: types other than «Связаться» and «Встреча» are titled «Задача».
fn amo_task(task: &Task) -> Option<AmoTask> {
    let id = |value: i64| u64::try_from(value).ok().filter(|id| *id > 0);
    Some(AmoTask {
        id: id(task.id)?,
        text: task.text.clone(),
        task_type_id: task.task_type_id.and_then(id),
        task_type_name: None,
        responsible_user_id: task.responsible_user_id.and_then(id),
        entity: task.entity_type.as_deref().and_then(AmoEntity::parse),
        entity_id: task.entity_id.and_then(id),
        is_completed: task.is_completed,
        complete_till: task.complete_till,
        created_at: task.created_at.unwrap_or_default(),
        result: task.result.clone(),
    })
}
