//! Encoding of parameters as a PHP-style query string (`fields[PHONE][0][VALUE]=...`).
//!
//! Batch commands are strings `method?query` that the portal parses with PHP's `parse_str`,
//! so nested parameters must be flattened into bracketed keys, and every key and value must
//! be percent-encoded. The rules follow PHP's `http_build_query`: `null` is left out,
//! booleans become `1`/`0`, and empty arrays or objects disappear (PHP cannot express them in
//! a query string; pass `""` where a method needs an explicitly empty value).

use serde_json::Value;
use url::form_urlencoded::byte_serialize;

/// Flattens an object of parameters into a query string.
///
/// A non-object value produces an empty string: a method's parameters are always named.
pub fn encode(params: &Value) -> String {
    let mut pairs = Vec::new();
    if let Value::Object(entries) = params {
        for (key, value) in entries {
            flatten(key.clone(), value, &mut pairs);
        }
    }

    pairs
        .into_iter()
        .map(|(key, value)| format!("{}={}", escape(&key), escape(&value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn flatten(prefix: String, value: &Value, pairs: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Bool(flag) => pairs.push((prefix, if *flag { "1" } else { "0" }.to_owned())),
        Value::Number(number) => pairs.push((prefix, number.to_string())),
        Value::String(text) => pairs.push((prefix, text.clone())),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                flatten(format!("{prefix}[{index}]"), item, pairs);
            }
        }
        Value::Object(entries) => {
            for (key, item) in entries {
                flatten(format!("{prefix}[{key}]"), item, pairs);
            }
        }
    }
}

fn escape(text: &str) -> String {
    byte_serialize(text.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_maps_and_lists_become_bracketed_keys() {
        let query = encode(&json!({
            "fields": {"TITLE": "Acme & Co", "PHONE": [{"VALUE": "+7 999", "VALUE_TYPE": "WORK"}]},
            "params": {"REGISTER_SONET_EVENT": "N"}
        }));

        let mut pairs: Vec<&str> = query.split('&').collect();
        pairs.sort_unstable();
        assert_eq!(
            pairs,
            [
                "fields%5BPHONE%5D%5B0%5D%5BVALUE%5D=%2B7+999",
                "fields%5BPHONE%5D%5B0%5D%5BVALUE_TYPE%5D=WORK",
                "fields%5BTITLE%5D=Acme+%26+Co",
                "params%5BREGISTER_SONET_EVENT%5D=N",
            ]
        );
    }

    #[test]
    fn nulls_are_left_out_and_booleans_are_digits() {
        let query = encode(&json!({"a": null, "b": true, "c": false, "d": 5}));

        let mut pairs: Vec<&str> = query.split('&').collect();
        pairs.sort_unstable();
        assert_eq!(pairs, ["b=1", "c=0", "d=5"]);
    }

    #[test]
    fn batch_references_survive_encoding() {
        let query = encode(&json!({"fields": {"COMPANY_ID": "$result[c1]"}}));

        let decoded: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(
            decoded,
            vec![("fields[COMPANY_ID]".into(), "$result[c1]".into())]
        );
    }
}
