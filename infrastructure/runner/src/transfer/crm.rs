//! Companies, contacts and deals (D2, D3, D4, D6): fetched by chunk from amoCRM, mapped,
//! created in batches of 50, adopted by origin when a batch is in doubt.

use std::collections::BTreeMap;

use futures::TryStreamExt;
use migrator_amocrm::ListQuery;
use migrator_bitrix24::methods::userfields::UserField;
use migrator_bitrix24::{B24Error, Batch, CrmEntity};
use migrator_domain::chunk::{FailureCode, RecordOutcome};
use migrator_domain::mapping::required::{PortalFieldRule, check_required};
use migrator_domain::mapping::{AmoEntity, Mapped, Origin, company, contact, deal};
use migrator_domain::{Entity, Migration, Period};
use serde_json::json;

use super::files::{self, ToCreate};
use super::walk::{Mover, Sent, walk};
use super::{Context, Pass};
use crate::error::RunnerError;
use crate::runner::Drive;
use crate::source;

/// amoCRM ids per listing request when fetching a chunk's records.
const IDS_PER_REQUEST: usize = 250;

/// One record, ready to send or already decided.
enum Prepared {
    /// Fields for the portal, and the files to download into them.
    Create(ToCreate),
    /// An outcome without a call: failed, or outside the period.
    Settled(RecordOutcome),
}

/// Moves the pending records of one entity, chunk by chunk.
pub(crate) async fn run(
    drive: &Drive<'_>,
    migration: &Migration,
    entity: Entity,
    context: &Context,
) -> Result<Pass, RunnerError> {
    let (fields, portal_fields) = super::fields::prepare(drive, entity).await?;
    let rules = required_rules(portal_fields);
    let context = &Context {
        fields,
        ..context.clone()
    };
    let mover = CrmMover {
        entity,
        context,
        rules,
    };
    walk(drive, migration, entity, &mover).await
}

/// Companies, contacts or deals, as [`walk`] moves them.
struct CrmMover<'a> {
    entity: Entity,
    context: &'a Context,
    rules: Vec<PortalFieldRule>,
}

impl Mover for CrmMover<'_> {
    type Prepared = BTreeMap<u64, Prepared>;

    async fn prepare(
        &self,
        drive: &Drive<'_>,
        pending: &[u64],
        period: Option<Period>,
    ) -> Result<Self::Prepared, RunnerError> {
        let (entity, context) = (self.entity, self.context);
        prepare(drive, entity, pending, period, context, &self.rules).await
    }

    async fn send(
        &self,
        drive: &Drive<'_>,
        batch: &[u64],
        prepared: &mut Self::Prepared,
        in_doubt: &mut bool,
    ) -> Result<Sent, RunnerError> {
        send(drive, self.entity, batch, prepared, self.context, in_doubt).await
    }
}

/// Fetches the chunk's pending records and maps each one.
async fn prepare(
    drive: &Drive<'_>,
    entity: Entity,
    pending: &[u64],
    period: Option<Period>,
    context: &Context,
    rules: &[PortalFieldRule],
) -> Result<BTreeMap<u64, Prepared>, RunnerError> {
    let amo = &drive.runner.services.amo;
    let mut prepared = BTreeMap::new();

    for ids in pending.chunks(IDS_PER_REQUEST) {
        let query = ids.iter().fold(ListQuery::new(), |query, id| {
            query.param("filter[id][]", &id.to_string())
        });
        match entity {
            Entity::Companies => {
                let records: Vec<_> = amo.companies(query).try_collect().await?;
                for record in records {
                    let input = source::company(&record);
                    let mapped = company::map_company(&input, &context.mapping, &context.fields);
                    let decided = decide(input.id, record.created_at, period, Ok(mapped));
                    prepared.insert(input.id, decided);
                }
            }
            Entity::Contacts => {
                let records: Vec<_> = amo.contacts(query).try_collect().await?;
                for record in records {
                    let input = source::contact(&record);
                    let mapped = contact::map_contact(&input, &context.mapping, &context.fields);
                    let decided = decide(input.id, record.created_at, period, Ok(mapped));
                    prepared.insert(input.id, decided);
                }
            }
            _ => {
                let records: Vec<_> = amo.leads(query).try_collect().await?;
                for record in records {
                    let input = source::deal(&record);
                    let mapped =
                        deal::map_deal(&input, &context.mapping, &context.stages, &context.fields)
                            .map_err(|failure| (failure.code, failure.message));
                    let decided = decide(input.id, record.created_at, period, mapped);
                    prepared.insert(input.id, decided);
                }
            }
        }
    }

    for fields in prepared.values() {
        if let Prepared::Create(ToCreate { fields, .. }) = fields
            && let Err(missing) = check_required(amo_entity(entity), rules, fields)
        {
            return Err(RunnerError::RequiredField {
                entity,
                field: format!("{} «{}»", missing.field_name, missing.label),
            });
        }
    }
    Ok(prepared)
}

