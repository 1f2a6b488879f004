//! amoCRM custom field values (`custom_fields_values`) → values of the `UF_CRM_*` user fields
//! created for them (reference §5.8, "Writing values on entities").
//!
//! A value that cannot be written (an unknown option, an unparsable number or date, a field
//! whose type is not moved) is left behind as a [`Skipped`] note; the record moves anyway.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::custom_fields::{UserFieldSpec, UserFieldType, unmovable_reason, user_field_type};
use super::multifield::{element_code, element_text};
use super::{FileSource, Mapped, MappingContext, PendingFile, Skipped, text};
use crate::chunk::FailureCode;

/// One element of a record's `custom_fields_values`, as amoCRM sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomFieldValue {
    /// The field id.
    pub field_id: u64,
    /// The field's label.
    #[serde(default)]
    pub field_name: String,
    /// The code of predefined fields, else `None`.
    #[serde(default)]
    pub field_code: Option<String>,
    /// The amoCRM type.
    #[serde(default)]
    pub field_type: String,
    /// The value elements, in amoCRM's shapes (reference §5.7).
    #[serde(default)]
    pub values: Vec<Value>,
}

/// A user field as created on the portal, with the option ids it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalUserField {
    /// `UF_CRM_AMO_<id>`.
    pub field_name: String,
    /// Its type.
    pub user_type: UserFieldType,
    /// Whether it holds several values.
    pub multiple: bool,
    /// amoCRM enum id → portal option id (enumerations only).
    pub options: BTreeMap<u64, u64>,
    /// The currency of a money field.
    pub currency: Option<String>,
}

impl PortalUserField {
    /// The created field of a spec, given the option ids the portal gave (by amoCRM enum id).
    pub fn created(spec: &UserFieldSpec, options: BTreeMap<u64, u64>) -> PortalUserField {
        PortalUserField {
            field_name: spec.field_name.clone(),
            user_type: spec.user_type,
            multiple: spec.multiple,
            options,
            currency: spec.currency.clone(),
        }
    }
}

/// The user fields of one entity on the portal, by amoCRM field id.
pub type FieldMap = BTreeMap<u64, PortalUserField>;

/// Writes one amoCRM custom field value into the record's fields, or notes why it was left.
pub fn write_value(
    value: &CustomFieldValue,
    fields: &FieldMap,
    context: &MappingContext,
    mapped: &mut Mapped,
) {
    let Some(field) = fields.get(&value.field_id) else {
        let reason = if user_field_type(&value.field_type).is_ok() {
            "its user field was not created on the portal (see the custom fields in the \
             failure list)"
        } else {
            unmovable_reason(&value.field_type)
        };
        mapped.skipped.push(Skipped::new(
            FailureCode::UnsupportedValue,
            format!(
                "value of amoCRM field «{}» (id {}, type {}) was not moved: {reason}",
                value.field_name, value.field_id, value.field_type
            ),
        ));
        return;
    };

    let mut converted = Vec::new();
    for element in &value.values {
        match convert(element, &value.field_type, field, context, mapped) {
            Ok(Some(item)) => converted.push(item),
            Ok(None) => {}
            Err(why) => mapped.skipped.push(Skipped::new(
                FailureCode::InvalidValue,
                format!(
                    "a value of amoCRM field «{}» (id {}) was not moved: {why}",
                    value.field_name, value.field_id
                ),
            )),
        }
    }
    if converted.is_empty() {
        return;
    }

    let written = if field.multiple {
        Value::Array(converted)
    } else if field.user_type == UserFieldType::String && converted.len() > 1 {
        let parts: Vec<String> = converted.iter().filter_map(value_text).collect();
        json!(parts.join(", "))
    } else {
        converted.swap_remove(0)
    };
    mapped.fields.insert(field.field_name.clone(), written);
}

fn value_text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_owned)
}

