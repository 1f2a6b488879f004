//! Date handling as the portal does it: lenient ISO parsing in, ISO with offset out.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::clock::portal_offset;

/// ISO-8601 with the portal's offset, e.g. `2026-12-03T21:06:40+03:00`.
pub fn iso(at: DateTime<Utc>) -> String {
    at.with_timezone(&portal_offset())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// Parses the date forms the portal accepts; `None` when unparsable (the field is dropped).
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    if let Ok(at) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%z") {
        return Some(at.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%d.%m.%Y %H:%M:%S",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return portal_offset()
                .from_local_datetime(&naive)
                .single()
                .map(|t| t.to_utc());
        }
    }
    for format in ["%Y-%m-%d", "%d.%m.%Y"] {
        if let Ok(date) = NaiveDate::parse_from_str(text, format) {
            let naive = date.and_hms_opt(0, 0, 0)?;
            return portal_offset()
                .from_local_datetime(&naive)
                .single()
                .map(|t| t.to_utc());
        }
    }
    None
}

/// A date field's output: midnight in the portal zone, ISO with offset.
pub fn date_only(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&portal_offset()).date_naive();
    local
        .and_hms_opt(0, 0, 0)
        .and_then(|naive| portal_offset().from_local_datetime(&naive).single())
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%:z").to_string())
        .unwrap_or_default()
}
