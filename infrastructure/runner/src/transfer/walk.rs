//! The walk every record pass shares (companies, contacts, deals, notes, tasks): the chunks
//! in order; per chunk, its pending records read from amoCRM and mapped; then batches of at
//! most 50, each sent to the portal and its outcomes recorded as one command, with a stop
//! check before each. While one chunk goes to the portal the next one is read from amoCRM, so
//! the two services are waited on at the same time.
//!
//! What differs between passes (how records are fetched, mapped, created and adopted) is a
//! [`Mover`].

use std::future::Future;

use chrono::Utc;
use migrator_domain::chunk::RecordOutcome;
use migrator_domain::{ChunkCommand, ChunkId, Entity, Migration, Period, RecordKind};

use super::{Pass, still_moving};
use crate::chunks::chunk_count;
use crate::error::RunnerError;
use crate::runner::Drive;

/// What one batch settled, and the records it left for a later batch (their files did not
/// fit the batch's byte budget).
pub(crate) struct Sent {
    pub(crate) outcomes: Vec<RecordOutcome>,
    pub(crate) deferred: Vec<u64>,
}

impl Sent {
    /// A batch that settled every record it was given.
    pub(crate) fn all(outcomes: Vec<RecordOutcome>) -> Sent {
        Sent {
            outcomes,
            deferred: Vec::new(),
        }
    }
}

/// One kind of record, moved by [`walk`].
pub(crate) trait Mover: Sync {
    /// A chunk's pending records, read and decided.
    type Prepared: Send;

    /// Reads these pending records from amoCRM and decides each one; records created outside
    /// `period` stay in amoCRM.
    fn prepare(
        &self,
        drive: &Drive<'_>,
        pending: &[u64],
        period: Option<Period>,
    ) -> impl Future<Output = Result<Self::Prepared, RunnerError>> + Send;

    /// Sends one batch of them; `in_doubt` asks it to look up first what the portal may
    /// already hold, and is set when this batch's outcome is unknown.
    fn send(
        &self,
        drive: &Drive<'_>,
        batch: &[u64],
        prepared: &mut Self::Prepared,
        in_doubt: &mut bool,
    ) -> impl Future<Output = Result<Sent, RunnerError>> + Send;
}

/// A chunk read and decided, ready to move.
struct Loaded<P> {
    chunk_id: ChunkId,
    pending: Vec<u64>,
    prepared: P,
}

/// Moves the pending records of `entity`, chunk by chunk.
pub(crate) async fn walk<M: Mover>(
    drive: &Drive<'_>,
    migration: &Migration,
    entity: Entity,
    mover: &M,
) -> Result<Pass, RunnerError> {
    let kind = entity.primary_kind();
    let total = migration
        .counts()
        .get(&entity)
        .map_or(0, |count| count.total);
    let period = migration.settings().and_then(|settings| settings.period);
    let chunks = chunk_count(total);
    let mut in_doubt = drive.in_doubt();
    let load = |index: u32| async move {
        if index >= chunks {
            return Ok::<_, RunnerError>(None);
        }
        let chunk_id = ChunkId::new(drive.id, kind, index);
        let chunk = drive.runner.store().load_chunk(chunk_id).await?;
        let pending: Vec<u64> = chunk.pending().collect();
        let prepared = mover.prepare(drive, &pending, period).await?;
        Ok(Some(Loaded {
            chunk_id,
            pending,
            prepared,
        }))
    };

    let mut upcoming = load(0).await?;
    for index in 0..chunks {
        let Some(loaded) = upcoming else {
            break;
        };
        let moving = move_chunk(drive, kind, loaded, mover, &mut in_doubt);
        let (moved, next) = tokio::join!(moving, load(index + 1));
        if moved? == Pass::Stopped {
            return Ok(Pass::Stopped);
        }
        upcoming = next?;
    }
    Ok(Pass::Done)
}

/// Moves one chunk's pending records, a batch and a command at a time.
async fn move_chunk<M: Mover>(
    drive: &Drive<'_>,
    kind: RecordKind,
    loaded: Loaded<M::Prepared>,
    mover: &M,
    in_doubt: &mut bool,
) -> Result<Pass, RunnerError> {
    let Loaded {
        chunk_id,
        pending,
        mut prepared,
    } = loaded;

    let mut queue = Pending::new(pending);
    while let Some(batch) = queue.next_batch() {
        if !still_moving(drive).await? {
            return Ok(Pass::Stopped);
        }
        let sent = mover.send(drive, &batch, &mut prepared, in_doubt).await?;
        let settled = sent.outcomes.len() as u64;
        let command = ChunkCommand::RecordBatch {
            migration_id: drive.id,
            kind,
            outcomes: sent.outcomes,
            at: Utc::now(),
        };
        drive.runner.store().chunk(chunk_id, command).await?;
        drive.runner.progress.advance(settled);
        queue.put_back(sent.deferred);
    }
    Ok(Pass::Done)
}

/// A chunk's pending record ids, handed out a batch at a time. A batch that could not take
/// all its records (their files were over the batch's byte budget) puts the rest back in
/// front, in order.
struct Pending(std::collections::VecDeque<u64>);

impl Pending {
    fn new(ids: impl IntoIterator<Item = u64>) -> Pending {
        Pending(ids.into_iter().collect())
    }

    /// The next batch of at most `BATCH_LIMIT` ids; `None` when none are left.
    fn next_batch(&mut self) -> Option<Vec<u64>> {
        let take = self.0.len().min(migrator_domain::chunk::BATCH_LIMIT);
        (take > 0).then(|| self.0.drain(..take).collect())
    }

    /// Returns `ids` to the front of the queue.
    fn put_back(&mut self, ids: Vec<u64>) {
        for id in ids.into_iter().rev() {
            self.0.push_front(id);
        }
    }
}
