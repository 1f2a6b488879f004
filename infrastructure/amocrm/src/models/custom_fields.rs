//! Custom-field definitions (`GET /api/v4/{entity}/custom_fields`) and [`FieldType`].

use serde::{Deserialize, Deserializer};

use crate::lenient;

/// The type of a custom field, as amoCRM names it. Unknown names are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// `text`.
    Text,
    /// `numeric`.
    Numeric,
    /// `checkbox`.
    Checkbox,
    /// `select`.
    Select,
    /// `multiselect`.
    Multiselect,
    /// `date`.
    Date,
    /// `url`.
    Url,
    /// `date_time`.
    DateTime,
    /// `textarea`.
    Textarea,
    /// `radiobutton`.
    Radiobutton,
    /// `streetaddress`.
    StreetAddress,
    /// `smart_address`.
    SmartAddress,
    /// `birthday`.
    Birthday,
    /// `legal_entity`.
    LegalEntity,
    /// `tracking_data`.
    TrackingData,
    /// `chained_list`.
    ChainedList,
    /// `monetary`.
    Monetary,
    /// `file`.
    File,
    /// `multitext` (phones, e-mails).
    Multitext,
    /// `price` (catalogs).
    Price,
    /// `category` (catalogs).
    Category,
    /// `items` (catalogs).
    Items,
    /// `linked_entity` (catalogs).
    LinkedEntity,
    /// `payer` (invoices).
    Payer,
    /// `supplier` (invoices).
    Supplier,
    /// Any type this client does not know, by its API name.
    Other(String),
}

impl FieldType {
    /// The type for an API name such as `date_time`.
    pub fn from_api(name: &str) -> Self {
        match name {
            "text" => Self::Text,
            "numeric" => Self::Numeric,
            "checkbox" => Self::Checkbox,
            "select" => Self::Select,
            "multiselect" => Self::Multiselect,
            "date" => Self::Date,
            "url" => Self::Url,
            "date_time" => Self::DateTime,
            "textarea" => Self::Textarea,
            "radiobutton" => Self::Radiobutton,
            "streetaddress" => Self::StreetAddress,
            "smart_address" => Self::SmartAddress,
            "birthday" => Self::Birthday,
            "legal_entity" => Self::LegalEntity,
            "tracking_data" => Self::TrackingData,
            "chained_list" => Self::ChainedList,
            "monetary" => Self::Monetary,
            "file" => Self::File,
            "multitext" => Self::Multitext,
            "price" => Self::Price,
            "category" => Self::Category,
            "items" => Self::Items,
            "linked_entity" => Self::LinkedEntity,
            "payer" => Self::Payer,
            "supplier" => Self::Supplier,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl<'de> Deserialize<'de> for FieldType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Ok(Self::from_api(&name))
    }
}

/// The definition of one custom field.
#[derive(Debug, Clone, Deserialize)]
pub struct CustomFieldDefinition {
    /// Field id, referenced by values' `field_id`.
    pub id: i64,
    /// Name shown to users.
    pub name: String,
    /// Code of predefined fields (`PHONE`, `EMAIL`, `POSITION`...), else `None`.
    #[serde(default)]
    pub code: Option<String>,
    /// Position.
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub sort: i64,
    /// Type.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Owning entity (`leads`, `contacts`...).
    #[serde(default)]
    pub entity_type: Option<String>,
    /// Whether only the API may write it.
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub is_api_only: bool,
    /// Whether it is a predefined field.
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub is_predefined: bool,
    /// Group id (a string in the API).
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub group_id: Option<String>,
    /// Choices of select-like fields.
    #[serde(default, deserialize_with = "lenient::list")]
    pub enums: Vec<FieldEnum>,
    /// Statuses in which the field is required (amoCRM's only notion of "required").
    #[serde(default, deserialize_with = "lenient::list")]
    pub required_statuses: Vec<RequiredStatus>,
    /// Currency of `monetary` fields.
    #[serde(default)]
    pub currency: Option<String>,
    /// Reminder setting of `birthday` fields.
    #[serde(default)]
    pub remind: Option<String>,
}

impl crate::models::Record for CustomFieldDefinition {
    fn record_id(&self) -> String {
        self.id.to_string()
    }

    fn created_at(&self) -> Option<i64> {
        None
    }
}

/// One choice of a select-like field.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FieldEnum {
    /// Choice id (`enum_id` in values).
    pub id: i64,
    /// Label (for multitext: the code, e.g. `WORK`).
    #[serde(deserialize_with = "crate::lenient::opt_text")]
    pub value: Option<String>,
    /// Position.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub sort: Option<i64>,
    /// Code, where the type has one.
    #[serde(default)]
    pub code: Option<String>,
}

/// A `(pipeline, status)` in which a field must be filled.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RequiredStatus {
    /// Pipeline id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub pipeline_id: Option<i64>,
    /// Status id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub status_id: Option<i64>,
}
