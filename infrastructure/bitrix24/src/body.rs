//! The JSON body of a request, with the OAuth token added at send time.
//!
//! A batch's `cmd` map must reach the portal in the caller's order, because the portal runs
//! the commands in the order of the map and later commands may refer to earlier results.
//! `serde_json::Map` sorts its keys, so batch bodies are written by a serializer that keeps
//! the order instead of going through `serde_json::Value`.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::error::{B24Error, B24Result};

/// What a request carries.
#[derive(Debug, Clone)]
pub(crate) enum RequestBody {
    /// The parameters of a single method (a JSON object, or `null` for none).
    Params(Value),
    /// A batch: `halt` and the commands as (key, `method?query`) in the caller's order.
    Batch {
        halt: bool,
        commands: Vec<(String, String)>,
    },
}

impl RequestBody {
    /// The bytes to send, with `auth` added when the access is OAuth.
    pub(crate) fn encode(&self, method: &str, auth: Option<&str>) -> B24Result<Vec<u8>> {
        let encoded = match self {
            Self::Params(params) => {
                let mut body = match params {
                    Value::Object(map) => map.clone(),
                    Value::Null => Map::new(),
                    _ => {
                        return Err(B24Error::InvalidRequest {
                            method: method.to_owned(),
                            detail: "parameters must be a JSON object".to_owned(),
                        });
                    }
                };
                if let Some(token) = auth {
                    body.insert("auth".to_owned(), Value::String(token.to_owned()));
                }
                serde_json::to_vec(&body)
            }
            Self::Batch { halt, commands } => serde_json::to_vec(&BatchBody {
                halt: u8::from(*halt),
                cmd: Ordered(commands),
                auth,
            }),
        };

        encoded.map_err(|error| B24Error::InvalidRequest {
            method: method.to_owned(),
            detail: format!("the body cannot be encoded: {error}"),
        })
    }
}

#[derive(serde::Serialize)]
struct BatchBody<'a> {
    halt: u8,
    cmd: Ordered<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth: Option<&'a str>,
}

/// A map written in the order of its entries.
struct Ordered<'a>(&'a [(String, String)]);

impl Serialize for Ordered<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_commands_keep_the_callers_order() {
        let body = RequestBody::Batch {
            halt: false,
            commands: vec![
                ("zeta".to_owned(), "crm.company.add".to_owned()),
                ("alpha".to_owned(), "crm.contact.add".to_owned()),
            ],
        };

        let bytes = body.encode("batch", Some("token")).unwrap();

        let expected = concat!(
            r#"{"halt":0,"cmd":{"zeta":"crm.company.add","alpha":"crm.contact.add"},"#,
            r#""auth":"token"}"#
        );
        assert_eq!(String::from_utf8(bytes).unwrap(), expected);
    }
}
