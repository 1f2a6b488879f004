//! PHP `json_encode` quirks: an empty map is `[]`, a map keyed `0..n-1` is an array.

use serde_json::Value;

/// Rewrites a reply so it looks exactly like PHP would have encoded it.
pub fn php_json(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            if map.is_empty() {
                return Value::Array(Vec::new());
            }

            let count = map.len();
            let sequential = (0..count).all(|i| map.contains_key(&i.to_string()));
            if sequential {
                let mut map = map;
                let items = (0..count)
                    .map(|i| {
                        map.remove(&i.to_string())
                            .map(php_json)
                            .unwrap_or(Value::Null)
                    })
                    .collect();
                return Value::Array(items);
            }

            Value::Object(map.into_iter().map(|(k, v)| (k, php_json(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(php_json).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::php_json;

    #[test]
    fn empty_maps_and_sequential_keys_become_lists() {
        let encoded = php_json(json!({
            "empty": {},
            "seq": {"1": "b", "0": "a", "2": "c"},
            "sparse": {"1": "b"},
            "ids": {"35943": {"ok": true}},
        }));

        assert_eq!(encoded["empty"], json!([]));
        assert_eq!(encoded["seq"], json!(["a", "b", "c"]));
        assert_eq!(encoded["sparse"], json!({"1": "b"}));
        assert_eq!(encoded["ids"], json!({"35943": {"ok": true}}));
    }
}
