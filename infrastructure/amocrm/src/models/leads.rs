//! Leads, i.e. deals (`GET /api/v4/leads`).

use serde::Deserialize;

use crate::lenient;
use crate::models::common::{CatalogElementRef, EntityRef, LossReason, Tag};
use crate::models::field_values::CustomFieldValues;

/// One lead.
#[derive(Debug, Clone, Deserialize)]
pub struct Lead {
    /// Lead id.
    pub id: i64,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Amount in the account currency (an integer in the API).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub price: Option<i64>,
    /// Amount with kopecks/cents, on newer answers.
    #[serde(default, deserialize_with = "lenient::opt_f64")]
    pub price_with_minor_units: Option<f64>,
    /// Responsible user (0 or absent on robot-created leads).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub responsible_user_id: Option<i64>,
    /// Group of the responsible user.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub group_id: Option<i64>,
    /// Status id (key statuses by pipeline and status).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub status_id: Option<i64>,
    /// Pipeline id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub pipeline_id: Option<i64>,
    /// Loss reason, when lost.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub loss_reason_id: Option<i64>,
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
    /// Closing time, `None` while open.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub closed_at: Option<i64>,
    /// Deadline of the nearest task.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub closest_task_at: Option<i64>,
    /// Whether the lead is in the trash.
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub is_deleted: bool,
    /// Custom-field values (`null` in the API reads as empty).
    #[serde(default, deserialize_with = "lenient::list")]
    pub custom_fields_values: Vec<CustomFieldValues>,
    /// Labour cost in seconds.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub labor_cost: Option<i64>,
    /// Account id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub account_id: Option<i64>,
    /// Linked records.
    #[serde(rename = "_embedded", default)]
    pub embedded: LeadEmbedded,
}

/// The embedded part of a lead.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LeadEmbedded {
    /// Tags.
    #[serde(default, deserialize_with = "lenient::list")]
    pub tags: Vec<Tag>,
    /// The company (at most one).
    #[serde(default, deserialize_with = "lenient::list")]
    pub companies: Vec<EntityRef>,
    /// Contacts (`with=contacts`), with the main one flagged.
    #[serde(default, deserialize_with = "lenient::list")]
    pub contacts: Vec<EntityRef>,
    /// Loss reason (`with=loss_reason`; an array although documented as an object).
    #[serde(default, deserialize_with = "lenient::list")]
    pub loss_reason: Vec<LossReason>,
    /// Linked catalog elements (`with=catalog_elements`).
    #[serde(default, deserialize_with = "lenient::list")]
    pub catalog_elements: Vec<CatalogElementRef>,
}

crate::models::record!(Lead);
