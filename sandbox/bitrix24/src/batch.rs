//! `batch`: up to 50 `method?query` commands run in order, `$result[...]`-style references,
//! `halt`, and per-command errors in `result_error`.

use serde_json::{Map, Value, json};

use crate::auth::Caller;
use crate::methods::{Output, batch_forbidden};
use crate::php::form::parse_str;
use crate::php::values::{is_yes, param, param_map, scalar_text};
use crate::pipeline::run_method;
use crate::world::World;

/// Most commands one batch runs.
pub const BATCH_MAX_LENGTH: usize = 50;

/// The maps references can point into, by their reference names.
struct Results {
    result: Map<String, Value>,
    error: Map<String, Value>,
    total: Map<String, Value>,
    next: Map<String, Value>,
    time: Map<String, Value>,
}

impl Results {
    fn map(&self, name: &str) -> Option<&Map<String, Value>> {
        match name {
            "result" => Some(&self.result),
            "error" => Some(&self.error),
            "total" => Some(&self.total),
            "next" => Some(&self.next),
            "time" => Some(&self.time),
            _ => None,
        }
    }
}

/// A reference found in a value: where it starts and ends, and the value it points at.
fn parse_reference(text: &str, at: usize, results: &Results) -> Option<(usize, Value)> {
    let rest = &text[at + 1..];
    let name_len = rest.find('[')?;
    let map = results.map(&rest[..name_len])?;

    let mut position = at + 1 + name_len;
    let mut segments = Vec::new();
    while text[position..].starts_with('[') {
        let close = text[position..].find(']')?;
        segments.push(text[position + 1..position + close].to_string());
        position += close + 1;
    }
    let (first, path) = segments.split_first()?;

    let mut current = map.get(first)?;
    for segment in path {
        let next = match current {
            Value::Object(map) => map.get(segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(value) => current = value,
            None => break,
        }
    }
    Some((position, current.clone()))
}

/// Replaces references in one string value.
fn substitute_text(text: &str, results: &Results) -> Value {
    if let Some((end, value)) = text.find('$').and_then(|at| {
        (at == 0)
            .then(|| parse_reference(text, 0, results))
            .flatten()
    }) && end == text.len()
    {
        return value;
    }

    let mut out = String::new();
    let mut index = 0;
    while let Some(found) = text[index..].find('$') {
        let at = index + found;
        out.push_str(&text[index..at]);
        match parse_reference(text, at, results) {
            Some((end, value)) if scalar_text(&value).is_some() => {
                let shown = match &value {
                    Value::Bool(flag) => if *flag { "1" } else { "" }.to_string(),
                    other => scalar_text(other).unwrap_or_default(),
                };
                out.push_str(&shown);
                index = end;
            }
            _ => {
                out.push('$');
                index = at + 1;
            }
        }
    }
    out.push_str(&text[index..]);
    Value::String(out)
}

fn substitute(value: Value, results: &Results) -> Value {
    match value {
        Value::String(text) if text.contains('$') => substitute_text(&text, results),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, substitute(v, results)))
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| substitute(v, results)).collect())
        }
        other => other,
    }
}

fn error_body(code: &str, text: &str) -> Value {
    json!({"error": code, "error_description": text})
}

/// Runs a batch; the reply is always a success envelope (command failures are inside it).
pub fn run_batch(
    world: &mut World,
    caller: &Caller,
    host: &str,
    params: &Map<String, Value>,
    order: &[String],
) -> Output {
    let commands = param_map(params, "cmd").unwrap_or_default();
    let halt = is_yes(param(params, "halt"));
    let mut names: Vec<String> = order
        .iter()
        .filter(|n| commands.contains_key(*n))
        .cloned()
        .collect();
    for name in commands.keys() {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }

    let mut results = Results {
        result: Map::new(),
        error: Map::new(),
        total: Map::new(),
        next: Map::new(),
        time: Map::new(),
    };
    for (index, name) in names.iter().enumerate() {
        if index >= BATCH_MAX_LENGTH {
            results.error.insert(
                name.clone(),
                error_body("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded"),
            );
            continue;
        }
        let Some(Value::String(command)) = commands.get(name) else {
            continue;
        };
        let (method, query) = command.split_once('?').unwrap_or((command.as_str(), ""));
        let method = method.trim().to_lowercase();
        if batch_forbidden(&method) {
            results.error.insert(
                name.clone(),
                error_body(
                    "ERROR_BATCH_METHOD_NOT_ALLOWED",
                    "Method is not allowed for batch usage",
                ),
            );
            if halt {
                break;
            }
            continue;
        }

        let sub_params = match substitute(Value::Object(parse_str(query)), &results) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let outcome = run_method(world, caller, host, &method, &sub_params, true);
        match outcome.result {
            Ok(output) => {
                results.result.insert(name.clone(), output.result);
                results.time.insert(name.clone(), outcome.time);
                if let Some(total) = output.total {
                    results.total.insert(name.clone(), json!(total));
                }
                if let Some(next) = output.next {
                    results.next.insert(name.clone(), json!(next));
                }
            }
            Err(error) => {
                results.error.insert(name.clone(), error.body());
                if halt {
                    break;
                }
            }
        }
    }

    Output::of(json!({
        "result": results.result,
        "result_error": results.error,
        "result_total": results.total,
        "result_next": results.next,
        "result_time": results.time,
    }))
}
