//! What the mapping rules need to know about the run so far: portal users, the portal ids of
//! moved companies and contacts, where each amoCRM stage landed.

use std::collections::BTreeMap;

use chrono::{FixedOffset, Offset, Utc};
use migrator_domain::mapping::pipeline::{StageMap, StagePlan, stage_entity_id};
use migrator_domain::mapping::{FieldMap, IdMap, MappingContext, UserMap};
use migrator_domain::{Entity, Migration, RecordKind};

use crate::chunks::{chunk_count, load_all, numeric_portal_ids, portal_ids};
use crate::error::RunnerError;
use crate::runner::Drive;

/// The mapping context of one entity's pass.
#[derive(Clone)]
pub(crate) struct Context {
    /// Users, ids, origin, time zone, currency.
    pub(crate) mapping: MappingContext,
    /// Where each (amoCRM pipeline, status) lands.
    pub(crate) stages: StageMap,
    /// Portal user fields by amoCRM field id; filled for each entity before its records move.
    pub(crate) fields: FieldMap,
    /// The account's file service host, where its files are downloaded from.
    pub(crate) drive_url: Option<String>,
}

impl Context {
    /// Reads the run's chunks and the portal's current user.
    pub(crate) async fn build(
        drive: &Drive<'_>,
        migration: &Migration,
    ) -> Result<Context, RunnerError> {
        let services = &drive.runner.services;
        let store = drive.runner.store();
        let chunks_of = |entity: Entity| {
            chunk_count(
                migration
                    .counts()
                    .get(&entity)
                    .map_or(0, |count| count.total),
            )
        };

        let mut users = UserMap::new(drive.me().await?);
        let user_chunks =
            load_all(store, drive.id, RecordKind::User, chunks_of(Entity::Users)).await?;
        users.matched = numeric_portal_ids(&user_chunks);

        let mut ids = IdMap::default();
        for (kind, entity) in [
            (RecordKind::Company, Entity::Companies),
            (RecordKind::Contact, Entity::Contacts),
        ] {
            let chunks = load_all(store, drive.id, kind, chunks_of(entity)).await?;
            let map = numeric_portal_ids(&chunks);
            match kind {
                RecordKind::Company => ids.companies = map,
                _ => ids.contacts = map,
            }
        }

        let stages = stage_map(drive, chunks_of(Entity::Pipelines)).await?;
        let account = services.amo.account().await?;
        let mapping = MappingContext {
            origin: drive.origin,
            users,
            ids,
            utc_offset: account_offset(account.embedded.datetime_settings.as_ref()),
            files: migration.settings().is_some_and(|settings| settings.files),
            currency: account.currency.unwrap_or_else(|| "RUB".to_owned()),
        };
        Ok(Context {
            mapping,
            stages,
            fields: FieldMap::new(),
            drive_url: account.drive_url,
        })
    }
}

/// Where every amoCRM status landed, from the pipeline and stage chunks.
async fn stage_map(drive: &Drive<'_>, pipeline_chunks: u32) -> Result<StageMap, RunnerError> {
    let store = drive.runner.store();
    let pipelines = load_all(store, drive.id, RecordKind::Pipeline, pipeline_chunks).await?;
    let categories = numeric_portal_ids(&pipelines);
    let order: Vec<u64> = pipelines
        .iter()
        .flat_map(|(_, chunk)| chunk.plan().to_vec())
        .collect();

    let mut map = StageMap::new();
    for (position, amo_pipeline_id) in order.iter().enumerate() {
        let Some(category_id) = categories.get(amo_pipeline_id).copied() else {
            continue;
        };
        let index = u32::try_from(position).unwrap_or(u32::MAX);
        let stages = load_all(store, drive.id, RecordKind::Stage, index + 1).await?;
        let Some((_, chunk)) = stages.into_iter().find(|(at, _)| *at == index) else {
            continue;
        };
        let by_amo_status: BTreeMap<u64, String> = portal_ids(&[(index, chunk)])
            .into_iter()
            .map(|(status, b24_id)| (status, stage_code(&b24_id).to_owned()))
            .collect();
        let plan = StagePlan {
            category_id,
            entity_id: stage_entity_id(category_id),
            resorts: Vec::new(),
            create: Vec::new(),
            delete: Vec::new(),
            by_amo_status,
            skipped: Vec::new(),
        };
        map.add_plan(*amo_pipeline_id, &plan);
    }
    Ok(map)
}

/// The `STATUS_ID` of a stage recorded as `<numeric id>/<STATUS_ID>` (created) or
/// `<STATUS_ID>` (matched).
pub(crate) fn stage_code(b24_id: &str) -> &str {
    b24_id.split_once('/').map_or(b24_id, |(_, code)| code)
}

/// The account's UTC offset (`+03:00`), or UTC when amoCRM does not say.
fn account_offset(
    settings: Option<&migrator_amocrm::models::account::DatetimeSettings>,
) -> FixedOffset {
    let utc = Utc.fix();
    let Some(text) = settings.and_then(|settings| settings.timezone_offset.as_deref()) else {
        return utc;
    };
    text.parse::<FixedOffset>().unwrap_or(utc)
}
