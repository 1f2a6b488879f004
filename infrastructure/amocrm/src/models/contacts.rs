//! Contacts (`GET /api/v4/contacts`).

use serde::Deserialize;

use crate::lenient;
use crate::models::common::{CatalogElementRef, EntityRef, Tag};
use crate::models::field_values::{CustomFieldValues, FieldValue};

/// One contact.
#[derive(Debug, Clone, Deserialize)]
pub struct Contact {
    /// Contact id.
    pub id: i64,
    /// Full name (may be set while first/last are empty).
    #[serde(default)]
    pub name: String,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Responsible user.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub responsible_user_id: Option<i64>,
    /// Group of the responsible user.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub group_id: Option<i64>,
    /// Creator (0 = system).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub created_by: Option<i64>,
    /// Last editor.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub updated_by: Option<i64>,
    /// Creation time.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub created_at: Option<i64>,
    /// Last update time.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub updated_at: Option<i64>,
    /// Deadline of the nearest task.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub closest_task_at: Option<i64>,
    /// Whether the contact is in the trash.
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub is_deleted: bool,
    /// Custom-field values, phones and e-mails included.
    #[serde(default, deserialize_with = "lenient::list")]
    pub custom_fields_values: Vec<CustomFieldValues>,
    /// Account id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub account_id: Option<i64>,
    /// Linked records.
    #[serde(rename = "_embedded", default)]
    pub embedded: ContactEmbedded,
}

/// The embedded part of a contact.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContactEmbedded {
    /// Tags.
    #[serde(default, deserialize_with = "lenient::list")]
    pub tags: Vec<Tag>,
    /// The company (at most one).
    #[serde(default, deserialize_with = "lenient::list")]
    pub companies: Vec<EntityRef>,
    /// Leads (`with=leads`).
    #[serde(default, deserialize_with = "lenient::list")]
    pub leads: Vec<EntityRef>,
    /// Customers (`with=customers`).
    #[serde(default, deserialize_with = "lenient::list")]
    pub customers: Vec<EntityRef>,
    /// Linked catalog elements.
    #[serde(default, deserialize_with = "lenient::list")]
    pub catalog_elements: Vec<CatalogElementRef>,
}

/// The multitext values of the predefined field with `code` (`PHONE`, `EMAIL`) in
/// `fields`, as `(value, kind)` pairs.
pub fn multitext_by_code<'a>(
    fields: &'a [CustomFieldValues],
    code: &str,
) -> Vec<(&'a str, Option<&'a str>)> {
    fields
        .iter()
        .filter(|field| field.field_code.as_deref() == Some(code))
        .flat_map(|field| field.values.iter())
        .filter_map(|value| match value {
            FieldValue::Multitext(item) => item
                .value
                .as_deref()
                .map(|text| (text, item.enum_code.as_deref())),
            _ => None,
        })
        .collect()
}

impl Contact {
    /// Phones with their kinds (`WORK`, `MOB`...).
    pub fn phones(&self) -> Vec<(&str, Option<&str>)> {
        multitext_by_code(&self.custom_fields_values, "PHONE")
    }

    /// E-mails with their kinds (`WORK`, `PRIV`, `OTHER`).
    pub fn emails(&self) -> Vec<(&str, Option<&str>)> {
        multitext_by_code(&self.custom_fields_values, "EMAIL")
    }
}

crate::models::record!(Contact);
