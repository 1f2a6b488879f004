//! amoCRM custom field definitions → Bitrix24 user field definitions
//! (`crm.{company|contact|deal}.userfield.add`), D4 and D9.
//!
//! | amoCRM type | Bitrix24 `USER_TYPE_ID` | multiple |
//! |---|---|---|
//! | `text`, `textarea`, `streetaddress`, `tracking_data` | `string` | no |
//! | `smart_address`, `legal_entity` | `string` (the parts as one text) | no / yes |
//! | `multitext` (not a predefined phone, e-mail or messenger field) | `string` | yes |
//! | `numeric` | `double` | no |
//! | `monetary` | `money` | no |
//! | `checkbox` | `boolean` | no |
//! | `select`, `radiobutton` | `enumeration` | no |
//! | `multiselect` | `enumeration` | yes |
//! | `date`, `birthday`, `date_time` | `date` (D4: a date-time becomes a date) | no |
//! | `url` | `url` | no |
//! | `file` | `file` | yes |
//! | `linked_entity`, `chained_list` | not moved (D9) | |
//! | `price`, `category`, `items`, `payer`, `supplier` (catalogs) | not moved (D9) | |
//! | any other type | not moved (D9) | |
//!
//! Predefined contact and company fields (`PHONE`, `EMAIL`, `WEB`, `IM`, `POSITION`,
//! `ADDRESS`) land in standard fields instead ([`FieldTarget::Standard`]).
//!
//! Every created field is named `UF_CRM_AMO_<amoCRM field id>` ([`field_name`]) and carries
//! `XML_ID` `AMO_<amoCRM field id>`; enumeration options carry `XML_ID` `AMO_<enum id>`, by
//! which the engine maps option ids back after creating the field. Fields are created not
//! mandatory: amoCRM's "required in status" rules are not carried over.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::multifield::StandardField;
use super::{AmoEntity, Fields, MappingFailure};
use crate::chunk::FailureCode;

/// One option of an amoCRM select, radio button or multiselect field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmoEnum {
    /// The option id (`enum_id` in values).
    pub id: u64,
    /// The label.
    pub value: String,
    /// Its position.
    #[serde(default)]
    pub sort: i64,
}

/// An amoCRM custom field definition (`GET /api/v4/{entity}/custom_fields`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmoFieldDef {
    /// The field id.
    pub id: u64,
    /// The label.
    pub name: String,
    /// The code of predefined fields (`PHONE`, `EMAIL`, `POSITION`, ...), else `None`.
    #[serde(default)]
    pub code: Option<String>,
    /// The amoCRM type (`text`, `select`, `date_time`, ...).
    #[serde(rename = "type")]
    pub field_type: String,
    /// Which records it belongs to.
    pub entity: AmoEntity,
    /// Its position.
    #[serde(default)]
    pub sort: i64,
    /// Options of select-like fields.
    #[serde(default)]
    pub enums: Vec<AmoEnum>,
    /// The currency of a monetary field, if given.
    #[serde(default)]
    pub currency: Option<String>,
}

/// The Bitrix24 user field types this product creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserFieldType {
    /// `string`.
    String,
    /// `double`.
    Double,
    /// `boolean`.
    Boolean,
    /// `date`.
    Date,
    /// `enumeration`.
    Enumeration,
    /// `money`.
    Money,
    /// `url`.
    Url,
    /// `file`.
    File,
}

impl UserFieldType {
    /// The `USER_TYPE_ID`.
    pub fn as_str(self) -> &'static str {
        match self {
            UserFieldType::String => "string",
            UserFieldType::Double => "double",
            UserFieldType::Boolean => "boolean",
            UserFieldType::Date => "date",
            UserFieldType::Enumeration => "enumeration",
            UserFieldType::Money => "money",
            UserFieldType::Url => "url",
            UserFieldType::File => "file",
        }
    }
}

/// A user field to create on the portal for one amoCRM field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserFieldSpec {
    /// The amoCRM field id.
    pub amo_field_id: u64,
    /// `FIELD_NAME`, `UF_CRM_AMO_<id>`.
    pub field_name: String,
    /// `USER_TYPE_ID`.
    pub user_type: UserFieldType,
    /// The label (amoCRM's name).
    pub label: String,
    /// `MULTIPLE`.
    pub multiple: bool,
    /// `SORT` (amoCRM's sort, at least 1).
    pub sort: i64,
    /// Enumeration options, in amoCRM's order.
    pub options: Vec<AmoEnum>,
    /// For `money` fields: the currency, if amoCRM gives one.
    pub currency: Option<String>,
}

