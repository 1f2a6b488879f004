//! Rollback (E4, E5): deletes what the run created, newest first, and records each deletion.
//! A record the portal says is gone already counts as done, so a rollback can resume after a
//! crash. Users stay: matched users were there before, invited users keep their accounts.
//!
//! When the run moved files, an activity's Drive files are deleted before the activity: their
//! ids are read from the activity (`crm.activity.get` returns `FILES` as `[{id, url}]`), so a
//! rollback that stops between the two finds them again on resume. Whether the portal drops
//! an activity's Drive files with the activity is not documented; deleting them first holds
//! either way. Files of `file` user fields belong to their record and go with it.

use chrono::Utc;
use migrator_bitrix24::methods::crm::is_not_found;
use migrator_bitrix24::{B24Error, Batch, CrmEntity};
use migrator_domain::chunk::{BATCH_LIMIT, RecordState, RolledBack};
use migrator_domain::{Chunk, ChunkCommand, ChunkId, Entity, Migration, RecordKind};
use serde_json::{Value, json};

use crate::chunks::{chunk_count, load_all};
use crate::error::RunnerError;
use crate::runner::Drive;
use crate::transfer::stage_numeric_id;

/// What a rollback did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Done {
    /// Records, stages and pipelines deleted (in this pass and earlier ones).
    pub(crate) deleted: u64,
    /// Ones the portal had lost already, found in this pass.
    pub(crate) already_gone: u64,
    /// Users, who stay on the portal.
    pub(crate) users_kept: u64,
    /// Drive files of activities deleted in this pass.
    pub(crate) files_deleted: u64,
}

/// Deletes everything the run created and has not deleted yet, newest first: tasks,
/// activities, deals, stages, pipelines, contacts, companies; within a kind, last chunk
/// first, last record first.
pub(crate) async fn run(drive: &Drive<'_>, migration: &Migration) -> Result<Done, RunnerError> {
    let store = drive.runner.store();
    let total = |entity: Entity| {
        migration
            .counts()
            .get(&entity)
            .map_or(0, |count| count.total)
    };
    let mut done = Done::default();
    let files = migration.settings().is_some_and(|settings| settings.files);

    let kinds = [
        (RecordKind::Task, chunk_count(total(Entity::Tasks))),
        (RecordKind::Note, chunk_count(total(Entity::Events))),
        (RecordKind::Deal, chunk_count(total(Entity::Deals))),
        (
            RecordKind::Stage,
            u32::try_from(total(Entity::Pipelines)).unwrap_or(u32::MAX),
        ),
        (RecordKind::Pipeline, chunk_count(total(Entity::Pipelines))),
        (RecordKind::Contact, chunk_count(total(Entity::Contacts))),
        (RecordKind::Company, chunk_count(total(Entity::Companies))),
        // One chunk per CRM entity whose fields were created: companies, contacts, deals.
        (RecordKind::CustomField, 3),
    ];
    for (kind, limit) in kinds {
        let chunks = load_all_sparse(drive, kind, limit).await?;
        for (index, chunk) in chunks.iter().rev() {
            done.deleted += rolled_back(chunk);
            let newest_first = created_newest_first(chunk);
            drive
                .runner
                .progress
                .phase(&format!("deleting {kind}"), newest_first.len() as u64);

            for batch in newest_first.chunks(BATCH_LIMIT) {
                if files && kind == RecordKind::Note {
                    done.files_deleted += delete_activity_files(drive, batch).await?;
                }
                let records = delete(drive, kind, *index, batch).await?;
                done.deleted += records.iter().filter(|record| !record.already_gone).count() as u64;
                done.already_gone +=
                    records.iter().filter(|record| record.already_gone).count() as u64;
                let command = ChunkCommand::RollBackBatch {
                    migration_id: drive.id,
                    kind,
                    records,
                    at: Utc::now(),
                };
                store
                    .chunk(ChunkId::new(drive.id, kind, *index), command)
                    .await?;
                drive.runner.progress.advance(batch.len() as u64);
            }
        }
    }

    let users = load_all(
        store,
        drive.id,
        RecordKind::User,
        chunk_count(total(Entity::Users)),
    )
    .await?;
    done.users_kept = users
        .iter()
        .flat_map(|(_, chunk)| chunk.records().values())
        .filter(|state| matches!(state, RecordState::Matched(_)))
        .count() as u64;
    Ok(done)
}

/// Stage chunks are numbered by pipeline and custom-field chunks by CRM entity: both may have
/// gaps (a pipeline that failed has no stages; an entity not chosen has no fields).
async fn load_all_sparse(
    drive: &Drive<'_>,
    kind: RecordKind,
    limit: u32,
) -> Result<Vec<(u32, Chunk)>, RunnerError> {
    if !matches!(kind, RecordKind::Stage | RecordKind::CustomField) {
        return load_all(drive.runner.store(), drive.id, kind, limit).await;
    }
    let mut chunks = Vec::new();
    for index in 0..limit {
        let chunk = drive
            .runner
            .store()
            .load_chunk(ChunkId::new(drive.id, kind, index))
            .await?;
        if !chunk.plan().is_empty() {
            chunks.push((index, chunk));
        }
    }
    Ok(chunks)
}

