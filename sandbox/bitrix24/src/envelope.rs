//! Reply bodies: the `time` block and the success envelope (`result`, `total`, `next`, `time`).

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::limits::operating::OperatingReport;
use crate::methods::Output;
use crate::portal::dates;

/// Unix seconds with fractions.
fn unix_float(at: DateTime<Utc>) -> f64 {
    at.timestamp_micros() as f64 / 1_000_000.0
}

/// The `time` block of a reply.
pub fn time_block(
    start: DateTime<Utc>,
    finish: DateTime<Utc>,
    operating: Option<OperatingReport>,
) -> Value {
    let duration = (unix_float(finish) - unix_float(start)).max(0.0);
    let mut block = json!({
        "start": unix_float(start),
        "finish": unix_float(finish),
        "duration": duration,
        "processing": duration,
        "date_start": dates::iso(start),
        "date_finish": dates::iso(finish),
    });
    if let Some(report) = operating {
        block["operating_reset_at"] = json!(report.reset_at);
        block["operating"] = json!(report.operating);
    }
    block
}

/// The success envelope.
pub fn success(output: &Output, time: Value) -> Value {
    let mut body = Map::new();
    body.insert("result".to_string(), output.result.clone());
    if let Some(total) = output.total {
        body.insert("total".to_string(), json!(total));
    }
    if let Some(next) = output.next {
        body.insert("next".to_string(), json!(next));
    }
    body.insert("time".to_string(), time);
    Value::Object(body)
}
