//! Turning an HTTP request into a REST call: method and webhook from the path, the token from
//! its three places, and parameters from the query and the body (JSON or PHP form).

use axum::http::HeaderMap;
use serde::Deserialize;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::php::form::parse_str;

/// A REST call read from HTTP.
#[derive(Debug, Clone)]
pub struct RestRequest {
    /// Lower-case method name without `.json`/`.xml`.
    pub method: String,
    /// Webhook user and code from the path.
    pub webhook: Option<(String, String)>,
    /// Access token (header, `auth`, `access_token`).
    pub token: Option<String>,
    /// Merged parameters without the token keys.
    pub params: Map<String, Value>,
    /// Batch command names in the order they were sent.
    pub cmd_order: Vec<String>,
}

/// Splits `/rest/{method}` or `/rest/{user}/{code}/{method}`; `None` for other shapes.
pub fn parse_path(path: &str) -> Option<(Option<(String, String)>, String)> {
    let rest = path.strip_prefix("/rest/")?;
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let (webhook, method) = match segments.as_slice() {
        [method] => (None, *method),
        [user, code, method] => (Some((user.to_string(), code.to_string())), *method),
        _ => return None,
    };
    let method = method.to_lowercase();
    let method = method
        .strip_suffix(".json")
        .or_else(|| method.strip_suffix(".xml"))
        .unwrap_or(&method)
        .to_string();
    Some((webhook, method))
}

/// Collects map keys (or sequence indexes) in the order they appear.
struct KeysInOrder(Vec<String>);

impl<'de> Deserialize<'de> for KeysInOrder {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = KeysInOrder;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map or a list")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeysInOrder, A::Error> {
                let mut keys = Vec::new();
                while let Some((key, IgnoredAny)) = map.next_entry::<String, IgnoredAny>()? {
                    keys.push(key);
                }
                Ok(KeysInOrder(keys))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeysInOrder, A::Error> {
                let mut keys = Vec::new();
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    keys.push(keys.len().to_string());
                }
                Ok(KeysInOrder(keys))
            }
        }
        deserializer.deserialize_any(KeysVisitor)
    }
}

#[derive(Deserialize)]
struct BatchKeys {
    #[serde(default)]
    cmd: Option<KeysInOrder>,
}

/// `cmd` keys of a JSON body in sending order.
fn json_cmd_order(body: &[u8]) -> Vec<String> {
    serde_json::from_slice::<BatchKeys>(body)
        .ok()
        .and_then(|keys| keys.cmd)
        .map(|keys| keys.0)
        .unwrap_or_default()
}

/// `cmd[...]` keys of form data in sending order.
fn form_cmd_order(text: &str) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for (key, _) in url::form_urlencoded::parse(text.as_bytes()) {
        let Some(rest) = key.strip_prefix("cmd[") else {
            continue;
        };
        let Some(end) = rest.find(']') else { continue };
        let name = rest[..end].to_string();
        if !keys.contains(&name) {
            keys.push(name);
        }
    }
    keys
}

/// Reads a call from the query, headers and body.
pub fn read(
    method: String,
    webhook: Option<(String, String)>,
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> RestRequest {
    let mut params = parse_str(query);
    let mut cmd_order = form_cmd_order(query);

    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("application/json") {
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
            params.extend(map);
            cmd_order = json_cmd_order(body);
        }
    } else if !content_type.starts_with("multipart/") {
        let text = String::from_utf8_lossy(body);
        params.extend(parse_str(&text));
        let order = form_cmd_order(&text);
        if !order.is_empty() {
            cmd_order = order;
        }
    }

    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|v| v.trim().to_string());
    let from_params = |key: &str, params: &Map<String, Value>| {
        params
            .get(key)
            .and_then(Value::as_str)
            .map(String::from)
            .filter(|t| !t.is_empty())
    };
    let token = bearer
        .or_else(|| from_params("auth", &params))
        .or_else(|| from_params("access_token", &params));
    params.remove("auth");
    params.remove("access_token");

    RestRequest {
        method,
        webhook,
        token,
        params,
        cmd_order,
    }
}
