//! Notes, attached files, e-mails and calls → CRM activities (`crm.activity.add`), D7.
//!
//! | amoCRM `note_type` | `TYPE_ID` | `SUBJECT` (from the source type) |
//! |---|---|---|
//! | `common` | 1 meeting | «Примечание» |
//! | `attachment` | 1 meeting, the file in `FILES` | «Файл: …» with the file name |
//! | `call_in`, `call_out` | 2 call, `DIRECTION` 1 / 2 | «Входящий звонок» / «Исходящий звонок» |
//! | `amomail_message` | 4 e-mail, `DIRECTION` 1 / 2 | the mail's subject, else «Письмо» |
//! | `sms_in`, `sms_out` | 1 meeting | «Входящее SMS» / «Исходящее SMS» |
//! | `service_message`, `extended_service_message` | 1 meeting | «Сервисное сообщение» |
//! | `message_cashier` | 1 meeting | «Сообщение кассиру» |
//! | `geolocation` | 1 meeting | «Геолокация» |
//! | `invoice_paid` | 1 meeting | «Счёт оплачен» |
//! | anything else | not moved (D9) | |
//!
//! Every activity is created now, with the note's creation time as `START_TIME` (the manual:
//! creation dates cannot be set through the API), is bound to the moved owner
//! (`OWNER_TYPE_ID` 2 deal, 3 contact, 4 company) and carries the origin marker
//! (`ORIGIN_ID` `note:<entity>:<id>`). Notes of records this run did not move are not moved.
//!
//! E-mails are added with `COMPLETED=N` (Bitrix24 *sends* an outgoing e-mail added as
//! completed) and [`MappedActivity::complete_after_add`] tells the engine to complete them with
//! `crm.activity.update`. amoCRM keeps only an excerpt of a mail (`content_summary`), no full
//! body and no attachments; the description says so.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{
    AmoEntity, FileSource, Mapped, MappingContext, MappingFailure, PendingFile, Skipped, text,
};
use crate::chunk::FailureCode;

/// `TYPE_ID` of meetings.
pub const MEETING: u8 = 1;
/// `TYPE_ID` of calls.
pub const CALL: u8 = 2;
/// `TYPE_ID` of e-mails.
pub const EMAIL: u8 = 4;

/// The line an e-mail activity's description ends with.
pub const MAIL_EXCERPT_NOTE: &str =
    "(amoCRM отдаёт только начало письма; полный текст и вложения через API недоступны)";

/// An amoCRM note (`GET /api/v4/{entity_type}/notes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AmoNote {
    /// Its id.
    pub id: u64,
    /// The kind of record it was written on.
    pub entity: AmoEntity,
    /// The record it was written on.
    pub entity_id: u64,
    /// `note_type`.
    pub note_type: String,
    /// `params`, in amoCRM's shape for the type.
    #[serde(default)]
    pub params: Value,
    /// Creation time (Unix seconds).
    pub created_at: i64,
    /// The responsible amoCRM user.
    #[serde(default)]
    pub responsible_user_id: Option<u64>,
}

/// A note mapped to an activity.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedActivity {
    /// Its `fields`, skipped values and files (`FILES`).
    pub mapped: Mapped,
    /// Whether the engine must set `COMPLETED=Y` with `crm.activity.update` after the add
    /// (e-mails).
    pub complete_after_add: bool,
}

/// The `OWNER_TYPE_ID` of an amoCRM entity, if activities can be bound to it.
pub fn owner_type_id(entity: AmoEntity) -> Option<u8> {
    match entity {
        AmoEntity::Lead => Some(2),
        AmoEntity::Contact => Some(3),
        AmoEntity::Company => Some(4),
        AmoEntity::Customer => None,
    }
}

