//! What can be asked of a chunk: record the outcome of one Bitrix24 batch, or record what one
//! rollback batch deleted.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::event::FailureCode;
use crate::entity::RecordKind;

/// The outcome of one record in one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordOutcome {
    /// On the portal with this id: created by the run, or matched to a portal record that
    /// existed before it (a user found by e-mail, the main pipeline, a merged stage).
    Transferred {
        /// The amoCRM id.
        amo_id: u64,
        /// The Bitrix24 id.
        b24_id: String,
        /// True when the run created the portal record; a rollback deletes only those.
        created: bool,
    },
    /// Could not be moved.
    Failed {
        /// The amoCRM id.
        amo_id: u64,
        /// The reason's code.
        code: FailureCode,
        /// The reason in words.
        message: String,
    },
    /// Created outside the period; left in amoCRM.
    OutsidePeriod {
        /// The amoCRM id.
        amo_id: u64,
    },
}

impl RecordOutcome {
    /// The amoCRM id of the record.
    pub fn amo_id(&self) -> u64 {
        match self {
            RecordOutcome::Transferred { amo_id, .. }
            | RecordOutcome::Failed { amo_id, .. }
            | RecordOutcome::OutsidePeriod { amo_id } => *amo_id,
        }
    }
}

/// One record deleted by a rollback batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RolledBack {
    /// The amoCRM id of the moved record.
    pub amo_id: u64,
    /// True when the portal said it was gone already.
    pub already_gone: bool,
}

/// A command to a `Chunk` aggregate. `migration_id` and `kind` must match the chunk's id;
/// the store checks that before the command reaches the aggregate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkCommand {
    /// Fix which records the chunk holds (counting does this, in listing order). A chunk
    /// without outcomes may be planned again (a recount); one with outcomes may not.
    Plan {
        /// The run.
        migration_id: Uuid,
        /// The kind of record.
        kind: RecordKind,
        /// The amoCRM ids, 1 to `CHUNK_CAPACITY`, each once.
        amo_ids: Vec<u64>,
        /// When.
        at: DateTime<Utc>,
    },
    /// Record the outcomes of one batch (1 to 50 records).
    RecordBatch {
        /// The run.
        migration_id: Uuid,
        /// The kind of record.
        kind: RecordKind,
        /// One outcome per record.
        outcomes: Vec<RecordOutcome>,
        /// When.
        at: DateTime<Utc>,
    },
    /// Record the deletions of one rollback batch (1 to 50 records).
    RollBackBatch {
        /// The run.
        migration_id: Uuid,
        /// The kind of record.
        kind: RecordKind,
        /// The records deleted.
        records: Vec<RolledBack>,
        /// When.
        at: DateTime<Utc>,
    },
}
