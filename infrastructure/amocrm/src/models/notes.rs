//! Notes (`GET /api/v4/{entity}/notes`) with a typed [`NoteKind`] for every note type.
//!
//! The ten documented types and `amomail_message`/`invoice_paid` get typed parameters;
//! the read-only types known from the official SDK keep their parameters as JSON under
//! a named variant; any other type is kept in [`NoteKind::Unknown`], never dropped.

use serde::de::Error;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::lenient;

/// One note.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// Note id.
    pub id: i64,
    /// The record the note belongs to.
    pub entity_id: Option<i64>,
    /// Author (0 = system).
    pub created_by: Option<i64>,
    /// Last editor.
    pub updated_by: Option<i64>,
    /// Creation time.
    pub created_at: Option<i64>,
    /// Last update time.
    pub updated_at: Option<i64>,
    /// Responsible user.
    pub responsible_user_id: Option<i64>,
    /// Whether the note is pinned (`with=is_pinned`).
    pub is_pinned: Option<bool>,
    /// Type and parameters.
    pub kind: NoteKind,
}

/// The type of a note with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum NoteKind {
    /// `common`: a plain text note.
    Common {
        /// Text.
        text: String,
    },
    /// `call_in`: an incoming call.
    CallIn(CallParams),
    /// `call_out`: an outgoing call.
    CallOut(CallParams),
    /// `service_message`: a message from an integration.
    ServiceMessage(ServiceParams),
    /// `extended_service_message`: an extended integration message.
    ExtendedServiceMessage(ServiceParams),
    /// `message_cashier`: a message to the cashier.
    MessageCashier {
        /// `created`, `shown` or `canceled`.
        status: Option<String>,
        /// Text.
        text: String,
    },
    /// `geolocation`: a place.
    Geolocation {
        /// Text.
        text: String,
        /// Address.
        address: Option<String>,
        /// Longitude.
        longitude: Option<String>,
        /// Latitude.
        latitude: Option<String>,
    },
    /// `sms_in`: an incoming SMS.
    SmsIn(SmsParams),
    /// `sms_out`: an outgoing SMS.
    SmsOut(SmsParams),
    /// `attachment`: a file (on the drive, or legacy).
    Attachment(AttachmentParams),
    /// `amomail_message`: an e-mail; amoCRM gives metadata and a summary, never the body.
    Mail(MailParams),
    /// `invoice_paid`: an invoice was paid.
    InvoicePaid(ServiceParams),
    /// A read-only type known from the official SDK (`site_visit`, `link_followed`,
    /// `targeting_in`, `targeting_out`, `transaction`, `zoom_meeting`,
    /// `dropbox_attachment`, `bill_paid`, `ai_result`, `chat`), parameters as sent.
    KnownOpaque {
        /// The type name.
        note_type: String,
        /// The parameters.
        params: Value,
    },
    /// A type this client does not know, kept whole.
    Unknown {
        /// The type name.
        note_type: String,
        /// The parameters.
        params: Value,
    },
}

/// Read-only note types the SDK knows whose parameters stay opaque.
const OPAQUE_TYPES: [&str; 10] = [
    "site_visit",
    "link_followed",
    "targeting_in",
    "targeting_out",
    "transaction",
    "zoom_meeting",
    "dropbox_attachment",
    "bill_paid",
    "ai_result",
    "chat",
];

/// Parameters of a call note.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CallParams {
    /// The telephony's call id.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub uniq: Option<String>,
    /// Duration in seconds (string or number in the wild).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub duration: Option<i64>,
    /// The telephony's name.
    #[serde(default)]
    pub source: Option<String>,
    /// Recording URL, where the telephony keeps one.
    #[serde(default)]
    pub link: Option<String>,
    /// The other party's phone.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub phone: Option<String>,
    /// Free-text result.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub call_result: Option<String>,
    /// Outcome code.
    #[serde(default, deserialize_with = "call_status")]
    pub call_status: Option<CallStatus>,
    /// Who took the call: a name, a phone or a user id.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub call_responsible: Option<String>,
}

/// The outcome of a call (`call_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallStatus {
    /// 1: left a voicemail.
    LeftVoicemail,
    /// 2: call back later.
    CallBackLater,
    /// 3: not available.
    NotAvailable,
    /// 4: the conversation took place.
    Talked,
    /// 5: wrong number.
    WrongNumber,
    /// 6: no answer.
    NoAnswer,
    /// 7: busy.
    Busy,
    /// Any other code, as sent.
    Other(i64),
}

impl CallStatus {
    /// The status for an API code.
    pub fn from_code(code: i64) -> Self {
        match code {
            1 => Self::LeftVoicemail,
            2 => Self::CallBackLater,
            3 => Self::NotAvailable,
            4 => Self::Talked,
            5 => Self::WrongNumber,
            6 => Self::NoAnswer,
            7 => Self::Busy,
            other => Self::Other(other),
        }
    }
}

fn call_status<'de, D: Deserializer<'de>>(d: D) -> Result<Option<CallStatus>, D::Error> {
    lenient::opt_i64(d).map(|code| code.map(CallStatus::from_code))
}

/// Parameters of service-like notes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ServiceParams {
    /// The integration's name.
    #[serde(default)]
    pub service: Option<String>,
    /// Text.
    #[serde(default)]
    pub text: String,
    /// Icon (invoice notes).
    #[serde(default)]
    pub icon_url: Option<String>,
}

