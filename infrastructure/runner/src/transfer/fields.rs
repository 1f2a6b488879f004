//! Custom fields: each amoCRM custom field of companies, contacts or deals becomes a portal
//! user field (`UF_CRM_AMO_<amoCRM field id>`) before the records that carry its values;
//! date-time fields become date fields (D4); fields that cannot be moved are failures with
//! the reason (D9).
//!
//! A user field has no origin: one whose name already exists on the portal is used as it is
//! and recorded as matched, so a rollback leaves it (it may belong to an earlier run into the
//! same portal).

use std::collections::BTreeMap;

use chrono::Utc;
use futures::TryStreamExt;
use migrator_amocrm::models::common::EntityKind;
use migrator_amocrm::models::custom_fields::CustomFieldDefinition;
use migrator_bitrix24::methods::userfields::UserField;
use migrator_bitrix24::{B24Error, Batch, CrmEntity, result_ref};
use migrator_domain::chunk::{BATCH_LIMIT, RecordOutcome};
use migrator_domain::mapping::custom_fields::{
    AmoEnum, AmoFieldDef, FieldTarget, UserFieldSpec, plan_user_field,
};
use migrator_domain::mapping::{AmoEntity, FieldMap, PortalUserField};
use migrator_domain::{ChunkCommand, ChunkId, Entity, RecordKind};
use serde_json::json;

use crate::error::RunnerError;
use crate::runner::Drive;
use crate::source;