/// Decides a fetched record: outside the period, failed to map, or to create.
fn decide(
    amo_id: u64,
    created_at: Option<i64>,
    period: Option<Period>,
    mapped: Result<Mapped, (FailureCode, String)>,
) -> Prepared {
    let inside = match (period, created_at) {
        (None, _) => true,
        (Some(period), Some(created)) => chrono::DateTime::from_timestamp(created, 0)
            .is_some_and(|created| period.contains(created)),
        (Some(_), None) => false,
    };
    if !inside {
        return Prepared::Settled(RecordOutcome::OutsidePeriod { amo_id });
    }
    match mapped {
        Ok(mapped) => Prepared::Create(ToCreate {
            amo_id,
            fields: mapped.fields,
            files: mapped.files,
        }),
        Err((code, message)) => Prepared::Settled(RecordOutcome::Failed {
            amo_id,
            code,
            message,
        }),
    }
}

/// Sends one batch and returns the outcome of every record in it, but for records whose
/// files did not fit the batch's byte budget (they stay in `prepared`).
async fn send(
    drive: &Drive<'_>,
    entity: Entity,
    batch: &[u64],
    prepared: &mut BTreeMap<u64, Prepared>,
    context: &Context,
    in_doubt: &mut bool,
) -> Result<Sent, RunnerError> {
    let b24 = &drive.runner.services.b24;
    let target = crm_entity(entity);
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut to_create = Vec::new();

    for amo_id in batch {
        match prepared.remove(amo_id) {
            Some(Prepared::Settled(outcome)) => outcomes.push(outcome),
            Some(Prepared::Create(record)) => to_create.push(record),
            None => outcomes.push(RecordOutcome::Failed {
                amo_id: *amo_id,
                code: FailureCode::MissingReference,
                message: format!(
                    "amoCRM {entity} {amo_id} was counted but is gone from the account \
                     (deleted during the migration)"
                ),
            }),
        }
    }

    // After a restart or a write whose answer was lost, what this batch would create may be
    // on the portal already: adopt it instead of creating it again.
    if *in_doubt && !to_create.is_empty() {
        let kind = origin_kind(entity);
        let origins: Vec<String> = to_create
            .iter()
            .map(|create| Origin::origin_id(kind, create.amo_id))
            .collect();
        let found = b24
            .find_by_origins(target, &drive.origin.originator_id(), &origins)
            .await?;
        to_create.retain(|create| {
            let amo_id = create.amo_id;
            let Some(b24_id) = found.get(&Origin::origin_id(kind, amo_id)) else {
                return true;
            };
            tracing::info!(migration = %drive.id, %entity, amo_id, b24_id, "adopted");
            outcomes.push(RecordOutcome::Transferred {
                amo_id,
                b24_id: b24_id.to_string(),
                created: true,
            });
            false
        });
    }
    let deferred = files::attach_within_budget(drive, context, &mut to_create, "COMMENTS")
        .await?
        .into_iter()
        .map(|record| {
            let amo_id = record.amo_id;
            prepared.insert(amo_id, Prepared::Create(record));
            amo_id
        })
        .collect();
    if to_create.is_empty() {
        *in_doubt = false;
        return Ok(Sent { outcomes, deferred });
    }

    let mut request = Batch::new();
    for ToCreate { amo_id, fields, .. } in &to_create {
        let params = json!({"fields": fields, "params": {"REGISTER_SONET_EVENT": "N"}});
        request.push(format!("r{amo_id}"), target.method("add"), params)?;
    }
    let answer = match b24.batch(&request).await {
        Ok(answer) => answer,
        Err(error) => {
            *in_doubt = matches!(error, B24Error::OutcomeUnknown { .. });
            return Err(error.into());
        }
    };

    for ToCreate { amo_id, .. } in to_create {
        let key = format!("r{amo_id}");
        if let Some(error) = answer.failure(&key) {
            if error.leaves_record_pending() {
                // The whole batch is retried after the interruption; the records of this
                // batch that were created are adopted by origin then.
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
        let b24_id = answer.result(&key).map(id_text).unwrap_or_default();
        outcomes.push(RecordOutcome::Transferred {
            amo_id,
            b24_id,
            created: true,
        });
    }
    *in_doubt = false;
    Ok(Sent { outcomes, deferred })
}

/// The portal's mandatory user fields, as the required-field rule reads them.
fn required_rules(portal: Vec<UserField>) -> Vec<PortalFieldRule> {
    portal
        .into_iter()
        .filter(|field| field.mandatory)
        .map(|field| PortalFieldRule {
            label: field.field_name.clone(),
            field_name: field.field_name,
            mandatory: field.mandatory,
        })
        .collect()
}

/// A new record's id as the portal returned it (a number, sometimes a string).
fn id_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn crm_entity(entity: Entity) -> CrmEntity {
    match entity {
        Entity::Companies => CrmEntity::Company,
        Entity::Contacts => CrmEntity::Contact,
        _ => CrmEntity::Deal,
    }
}

fn amo_entity(entity: Entity) -> AmoEntity {
    match entity {
        Entity::Companies => AmoEntity::Company,
        Entity::Contacts => AmoEntity::Contact,
        _ => AmoEntity::Lead,
    }
}

/// The kind word of `ORIGIN_ID`, as the mapping rules stamp it.
fn origin_kind(entity: Entity) -> &'static str {
    match entity {
        Entity::Companies => company::ORIGIN_KIND,
        Entity::Contacts => contact::ORIGIN_KIND,
        _ => deal::ORIGIN_KIND,
    }
}
