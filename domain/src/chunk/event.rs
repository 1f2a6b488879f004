//! The per-record events of a chunk. Each carries the run, the kind and the amoCRM id, so
//! that a reader needs nothing else to place it.

use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entity::RecordKind;

/// The version of every `Chunk` event type's payload.
pub const CHUNK_EVENT_VERSION: &str = "1.0.0";

/// Why a record could not be moved, in terms a support engineer can act on (D9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureCode {
    /// A value amoCRM holds in a form that cannot be moved (e.g. an unknown field type).
    UnsupportedValue,
    /// A value the portal refused as invalid.
    InvalidValue,
    /// The record points at something that does not exist in the account.
    MissingReference,
    /// The record belongs to a record that was not moved.
    ParentNotMoved,
    /// The portal refused the record for a reason of its own.
    RejectedByPortal,
    /// A file could not be downloaded from amoCRM.
    FileUnavailable,
    /// A text or file exceeds what the portal accepts.
    TooLarge,
}

impl FailureCode {
    /// The code as stored and exported.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureCode::UnsupportedValue => "unsupported_value",
            FailureCode::InvalidValue => "invalid_value",
            FailureCode::MissingReference => "missing_reference",
            FailureCode::ParentNotMoved => "parent_not_moved",
            FailureCode::RejectedByPortal => "rejected_by_portal",
            FailureCode::FileUnavailable => "file_unavailable",
            FailureCode::TooLarge => "too_large",
        }
    }
}

/// An event of a `Chunk` aggregate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ChunkEvent {
    /// The chunk was given the records it holds; every outcome recorded later belongs to one
    /// of them. Planning at counting time keeps a record in one chunk for the whole run, even
    /// if records are added to or deleted from the account meanwhile.
    ChunkPlanned {
        /// The run.
        migration_id: Uuid,
        /// The kind of record.
        kind: RecordKind,
        /// The amoCRM ids of the chunk's records, in listing order.
        amo_ids: Vec<u64>,
        /// When.
        at: DateTime<Utc>,
    },
    /// The record is on the portal: created by the run, or matched to a portal record that
    /// existed before it.
    RecordTransferred {
        /// The run.
        migration_id: Uuid,
        /// The kind of record.
        kind: RecordKind,
        /// Its amoCRM id.
        amo_id: u64,
        /// Its Bitrix24 id.
        b24_id: String,
        /// True when the run created it; false when it was matched (a rollback leaves it).
        created: bool,
        /// When.
        at: DateTime<Utc>,
    },
    /// The record could not be moved.
    RecordFailed {
        /// The run.
        migration_id: Uuid,
        /// The kind of record.
        kind: RecordKind,
        /// Its amoCRM id.
        amo_id: u64,
        /// The reason's code.
        code: FailureCode,
        /// The reason in words, naming the value or reference at fault.
        message: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// The record was created outside the chosen period and was left in amoCRM.
    RecordLeftOutsidePeriod {
        /// The run.
        migration_id: Uuid,
        /// The kind of record.
        kind: RecordKind,
        /// Its amoCRM id.
        amo_id: u64,
        /// When.
        at: DateTime<Utc>,
    },
    /// The portal copy of a moved record was deleted by a rollback.
    RecordRolledBack {
        /// The run.
        migration_id: Uuid,
        /// The kind of record.
        kind: RecordKind,
        /// Its amoCRM id.
        amo_id: u64,
        /// The Bitrix24 id that was deleted.
        b24_id: String,
        /// True when the portal said it was gone already.
        already_gone: bool,
        /// When.
        at: DateTime<Utc>,
    },
}

impl ChunkEvent {
    /// The amoCRM id the event is about (0 for a plan, which is about many).
    pub fn amo_id(&self) -> u64 {
        match self {
            ChunkEvent::ChunkPlanned { .. } => 0,
            ChunkEvent::RecordTransferred { amo_id, .. }
            | ChunkEvent::RecordFailed { amo_id, .. }
            | ChunkEvent::RecordLeftOutsidePeriod { amo_id, .. }
            | ChunkEvent::RecordRolledBack { amo_id, .. } => *amo_id,
        }
    }
}

impl DomainEvent for ChunkEvent {
    fn event_type(&self) -> String {
        let name = match self {
            ChunkEvent::ChunkPlanned { .. } => "ChunkPlanned",
            ChunkEvent::RecordTransferred { .. } => "RecordTransferred",
            ChunkEvent::RecordFailed { .. } => "RecordFailed",
            ChunkEvent::RecordLeftOutsidePeriod { .. } => "RecordLeftOutsidePeriod",
            ChunkEvent::RecordRolledBack { .. } => "RecordRolledBack",
        };
        name.to_owned()
    }

    fn event_version(&self) -> String {
        CHUNK_EVENT_VERSION.to_owned()
    }
}
