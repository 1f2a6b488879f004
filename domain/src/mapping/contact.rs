//! Contacts (D3): last name, first name, position, responsible, address, phones, e-mails, web
//! sites, custom fields, the linked company and the origin marker → `crm.contact.add`
//! `fields`.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::common::write_shared;
use super::custom_values::{CustomFieldValue, FieldMap};
use super::{AmoEntity, Mapped, MappingContext, Skipped, text};
use crate::chunk::FailureCode;

/// The `ORIGIN_ID` kind of contacts.
pub const ORIGIN_KIND: &str = "contact";

/// An amoCRM contact, as far as the mapping needs it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AmoContact {
    /// Its id.
    pub id: u64,
    /// The full name amoCRM shows (may be set while the parts are empty).
    #[serde(default)]
    pub name: String,
    /// First name.
    #[serde(default)]
    pub first_name: String,
    /// Last name.
    #[serde(default)]
    pub last_name: String,
    /// The responsible amoCRM user.
    #[serde(default)]
    pub responsible_user_id: Option<u64>,
    /// The linked company (amoCRM links at most one).
    #[serde(default)]
    pub company_id: Option<u64>,
    /// `custom_fields_values` (phones, e-mails, position and custom fields).
    #[serde(default)]
    pub custom_fields_values: Vec<CustomFieldValue>,
}

/// Maps a contact to `crm.contact.add` `fields`.
///
/// Bitrix24 needs `NAME` or `LAST_NAME`: the parts are used when amoCRM has them, else the
/// full name goes to `NAME`, else `Контакт amoCRM #<id>`. The linked company is written as
/// `COMPANY_ID` and `COMPANY_IDS` when it was moved; a company that was not moved leaves the
/// link behind with a note.
pub fn map_contact(contact: &AmoContact, context: &MappingContext, fields: &FieldMap) -> Mapped {
    let mut mapped = Mapped::default();

    let first = contact.first_name.trim();
    let last = contact.last_name.trim();
    let (name, last_name) = match (first.is_empty(), last.is_empty(), contact.name.trim()) {
        (true, true, "") => (format!("Контакт amoCRM #{}", contact.id), String::new()),
        (true, true, full) => (full.to_owned(), String::new()),
        _ => (first.to_owned(), last.to_owned()),
    };
    if !name.is_empty() {
        let name = text::title(&name, "NAME", &mut mapped.skipped);
        mapped.fields.insert("NAME".into(), json!(name));
    }
    if !last_name.is_empty() {
        let last_name = text::title(&last_name, "LAST_NAME", &mut mapped.skipped);
        mapped.fields.insert("LAST_NAME".into(), json!(last_name));
    }

    if let Some(company) = contact.company_id {
        match context.ids.portal_id(AmoEntity::Company, company) {
            Some(portal_id) => {
                mapped.fields.insert("COMPANY_ID".into(), json!(portal_id));
                mapped
                    .fields
                    .insert("COMPANY_IDS".into(), json!([portal_id]));
            }
            None => mapped.skipped.push(Skipped::new(
                FailureCode::ParentNotMoved,
                format!(
                    "the link to amoCRM company {company} was not moved: that company was not \
                     moved by this run"
                ),
            )),
        }
    }

    write_shared(
        &mut mapped,
        context,
        ORIGIN_KIND,
        contact.id,
        contact.responsible_user_id,
        &contact.custom_fields_values,
        fields,
    );
    mapped
}
