//! Required fields on the portal (D4): a user field an administrator made mandatory on
//! companies, contacts or deals stops the run, with a message naming the field, when a record
//! about to be sent has no value for it. The run continues after the requirement is switched
//! off.
//!
//! Classic `crm.*.add` does not enforce mandatory user fields unless the portal enabled that
//! option (reference §5.1), so this check is the product's own, made before sending: records
//! would otherwise land without the value the portal's users count on.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{AmoEntity, Fields};

/// A user field of the portal, as `crm.{entity}.userfield.list` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalFieldRule {
    /// `FIELD_NAME`, e.g. `UF_CRM_1700000000`.
    pub field_name: String,
    /// The label users see (`EDIT_FORM_LABEL`), or the name when it has none.
    pub label: String,
    /// `MANDATORY == "Y"`.
    pub mandatory: bool,
}

/// A required portal field a record has no value for: the run must stop.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "Bitrix24 requires the field «{label}» ({field_name}) on {entity_words}, and the records \
     from amoCRM have no value for it. The transfer is stopped. Switch off «Обязательное» for \
     this field in the CRM settings of {entity_words}, then continue the transfer; retrying \
     without that change stops again."
)]
pub struct RequiredFieldMissing {
    /// The kind of record.
    pub entity: AmoEntity,
    /// What users call that kind of record, in the message.
    pub entity_words: &'static str,
    /// `FIELD_NAME`.
    pub field_name: String,
    /// Its label.
    pub label: String,
}

/// The first mandatory portal field the mapped `fields` leave empty, if any.
///
/// Only companies, contacts and deals are checked (D4); a value counts as empty when it is
/// missing, `null`, an empty or blank string or an empty list.
pub fn check_required(
    entity: AmoEntity,
    portal_fields: &[PortalFieldRule],
    fields: &Fields,
) -> Result<(), RequiredFieldMissing> {
    let entity_words = match entity {
        AmoEntity::Company => "companies",
        AmoEntity::Contact => "contacts",
        AmoEntity::Lead => "deals",
        AmoEntity::Customer => return Ok(()),
    };

    let missing = portal_fields
        .iter()
        .filter(|rule| rule.mandatory)
        .find(|rule| is_empty(fields.get(&rule.field_name)));
    match missing {
        Some(rule) => Err(RequiredFieldMissing {
            entity,
            entity_words,
            field_name: rule.field_name.clone(),
            label: rule.label.clone(),
        }),
        None => Ok(()),
    }
}

fn is_empty(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(text)) => text.trim().is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    }
}
