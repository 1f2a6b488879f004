//! Events (`GET /api/v4/events`): string ids, singular entity types, and
//! `value_before`/`value_after` payloads typed where a migration reads them.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::lenient;

/// One event.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    /// Event id (a string, e.g. `01pz58t6p04ymgsgfbmfyfy1mf`).
    #[serde(deserialize_with = "lenient::opt_text")]
    pub id: Option<String>,
    /// Event type, e.g. `lead_status_changed`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The record concerned.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub entity_id: Option<i64>,
    /// Singular kind of that record: `lead`, `contact`, `company`, `task`...
    #[serde(default)]
    pub entity_type: Option<String>,
    /// Who did it (0 = system).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub created_by: Option<i64>,
    /// When.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub created_at: Option<i64>,
    /// State before.
    #[serde(default, deserialize_with = "event_values")]
    pub value_before: Vec<EventValue>,
    /// State after.
    #[serde(default, deserialize_with = "event_values")]
    pub value_after: Vec<EventValue>,
}

/// One element of `value_before`/`value_after`.
#[derive(Debug, Clone, PartialEq)]
pub enum EventValue {
    /// `lead_status`: a lead's status.
    LeadStatus {
        /// Status id.
        id: i64,
        /// Pipeline id.
        pipeline_id: Option<i64>,
    },
    /// `note`: a note was added or deleted.
    Note {
        /// Note id.
        id: i64,
    },
    /// `message`: a chat message (its id only; amoCRM gives no text).
    Message {
        /// Message id.
        id: String,
    },
    /// `responsible_user`: the new or old responsible user.
    ResponsibleUser {
        /// User id.
        id: i64,
    },
    /// Any other payload, as sent.
    Other(Value),
}

fn event_values<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<EventValue>, D::Error> {
    let items: Vec<Value> = lenient::list(d)?;
    Ok(items.into_iter().map(EventValue::from_value).collect())
}

impl EventValue {
    /// Types a payload by its single key.
    fn from_value(value: Value) -> Self {
        let id_of = |key: &str| value.get(key).and_then(|inner| inner.get("id")).cloned();
        let as_int = |v: &Value| match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        };

        if let Some(id) = id_of("lead_status").as_ref().and_then(as_int) {
            let pipeline_id = value
                .get("lead_status")
                .and_then(|s| s.get("pipeline_id"))
                .and_then(as_int);
            return Self::LeadStatus { id, pipeline_id };
        }
        if let Some(id) = id_of("note").as_ref().and_then(as_int) {
            return Self::Note { id };
        }
        if let Some(id) = id_of("message") {
            let id = match id {
                Value::String(s) => s,
                other => other.to_string(),
            };
            return Self::Message { id };
        }
        if let Some(id) = id_of("responsible_user").as_ref().and_then(as_int) {
            return Self::ResponsibleUser { id };
        }
        Self::Other(value)
    }
}

impl crate::models::Record for Event {
    fn record_id(&self) -> String {
        self.id.clone().unwrap_or_default()
    }

    fn created_at(&self) -> Option<i64> {
        self.created_at
    }
}
