//! PHP `parse_str`: `fields[PHONE][0][VALUE]=1&select[]=ID` into nested JSON values.

use serde_json::{Map, Value};

/// A parsed node before it becomes JSON; maps keep insertion order like PHP arrays.
enum Node {
    Leaf(String),
    Map(Vec<(String, Node)>, u64),
}

impl Node {
    fn empty_map() -> Node {
        Node::Map(Vec::new(), 0)
    }

    /// Stores `value` under the key path `path`, creating maps on the way.
    fn insert(&mut self, path: &[Option<String>], value: String) {
        let Node::Map(entries, next_index) = self else {
            *self = Node::empty_map();
            return self.insert(path, value);
        };
        let Some((head, rest)) = path.split_first() else {
            return;
        };

        let key = match head {
            Some(key) => key.clone(),
            None => next_index.to_string(),
        };
        if let Ok(index) = key.parse::<u64>() {
            *next_index = (*next_index).max(index + 1);
        }

        let position = entries.iter().position(|(existing, _)| *existing == key);
        let slot = match position {
            Some(position) => &mut entries[position].1,
            None => {
                entries.push((key, Node::empty_map()));
                let last = entries.len() - 1;
                &mut entries[last].1
            }
        };

        if rest.is_empty() {
            *slot = Node::Leaf(value);
        } else {
            if matches!(slot, Node::Leaf(_)) {
                *slot = Node::empty_map();
            }
            slot.insert(rest, value);
        }
    }

    fn into_value(self) -> Value {
        match self {
            Node::Leaf(text) => Value::String(text),
            Node::Map(entries, _) => {
                let sequential = entries
                    .iter()
                    .enumerate()
                    .all(|(i, (k, _))| *k == i.to_string());
                if sequential && !entries.is_empty() {
                    Value::Array(
                        entries
                            .into_iter()
                            .map(|(_, node)| node.into_value())
                            .collect(),
                    )
                } else {
                    let mut map = Map::new();
                    for (key, node) in entries {
                        map.insert(key, node.into_value());
                    }
                    Value::Object(map)
                }
            }
        }
    }
}

/// Splits `a[b][][c]` into `a`, `Some(b)`, `None` (append), `Some(c)`.
fn key_path(raw: &str) -> Vec<Option<String>> {
    let Some(open) = raw.find('[') else {
        return vec![Some(raw.to_string())];
    };
    let mut path = vec![Some(raw[..open].to_string())];
    let mut rest = &raw[open..];
    while let Some(stripped) = rest.strip_prefix('[') {
        let Some(close) = stripped.find(']') else {
            break;
        };
        let segment = &stripped[..close];
        path.push(if segment.is_empty() {
            None
        } else {
            Some(segment.to_string())
        });
        rest = &stripped[close + 1..];
    }
    path
}

/// Parses a URL-encoded query or form body the way PHP's `parse_str` does.
pub fn parse_str(input: &str) -> Map<String, Value> {
    let mut root = Node::empty_map();
    for (key, value) in url::form_urlencoded::parse(input.as_bytes()) {
        if key.is_empty() {
            continue;
        }
        root.insert(&key_path(&key), value.into_owned());
    }
    match root {
        Node::Map(entries, _) => {
            let mut map = Map::new();
            for (key, node) in entries {
                map.insert(key, node.into_value());
            }
            map
        }
        Node::Leaf(_) => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::parse_str;

    #[test]
    fn nested_keys_appends_and_lists() {
        let parsed = parse_str(
            "fields[PHONE][0][VALUE]=%2B1&fields[PHONE][1][VALUE]=2&select[]=ID&select[]=TITLE\
             &filter[%3EID]=5&id=7",
        );

        assert_eq!(parsed["fields"]["PHONE"][1]["VALUE"], "2");
        assert_eq!(parsed["fields"]["PHONE"][0]["VALUE"], "+1");
        assert_eq!(parsed["select"], json!(["ID", "TITLE"]));
        assert_eq!(parsed["filter"], json!({">ID": "5"}));
        assert_eq!(parsed["id"], "7");
    }

    #[test]
    fn later_values_win_and_non_sequential_keys_stay_a_map() {
        let parsed = parse_str("a=1&a=2&m[5]=x&m[7]=y");

        assert_eq!(parsed["a"], "2");
        assert_eq!(parsed["m"], json!({"5": "x", "7": "y"}));
    }
}