impl UserFieldSpec {
    /// The `fields` of `crm.{entity}.userfield.add`.
    pub fn to_fields(&self) -> Fields {
        let mut fields = Fields::new();
        fields.insert("FIELD_NAME".into(), json!(self.field_name));
        fields.insert("USER_TYPE_ID".into(), json!(self.user_type.as_str()));
        fields.insert("XML_ID".into(), json!(format!("AMO_{}", self.amo_field_id)));
        fields.insert("LABEL".into(), json!(self.label));
        for label in ["EDIT_FORM_LABEL", "LIST_COLUMN_LABEL", "LIST_FILTER_LABEL"] {
            fields.insert(label.into(), json!(self.label));
        }
        fields.insert("MULTIPLE".into(), json!(yes_no(self.multiple)));
        fields.insert("MANDATORY".into(), json!("N"));
        fields.insert("SHOW_FILTER".into(), json!("Y"));
        fields.insert("SORT".into(), json!(self.sort.max(1)));

        if self.user_type == UserFieldType::Enumeration {
            let list: Vec<Value> = self
                .options
                .iter()
                .map(|option| {
                    json!({
                        "VALUE": option.value,
                        "SORT": option.sort,
                        "DEF": "N",
                        "XML_ID": option_xml_id(option.id),
                    })
                })
                .collect();
            fields.insert("LIST".into(), Value::Array(list));
        }
        if self.user_type == UserFieldType::Double {
            fields.insert("SETTINGS".into(), json!({"PRECISION": 2}));
        }
        fields
    }
}

/// Where an amoCRM field's values land.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldTarget {
    /// In a user field to create.
    UserField(UserFieldSpec),
    /// In a standard field of the record.
    Standard(StandardField),
    /// Nowhere: the values are skipped, with the reason (D9).
    NotMoved(MappingFailure),
}

/// The `FIELD_NAME` of the user field for an amoCRM field.
pub fn field_name(amo_field_id: u64) -> String {
    format!("UF_CRM_AMO_{amo_field_id}")
}

/// The `XML_ID` of the enumeration option for an amoCRM enum id.
pub fn option_xml_id(amo_enum_id: u64) -> String {
    format!("AMO_{amo_enum_id}")
}

/// The amoCRM enum id an option's `XML_ID` was made from, if it was made by this product.
pub fn amo_enum_id_of(xml_id: &str) -> Option<u64> {
    xml_id.strip_prefix("AMO_")?.parse().ok()
}

/// Decides where an amoCRM custom field goes.
pub fn plan_user_field(def: &AmoFieldDef) -> FieldTarget {
    let standard = StandardField::from_code(def.code.as_deref());
    if let Some(standard) = standard
        && matches!(def.entity, AmoEntity::Contact | AmoEntity::Company)
    {
        return FieldTarget::Standard(standard);
    }

    let (user_type, multiple) = match user_field_type(&def.field_type) {
        Ok(found) => found,
        Err(reason) => {
            return FieldTarget::NotMoved(MappingFailure::new(
                FailureCode::UnsupportedValue,
                format!(
                    "amoCRM field «{}» (id {}, type {}) is not moved: {reason}",
                    def.name, def.id, def.field_type
                ),
            ));
        }
    };

    let mut options = def.enums.clone();
    options.sort_by_key(|option| (option.sort, option.id));
    FieldTarget::UserField(UserFieldSpec {
        amo_field_id: def.id,
        field_name: field_name(def.id),
        user_type,
        label: def.name.trim().to_owned(),
        multiple,
        sort: def.sort,
        options,
        currency: def.currency.clone(),
    })
}

/// The user field type and multiplicity for an amoCRM type, or why it cannot be moved.
pub fn user_field_type(amo_type: &str) -> Result<(UserFieldType, bool), &'static str> {
    let found = match amo_type {
        "text" | "textarea" | "streetaddress" | "tracking_data" | "smart_address" => {
            (UserFieldType::String, false)
        }
        "legal_entity" | "multitext" => (UserFieldType::String, true),
        "numeric" => (UserFieldType::Double, false),
        "monetary" => (UserFieldType::Money, false),
        "checkbox" => (UserFieldType::Boolean, false),
        "select" | "radiobutton" => (UserFieldType::Enumeration, false),
        "multiselect" => (UserFieldType::Enumeration, true),
        "date" | "date_time" | "birthday" => (UserFieldType::Date, false),
        "url" => (UserFieldType::Url, false),
        "file" => (UserFieldType::File, true),
        other => return Err(unmovable_reason(other)),
    };
    Ok(found)
}

/// Why an amoCRM field type cannot be moved.
pub fn unmovable_reason(amo_type: &str) -> &'static str {
    match amo_type {
        "linked_entity" => {
            "it links to amoCRM catalog records (lists, products), which are not moved; the \
             link would point nowhere"
        }
        "chained_list" => "it holds amoCRM catalog elements, which are not moved",
        "price" | "category" | "items" | "payer" | "supplier" => {
            "it belongs to amoCRM catalogs and invoices, which are not moved"
        }
        _ => "this product does not know the type, so it does not guess a Bitrix24 one",
    }
}

fn yes_no(flag: bool) -> &'static str {
    if flag { "Y" } else { "N" }
}
