//! Chunks as the engine uses them: planning them while counting, loading a kind's chunks, and
//! reading the portal ids of what moved.

use std::collections::{BTreeMap, HashSet};

use chrono::Utc;
use migrator_domain::chunk::{CHUNK_CAPACITY, RecordState};
use migrator_domain::{Chunk, ChunkCommand, ChunkId, RecordKind};
use migrator_store::Store;
use uuid::Uuid;

use crate::error::RunnerError;

/// How many chunks hold `total` records.
pub(crate) fn chunk_count(total: u64) -> u32 {
    let capacity = CHUNK_CAPACITY as u64;
    u32::try_from(total.div_ceil(capacity)).unwrap_or(u32::MAX)
}

/// The chunks `0..limit` of one kind of one run, stopping at the first that was never planned.
pub(crate) async fn load_all(
    store: &Store,
    id: Uuid,
    kind: RecordKind,
    limit: u32,
) -> Result<Vec<(u32, Chunk)>, RunnerError> {
    let mut chunks = Vec::new();
    for index in 0..limit {
        let chunk = store.load_chunk(ChunkId::new(id, kind, index)).await?;
        if chunk.plan().is_empty() {
            break;
        }
        chunks.push((index, chunk));
    }
    Ok(chunks)
}

/// amoCRM id → portal id of every record of these chunks that is on the portal (created or
/// matched), rolled-back ones excluded.
pub(crate) fn portal_ids(chunks: &[(u32, Chunk)]) -> BTreeMap<u64, String> {
    let mut ids = BTreeMap::new();
    for (_, chunk) in chunks {
        for (amo_id, state) in chunk.records() {
            if let RecordState::Transferred(b24_id) | RecordState::Matched(b24_id) = state {
                ids.insert(*amo_id, b24_id.clone());
            }
        }
    }
    ids
}

/// The same, with numeric portal ids (CRM records, users, pipelines).
pub(crate) fn numeric_portal_ids(chunks: &[(u32, Chunk)]) -> BTreeMap<u64, u64> {
    portal_ids(chunks)
        .into_iter()
        .filter_map(|(amo_id, b24_id)| b24_id.parse().ok().map(|b24_id| (amo_id, b24_id)))
        .collect()
}

/// Plans the chunks of one kind as its records stream by, 1,000 at a time, each record once.
pub(crate) struct Planner<'a> {
    store: &'a Store,
    id: Uuid,
    kind: RecordKind,
    next_index: u32,
    buffer: Vec<u64>,
    seen: HashSet<u64>,
}

impl<'a> Planner<'a> {
    pub(crate) fn new(store: &'a Store, id: Uuid, kind: RecordKind) -> Planner<'a> {
        Planner {
            store,
            id,
            kind,
            next_index: 0,
            buffer: Vec::new(),
            seen: HashSet::new(),
        }
    }

    /// Adds a record; returns false if it was listed already (a page shifted under us).
    pub(crate) async fn push(&mut self, amo_id: u64) -> Result<bool, RunnerError> {
        if !self.seen.insert(amo_id) {
            return Ok(false);
        }
        self.buffer.push(amo_id);
        if self.buffer.len() == CHUNK_CAPACITY {
            self.flush().await?;
        }
        Ok(true)
    }

    /// Plans what is left.
    pub(crate) async fn finish(mut self) -> Result<u32, RunnerError> {
        if !self.buffer.is_empty() {
            self.flush().await?;
        }
        Ok(self.next_index)
    }

    async fn flush(&mut self) -> Result<(), RunnerError> {
        let chunk = ChunkId::new(self.id, self.kind, self.next_index);
        let plan = ChunkCommand::Plan {
            migration_id: self.id,
            kind: self.kind,
            amo_ids: std::mem::take(&mut self.buffer),
            at: Utc::now(),
        };
        self.store.chunk(chunk, plan).await?;
        self.next_index += 1;
        Ok(())
    }
}
