//! Size limits of texts, truncation, and dates and times in the account's time zone.
//!
//! The Bitrix24 reference gives no length limit for CRM texts apart from pipeline names (255
//! characters) and stage ids (21). The limits below are this product's own, chosen to stay
//! inside the portal's database columns: titles and names in `VARCHAR(255)`, long texts
//! (`COMMENTS`, `DESCRIPTION`) in a MySQL `TEXT` column of 65,535 bytes. A longer text is
//! not refused: it is cut at a character boundary, the cut is marked in the text itself and
//! reported as a [`Skipped`] value with [`FailureCode::TooLarge`], so no record is lost for a
//! long comment.

use chrono::{DateTime, FixedOffset, SecondsFormat};

use super::Skipped;
use crate::chunk::FailureCode;

/// The longest title or name written (`TITLE`, `SUBJECT`, `NAME`, `LAST_NAME`), in characters.
pub const MAX_TITLE_CHARS: usize = 255;

/// The longest long text written (`COMMENTS`, `DESCRIPTION`), in UTF-8 bytes.
pub const MAX_TEXT_BYTES: usize = 65_535;

/// What a shortened long text ends with.
pub const CUT_MARK: &str = "\n[… текст обрезан при переносе из amoCRM]";

/// Cuts a title to [`MAX_TITLE_CHARS`] characters, ending it with `…` when cut; notes the cut
/// in `skipped`, naming the field.
pub fn title(value: &str, field: &str, skipped: &mut Vec<Skipped>) -> String {
    let value = value.trim();
    let length = value.chars().count();
    if length <= MAX_TITLE_CHARS {
        return value.to_owned();
    }

    let mut cut: String = value.chars().take(MAX_TITLE_CHARS - 1).collect();
    cut.push('…');
    skipped.push(Skipped::new(
        FailureCode::TooLarge,
        format!(
            "{field} had {length} characters; it was cut to {MAX_TITLE_CHARS} (the rest is \
             lost)"
        ),
    ));
    cut
}

/// Cuts a long text to [`MAX_TEXT_BYTES`] bytes (at a character boundary), ending it with
/// [`CUT_MARK`] when cut; notes the cut in `skipped`, naming the field.
pub fn long_text(value: &str, field: &str, skipped: &mut Vec<Skipped>) -> String {
    if value.len() <= MAX_TEXT_BYTES {
        return value.to_owned();
    }

    let mut end = MAX_TEXT_BYTES - CUT_MARK.len();
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    skipped.push(Skipped::new(
        FailureCode::TooLarge,
        format!(
            "{field} had {} bytes; it was cut to {MAX_TEXT_BYTES} bytes and marked as cut",
            value.len()
        ),
    ));
    format!("{}{CUT_MARK}", &value[..end])
}

/// An amoCRM Unix timestamp as an instant in the account's time zone.
pub fn instant(timestamp: i64, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    DateTime::from_timestamp(timestamp, 0).map(|at| at.with_timezone(&offset))
}

/// An amoCRM Unix timestamp as ISO-8601 with the account's offset, e.g.
/// `2024-03-04T22:16:03+03:00` (Bitrix24 datetime fields).
pub fn iso_datetime(timestamp: i64, offset: FixedOffset) -> Option<String> {
    instant(timestamp, offset).map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, false))
}

/// The day of an amoCRM Unix timestamp in the account's time zone, as `YYYY-MM-DD`
/// (Bitrix24 date fields, `BEGINDATE`).
pub fn iso_date(timestamp: i64, offset: FixedOffset) -> Option<String> {
    instant(timestamp, offset).map(|at| at.date_naive().format("%Y-%m-%d").to_string())
}