fn rolled_back(chunk: &Chunk) -> u64 {
    chunk
        .records()
        .values()
        .filter(|state| matches!(state, RecordState::RolledBack))
        .count() as u64
}

/// The created, not yet deleted records of a chunk, last planned first.
fn created_newest_first(chunk: &Chunk) -> Vec<(u64, String)> {
    chunk
        .plan()
        .iter()
        .rev()
        .filter_map(|amo_id| match chunk.records().get(amo_id) {
            Some(RecordState::Transferred(b24_id)) => Some((*amo_id, b24_id.clone())),
            _ => None,
        })
        .collect()
}

/// Deletes one batch of records of one kind; "not found" means already gone.
async fn delete(
    drive: &Drive<'_>,
    kind: RecordKind,
    index: u32,
    batch: &[(u64, String)],
) -> Result<Vec<RolledBack>, RunnerError> {
    let b24 = &drive.runner.services.b24;
    let gone = |amo_id: u64, result: Result<(), B24Error>| match result {
        Ok(()) => Ok(RolledBack {
            amo_id,
            already_gone: false,
        }),
        Err(error) if is_not_found(&error) => Ok(RolledBack {
            amo_id,
            already_gone: true,
        }),
        Err(error) => Err(RunnerError::from(error)),
    };

    if matches!(
        kind,
        RecordKind::Stage | RecordKind::Pipeline | RecordKind::CustomField
    ) {
        let mut records = Vec::with_capacity(batch.len());
        for (amo_id, b24_id) in batch {
            let result = if kind == RecordKind::Stage {
                b24.delete_stage(stage_numeric_id(b24_id), true).await
            } else if kind == RecordKind::CustomField {
                let entity = [CrmEntity::Company, CrmEntity::Contact, CrmEntity::Deal]
                    [usize::try_from(index).unwrap_or_default().min(2)];
                b24.delete_user_field(entity, b24_id.parse().unwrap_or_default())
                    .await
            } else {
                b24.delete_deal_category(b24_id.parse().unwrap_or_default())
                    .await
            };
            records.push(gone(*amo_id, result)?);
        }
        return Ok(records);
    }

    let (method, key) = match kind {
        RecordKind::Task => ("tasks.task.delete".to_owned(), "taskId"),
        RecordKind::Note => ("crm.activity.delete".to_owned(), "id"),
        RecordKind::Deal => (CrmEntity::Deal.method("delete"), "id"),
        RecordKind::Contact => (CrmEntity::Contact.method("delete"), "id"),
        _ => (CrmEntity::Company.method("delete"), "id"),
    };

    let mut request = Batch::new();
    for (amo_id, b24_id) in batch {
        let id: u64 = b24_id.parse().unwrap_or_default();
        request.push(
            format!("d{amo_id}"),
            method.clone(),
            serde_json::json!({ key: id }),
        )?;
    }
    let answer = b24.batch(&request).await?;
    batch
        .iter()
        .map(|(amo_id, _)| {
            let result = answer.failure(&format!("d{amo_id}")).map_or(Ok(()), Err);
            gone(*amo_id, result)
        })
        .collect()
}

/// Deletes the Drive files of these activities; returns how many were there to delete. An
/// activity or a file already gone is skipped.
async fn delete_activity_files(
    drive: &Drive<'_>,
    batch: &[(u64, String)],
) -> Result<u64, RunnerError> {
    let b24 = &drive.runner.services.b24;
    let mut request = Batch::new();
    for (amo_id, b24_id) in batch {
        let id: u64 = b24_id.parse().unwrap_or_default();
        request.push(format!("g{amo_id}"), "crm.activity.get", json!({"id": id}))?;
    }
    let answer = b24.batch(&request).await?;

    let mut file_ids = Vec::new();
    for (amo_id, _) in batch {
        let key = format!("g{amo_id}");
        if let Some(error) = answer.failure(&key) {
            if is_not_found(&error) {
                continue;
            }
            return Err(error.into());
        }
        let listed = answer
            .result(&key)
            .and_then(|activity| activity.get("FILES"))
            .and_then(Value::as_array);
        for file in listed.into_iter().flatten() {
            if let Some(id) = crate::transfer::numeric_id(&file["id"]) {
                file_ids.push(id);
            }
        }
    }

    let mut deleted = 0;
    for part in file_ids.chunks(BATCH_LIMIT) {
        let mut request = Batch::new();
        for id in part {
            request.push(format!("f{id}"), "disk.file.delete", json!({"id": id}))?;
        }
        let answer = b24.batch(&request).await?;
        for id in part {
            match answer.failure(&format!("f{id}")) {
                None => deleted += 1,
                Some(error) if is_not_found(&error) => {}
                Some(error) => return Err(error.into()),
            }
        }
    }
    Ok(deleted)
}