/// One value element → the user field's value; `Ok(None)` for an empty element or a file
/// (files go to [`Mapped::files`]).
fn convert(
    element: &Value,
    amo_type: &str,
    field: &PortalUserField,
    context: &MappingContext,
    mapped: &mut Mapped,
) -> Result<Option<Value>, String> {
    match field.user_type {
        UserFieldType::String => Ok(string_value(element, amo_type, mapped).map(Value::String)),
        UserFieldType::Url => Ok(element_text(element).map(Value::String)),
        UserFieldType::Double => number(element).map(|n| n.map(|n| json!(n))),
        UserFieldType::Money => {
            let currency = field.currency.as_deref().unwrap_or(&context.currency);
            number(element).map(|n| n.map(|n| json!(format!("{n}|{currency}"))))
        }
        UserFieldType::Boolean => Ok(boolean(element).map(|flag| json!(u8::from(flag)))),
        UserFieldType::Date => date(element, context).map(|day| day.map(Value::String)),
        UserFieldType::Enumeration => option(element, field).map(|id| Some(json!(id))),
        UserFieldType::File => {
            if context.files
                && let Some(file) = file(element, &field.field_name)
            {
                mapped.files.push(file);
            }
            Ok(None)
        }
    }
}

fn string_value(element: &Value, amo_type: &str, mapped: &mut Mapped) -> Option<String> {
    let raw = match element.get("value") {
        Some(Value::Object(parts)) => legal_entity_text(parts),
        _ if amo_type == "smart_address" => {
            let text = element_text(element)?;
            format!("{}: {text}", element_code(element))
        }
        _ => element_text(element)?,
    };
    Some(text::long_text(
        &raw,
        "a custom field value",
        &mut mapped.skipped,
    ))
}

/// A legal entity (or any object value) as `key: value` pairs joined with `; `.
fn legal_entity_text(parts: &Map<String, Value>) -> String {
    parts
        .iter()
        .filter_map(|(key, value)| {
            let text = match value {
                Value::String(text) if !text.trim().is_empty() => text.trim().to_owned(),
                Value::Number(number) => number.to_string(),
                _ => return None,
            };
            Some(format!("{key}: {text}"))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn number(element: &Value) -> Result<Option<f64>, String> {
    match element.get("value") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => Ok(number.as_f64()),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
        Some(Value::String(text)) => {
            let cleaned: String = text
                .trim()
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| if c == ',' { '.' } else { c })
                .collect();
            cleaned
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(Some)
                .ok_or_else(|| format!("{text:?} is not a number"))
        }
        Some(other) => Err(format!("{other} is not a number")),
    }
}

fn boolean(element: &Value) -> Option<bool> {
    match element.get("value")? {
        Value::Bool(flag) => Some(*flag),
        Value::Number(number) => Some(number.as_i64() != Some(0)),
        Value::String(text) => Some(matches!(text.trim(), "1" | "true" | "Y" | "y")),
        _ => None,
    }
}

fn date(element: &Value, context: &MappingContext) -> Result<Option<String>, String> {
    match element.get("value") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => number
            .as_i64()
            .and_then(|ts| text::iso_date(ts, context.utc_offset))
            .map(Some)
            .ok_or_else(|| format!("{number} is not a date")),
        Some(Value::String(raw)) => {
            let raw = raw.trim();
            if raw.is_empty() {
                return Ok(None);
            }
            if let Ok(ts) = raw.parse::<i64>() {
                return text::iso_date(ts, context.utc_offset)
                    .map(Some)
                    .ok_or_else(|| format!("{raw:?} is not a date"));
            }
            if let Ok(at) = chrono::DateTime::parse_from_rfc3339(raw) {
                let day = at.with_timezone(&context.utc_offset).date_naive();
                return Ok(Some(day.format("%Y-%m-%d").to_string()));
            }
            chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map(|day| Some(day.format("%Y-%m-%d").to_string()))
                .map_err(|_| format!("{raw:?} is not a date"))
        }
        Some(other) => Err(format!("{other} is not a date")),
    }
}

fn option(element: &Value, field: &PortalUserField) -> Result<u64, String> {
    let label = element_text(element).unwrap_or_default();
    let enum_id = element
        .get("enum_id")
        .and_then(Value::as_u64)
        .ok_or_else(|| format!("option {label:?} carries no enum_id"))?;
    field.options.get(&enum_id).copied().ok_or_else(|| {
        format!("option {label:?} (enum id {enum_id}) has no option in the portal's field")
    })
}

fn file(element: &Value, target: &str) -> Option<PendingFile> {
    let value = element.get("value")?;
    let file_uuid = value.get("file_uuid")?.as_str()?.to_owned();
    let version_uuid = value
        .get("version_uuid")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let name = value
        .get("file_name")
        .and_then(Value::as_str)
        .unwrap_or(&file_uuid)
        .to_owned();
    Some(PendingFile {
        target: target.to_owned(),
        source: FileSource::Drive {
            file_uuid,
            version_uuid,
        },
        name,
    })
}
