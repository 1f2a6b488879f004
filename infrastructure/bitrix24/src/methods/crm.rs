//! Companies, contacts and deals (`crm.company.*`, `crm.contact.*`, `crm.deal.*`), their
//! origin look-ups (`ORIGINATOR_ID` + `ORIGIN_ID`) and contact bindings.
//!
//! The portal silently drops unknown `fields` keys and coerces some values (an unknown
//! `CATEGORY_ID` becomes 0, an unknown `STAGE_ID` the first stage), so callers that care read
//! the record back with [`B24Client::crm_get`] and compare.

use std::collections::BTreeMap;

use futures::{Stream, StreamExt};
use serde::Serialize;
use serde_json::{Value, json};

use crate::batch::Batch;
use crate::client::{B24Client, decode_result, params_of};
use crate::error::{B24Error, B24Result};

pub use crate::methods::crm_fields::{
    CompanyFields, ContactFields, CrmRecord, DealFields, Multifield, Origin,
};

/// A classic CRM entity type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CrmEntity {
    /// `crm.company.*`, owner type 4.
    Company,
    /// `crm.contact.*`, owner type 3.
    Contact,
    /// `crm.deal.*`, owner type 2.
    Deal,
}

impl CrmEntity {
    /// The lower-case name used in method names and timeline `ENTITY_TYPE`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Company => "company",
            Self::Contact => "contact",
            Self::Deal => "deal",
        }
    }

    /// `OWNER_TYPE_ID` / `ENTITY_TYPE_ID` of the entity.
    pub fn owner_type_id(self) -> u32 {
        match self {
            Self::Company => 4,
            Self::Contact => 3,
            Self::Deal => 2,
        }
    }

    /// The prefix of a CRM binding value in `UF_CRM_TASK` and `crm` user fields
    /// (`CO_7`, `C_5`, `D_12`).
    pub fn binding(self, id: u64) -> String {
        let prefix = match self {
            Self::Company => "CO",
            Self::Contact => "C",
            Self::Deal => "D",
        };
        format!("{prefix}_{id}")
    }

    /// The full name of one of this entity's methods, e.g. `method("add")` → `crm.deal.add`.
    pub fn method(self, action: &str) -> String {
        format!("crm.{}.{action}", self.name())
    }
}

/// The parameters of `crm.<entity>.add` for typed or free-form `fields`. The activity stream
/// post is switched off: a migration should not flood the feed.
///
/// # Errors
/// [`B24Error::InvalidRequest`] if `fields` cannot be encoded.
pub fn add_params<F: Serialize>(entity: CrmEntity, fields: &F) -> B24Result<Value> {
    let fields = params_of(&entity.method("add"), fields)?;
    Ok(json!({"fields": fields, "params": {"REGISTER_SONET_EVENT": "N"}}))
}

impl B24Client {
    /// `crm.<entity>.add`: creates a record and returns its id.
    ///
    /// # Errors
    /// Any call error; a write that timed out is [`B24Error::OutcomeUnknown`]: look it up
    /// with [`B24Client::find_by_origin`] before adding again.
    pub async fn crm_add<F: Serialize>(&self, entity: CrmEntity, fields: &F) -> B24Result<u64> {
        let method = entity.method("add");
        let envelope = self.call(&method, add_params(entity, fields)?).await?;
        new_id(&method, &envelope.result)
    }

