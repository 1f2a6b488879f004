//! Reading loosely typed request values the way PHP code would (strings, numbers, maps).

use serde_json::{Map, Value};

/// A value as a list: arrays as they are, maps by their values (numeric keys in order),
/// a scalar as a one-item list, null as nothing.
pub fn list_items(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            if entries.iter().all(|(k, _)| k.parse::<u64>().is_ok()) {
                entries.sort_by_key(|(k, _)| k.parse::<u64>().unwrap_or(0));
            }
            entries.into_iter().map(|(_, v)| v.clone()).collect()
        }
        Value::Null => Vec::new(),
        scalar => vec![scalar.clone()],
    }
}

/// A scalar as PHP would print it; `None` for null, arrays and maps.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(true) => Some("Y".to_string()),
        Value::Bool(false) => Some("N".to_string()),
        _ => None,
    }
}

/// A scalar read as a whole number (`"12"`, `12`, `12.0`).
pub fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number
            .as_i64()
            .or_else(|| number.as_f64().map(|f| f as i64)),
        Value::String(text) => text.trim().parse::<i64>().ok(),
        _ => None,
    }
}

/// A top-level parameter, looked up case-insensitively (`id` or `ID`).
pub fn param<'a>(params: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    params.get(name).or_else(|| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// A map-valued parameter (`fields`, `filter`, ...); `None` when absent or not a map.
pub fn param_map(params: &Map<String, Value>, name: &str) -> Option<Map<String, Value>> {
    match param(params, name)? {
        Value::Object(map) => Some(map.clone()),
        Value::Array(items) if items.is_empty() => Some(Map::new()),
        Value::Array(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v.clone()))
                .collect(),
        ),
        _ => None,
    }
}

/// A truthy PHP flag: `Y`, `1`, `true`.
pub fn is_yes(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(flag)) => *flag,
        Some(other) => {
            matches!(
                scalar_text(other).as_deref(),
                Some("Y" | "y" | "1" | "true" | "TRUE")
            )
        }
        None => false,
    }
}
