//! Lenient readers for values amoCRM sends in more than one form: numbers as strings,
//! booleans as `0`/`1`, `null` where a list is expected, an array where an object is
//! documented. Each is used with `#[serde(deserialize_with = ...)]` on model fields.

use serde::de::{DeserializeOwned, Error};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An integer sent as a number (integral float too), a numeric string, `""` or `null`.
pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("expected an integer, found {n}"))),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("expected an integer, found \"{s}\""))),
        Some(other) => Err(D::Error::custom(format!(
            "expected an integer, found {other}"
        ))),
    }
}

/// Like [`opt_i64`], with `0` for an absent value.
pub(crate) fn i64_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    opt_i64(d).map(Option::unwrap_or_default)
}

/// A number sent as a number or a numeric string.
pub(crate) fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .replace(',', ".")
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("expected a number, found \"{s}\""))),
        Some(other) => Err(D::Error::custom(format!(
            "expected a number, found {other}"
        ))),
    }
}

/// Text sent as a string or as a number.
pub(crate) fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(other) => Err(D::Error::custom(format!("expected text, found {other}"))),
    }
}

/// A flag sent as `true`/`false`, `0`/`1` or their string forms.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    value_to_bool(value.unwrap_or(Value::Null)).map_err(D::Error::custom)
}

/// Like [`opt_bool`], with `false` for an absent value.
pub(crate) fn bool_or_false<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    opt_bool(d).map(Option::unwrap_or_default)
}

/// Converts a JSON flag in any of its forms.
pub(crate) fn value_to_bool(value: Value) -> Result<Option<bool>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(b)),
        Value::Number(n) => Ok(Some(n.as_f64().is_some_and(|f| f != 0.0))),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "y" | "yes" => Ok(Some(true)),
            "0" | "false" | "n" | "no" | "" => Ok(Some(false)),
            _ => Err(format!("expected a flag, found \"{s}\"")),
        },
        other => Err(format!("expected a flag, found {other}")),
    }
}

/// A list that may come as `null` (read as empty), a list, or a single object (read as
/// a list of one; amoCRM documents `loss_reason` as an object and sends an array).
pub(crate) fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let value = Option::<Value>::deserialize(d)?;
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|item| serde_json::from_value(item).map_err(D::Error::custom))
            .collect(),
        Some(object @ Value::Object(_)) => serde_json::from_value(object)
            .map(|item| vec![item])
            .map_err(D::Error::custom),
        Some(other) => Err(D::Error::custom(format!("expected a list, found {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "opt_i64")]
        int: Option<i64>,
        #[serde(default, deserialize_with = "opt_bool")]
        flag: Option<bool>,
        #[serde(default, deserialize_with = "list")]
        items: Vec<i64>,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).expect(json)
    }

    #[test]
    fn numbers_flags_and_lists_are_read_in_every_form_amocrm_uses() {
        assert_eq!(probe(r#"{"int": "42"}"#).int, Some(42));
        assert_eq!(probe(r#"{"int": 42.0}"#).int, Some(42));
        assert_eq!(probe(r#"{"int": null}"#).int, None);
        assert_eq!(probe(r#"{"flag": "1"}"#).flag, Some(true));
        assert_eq!(probe(r#"{"flag": 0}"#).flag, Some(false));
        assert_eq!(probe(r#"{"items": null}"#).items, Vec::<i64>::new());
        assert_eq!(probe(r#"{"items": [1, 2]}"#).items, vec![1, 2]);
        assert!(serde_json::from_str::<Probe>(r#"{"int": "4x"}"#).is_err());
    }
}