/// Parameters of SMS notes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SmsParams {
    /// Text.
    #[serde(default)]
    pub text: String,
    /// Phone.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub phone: Option<String>,
}

/// Parameters of attachment notes: a drive file (`file_uuid`) or a legacy file
/// (`attachment`, downloadable from `/download/{attachment}`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AttachmentParams {
    /// Drive file id.
    #[serde(default)]
    pub file_uuid: Option<String>,
    /// Drive version id.
    #[serde(default)]
    pub version_uuid: Option<String>,
    /// Name on the drive.
    #[serde(default)]
    pub file_name: Option<String>,
    /// Name the user uploaded.
    #[serde(default)]
    pub original_name: Option<String>,
    /// Legacy server-side file name.
    #[serde(default)]
    pub attachment: Option<String>,
    /// Caption.
    #[serde(default)]
    pub text: Option<String>,
    /// Whether the file lives on the drive.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_drive_attachment: Option<bool>,
}

/// Parameters of an e-mail note: metadata and a summary only.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MailParams {
    /// Mail thread id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub thread_id: Option<i64>,
    /// Message id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub message_id: Option<i64>,
    /// Whether the mail is private.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub private: Option<bool>,
    /// Whether the mail came in (true) or went out.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub income: Option<bool>,
    /// Sender (`{email, name}` as sent).
    #[serde(default)]
    pub from: Option<Value>,
    /// Recipient (`{email, name}` as sent).
    #[serde(default)]
    pub to: Option<Value>,
    /// Subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// An excerpt of the body; the full body is not available through the API.
    #[serde(default)]
    pub content_summary: Option<String>,
    /// Number of attachments (the attachments themselves are not available).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub attach_cnt: Option<i64>,
}

/// The raw shape before the parameters are typed.
#[derive(Deserialize)]
struct RawNote {
    id: i64,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    entity_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    created_by: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    updated_by: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    created_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    updated_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    responsible_user_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    is_pinned: Option<bool>,
    note_type: String,
    #[serde(default)]
    params: Value,
}

impl<'de> Deserialize<'de> for Note {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawNote::deserialize(d)?;
        let kind = NoteKind::from_parts(raw.note_type, raw.params).map_err(D::Error::custom)?;

        Ok(Self {
            id: raw.id,
            entity_id: raw.entity_id,
            created_by: raw.created_by,
            updated_by: raw.updated_by,
            created_at: raw.created_at,
            updated_at: raw.updated_at,
            responsible_user_id: raw.responsible_user_id,
            is_pinned: raw.is_pinned,
            kind,
        })
    }
}

impl NoteKind {
    /// Types `params` by `note_type`.
    ///
    /// # Errors
    /// A message naming the type and the parameter that did not fit.
    pub fn from_parts(note_type: String, params: Value) -> Result<Self, String> {
        let params = if params.is_null() {
            Value::Object(Default::default())
        } else {
            params
        };
        let text = |params: &Value| -> String {
            params
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let string = |params: &Value, key: &str| -> Option<String> {
            match params.get(key)? {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };

        Ok(match note_type.as_str() {
            "common" => Self::Common {
                text: text(&params),
            },
            "call_in" => Self::CallIn(typed(&note_type, params)?),
            "call_out" => Self::CallOut(typed(&note_type, params)?),
            "service_message" => Self::ServiceMessage(typed(&note_type, params)?),
            "extended_service_message" => Self::ExtendedServiceMessage(typed(&note_type, params)?),
            "message_cashier" => Self::MessageCashier {
                status: string(&params, "status"),
                text: text(&params),
            },
            "geolocation" => Self::Geolocation {
                text: text(&params),
                address: string(&params, "address"),
                longitude: string(&params, "longitude"),
                latitude: string(&params, "latitude"),
            },
            "sms_in" => Self::SmsIn(typed(&note_type, params)?),
            "sms_out" => Self::SmsOut(typed(&note_type, params)?),
            "attachment" => Self::Attachment(typed(&note_type, params)?),
            "amomail_message" => Self::Mail(typed(&note_type, params)?),
            "invoice_paid" => Self::InvoicePaid(typed(&note_type, params)?),
            known if OPAQUE_TYPES.contains(&known) => Self::KnownOpaque { note_type, params },
            _ => Self::Unknown { note_type, params },
        })
    }

    /// The API name of the type, e.g. `call_in`.
    pub fn note_type(&self) -> &str {
        match self {
            Self::Common { .. } => "common",
            Self::CallIn(_) => "call_in",
            Self::CallOut(_) => "call_out",
            Self::ServiceMessage(_) => "service_message",
            Self::ExtendedServiceMessage(_) => "extended_service_message",
            Self::MessageCashier { .. } => "message_cashier",
            Self::Geolocation { .. } => "geolocation",
            Self::SmsIn(_) => "sms_in",
            Self::SmsOut(_) => "sms_out",
            Self::Attachment(_) => "attachment",
            Self::Mail(_) => "amomail_message",
            Self::InvoicePaid(_) => "invoice_paid",
            Self::KnownOpaque { note_type, .. } | Self::Unknown { note_type, .. } => note_type,
        }
    }
}

/// Reads the parameters of a note of `note_type`.
fn typed<T: serde::de::DeserializeOwned>(note_type: &str, params: Value) -> Result<T, String> {
    serde_json::from_value(params).map_err(|e| format!("params of {note_type}: {e}"))
}

crate::models::record!(Note);