    /// `crm.<entity>.get`: the record, or `None` when the portal says it does not exist.
    ///
    /// # Errors
    /// Any call error other than "not found".
    pub async fn crm_get(&self, entity: CrmEntity, id: u64) -> B24Result<Option<CrmRecord>> {
        let method = entity.method("get");
        match self.call_as(&method, json!({"id": id})).await {
            Ok(record) => Ok(Some(record)),
            Err(error) if is_not_found(&error) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// `crm.<entity>.delete`. Deleting a record that is already gone counts as done.
    ///
    /// # Errors
    /// Any call error other than "not found".
    pub async fn crm_delete(&self, entity: CrmEntity, id: u64) -> B24Result<()> {
        let method = entity.method("delete");
        match self.call(&method, json!({"id": id})).await {
            Ok(_) => Ok(()),
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// `crm.<entity>.list` with a filter and a selection, as a stream of records.
    ///
    /// `select` should name what is needed (`*`, `UF_*`, and the multifields `PHONE`,
    /// `EMAIL`, `WEB` explicitly); `ID` and the origin fields are always added.
    pub fn crm_list(
        &self,
        entity: CrmEntity,
        filter: Value,
        select: &[&str],
    ) -> impl Stream<Item = B24Result<CrmRecord>> + Send + use<> {
        let method = entity.method("list");
        let mut fields: Vec<&str> = vec!["ID", "ORIGINATOR_ID", "ORIGIN_ID"];
        fields.extend(select.iter().filter(|name| !fields_contains(name)));
        let params = json!({"filter": filter, "select": fields, "order": {"ID": "ASC"}});

        self.list(&method, params)
            .map(move |row| row.and_then(|row| decode_result::<CrmRecord>(&method, row)))
    }

    /// Finds the record created from `origin`, if any (the resume look-up after a write whose
    /// outcome was unknown).
    ///
    /// # Errors
    /// Any call error.
    pub async fn find_by_origin(
        &self,
        entity: CrmEntity,
        origin: &Origin,
    ) -> B24Result<Option<CrmRecord>> {
        let filter = json!({"ORIGINATOR_ID": origin.originator_id, "ORIGIN_ID": origin.origin_id});
        let mut records = Box::pin(self.crm_list(entity, filter, &[]));

        while let Some(record) = records.next().await {
            let record = record?;
            if matches_origin(&record, &origin.originator_id, &origin.origin_id) {
                return Ok(Some(record));
            }
        }
        Ok(None)
    }

    /// Finds the records created from many origin ids of one source system, 50 look-ups per
    /// batch request. Returns origin id → record id for the ones that exist.
    ///
    /// # Errors
    /// Any call error, or the first failing look-up.
    pub async fn find_by_origins(
        &self,
        entity: CrmEntity,
        originator_id: &str,
        origin_ids: &[String],
    ) -> B24Result<BTreeMap<String, u64>> {
        let method = entity.method("list");
        let mut found = BTreeMap::new();

        for chunk in origin_ids.chunks(crate::batch::MAX_BATCH_COMMANDS) {
            let mut batch = Batch::new();
            for (index, origin_id) in chunk.iter().enumerate() {
                let params = json!({
                    "filter": {"ORIGINATOR_ID": originator_id, "ORIGIN_ID": origin_id},
                    "select": ["ID", "ORIGINATOR_ID", "ORIGIN_ID"],
                });
                batch.push(format!("o{index}"), method.clone(), params)?;
            }

            let outcome = self.batch(&batch).await?;
            for (index, origin_id) in chunk.iter().enumerate() {
                let key = format!("o{index}");
                if let Some(error) = outcome.failure(&key) {
                    return Err(error);
                }
                let rows: Vec<CrmRecord> = outcome.result_as(&key)?.unwrap_or_default();
                let hit = rows
                    .iter()
                    .find(|record| matches_origin(record, originator_id, origin_id));
                if let Some(record) = hit {
                    found.insert(origin_id.clone(), record.id);
                }
            }
        }

        Ok(found)
    }

    /// `crm.company.contact.add`: links a contact to a company. Returns `false` when the link
    /// already existed.
    ///
    /// # Errors
    /// Any call error.
    pub async fn bind_company_contact(&self, company_id: u64, contact_id: u64) -> B24Result<bool> {
        let params = json!({"id": company_id, "fields": {"CONTACT_ID": contact_id}});
        let envelope = self.call("crm.company.contact.add", params).await?;
        Ok(crate::lenient::flag_from_value(&envelope.result).unwrap_or(false))
    }

    /// `crm.deal.contact.add`: links a contact to a deal. Returns `false` when the link
    /// already existed.
    ///
    /// # Errors
    /// Any call error.
    pub async fn bind_deal_contact(&self, deal_id: u64, contact_id: u64) -> B24Result<bool> {
        let params = json!({"id": deal_id, "fields": {"CONTACT_ID": contact_id}});
        let envelope = self.call("crm.deal.contact.add", params).await?;
        Ok(crate::lenient::flag_from_value(&envelope.result).unwrap_or(false))
    }
}

/// Reads the id an `add` method returned (an integer, sometimes a string).
pub(crate) fn new_id(method: &str, result: &Value) -> B24Result<u64> {
    crate::lenient::id_from_value(result).ok_or_else(|| B24Error::UnexpectedAnswer {
        method: method.to_owned(),
        detail: "the new record's id is missing".to_owned(),
    })
}

/// Whether a refusal means "no such record" (classic `Not found`, `ERROR_NOT_FOUND`,
/// `NOT_FOUND`, or the "not found" texts of contacts and activities).
pub fn is_not_found(error: &B24Error) -> bool {
    let Some(answer) = error.answer() else {
        return false;
    };
    let code = answer.code.to_ascii_uppercase();
    code == "NOT_FOUND"
        || code == "ERROR_NOT_FOUND"
        || answer.description.to_lowercase().contains("not found")
}

fn matches_origin(record: &CrmRecord, originator_id: &str, origin_id: &str) -> bool {
    record.originator_id.as_deref() == Some(originator_id)
        && record.origin_id.as_deref() == Some(origin_id)
}

fn fields_contains(name: &str) -> bool {
    matches!(name, "ID" | "ORIGINATOR_ID" | "ORIGIN_ID")
}
