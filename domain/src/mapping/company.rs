//! Companies (D2): name, responsible, address, phones, e-mails, web sites, custom fields and
//! the origin marker → `crm.company.add` `fields`.
//!
//! The link to contacts is written from the contact side (`COMPANY_ID`, see
//! [`crate::mapping::contact`]): companies move first, so their contacts do not exist yet.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::common::write_shared;
use super::custom_values::{CustomFieldValue, FieldMap};
use super::{Mapped, MappingContext, text};

/// The `ORIGIN_ID` kind of companies.
pub const ORIGIN_KIND: &str = "company";

/// An amoCRM company, as far as the mapping needs it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AmoCompany {
    /// Its id.
    pub id: u64,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// The responsible amoCRM user (0 or absent: none).
    #[serde(default)]
    pub responsible_user_id: Option<u64>,
    /// `custom_fields_values` (phones, e-mails, web, address and custom fields).
    #[serde(default)]
    pub custom_fields_values: Vec<CustomFieldValue>,
}

/// Maps a company to `crm.company.add` `fields`.
///
/// A company without a name gets `Компания amoCRM #<id>` (Bitrix24 requires `TITLE`).
pub fn map_company(company: &AmoCompany, context: &MappingContext, fields: &FieldMap) -> Mapped {
    let mut mapped = Mapped::default();

    let title = if company.name.trim().is_empty() {
        format!("Компания amoCRM #{}", company.id)
    } else {
        text::title(&company.name, "TITLE", &mut mapped.skipped)
    };
    mapped.fields.insert("TITLE".into(), json!(title));

    write_shared(
        &mut mapped,
        context,
        ORIGIN_KIND,
        company.id,
        company.responsible_user_id,
        &company.custom_fields_values,
        fields,
    );
    mapped
}
