//! Lenient deserializers for the PHP habits of Bitrix24's JSON.
//!
//! The portal is written in PHP and its encoder leaks PHP's data model:
//! - an empty associative array is written as `[]`, not `{}`;
//! - a map whose keys happen to be `0..n-1` is written as a JSON array;
//! - ids and numbers in `get`/`list` rows are strings (`"ID": "35943"`), while `add` returns
//!   integers, and `Y`/`N`, `"1"`/`"0"` and booleans are all used for flags;
//! - empty values come back as `""`, `null` or `false`.
//!
//! The helpers here accept every one of those forms, so that callers see one Rust type.

use std::collections::BTreeMap;

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Reads a map that PHP may have written as an object, as an array (keys `0..n-1`) or as an
/// empty array.
pub fn php_map<'de, D, T>(deserializer: D) -> Result<BTreeMap<String, T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    php_map_from_value(value).map_err(D::Error::custom)
}

/// The [`php_map`] rules applied to an already parsed value.
pub fn php_map_from_value<T: DeserializeOwned>(
    value: Value,
) -> Result<BTreeMap<String, T>, serde_json::Error> {
    let mut map = BTreeMap::new();

    match value {
        Value::Null | Value::Bool(false) => {}
        Value::Array(items) => {
            for (index, item) in items.into_iter().enumerate() {
                map.insert(index.to_string(), serde_json::from_value(item)?);
            }
        }
        Value::Object(entries) => {
            for (key, item) in entries {
                map.insert(key, serde_json::from_value(item)?);
            }
        }
        other => {
            return Err(serde_json::Error::custom(format!(
                "expected a map, found {}",
                kind_of(&other)
            )));
        }
    }

    Ok(map)
}

/// Reads an id written as a number or as a string of digits.
pub fn id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let value = Value::deserialize(deserializer)?;
    id_from_value(&value).ok_or_else(|| D::Error::custom(format!("not an id: {}", kind_of(&value))))
}

/// Reads an optional id: `null`, `""`, `"0"`, `0` and `false` all mean "none".
pub fn opt_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    if is_empty(&value) {
        return Ok(None);
    }

    match id_from_value(&value) {
        Some(0) => Ok(None),
        Some(id) => Ok(Some(id)),
        None => Err(D::Error::custom(format!("not an id: {}", kind_of(&value)))),
    }
}

/// Reads a count or offset (`total`, `next`) and never fails: anything that is not a
/// non-negative whole number, written as a number or as digits, is `None`.
pub fn opt_count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    Ok(id_from_value(&value))
}

/// Extracts an id from a number or a string of digits.
pub fn id_from_value(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// Reads a number written as a JSON number or as a decimal string (`"3607999.00"`); empty
/// values become `None`.
pub fn opt_f64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    if is_empty(&value) {
        return Ok(None);
    }

    match &value {
        Value::Number(number) => Ok(number.as_f64()),
        Value::String(text) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom("not a decimal number")),
        other => Err(D::Error::custom(format!(
            "not a number: {}",
            kind_of(other)
        ))),
    }
}

/// Reads a flag written as `true`/`false`, `"Y"`/`"N"`, `"1"`/`"0"` or `1`/`0`; empty values
/// are `false`.
pub fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    let value = Value::deserialize(deserializer)?;
    flag_from_value(&value)
        .ok_or_else(|| D::Error::custom(format!("not a flag: {}", kind_of(&value))))
}

/// The [`flag`] rules applied to an already parsed value.
pub fn flag_from_value(value: &Value) -> Option<bool> {
    match value {
        Value::Null => Some(false),
        Value::Bool(flag) => Some(*flag),
        Value::Number(number) => Some(number.as_f64().is_some_and(|n| n != 0.0)),
        Value::String(text) => match text.trim().to_ascii_uppercase().as_str() {
            "Y" | "1" | "TRUE" => Some(true),
            "N" | "0" | "FALSE" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Reads optional text: `null`, `""` and `false` become `None`; numbers become their text.
pub fn opt_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    if is_empty(&value) {
        return Ok(None);
    }

    match value {
        Value::String(text) => Ok(Some(text)),
        Value::Number(number) => Ok(Some(number.to_string())),
        Value::Bool(true) => Ok(Some("Y".to_owned())),
        other => Err(D::Error::custom(format!("not text: {}", kind_of(&other)))),
    }
}

/// Reads text that may have been written as a number (error codes such as `100` or `0`).
pub fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(opt_string(deserializer)?.unwrap_or_default())
}

/// Reads a list that PHP may have written as an array, as an object with keys `0..n-1`
/// (after a filter removed rows), as `[]`/`null`, or as a single scalar.
pub fn php_list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    let items = match value {
        Value::Null | Value::Bool(false) => Vec::new(),
        Value::Array(items) => items,
        Value::Object(entries) => entries.into_iter().map(|(_, item)| item).collect(),
        scalar => vec![scalar],
    };

    items
        .into_iter()
        .map(|item| serde_json::from_value(item).map_err(D::Error::custom))
        .collect()
}

/// Whether PHP meant "no value" (`null`, `""`, `false`).
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(text) => text.trim().is_empty(),
        _ => false,
    }
}

/// A short name of a JSON value's kind, for error messages that never echo payloads.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    struct Row {
        #[serde(deserialize_with = "id")]
        id: u64,
        #[serde(default, deserialize_with = "opt_id")]
        company: Option<u64>,
        #[serde(default, deserialize_with = "opt_f64")]
        amount: Option<f64>,
        #[serde(default, deserialize_with = "flag")]
        opened: bool,
        #[serde(default, deserialize_with = "opt_string")]
        comment: Option<String>,
        #[serde(default, deserialize_with = "php_list")]
        tags: Vec<String>,
    }

    #[test]
    fn string_numbers_flags_and_empty_values_are_read() {
        let row: Row = serde_json::from_value(json!({
            "id": "35943", "company": "0", "amount": "3607999.00", "opened": "Y",
            "comment": "", "tags": {"0": "a", "1": "b"}
        }))
        .unwrap();

        assert_eq!(row.id, 35943);
        assert_eq!(row.company, None);
        assert_eq!(row.amount, Some(3_607_999.0));
        assert!(row.opened);
        assert_eq!(row.comment, None);
        assert_eq!(row.tags, ["a", "b"]);
    }

    #[test]
    fn numbers_and_booleans_are_read_in_their_native_form_too() {
        let row: Row = serde_json::from_value(json!({
            "id": 7, "company": 12, "amount": 5, "opened": false, "comment": null, "tags": []
        }))
        .unwrap();

        assert_eq!((row.id, row.company, row.amount), (7, Some(12), Some(5.0)));
        assert!(!row.opened && row.comment.is_none() && row.tags.is_empty());
    }

    #[test]
    fn php_maps_accept_empty_arrays_and_index_keyed_arrays() {
        let empty: BTreeMap<String, u64> = php_map_from_value(json!([])).unwrap();
        let listed: BTreeMap<String, u64> = php_map_from_value(json!([4, 5])).unwrap();
        let keyed: BTreeMap<String, u64> = php_map_from_value(json!({"c1": 4})).unwrap();

        assert!(empty.is_empty());
        assert_eq!(listed.get("1"), Some(&5));
        assert_eq!(keyed.get("c1"), Some(&4));
        assert!(php_map_from_value::<u64>(json!("text")).is_err());
    }

    #[test]
    fn an_id_that_is_not_a_number_is_an_error_without_its_value() {
        let error = serde_json::from_value::<Row>(json!({"id": "secret-ish"})).unwrap_err();

        assert!(!error.to_string().contains("secret-ish"));
    }
}
