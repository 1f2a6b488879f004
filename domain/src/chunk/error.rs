//! Why a command to a chunk was refused.

use uuid::Uuid;

use crate::entity::RecordKind;

/// A refused chunk command. Nothing of the batch is recorded when any record is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    /// A plan names no record, too many, or one twice.
    #[error("cannot plan the chunk: {problem}")]
    BadPlan {
        /// What is wrong with the plan.
        problem: String,
    },
    /// The chunk already holds outcomes, so its records cannot change.
    #[error("cannot plan the chunk again: {outcomes} of its records already have an outcome")]
    AlreadyStarted {
        /// Records with an outcome.
        outcomes: usize,
    },
    /// Outcomes were sent to a chunk that was never planned.
    #[error("cannot record outcomes in a chunk that was not planned; count first")]
    NotPlanned,
    /// A record is not one of the chunk's records.
    #[error("amoCRM record {amo_id} is not one of this chunk's records")]
    NotInPlan {
        /// The amoCRM id.
        amo_id: u64,
    },
    /// The batch holds no record.
    #[error("cannot record an empty batch")]
    EmptyBatch,
    /// The batch holds more records than one Bitrix24 batch call.
    #[error("cannot record a batch of {size} records: a batch holds at most {limit}")]
    BatchTooLarge {
        /// Records in the batch.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The command names another run or kind than the chunk holds.
    #[error(
        "this chunk holds {held_kind} of migration {held_migration}; it cannot take {kind} of \
         migration {migration_id}"
    )]
    WrongChunk {
        /// The run the chunk belongs to.
        held_migration: Uuid,
        /// The kind it holds.
        held_kind: RecordKind,
        /// The run the command named.
        migration_id: Uuid,
        /// The kind the command named.
        kind: RecordKind,
    },
    /// The same record appears twice in the batch.
    #[error("amoCRM record {amo_id} appears twice in the batch")]
    DuplicateInBatch {
        /// The amoCRM id.
        amo_id: u64,
    },
    /// The record already has an outcome in this run: recording it again would move it twice.
    #[error("amoCRM record {amo_id} already has an outcome in this migration ({outcome})")]
    AlreadySettled {
        /// The amoCRM id.
        amo_id: u64,
        /// The outcome it has.
        outcome: &'static str,
    },
    /// A transfer names no Bitrix24 id, so a rollback could not delete it.
    #[error("amoCRM record {amo_id} is said to be transferred, but no Bitrix24 id is given")]
    MissingPortalId {
        /// The amoCRM id.
        amo_id: u64,
    },
    /// A rollback names a record this run did not move.
    #[error("cannot roll back amoCRM record {amo_id}: this migration did not move it")]
    NotTransferred {
        /// The amoCRM id.
        amo_id: u64,
    },
    /// A rollback names a record already rolled back.
    #[error("amoCRM record {amo_id} has been rolled back already")]
    AlreadyRolledBack {
        /// The amoCRM id.
        amo_id: u64,
    },
}
