//! The shapes of Bitrix24's answers: the success envelope (`result`, `total`, `next`, `time`)
//! and the error envelope (`error`, `error_description`).

use serde::Deserialize;
use serde_json::Value;

use crate::error::PortalAnswer;

/// The `time` block of a success envelope (and of each `result_time` entry of a batch).
///
/// Only the fields the client acts on are kept; `operating*` may be absent on older or
/// self-hosted portals.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct CallTime {
    /// Float Unix seconds when the portal started the call.
    #[serde(default)]
    pub start: f64,
    /// Float Unix seconds when the portal finished the call.
    #[serde(default)]
    pub finish: f64,
    /// Seconds the method itself took.
    #[serde(default)]
    pub processing: f64,
    /// Seconds this method has accumulated in the current ten-minute window.
    #[serde(default)]
    pub operating: Option<f64>,
    /// Unix seconds when the oldest minute of that window drops out.
    #[serde(default)]
    pub operating_reset_at: Option<f64>,
}

/// A decoded success envelope.
#[derive(Debug, Clone, Deserialize)]
pub struct Envelope {
    /// The method's result, untouched.
    pub result: Value,
    /// Full row count, for paged list methods.
    #[serde(default, deserialize_with = "crate::lenient::opt_count")]
    pub total: Option<u64>,
    /// Offset of the next page, present only while more rows exist.
    #[serde(default, deserialize_with = "crate::lenient::opt_count")]
    pub next: Option<u64>,
    /// Timing and operating-budget report.
    #[serde(default)]
    pub time: Option<CallTime>,
}

/// Parses an error envelope, if the body is one.
pub(crate) fn parse_error(body: &[u8]) -> Option<PortalAnswer> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    if !object.contains_key("error") {
        return None;
    }

    serde_json::from_value(value).ok()
}

/// A payload-free description of a JSON decoding failure (serde's own messages may quote
/// the offending value, which can be personal data).
pub(crate) fn json_failure(error: &serde_json::Error) -> String {
    let kind = match error.classify() {
        serde_json::error::Category::Io => "read failure",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "missing or mistyped fields",
        serde_json::error::Category::Eof => "truncated JSON",
    };

    format!("{kind} at line {} column {}", error.line(), error.column())
}
