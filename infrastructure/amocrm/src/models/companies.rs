//! Companies (`GET /api/v4/companies`).

use serde::Deserialize;

use crate::lenient;
use crate::models::common::{CatalogElementRef, EntityRef, Tag};
use crate::models::contacts::multitext_by_code;
use crate::models::field_values::CustomFieldValues;

/// One company.
#[derive(Debug, Clone, Deserialize)]
pub struct Company {
    /// Company id.
    pub id: i64,
    /// Name.
    #[serde(default)]
    pub name: String,
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
    /// Whether the company is in the trash.
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub is_deleted: bool,
    /// Custom-field values (phones, e-mails, web, address...).
    #[serde(default, deserialize_with = "lenient::list")]
    pub custom_fields_values: Vec<CustomFieldValues>,
    /// Account id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub account_id: Option<i64>,
    /// Linked records.
    #[serde(rename = "_embedded", default)]
    pub embedded: CompanyEmbedded,
}

/// The embedded part of a company.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CompanyEmbedded {
    /// Tags.
    #[serde(default, deserialize_with = "lenient::list")]
    pub tags: Vec<Tag>,
    /// Contacts (`with=contacts`).
    #[serde(default, deserialize_with = "lenient::list")]
    pub contacts: Vec<EntityRef>,
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

impl Company {
    /// Phones with their kinds.
    pub fn phones(&self) -> Vec<(&str, Option<&str>)> {
        multitext_by_code(&self.custom_fields_values, "PHONE")
    }

    /// E-mails with their kinds.
    pub fn emails(&self) -> Vec<(&str, Option<&str>)> {
        multitext_by_code(&self.custom_fields_values, "EMAIL")
    }
}

crate::models::record!(Company);
