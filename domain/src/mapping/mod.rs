//! The amoCRM → Bitrix24 mapping rules (D2-D9), as pure functions from small input structs to
//! the `fields` maps of the Bitrix24 methods, spelled exactly as the REST API spells them.
//!
//! The engine reads amoCRM records through its client, converts them into the input structs
//! defined here, calls one function per record and sends the returned fields. Nothing here does
//! I/O; everything a function needs from the portal (ids of records already moved, the user
//! map, the user fields and stages created) comes in through [`MappingContext`] or an argument.
//!
//! Every function answers in one of two ways:
//! - the record moves: a [`Mapped`] with its fields, the values left behind ([`Skipped`]:
//!   the record still moves, the run log says what was not carried) and the files the engine
//!   must download and attach ([`PendingFile`]);
//! - the record cannot move: a [`MappingFailure`] with a [`FailureCode`] and a message for the
//!   failure list (D9, H3).
//!
//! # Layout
//! - [`origin`]: the `ORIGINATOR_ID` / `ORIGIN_ID` marker every created record carries (H2).
//! - [`text`]: size limits, truncation, dates in the account's time zone.
//! - [`email`]: the e-mail validation rule (D4).
//! - [`multifield`]: phones, e-mails, web sites and messengers as Bitrix24 multifields.
//! - [`users`]: matching users by e-mail and choosing the responsible user (D1).
//! - [`custom_fields`]: amoCRM custom field types → Bitrix24 user field definitions (D4, D9).
//! - [`custom_values`]: custom field values → `UF_CRM_*` values.
//! - [`company`], [`contact`], [`deal`]: the three CRM records (D2, D3, D6).
//! - [`pipeline`]: pipelines and stages (D5).
//! - [`required`]: mandatory portal fields that stop a run (D4).
//! - [`activity`]: notes, files, e-mails and calls → CRM activities (D7).
//! - [`task`]: tasks (D8).

pub mod activity;
mod common;
pub mod company;
pub mod contact;
pub mod custom_fields;
pub mod custom_values;
pub mod deal;
pub mod email;
pub mod multifield;
pub mod origin;
pub mod pipeline;
pub mod required;
pub mod task;
pub mod text;
pub mod users;

use std::collections::BTreeMap;

use chrono::FixedOffset;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::chunk::FailureCode;

pub use custom_fields::{FieldTarget, UserFieldSpec, UserFieldType, plan_user_field};
pub use custom_values::{CustomFieldValue, FieldMap, PortalUserField};
pub use origin::Origin;
pub use users::UserMap;

/// The `fields` map of one Bitrix24 call.
pub type Fields = Map<String, Value>;

/// The kinds of amoCRM record that own notes, tasks and custom fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmoEntity {
    /// A deal (amoCRM `leads`).
    Lead,
    /// A contact.
    Contact,
    /// A company.
    Company,
    /// A customer (amoCRM's periodic-purchase mode); not moved by this product.
    Customer,
}

impl AmoEntity {
    /// Parses amoCRM's plural (`leads`, notes and tasks) or singular (`lead`, events) name.
    pub fn parse(name: &str) -> Option<AmoEntity> {
        match name.trim() {
            "leads" | "lead" => Some(AmoEntity::Lead),
            "contacts" | "contact" => Some(AmoEntity::Contact),
            "companies" | "company" => Some(AmoEntity::Company),
            "customers" | "customer" => Some(AmoEntity::Customer),
            _ => None,
        }
    }

    /// amoCRM's plural name, as in its paths.
    pub fn as_str(self) -> &'static str {
        match self {
            AmoEntity::Lead => "leads",
            AmoEntity::Contact => "contacts",
            AmoEntity::Company => "companies",
            AmoEntity::Customer => "customers",
        }
    }
}

/// Why a record cannot be moved: the code stored with `RecordFailed` and a message a support
/// engineer can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} ({})", code.as_str())]
pub struct MappingFailure {
    /// The failure code.
    pub code: FailureCode,
    /// What was wrong and what can be done about it.
    pub message: String,
}

impl MappingFailure {
    /// A failure with its code and message.
    pub fn new(code: FailureCode, message: impl Into<String>) -> MappingFailure {
        MappingFailure {
            code,
            message: message.into(),
        }
    }
}

/// A value of a record that was left behind or shortened while the record itself moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Why, as a failure code.
    pub code: FailureCode,
    /// What was left behind, and why.
    pub message: String,
}

impl Skipped {
    /// A note with its code and message.
    pub fn new(code: FailureCode, message: impl Into<String>) -> Skipped {
        Skipped {
            code,
            message: message.into(),
        }
    }
}

/// A file the engine must download from amoCRM and attach to the created record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingFile {
    /// Where the file goes: a `UF_CRM_*` field name, or `FILES` for an activity.
    pub target: String,
    /// Where to find it in amoCRM.
    pub source: FileSource,
    /// The file name to give it on the portal.
    pub name: String,
}

/// Where a file lives in amoCRM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FileSource {
    /// A file of the amoCRM drive, by its uuid (and version, when known).
    Drive {
        /// `file_uuid`.
        file_uuid: String,
        /// `version_uuid`, if given.
        version_uuid: Option<String>,
    },
    /// A legacy attachment, by its server file name (`/download/{attachment}`).
    Legacy {
        /// The server file name.
        attachment: String,
    },
    /// A call recording, by the telephony's link.
    Url {
        /// The link.
        url: String,
    },
}

/// One record mapped to Bitrix24 `fields`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mapped {
    /// The `fields` to send to the `add` method.
    pub fields: Fields,
    /// Values that did not move or were shortened; the record moves anyway.
    pub skipped: Vec<Skipped>,
    /// Files to download and attach (empty when files are switched off, B4).
    pub files: Vec<PendingFile>,
}

/// Ids of records this run has already moved, by amoCRM id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdMap {
    /// Companies: amoCRM id → Bitrix24 id.
    pub companies: BTreeMap<u64, u64>,
    /// Contacts: amoCRM id → Bitrix24 id.
    pub contacts: BTreeMap<u64, u64>,
    /// Deals: amoCRM lead id → Bitrix24 deal id.
    pub deals: BTreeMap<u64, u64>,
}

impl IdMap {
    /// The Bitrix24 id of a moved record.
    pub fn portal_id(&self, entity: AmoEntity, amo_id: u64) -> Option<u64> {
        let map = match entity {
            AmoEntity::Lead => &self.deals,
            AmoEntity::Contact => &self.contacts,
            AmoEntity::Company => &self.companies,
            AmoEntity::Customer => return None,
        };
        map.get(&amo_id).copied()
    }
}

/// What every mapping function needs to know about the run and the portal.
#[derive(Debug, Clone)]
pub struct MappingContext {
    /// The run's origin marker.
    pub origin: Origin,
    /// amoCRM users → portal users, and the default responsible.
    pub users: UserMap,
    /// Records already moved.
    pub ids: IdMap,
    /// The amoCRM account's time zone (`datetime_settings.timezone_offset`): dates and the
    /// day of a date-time are taken in it.
    pub utc_offset: FixedOffset,
    /// Whether files are moved (B4).
    pub files: bool,
    /// The account's currency (`CURRENCY_ID` of deals and money fields), e.g. `RUB`.
    pub currency: String,
}
