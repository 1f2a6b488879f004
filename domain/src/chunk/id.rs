//! The identity of a chunk: which run, which kind of record, which slice.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

use crate::entity::RecordKind;

/// The most records one chunk holds. With one outcome and at most one rollback per record,
/// a chunk's stream never exceeds twice this many events.
pub const CHUNK_CAPACITY: usize = 1_000;

/// The most records one command records: the commands of one Bitrix24 `batch` call.
pub const BATCH_LIMIT: usize = 50;

/// Names one chunk: `<migration id>:<record kind>:<index>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChunkId {
    /// The run.
    pub migration_id: Uuid,
    /// The kind of record it holds.
    pub kind: RecordKind,
    /// Its position among the run's chunks of that kind, from 0.
    pub index: u32,
}

impl ChunkId {
    /// Names a chunk.
    pub fn new(migration_id: Uuid, kind: RecordKind, index: u32) -> ChunkId {
        ChunkId {
            migration_id,
            kind,
            index,
        }
    }
}

impl fmt::Display for ChunkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.migration_id, self.kind, self.index)
    }
}

/// The error for an aggregate id that does not name a chunk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a chunk id (expected <migration id>:<record kind>:<index>)")]
pub struct NotAChunkId(pub String);

impl FromStr for ChunkId {
    type Err = NotAChunkId;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || NotAChunkId(text.to_owned());
        let mut parts = text.split(':');
        let (Some(id), Some(kind), Some(index), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };

        Ok(ChunkId {
            migration_id: id.parse().map_err(|_| invalid())?,
            kind: kind.parse().map_err(|_| invalid())?,
            index: index.parse().map_err(|_| invalid())?,
        })
    }
}
