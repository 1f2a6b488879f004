//! Custom-field values (`custom_fields_values[i]`) in every shape the reference lists.
//!
//! The shape of each element of `values` depends on the field's type, so a value list is
//! read in two steps: the raw JSON first, then each element by the rules of
//! `field_type`. A value whose type this client does not know is kept whole in
//! [`FieldValue::Other`], never dropped.

use serde::de::Error;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::lenient;
use crate::models::custom_fields::FieldType;

/// The values of one custom field on one record.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomFieldValues {
    /// Field id (see the definitions).
    pub field_id: i64,
    /// Field name at read time.
    pub field_name: Option<String>,
    /// Field code (`PHONE`, `EMAIL`...), if predefined.
    pub field_code: Option<String>,
    /// Field type.
    pub field_type: FieldType,
    /// The values, typed by `field_type`.
    pub values: Vec<FieldValue>,
}

/// One element of a field's `values`.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// text, textarea, streetaddress, tracking_data, url.
    Text(String),
    /// numeric, price, monetary: kept as the text amoCRM sent (string or number), so no
    /// precision is lost; see [`FieldValue::as_number`].
    Number(String),
    /// checkbox.
    Flag(bool),
    /// date, date_time, birthday: Unix seconds.
    Timestamp(i64),
    /// select, multiselect, radiobutton, category: one chosen option.
    Choice(EnumValue),
    /// multitext (phone, e-mail, IM): the value and its kind (`WORK`, `MOB`...).
    Multitext(EnumValue),
    /// smart_address: one part of an address (`enum_code` names the part).
    AddressPart(EnumValue),
    /// legal_entity: requisites of a legal entity.
    LegalEntity(Map<String, Value>),
    /// linked_entity: a reference to another record.
    LinkedEntity(LinkedEntity),
    /// chained_list: a catalog element chosen in a chain.
    ChainedList {
        /// Catalog id.
        catalog_id: Option<i64>,
        /// Element id.
        catalog_element_id: Option<i64>,
    },
    /// file: a file on the drive.
    File(FileValue),
    /// items, payer, supplier (catalog and invoice fields): the object as sent.
    Structured(Map<String, Value>),
    /// A value of a type this client does not know, as sent.
    Other(Value),
}

impl FieldValue {
    /// The number of a [`FieldValue::Number`], accepting `1,5` as well as `1.5`.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Self::Number(text) => text.trim().replace(',', ".").parse().ok(),
            _ => None,
        }
    }
}

/// A value chosen from a list or qualified by a code.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EnumValue {
    /// The text.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub value: Option<String>,
    /// The option id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub enum_id: Option<i64>,
    /// The option code; older answers send it as `enum`.
    #[serde(default, alias = "enum")]
    pub enum_code: Option<String>,
}

/// A reference held by a `linked_entity` field.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LinkedEntity {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Referenced record.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub entity_id: Option<i64>,
    /// `catalog_elements`, `contacts` or `companies`.
    #[serde(default)]
    pub entity_type: Option<String>,
    /// Catalog of a catalog element.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub catalog_id: Option<i64>,
}

/// A file held by a `file` field.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FileValue {
    /// Drive file id.
    pub file_uuid: String,
    /// Drive version id.
    #[serde(default)]
    pub version_uuid: Option<String>,
    /// File name.
    #[serde(default)]
    pub file_name: Option<String>,
    /// Size in bytes.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub file_size: Option<i64>,
}

/// The raw shape before the values are typed.
#[derive(Deserialize)]
struct RawFieldValues {
    #[serde(deserialize_with = "lenient::i64_or_zero")]
    field_id: i64,
    #[serde(default)]
    field_name: Option<String>,
    #[serde(default)]
    field_code: Option<String>,
    #[serde(default)]
    field_type: Option<FieldType>,
    #[serde(default, deserialize_with = "lenient::list")]
    values: Vec<Value>,
}

impl<'de> Deserialize<'de> for CustomFieldValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawFieldValues::deserialize(d)?;
        let field_type = raw
            .field_type
            .unwrap_or_else(|| FieldType::Other(String::new()));
        let values = raw
            .values
            .into_iter()
            .enumerate()
            .map(|(i, value)| {
                typed_value(&field_type, value)
                    .map_err(|e| D::Error::custom(format!("field {} value {i}: {e}", raw.field_id)))
            })
            .collect::<Result<_, _>>()?;

        Ok(Self {
            field_id: raw.field_id,
            field_name: raw.field_name,
            field_code: raw.field_code,
            field_type,
            values,
        })
    }
}

/// Types one element of `values` by the field's type.
fn typed_value(field_type: &FieldType, element: Value) -> Result<FieldValue, String> {
    use FieldType as T;

    let inner = || element.get("value").cloned().unwrap_or(Value::Null);
    Ok(match field_type {
        T::Text | T::Textarea | T::StreetAddress | T::TrackingData | T::Url => {
            FieldValue::Text(scalar_text(inner())?)
        }
        T::Numeric | T::Price | T::Monetary => FieldValue::Number(scalar_text(inner())?),
        T::Checkbox => FieldValue::Flag(lenient::value_to_bool(inner())?.unwrap_or(false)),
        T::Date | T::DateTime | T::Birthday => FieldValue::Timestamp(timestamp(inner())?),
        T::Select | T::Multiselect | T::Radiobutton | T::Category => {
            FieldValue::Choice(parse(element)?)
        }
        T::Multitext => FieldValue::Multitext(parse(element)?),
        T::SmartAddress => FieldValue::AddressPart(parse(element)?),
        T::LegalEntity => FieldValue::LegalEntity(object(inner())?),
        T::LinkedEntity => FieldValue::LinkedEntity(parse(inner())?),
        T::ChainedList => {
            let source = match element.get("value") {
                Some(value @ Value::Object(_)) => value.clone(),
                _ => element,
            };
            FieldValue::ChainedList {
                catalog_id: source.get("catalog_id").and_then(as_i64),
                catalog_element_id: source.get("catalog_element_id").and_then(as_i64),
            }
        }
        T::File => FieldValue::File(parse(inner())?),
        T::Items | T::Payer | T::Supplier => FieldValue::Structured(object(inner())?),
        T::Other(_) => FieldValue::Other(element),
    })
}

/// Reads `value` as `T`.
fn parse<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// Text from a string, number or flag.
fn scalar_text(value: Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok(String::new()),
        other => Err(format!("expected text, found {other}")),
    }
}

/// Unix seconds from a number, a numeric string or an RFC 3339 string.
fn timestamp(value: Value) -> Result<i64, String> {
    if let Some(seconds) = as_i64(&value) {
        return Ok(seconds);
    }
    match &value {
        Value::String(s) => chrono::DateTime::parse_from_rfc3339(s.trim())
            .map(|t| t.timestamp())
            .map_err(|_| format!("expected a timestamp, found \"{s}\"")),
        other => Err(format!("expected a timestamp, found {other}")),
    }
}

/// An integer from a number or numeric string.
fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An object, or an error naming what came instead.
fn object(value: Value) -> Result<Map<String, Value>, String> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(format!("expected an object, found {other}")),
    }
}