/// Makes sure every movable custom field of `entity` exists on the portal and returns where
/// each amoCRM field's values go, with the portal's user fields as they were before (the
/// required-field rule reads them).
pub(crate) async fn prepare(
    drive: &Drive<'_>,
    entity: Entity,
) -> Result<(FieldMap, Vec<UserField>), RunnerError> {
    let services = &drive.runner.services;
    let store = drive.runner.store();
    let (amo_kind, target, amo_entity, index) = match entity {
        Entity::Companies => (
            EntityKind::Companies,
            CrmEntity::Company,
            AmoEntity::Company,
            0,
        ),
        Entity::Contacts => (
            EntityKind::Contacts,
            CrmEntity::Contact,
            AmoEntity::Contact,
            1,
        ),
        _ => (EntityKind::Leads, CrmEntity::Deal, AmoEntity::Lead, 2),
    };
    let before = services.b24.list_user_fields(target).await?;
    let definitions: Vec<CustomFieldDefinition> =
        services.amo.custom_fields(amo_kind).try_collect().await?;
    if definitions.is_empty() {
        return Ok((FieldMap::new(), before));
    }

    let chunk_id = ChunkId::new(drive.id, RecordKind::CustomField, index);
    let mut chunk = store.load_chunk(chunk_id).await?;
    if chunk.plan().is_empty() {
        let amo_ids = definitions
            .iter()
            .map(|field| source::id(field.id))
            .collect();
        let plan = ChunkCommand::Plan {
            migration_id: drive.id,
            kind: RecordKind::CustomField,
            amo_ids,
            at: Utc::now(),
        };
        store.chunk(chunk_id, plan).await?;
        chunk = store.load_chunk(chunk_id).await?;
    }

    let mut portal = before.clone();
    let mut outcomes = Vec::new();
    let mut specs = Vec::new();
    for definition in &definitions {
        let amo_id = source::id(definition.id);
        let pending = !chunk.records().contains_key(&amo_id);
        match plan_user_field(&amo_definition(definition, amo_entity)) {
            FieldTarget::UserField(spec) => specs.push((amo_id, pending, spec)),
            FieldTarget::Standard(_) if pending => {
                let code = definition.code.clone().filter(|code| !code.is_empty());
                let b24_id = code.unwrap_or_else(|| "standard".to_owned());
                outcomes.push(RecordOutcome::Transferred {
                    amo_id,
                    b24_id,
                    created: false,
                });
            }
            FieldTarget::NotMoved(failure) if pending => outcomes.push(RecordOutcome::Failed {
                amo_id,
                code: failure.code,
                message: format!("custom field «{}»: {}", definition.name, failure.message),
            }),
            FieldTarget::Standard(_) | FieldTarget::NotMoved(_) => {}
        }
    }

    // Fields the portal lacks are created in batches. An enumeration is read back in the same
    // batch (`userfield.get` of the new id), for the ids the portal gave its choices.
    let missing: Vec<_> = specs
        .iter()
        .filter(|(_, _, spec)| {
            !portal
                .iter()
                .any(|field| field.field_name == spec.field_name)
        })
        .collect();
    for group in command_groups(&missing) {
        let mut request = Batch::new();
        for (amo_id, _, spec) in group {
            let params = json!({"fields": spec.to_fields()});
            request.push(format!("f{amo_id}"), target.method("userfield.add"), params)?;
            if !spec.options.is_empty() {
                let params = json!({"id": result_ref(&format!("f{amo_id}"), &[])});
                request.push(format!("g{amo_id}"), target.method("userfield.get"), params)?;
            }
        }
        let answer = services.b24.batch(&request).await?;
        for (amo_id, pending, spec) in group {
            let key = format!("f{amo_id}");
            if let Some(error) = answer.failure(&key) {
                return Err(error.into());
            }
            let id = answer.result(&key).and_then(|value| {
                value
                    .as_u64()
                    .or_else(|| value.as_str().and_then(|text| text.parse().ok()))
            });
            let id = id.unwrap_or_default();
            let created = if spec.options.is_empty() {
                UserField {
                    id,
                    field_name: spec.field_name.clone(),
                    user_type_id: spec.user_type.as_str().to_owned(),
                    mandatory: false,
                    multiple: spec.multiple,
                    list: Vec::new(),
                }
            } else {
                let key = format!("g{amo_id}");
                if let Some(error) = answer.failure(&key) {
                    return Err(error.into());
                }
                answer.result_as(&key)?.ok_or_else(|| {
                    RunnerError::from(B24Error::UnexpectedAnswer {
                        method: target.method("userfield.get"),
                        detail: format!("no definition for the new field {id}"),
                    })
                })?
            };
            portal.push(created);
            // A field deleted from the portal after it was recorded is created again,
            // but keeps its first outcome.
            if *pending {
                outcomes.push(RecordOutcome::Transferred {
                    amo_id: *amo_id,
                    b24_id: id.to_string(),
                    created: true,
                });
            }
        }
    }

    let mut fields = FieldMap::new();
    for (amo_id, pending, spec) in &specs {
        let Some(field) = portal
            .iter()
            .find(|field| field.field_name == spec.field_name)
        else {
            continue;
        };
        let created_now = missing
            .iter()
            .any(|(missing_id, _, _)| missing_id == amo_id);
        if *pending && !created_now {
            let b24_id = field.id.to_string();
            outcomes.push(RecordOutcome::Transferred {
                amo_id: *amo_id,
                b24_id,
                created: false,
            });
        }

        // Choices are matched back by their text: the portal gives each a new id.
        let options: BTreeMap<u64, u64> = spec
            .options
            .iter()
            .filter_map(|option| {
                let choice = field
                    .list
                    .iter()
                    .find(|choice| choice.value == option.value)?;
                Some((option.id, choice.id))
            })
            .collect();
        fields.insert(*amo_id, PortalUserField::created(spec, options));
    }

    for batch in outcomes.chunks(BATCH_LIMIT) {
        let command = ChunkCommand::RecordBatch {
            migration_id: drive.id,
            kind: RecordKind::CustomField,
            outcomes: batch.to_vec(),
            at: Utc::now(),
        };
        store.chunk(chunk_id, command).await?;
    }
    Ok((fields, before))
}

/// The missing fields in groups whose commands fit one batch: one `add` each, and one `get`
/// more for an enumeration.
fn command_groups<'a>(
    missing: &'a [&'a (u64, bool, UserFieldSpec)],
) -> Vec<&'a [&'a (u64, bool, UserFieldSpec)]> {
    let mut groups = Vec::new();
    let mut start = 0;
    let mut commands = 0;
    for (index, (_, _, spec)) in missing.iter().enumerate() {
        let cost = if spec.options.is_empty() { 1 } else { 2 };
        if commands + cost > BATCH_LIMIT {
            groups.push(&missing[start..index]);
            start = index;
            commands = 0;
        }
        commands += cost;
    }
    if start < missing.len() {
        groups.push(&missing[start..]);
    }
    groups
}

fn amo_definition(definition: &CustomFieldDefinition, entity: AmoEntity) -> AmoFieldDef {
    AmoFieldDef {
        id: source::id(definition.id),
        name: definition.name.clone(),
        code: definition.code.clone(),
        field_type: source::type_name(&definition.field_type),
        entity,
        sort: definition.sort,
        enums: definition
            .enums
            .iter()
            .map(|choice| AmoEnum {
                id: source::id(choice.id),
                value: choice.value.clone().unwrap_or_default(),
                sort: choice.sort.unwrap_or_default(),
            })
            .collect(),
        currency: definition.currency.clone(),
    }
}