/// Maps a note to `crm.activity.add` `fields`.
///
/// `owner_name` is the moved owner's title or name, used as the free-text communication that
/// meetings need (Bitrix24 requires one).
///
/// # Errors
/// - [`FailureCode::ParentNotMoved`]: the note's record was not moved by this run;
/// - [`FailureCode::UnsupportedValue`]: a customer's note, or a note type that cannot be
///   moved;
/// - [`FailureCode::InvalidValue`]: a call without a phone number, or an e-mail without a valid
///   address (Bitrix24 refuses activities without a communication).
pub fn map_note(
    note: &AmoNote,
    owner_name: &str,
    context: &MappingContext,
) -> Result<MappedActivity, MappingFailure> {
    let Some(owner_type) = owner_type_id(note.entity) else {
        return Err(MappingFailure::new(
            FailureCode::UnsupportedValue,
            format!(
                "note {} belongs to amoCRM customer {}; customers are not moved",
                note.id, note.entity_id
            ),
        ));
    };
    let Some(owner_id) = context.ids.portal_id(note.entity, note.entity_id) else {
        return Err(MappingFailure::new(
            FailureCode::ParentNotMoved,
            format!(
                "note {} belongs to amoCRM {} {}, which this run did not move",
                note.id,
                note.entity.as_str(),
                note.entity_id
            ),
        ));
    };

    let mut mapped = Mapped::default();
    let shape = shape(note, owner_name, context, &mut mapped)?;
    let start = text::iso_datetime(note.created_at, context.utc_offset);
    let end = text::iso_datetime(note.created_at + shape.duration, context.utc_offset);
    let subject = text::title(&shape.subject, "SUBJECT", &mut mapped.skipped);
    let description = text::long_text(&shape.description, "DESCRIPTION", &mut mapped.skipped);

    let out = &mut mapped.fields;
    out.insert("TYPE_ID".into(), json!(shape.type_id));
    out.insert("OWNER_TYPE_ID".into(), json!(owner_type));
    out.insert("OWNER_ID".into(), json!(owner_id));
    out.insert("SUBJECT".into(), json!(subject));
    out.insert("DESCRIPTION".into(), json!(description));
    out.insert("DESCRIPTION_TYPE".into(), json!(1));
    if let (Some(start), Some(end)) = (start, end) {
        out.insert("START_TIME".into(), json!(start));
        out.insert("END_TIME".into(), json!(end));
    }
    out.insert(
        "COMPLETED".into(),
        json!(if shape.type_id == EMAIL { "N" } else { "Y" }),
    );
    if let Some(direction) = shape.direction {
        out.insert("DIRECTION".into(), json!(direction));
    }
    out.insert(
        "RESPONSIBLE_ID".into(),
        json!(context.users.responsible(note.responsible_user_id)),
    );
    out.insert(
        "COMMUNICATIONS".into(),
        json!([{
            "VALUE": shape.communication,
            "TYPE": shape.communication_type,
            "ENTITY_TYPE_ID": owner_type,
            "ENTITY_ID": owner_id,
        }]),
    );
    let kind = format!("note:{}", note.entity.as_str());
    context.origin.stamp(out, &kind, note.id);

    Ok(MappedActivity {
        mapped,
        complete_after_add: shape.type_id == EMAIL,
    })
}

/// What differs between note types.
struct Shape {
    type_id: u8,
    subject: String,
    description: String,
    direction: Option<u8>,
    communication: String,
    communication_type: &'static str,
    duration: i64,
}

impl Shape {
    fn meeting(subject: impl Into<String>, description: String, owner_name: &str) -> Shape {
        Shape {
            type_id: MEETING,
            subject: subject.into(),
            description,
            direction: None,
            communication: owner_name.to_owned(),
            communication_type: "",
            duration: 0,
        }
    }
}

fn param(note: &AmoNote, key: &str) -> String {
    match note.params.get(key) {
        Some(Value::String(text)) => text.trim().to_owned(),
        Some(Value::Number(number)) => number.to_string(),
        Some(Value::Bool(flag)) => flag.to_string(),
        _ => String::new(),
    }
}

