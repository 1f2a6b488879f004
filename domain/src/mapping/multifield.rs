//! Phones, e-mails, web sites and messengers as Bitrix24 multifields (`PHONE`, `EMAIL`, `WEB`,
//! `IM`): arrays of `{VALUE, VALUE_TYPE}` (reference §5.2).
//!
//! amoCRM keeps them in predefined custom fields found by their code (`PHONE`, `EMAIL`, `WEB`,
//! `IM`); each value carries an `enum_code` (older accounts: `enum`) that becomes the
//! `VALUE_TYPE`:
//!
//! | amoCRM | Bitrix24 `VALUE_TYPE` |
//! |---|---|
//! | PHONE `WORK`, `WORKDD` | `WORK` |
//! | PHONE `MOB` | `MOBILE` |
//! | PHONE `FAX`, `HOME`, `OTHER` | the same |
//! | EMAIL `WORK` | `WORK` |
//! | EMAIL `PRIV` | `HOME` |
//! | EMAIL `OTHER` | `OTHER` |
//! | WEB (any) | `WORK` |
//! | IM `SKYPE`, `ICQ`, `JABBER`, `MSN`, `TELEGRAM`, `VIBER`, `VK` | the same |
//! | anything else | `OTHER` (`WORK` for web sites) |
//!
//! Invalid e-mails (see [`crate::mapping::email`]) are kept aside for the comment (D4).

use serde_json::{Value, json};

use super::Fields;
use super::email::{invalid_email_comment, is_valid_email};

/// A predefined amoCRM field that lands in a standard Bitrix24 field rather than a user field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandardField {
    /// `PHONE` → the `PHONE` multifield.
    Phone,
    /// `EMAIL` → the `EMAIL` multifield.
    Email,
    /// `WEB` → the `WEB` multifield.
    Web,
    /// `IM` → the `IM` multifield.
    Im,
    /// `POSITION` → the contact's `POST`.
    Position,
    /// `ADDRESS` → `ADDRESS`.
    Address,
}

impl StandardField {
    /// The standard field an amoCRM field code stands for, if any.
    pub fn from_code(code: Option<&str>) -> Option<StandardField> {
        match code?.trim() {
            "PHONE" => Some(StandardField::Phone),
            "EMAIL" => Some(StandardField::Email),
            "WEB" => Some(StandardField::Web),
            "IM" => Some(StandardField::Im),
            "POSITION" => Some(StandardField::Position),
            "ADDRESS" => Some(StandardField::Address),
            _ => None,
        }
    }

    /// The Bitrix24 field it lands in.
    pub fn portal_field(self) -> &'static str {
        match self {
            StandardField::Phone => "PHONE",
            StandardField::Email => "EMAIL",
            StandardField::Web => "WEB",
            StandardField::Im => "IM",
            StandardField::Position => "POST",
            StandardField::Address => "ADDRESS",
        }
    }
}

/// The `VALUE_TYPE` of an amoCRM phone enum code.
pub fn phone_type(code: &str) -> &'static str {
    match code.trim().to_ascii_uppercase().as_str() {
        "WORK" | "WORKDD" => "WORK",
        "MOB" | "MOBILE" => "MOBILE",
        "FAX" => "FAX",
        "HOME" => "HOME",
        _ => "OTHER",
    }
}

/// The `VALUE_TYPE` of an amoCRM e-mail enum code.
pub fn email_type(code: &str) -> &'static str {
    match code.trim().to_ascii_uppercase().as_str() {
        "WORK" => "WORK",
        "PRIV" | "HOME" => "HOME",
        _ => "OTHER",
    }
}

/// The `VALUE_TYPE` of an amoCRM messenger enum code.
pub fn im_type(code: &str) -> &'static str {
    match code.trim().to_ascii_uppercase().as_str() {
        "SKYPE" => "SKYPE",
        "ICQ" => "ICQ",
        "JABBER" => "JABBER",
        "MSN" => "MSN",
        "TELEGRAM" => "TELEGRAM",
        "VIBER" => "VIBER",
        "VK" => "VK",
        _ => "OTHER",
    }
}

/// The text of one amoCRM value element (`{"value": …}`), trimmed; numbers as text.
pub fn element_text(element: &Value) -> Option<String> {
    let text = match element.get("value")? {
        Value::String(text) => text.trim().to_owned(),
        Value::Number(number) => number.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// The enum code of one amoCRM value element (`enum_code`, or the older `enum`).
pub fn element_code(element: &Value) -> &str {
    element
        .get("enum_code")
        .and_then(Value::as_str)
        .or_else(|| element.get("enum").and_then(Value::as_str))
        .unwrap_or("")
}

/// The multifields of one record, collected from its predefined fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Communications {
    phones: Vec<(String, &'static str)>,
    emails: Vec<(String, &'static str)>,
    webs: Vec<(String, &'static str)>,
    ims: Vec<(String, &'static str)>,
    invalid_emails: Vec<String>,
}

impl Communications {
    /// Adds the values of one predefined field; other kinds are ignored.
    pub fn add(&mut self, kind: StandardField, elements: &[Value]) {
        for element in elements {
            let Some(value) = element_text(element) else {
                continue;
            };
            let code = element_code(element);
            let (list, value_type) = match kind {
                StandardField::Phone => (&mut self.phones, phone_type(code)),
                StandardField::Web => (&mut self.webs, "WORK"),
                StandardField::Im => (&mut self.ims, im_type(code)),
                StandardField::Email if is_valid_email(&value) => {
                    (&mut self.emails, email_type(code))
                }
                StandardField::Email => {
                    self.invalid_emails.push(value);
                    continue;
                }
                StandardField::Position | StandardField::Address => return,
            };
            if !list.iter().any(|(held, _)| *held == value) {
                list.push((value, value_type));
            }
        }
    }

    /// The comment lines for invalid e-mails: `Некорректный email: <value>`, one each.
    pub fn invalid_email_comments(&self) -> Vec<String> {
        self.invalid_emails
            .iter()
            .map(|value| invalid_email_comment(value))
            .collect()
    }

    /// Writes `PHONE`, `EMAIL`, `WEB` and `IM` (those that have values) into `fields`.
    pub fn write(&self, fields: &mut Fields) {
        for (name, list) in [
            ("PHONE", &self.phones),
            ("EMAIL", &self.emails),
            ("WEB", &self.webs),
            ("IM", &self.ims),
        ] {
            if list.is_empty() {
                continue;
            }
            let items: Vec<Value> = list
                .iter()
                .map(|(value, value_type)| json!({"VALUE": value, "VALUE_TYPE": value_type}))
                .collect();
            fields.insert(name.into(), Value::Array(items));
        }
    }
}
