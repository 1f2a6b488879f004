//! Multifields (`PHONE`, `EMAIL`, `WEB`, `IM`, `LINK`): value types, e-mail validation and
//! the add-on-update semantics.

use serde_json::{Map, Value, json};

use crate::api_error::ApiError;
use crate::php::values::{is_yes, list_items, param, scalar_text};
use crate::portal::Portal;

/// The multifield names.
pub const NAMES: [&str; 5] = ["PHONE", "EMAIL", "WEB", "IM", "LINK"];

/// Allowed `VALUE_TYPE`s per field; the first is the default.
fn value_types(field: &str) -> &'static [&'static str] {
    match field {
        "PHONE" => &["WORK", "MOBILE", "FAX", "HOME", "PAGER", "MAILING", "OTHER"],
        "EMAIL" => &["WORK", "HOME", "MAILING", "OTHER"],
        "WEB" => &["WORK", "HOME", "VK", "LIVEJOURNAL", "TWITTER", "OTHER"],
        "IM" => &[
            "TELEGRAM", "VK", "SKYPE", "VIBER", "BITRIX24", "OPENLINE", "IMOL", "ICQ", "MSN",
            "JABBER", "OTHER",
        ],
        _ => &["USER", "OTHER"],
    }
}

/// A plausible e-mail: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn valid_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(char::is_whitespace)
}

/// Applies the incoming items of one multifield to the stored ones.
///
/// On add `existing` is empty. Items without `ID` are added (never a replace); items with an
/// `ID` change that value, or remove it with `DELETE=Y` or an empty `VALUE`.
pub fn apply(
    portal: &mut Portal,
    field: &str,
    existing: &[Value],
    incoming: &Value,
) -> Result<Vec<Value>, ApiError> {
    let mut stored: Vec<Value> = existing.to_vec();
    for item in list_items(incoming) {
        let Value::Object(item) = item else { continue };
        let value = param(&item, "VALUE")
            .and_then(scalar_text)
            .unwrap_or_default();
        let value_type = param(&item, "VALUE_TYPE")
            .and_then(scalar_text)
            .filter(|t| value_types(field).contains(&t.as_str()))
            .unwrap_or_else(|| value_types(field)[0].to_string());
        let id = param(&item, "ID")
            .and_then(scalar_text)
            .filter(|id| !id.is_empty());

        if let Some(id) = id {
            let position = stored.iter().position(|v| v["ID"] == json!(id));
            let Some(position) = position else { continue };
            if is_yes(param(&item, "DELETE")) || value.is_empty() {
                stored.remove(position);
                continue;
            }
            check_value(field, &value)?;
            stored[position]["VALUE"] = json!(value);
            stored[position]["VALUE_TYPE"] = json!(value_type);
            continue;
        }

        if value.is_empty() {
            continue;
        }
        check_value(field, &value)?;
        let id = portal.next_id("multifield");
        stored.push(json!({
            "ID": id.to_string(),
            "VALUE_TYPE": value_type,
            "VALUE": value,
            "TYPE_ID": field,
        }));
    }
    Ok(stored)
}

fn check_value(field: &str, value: &str) -> Result<(), ApiError> {
    if field == "EMAIL" && !valid_email(value) {
        return Err(ApiError::core(format!(
            "The field \"E-mail\" contains an invalid address: {value}<br>"
        )));
    }
    Ok(())
}

/// Writes the derived `HAS_PHONE`/`HAS_EMAIL`/`HAS_IMOL` flags.
pub fn set_has_flags(record: &mut Map<String, Value>) {
    let has = |record: &Map<String, Value>, field: &str| {
        record
            .get(field)
            .and_then(Value::as_array)
            .is_some_and(|items| !items.is_empty())
    };
    let flag = |yes: bool| json!(if yes { "Y" } else { "N" });
    let phone = has(record, "PHONE");
    let email = has(record, "EMAIL");
    let imol = record
        .get("IM")
        .and_then(Value::as_array)
        .is_some_and(|items| items.iter().any(|i| i["VALUE_TYPE"] == json!("IMOL")));
    record.insert("HAS_PHONE".to_string(), flag(phone));
    record.insert("HAS_EMAIL".to_string(), flag(email));
    record.insert("HAS_IMOL".to_string(), flag(imol));
}