fn lines(parts: &[(&str, String)]) -> String {
    parts
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(label, value)| {
            if label.is_empty() {
                value.clone()
            } else {
                format!("{label}: {value}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn shape(
    note: &AmoNote,
    owner_name: &str,
    context: &MappingContext,
    mapped: &mut Mapped,
) -> Result<Shape, MappingFailure> {
    let owner_name = if owner_name.trim().is_empty() {
        format!("amoCRM {} #{}", note.entity.as_str(), note.entity_id)
    } else {
        owner_name.trim().to_owned()
    };
    let text = param(note, "text");

    let shape = match note.note_type.as_str() {
        "common" => Shape::meeting("Примечание", text, &owner_name),
        "attachment" => attachment(note, text, &owner_name, context, mapped),
        "call_in" | "call_out" => call(note, context, mapped)?,
        "amomail_message" => mail(note)?,
        "sms_in" | "sms_out" => {
            let subject = if note.note_type == "sms_in" {
                "Входящее SMS"
            } else {
                "Исходящее SMS"
            };
            let description = lines(&[("Телефон", param(note, "phone")), ("", text)]);
            Shape::meeting(subject, description, &owner_name)
        }
        "service_message" | "extended_service_message" => {
            let description = lines(&[("Сервис", param(note, "service")), ("", text)]);
            Shape::meeting("Сервисное сообщение", description, &owner_name)
        }
        "message_cashier" => {
            let description = lines(&[("Статус", param(note, "status")), ("", text)]);
            Shape::meeting("Сообщение кассиру", description, &owner_name)
        }
        "geolocation" => {
            let coordinates = match (param(note, "latitude"), param(note, "longitude")) {
                (lat, lng) if lat.is_empty() || lng.is_empty() => String::new(),
                (lat, lng) => format!("{lat}, {lng}"),
            };
            let description = lines(&[
                ("", text),
                ("Адрес", param(note, "address")),
                ("Координаты", coordinates),
            ]);
            Shape::meeting("Геолокация", description, &owner_name)
        }
        "invoice_paid" => {
            let description = lines(&[("Сервис", param(note, "service")), ("", text)]);
            Shape::meeting("Счёт оплачен", description, &owner_name)
        }
        other => {
            return Err(MappingFailure::new(
                FailureCode::UnsupportedValue,
                format!(
                    "note {} has type {other:?}, which has no Bitrix24 counterpart; its data is \
                     left in amoCRM",
                    note.id
                ),
            ));
        }
    };
    Ok(shape)
}

fn attachment(
    note: &AmoNote,
    text: String,
    owner_name: &str,
    context: &MappingContext,
    mapped: &mut Mapped,
) -> Shape {
    let file_uuid = param(note, "file_uuid");
    let legacy = param(note, "attachment");
    let name = [param(note, "original_name"), param(note, "file_name")]
        .into_iter()
        .find(|name| !name.is_empty())
        .unwrap_or_else(|| format!("amocrm-file-{}", note.id));

    let source = if !file_uuid.is_empty() {
        let version = param(note, "version_uuid");
        Some(FileSource::Drive {
            file_uuid,
            version_uuid: (!version.is_empty()).then_some(version),
        })
    } else if !legacy.is_empty() {
        Some(FileSource::Legacy { attachment: legacy })
    } else {
        None
    };

    let file_line = match (&source, context.files) {
        (Some(source), true) => {
            mapped.files.push(PendingFile {
                target: "FILES".into(),
                source: source.clone(),
                name: name.clone(),
            });
            format!("Файл: {name}")
        }
        (Some(_), false) => format!("Файл: {name} (перенос файлов был выключен)"),
        (None, _) => {
            mapped.skipped.push(Skipped::new(
                FailureCode::FileUnavailable,
                format!(
                    "note {} names file {name:?} but no way to download it",
                    note.id
                ),
            ));
            format!("Файл: {name} (не найден в amoCRM)")
        }
    };
    let description = lines(&[("", text), ("", file_line)]);
    Shape::meeting(format!("Файл: {name}"), description, owner_name)
}

fn call(
    note: &AmoNote,
    context: &MappingContext,
    mapped: &mut Mapped,
) -> Result<Shape, MappingFailure> {
    let incoming = note.note_type == "call_in";
    let phone = param(note, "phone");
    if phone.is_empty() {
        return Err(MappingFailure::new(
            FailureCode::InvalidValue,
            format!(
                "call note {} has no phone number; Bitrix24 needs one for a call activity",
                note.id
            ),
        ));
    }

    let duration = param(note, "duration").parse::<i64>().unwrap_or(0).max(0);
    let link = param(note, "link");
    if context.files && !link.is_empty() {
        mapped.files.push(PendingFile {
            target: "FILES".into(),
            source: FileSource::Url { url: link.clone() },
            name: format!("call-{}.mp3", note.id),
        });
    }

    let status = note
        .params
        .get("call_status")
        .and_then(Value::as_u64)
        .map(call_status_text)
        .unwrap_or_default()
        .to_owned();
    let description = lines(&[
        ("Телефон", phone.clone()),
        ("Длительность, с", duration.to_string()),
        ("Результат", param(note, "call_result")),
        ("Статус", status),
        ("Запись", link),
        ("Источник", param(note, "source")),
    ]);
    Ok(Shape {
        type_id: CALL,
        subject: if incoming {
            "Входящий звонок"
        } else {
            "Исходящий звонок"
        }
        .to_owned(),
        description,
        direction: Some(if incoming { 1 } else { 2 }),
        communication: phone,
        communication_type: "PHONE",
        duration,
    })
}

/// The words for amoCRM's `call_status` codes.
pub fn call_status_text(code: u64) -> &'static str {
    match code {
        1 => "оставлено голосовое сообщение",
        2 => "перезвонить позже",
        3 => "нет на месте",
        4 => "разговор состоялся",
        5 => "неверный номер",
        6 => "не дозвонились",
        7 => "номер занят",
        _ => "",
    }
}

fn mail(note: &AmoNote) -> Result<Shape, MappingFailure> {
    let incoming = matches!(note.params.get("income"), Some(Value::Bool(true)))
        || param(note, "income") == "1";
    let counterpart = if incoming { "from" } else { "to" };
    let address = note
        .params
        .get(counterpart)
        .and_then(first_address)
        .filter(|address| super::email::is_valid_email(address))
        .ok_or_else(|| {
            MappingFailure::new(
                FailureCode::InvalidValue,
                format!(
                    "e-mail note {} has no valid {counterpart} address; Bitrix24 needs one for \
                     an e-mail activity",
                    note.id
                ),
            )
        })?;

    let subject = param(note, "subject");
    let description = lines(&[
        ("От", address_text(note.params.get("from"))),
        ("Кому", address_text(note.params.get("to"))),
        ("", param(note, "content_summary")),
        ("", MAIL_EXCERPT_NOTE.to_owned()),
    ]);
    Ok(Shape {
        type_id: EMAIL,
        subject: if subject.is_empty() {
            "Письмо".to_owned()
        } else {
            subject
        },
        description,
        direction: Some(if incoming { 1 } else { 2 }),
        communication: address,
        communication_type: "EMAIL",
        duration: 0,
    })
}

/// The first e-mail address of a `from`/`to` value: a string, `{email, name}` or a list.
fn first_address(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.trim().to_owned()),
        Value::Object(object) => object
            .get("email")
            .and_then(Value::as_str)
            .map(|text| text.trim().to_owned()),
        Value::Array(items) => items.iter().find_map(first_address),
        _ => None,
    }
}

fn address_text(value: Option<&Value>) -> String {
    match value {
        Some(Value::Object(object)) => {
            let email = object.get("email").and_then(Value::as_str).unwrap_or("");
            match object.get("name").and_then(Value::as_str) {
                Some(name) if !name.trim().is_empty() => format!("{} <{email}>", name.trim()),
                _ => email.to_owned(),
            }
        }
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| address_text(Some(item)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::String(text)) => text.trim().to_owned(),
        _ => String::new(),
    }
}
