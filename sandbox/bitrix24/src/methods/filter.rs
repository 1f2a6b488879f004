//! Classic list parameters: `filter` with prefix operators, `order` and `select`.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::api_error::ApiError;
use crate::php::values::{list_items, param, scalar_text};

/// A filter operator written as a key prefix.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    NotEq,
    Gt,
    Ge,
    Lt,
    Le,
    In,
    NotIn,
    Like,
    Pattern,
    NotLike,
}

/// Splits `>=DATE_CREATE` into the operator and the field name.
fn split_key(key: &str) -> (Op, &str) {
    const PREFIXES: [(&str, Op); 13] = [
        ("!@", Op::NotIn),
        ("!%", Op::NotLike),
        ("!=", Op::NotEq),
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("=%", Op::Pattern),
        ("%=", Op::Pattern),
        ("!", Op::NotEq),
        ("=", Op::Eq),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("@", Op::In),
        ("%", Op::Like),
    ];
    for (prefix, op) in PREFIXES {
        if let Some(name) = key.strip_prefix(prefix) {
            return (op, name);
        }
    }
    (Op::Eq, key)
}

/// Texts a record holds for a field: one for scalars, one per item for lists and multifields.
fn texts_of(record: &Map<String, Value>, name: &str) -> Vec<String> {
    match record.get(name) {
        None | Some(Value::Null) => vec![String::new()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| match item {
                Value::Object(map) => map.get("VALUE").and_then(scalar_text),
                other => scalar_text(other),
            })
            .collect(),
        Some(Value::Bool(flag)) => vec![if *flag { "Y" } else { "N" }.to_string()],
        Some(other) => vec![scalar_text(other).unwrap_or_default()],
    }
}

/// Compares numerically when both sides are numbers, as dates when both parse, else as text.
pub fn compare(left: &str, right: &str) -> Ordering {
    if let (Ok(a), Ok(b)) = (left.trim().parse::<f64>(), right.trim().parse::<f64>()) {
        return a.partial_cmp(&b).unwrap_or(Ordering::Equal);
    }
    if let (Some(a), Some(b)) = (
        crate::portal::dates::parse(left),
        crate::portal::dates::parse(right),
    ) {
        return a.cmp(&b);
    }
    left.cmp(right)
}

fn like(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

/// SQL-style `%` wildcard match, case-insensitive.
fn pattern(text: &str, pattern: &str) -> bool {
    let text = text.to_lowercase();
    let parts: Vec<String> = pattern
        .to_lowercase()
        .split('%')
        .map(String::from)
        .collect();
    let mut rest = text.as_str();
    for (index, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        if index == 0 {
            let Some(stripped) = rest.strip_prefix(part.as_str()) else {
                return false;
            };
            rest = stripped;
        } else if let Some(found) = rest.find(part.as_str()) {
            rest = &rest[found + part.len()..];
        } else {
            return false;
        }
    }
    parts
        .last()
        .is_none_or(|last| last.is_empty() || rest.is_empty())
}

fn matches_one(op: Op, have: &[String], wanted: &Value) -> bool {
    let wanted_list: Vec<String> = list_items(wanted).iter().filter_map(scalar_text).collect();
    let wanted_text = scalar_text(wanted).unwrap_or_default();
    let any = |test: &dyn Fn(&str) -> bool| have.iter().any(|text| test(text));
    match op {
        Op::Eq | Op::In if wanted.is_array() || wanted.is_object() => any(&|text| {
            wanted_list
                .iter()
                .any(|w| compare(text, w) == Ordering::Equal)
        }),
        Op::Eq | Op::In => any(&|text| compare(text, &wanted_text) == Ordering::Equal),
        Op::NotEq | Op::NotIn => !any(&|text| {
            wanted_list
                .iter()
                .any(|w| compare(text, w) == Ordering::Equal)
        }),
        Op::Gt => any(&|text| !text.is_empty() && compare(text, &wanted_text) == Ordering::Greater),
        Op::Ge => any(&|text| !text.is_empty() && compare(text, &wanted_text) != Ordering::Less),
        Op::Lt => any(&|text| !text.is_empty() && compare(text, &wanted_text) == Ordering::Less),
        Op::Le => any(&|text| !text.is_empty() && compare(text, &wanted_text) != Ordering::Greater),
        Op::Like => any(&|text| like(text, &wanted_text)),
        Op::NotLike => !any(&|text| like(text, &wanted_text)),
        Op::Pattern => any(&|text| pattern(text, &wanted_text)),
    }
}

/// Whether a record passes every condition of a filter.
pub fn matches(record: &Map<String, Value>, filter: &Map<String, Value>) -> bool {
    filter.iter().all(|(key, wanted)| {
        let (op, name) = split_key(key);
        matches_one(op, &texts_of(record, name), wanted)
    })
}

/// The `filter` parameter (absent = empty; not a map = classic error).
pub fn filter_param(params: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    list_param(params, "filter")
}

/// The `order` parameter as (field, descending) pairs.
pub fn order_param(params: &Map<String, Value>) -> Result<Vec<(String, bool)>, ApiError> {
    Ok(list_param(params, "order")?
        .into_iter()
        .map(|(key, dir)| {
            let descending = scalar_text(&dir).is_some_and(|d| d.eq_ignore_ascii_case("desc"));
            (key, descending)
        })
        .collect())
}

fn list_param(params: &Map<String, Value>, name: &str) -> Result<Map<String, Value>, ApiError> {
    match param(params, name) {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(Value::Array(items)) if items.is_empty() => Ok(Map::new()),
        Some(Value::String(text)) if text.is_empty() => Ok(Map::new()),
        Some(_) => Err(ApiError::classic(format!(
            "Parameter '{name}' must be array."
        ))),
    }
}

/// Sorts records by an order list (default: ID ascending).
pub fn sort_records(rows: &mut [Map<String, Value>], order: &[(String, bool)]) {
    let default = [("ID".to_string(), false)];
    let order = if order.is_empty() {
        &default[..]
    } else {
        order
    };
    rows.sort_by(|a, b| {
        for (field, descending) in order {
            let left = texts_of(a, field).join(",");
            let right = texts_of(b, field).join(",");
            let ordering = compare(&left, &right);
            if ordering != Ordering::Equal {
                return if *descending {
                    ordering.reverse()
                } else {
                    ordering
                };
            }
        }
        Ordering::Equal
    });
}

/// The `select` parameter's names (empty means `*`).
pub fn select_param(params: &Map<String, Value>) -> Vec<String> {
    param(params, "select")
        .map(list_items)
        .unwrap_or_default()
        .iter()
        .filter_map(scalar_text)
        .collect()
}
