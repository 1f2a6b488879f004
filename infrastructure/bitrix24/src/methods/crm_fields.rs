//! The shapes of company, contact and deal data: typed `fields` for `add`, the origin key
//! (`ORIGINATOR_ID` + `ORIGIN_ID`) and records as `get`/`list` return them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One value of a multifield (`PHONE`, `EMAIL`, `WEB`, `IM`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Multifield {
    /// The phone number, address or URL.
    pub value: String,
    /// `WORK`, `MOBILE`, `HOME`, ... (see reference §5.2).
    pub value_type: String,
}

impl Multifield {
    /// A value with its type.
    pub fn new(value: impl Into<String>, value_type: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            value_type: value_type.into(),
        }
    }
}

/// Where a record came from: `ORIGINATOR_ID` (the source system) and `ORIGIN_ID` (its id
/// there). The migration's idempotency key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Origin {
    /// The source system, e.g. `amocrm` (left out when empty).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub originator_id: String,
    /// The record's id in the source system (left out when empty).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub origin_id: String,
}

/// `fields` of `crm.company.add`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct CompanyFields {
    /// Company name (required).
    pub title: String,
    /// Responsible user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_by_id: Option<u64>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    /// Address as one line (compatibility field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Phones.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phone: Vec<Multifield>,
    /// E-mails.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub email: Vec<Multifield>,
    /// Web sites.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub web: Vec<Multifield>,
    /// Source system and id.
    #[serde(flatten)]
    pub origin: Origin,
    /// Further fields, e.g. `UF_CRM_*` values.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `fields` of `crm.contact.add`. `name` or `last_name` must be non-empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct ContactFields {
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Job title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post: Option<String>,
    /// Responsible user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_by_id: Option<u64>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    /// Address as one line (compatibility field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Phones.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phone: Vec<Multifield>,
    /// E-mails.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub email: Vec<Multifield>,
    /// Web sites.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub web: Vec<Multifield>,
    /// Linked companies.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub company_ids: Vec<u64>,
    /// Source system and id.
    #[serde(flatten)]
    pub origin: Origin,
    /// Further fields, e.g. `UF_CRM_*` values.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `fields` of `crm.deal.add`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct DealFields {
    /// Deal name.
    pub title: String,
    /// Pipeline (0 = main); immutable after creation.
    pub category_id: u64,
    /// Stage id, e.g. `C5:NEW`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage_id: Option<String>,
    /// Amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opportunity: Option<f64>,
    /// Currency, e.g. `RUB`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency_id: Option<String>,
    /// Responsible user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_by_id: Option<u64>,
    /// Linked company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<u64>,
    /// Linked contacts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contact_ids: Vec<u64>,
    /// Start date `YYYY-MM-DD` (the source's creation date in the migration).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub begindate: Option<String>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    /// Source system and id.
    #[serde(flatten)]
    pub origin: Origin,
    /// Further fields, e.g. `UF_CRM_*` values.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A company, contact or deal as `get`/`list` return it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CrmRecord {
    /// Record id.
    #[serde(rename = "ID", deserialize_with = "crate::lenient::id")]
    pub id: u64,
    /// `ORIGINATOR_ID`, if set.
    #[serde(
        rename = "ORIGINATOR_ID",
        default,
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub originator_id: Option<String>,
    /// `ORIGIN_ID`, if set.
    #[serde(
        rename = "ORIGIN_ID",
        default,
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub origin_id: Option<String>,
    /// Every other field, as the portal sent it (ids and numbers as strings).
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}
