//! The `Chunk` aggregate: the per-record outcomes of a fixed slice of one kind of record of one
//! run.
//!
//! A run's millions of per-record events are spread over chunks of at most
//! [`CHUNK_CAPACITY`] records, so that loading a stream before a command stays cheap whatever
//! the run's size. One command records one Bitrix24 batch: at most [`BATCH_LIMIT`] records.
//! A record gets exactly one outcome per run (transferred, failed or outside the period), and a
//! transferred record can be rolled back once.

mod command;
mod error;
mod event;
mod id;

use std::collections::{BTreeMap, BTreeSet};

use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use command::{ChunkCommand, RecordOutcome, RolledBack};
pub use error::ChunkError;
pub use event::{CHUNK_EVENT_VERSION, ChunkEvent, FailureCode};
pub use id::{BATCH_LIMIT, CHUNK_CAPACITY, ChunkId, NotAChunkId};

use crate::entity::RecordKind;

/// Where one record of a chunk stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordState {
    /// Created by the run, with its Bitrix24 id.
    Transferred(String),
    /// Matched to a portal record that existed before the run, with its Bitrix24 id.
    Matched(String),
    /// Could not be moved.
    Failed,
    /// Left out by the period.
    OutsidePeriod,
    /// Moved, then deleted by a rollback.
    RolledBack,
}

impl RecordState {
    fn describe(&self) -> &'static str {
        match self {
            RecordState::Transferred(_) | RecordState::Matched(_) => "transferred",
            RecordState::Failed => "failed",
            RecordState::OutsidePeriod => "outside the period",
            RecordState::RolledBack => "rolled back",
        }
    }
}

/// The state of one chunk, rebuilt from its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Chunk {
    owner: Option<(Uuid, RecordKind)>,
    plan: Vec<u64>,
    records: BTreeMap<u64, RecordState>,
}

impl Chunk {
    /// Where each record of the chunk stands, by amoCRM id.
    pub fn records(&self) -> &BTreeMap<u64, RecordState> {
        &self.records
    }

    /// The amoCRM ids the chunk holds, in listing order (empty until planned).
    pub fn plan(&self) -> &[u64] {
        &self.plan
    }

    /// The planned records that have no outcome yet, in listing order.
    pub fn pending(&self) -> impl Iterator<Item = u64> + '_ {
        self.plan
            .iter()
            .copied()
            .filter(|amo_id| !self.records.contains_key(amo_id))
    }

    /// The Bitrix24 ids of records the run created and a rollback has not deleted yet, by
    /// amoCRM id. Matched records are not among them: they were on the portal before.
    pub fn transferred(&self) -> impl Iterator<Item = (u64, &str)> {
        self.records
            .iter()
            .filter_map(|(amo_id, state)| match state {
                RecordState::Transferred(b24_id) => Some((*amo_id, b24_id.as_str())),
                _ => None,
            })
    }

    fn check_owner(&self, migration_id: Uuid, kind: RecordKind) -> Result<(), ChunkError> {
        match self.owner {
            Some((held_migration, held_kind))
                if held_migration != migration_id || held_kind != kind =>
            {
                Err(ChunkError::WrongChunk {
                    held_migration,
                    held_kind,
                    migration_id,
                    kind,
                })
            }
            _ => Ok(()),
        }
    }

    fn check_batch(&self, ids: impl Iterator<Item = u64>) -> Result<usize, ChunkError> {
        let mut seen = BTreeSet::new();
        for amo_id in ids {
            if !seen.insert(amo_id) {
                return Err(ChunkError::DuplicateInBatch { amo_id });
            }
        }

        match seen.len() {
            0 => Err(ChunkError::EmptyBatch),
            size if size > BATCH_LIMIT => Err(ChunkError::BatchTooLarge {
                size,
                limit: BATCH_LIMIT,
            }),
            size => Ok(size),
        }
    }

    fn decide(&self, command: ChunkCommand) -> Result<Vec<ChunkEvent>, ChunkError> {
        match command {
            ChunkCommand::Plan {
                migration_id,
                kind,
                amo_ids,
                at,
            } => {
                self.check_owner(migration_id, kind)?;
                if !self.records.is_empty() {
                    return Err(ChunkError::AlreadyStarted {
                        outcomes: self.records.len(),
                    });
                }
                check_plan(&amo_ids)?;
                Ok(vec![ChunkEvent::ChunkPlanned {
                    migration_id,
                    kind,
                    amo_ids,
                    at,
                }])
            }

            ChunkCommand::RecordBatch {
                migration_id,
                kind,
                outcomes,
                at,
            } => {
                self.check_owner(migration_id, kind)?;
                self.check_batch(outcomes.iter().map(RecordOutcome::amo_id))?;
                if self.plan.is_empty() {
                    return Err(ChunkError::NotPlanned);
                }
                if let Some(stranger) = outcomes
                    .iter()
                    .map(RecordOutcome::amo_id)
                    .find(|id| !self.plan.contains(id))
                {
                    return Err(ChunkError::NotInPlan { amo_id: stranger });
                }
                for outcome in &outcomes {
                    let amo_id = outcome.amo_id();
                    if let RecordOutcome::Transferred { b24_id, .. } = outcome
                        && b24_id.trim().is_empty()
                    {
                        return Err(ChunkError::MissingPortalId { amo_id });
                    }
                    if let Some(state) = self.records.get(&amo_id) {
                        return Err(ChunkError::AlreadySettled {
                            amo_id,
                            outcome: state.describe(),
                        });
                    }
                }

                let events = outcomes
                    .into_iter()
                    .map(|outcome| match outcome {
                        RecordOutcome::Transferred {
                            amo_id,
                            b24_id,
                            created,
                        } => ChunkEvent::RecordTransferred {
                            migration_id,
                            kind,
                            amo_id,
                            b24_id,
                            created,
                            at,
                        },
                        RecordOutcome::Failed {
                            amo_id,
                            code,
                            message,
                        } => ChunkEvent::RecordFailed {
                            migration_id,
                            kind,
                            amo_id,
                            code,
                            message,
                            at,
                        },
                        RecordOutcome::OutsidePeriod { amo_id } => {
                            ChunkEvent::RecordLeftOutsidePeriod {
                                migration_id,
                                kind,
                                amo_id,
                                at,
                            }
                        }
                    })
                    .collect();
                Ok(events)
            }

            ChunkCommand::RollBackBatch {
                migration_id,
                kind,
                records,
                at,
            } => {
                self.check_owner(migration_id, kind)?;
                self.check_batch(records.iter().map(|record| record.amo_id))?;

                let mut events = Vec::with_capacity(records.len());
                for RolledBack {
                    amo_id,
                    already_gone,
                } in records
                {
                    let b24_id = match self.records.get(&amo_id) {
                        Some(RecordState::Transferred(b24_id)) => b24_id.clone(),
                        Some(RecordState::RolledBack) => {
                            return Err(ChunkError::AlreadyRolledBack { amo_id });
                        }
                        _ => return Err(ChunkError::NotTransferred { amo_id }),
                    };
                    events.push(ChunkEvent::RecordRolledBack {
                        migration_id,
                        kind,
                        amo_id,
                        b24_id,
                        already_gone,
                        at,
                    });
                }
                Ok(events)
            }
        }
    }
}

/// Refuses an empty plan, one over capacity, and one naming a record twice.
fn check_plan(amo_ids: &[u64]) -> Result<(), ChunkError> {
    if amo_ids.is_empty() {
        return Err(ChunkError::BadPlan {
            problem: "it names no record".to_owned(),
        });
    }
    if amo_ids.len() > CHUNK_CAPACITY {
        return Err(ChunkError::BadPlan {
            problem: format!(
                "{} records exceed the capacity of {CHUNK_CAPACITY}",
                amo_ids.len()
            ),
        });
    }
    let mut seen = BTreeSet::new();
    if let Some(twice) = amo_ids.iter().find(|amo_id| !seen.insert(**amo_id)) {
        return Err(ChunkError::BadPlan {
            problem: format!("it names record {twice} twice"),
        });
    }
    Ok(())
}

impl Aggregate for Chunk {
    const TYPE: &'static str = "Chunk";
    type Command = ChunkCommand;
    type Event = ChunkEvent;
    type Error = ChunkError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        let (migration_id, kind, amo_id, state) = match event {
            ChunkEvent::ChunkPlanned {
                migration_id,
                kind,
                amo_ids,
                ..
            } => {
                self.owner.get_or_insert((migration_id, kind));
                self.plan = amo_ids;
                return;
            }
            ChunkEvent::RecordTransferred {
                migration_id,
                kind,
                amo_id,
                b24_id,
                created,
                ..
            } => {
                let state = if created {
                    RecordState::Transferred(b24_id)
                } else {
                    RecordState::Matched(b24_id)
                };
                (migration_id, kind, amo_id, state)
            }
            ChunkEvent::RecordFailed {
                migration_id,
                kind,
                amo_id,
                ..
            } => (migration_id, kind, amo_id, RecordState::Failed),
            ChunkEvent::RecordLeftOutsidePeriod {
                migration_id,
                kind,
                amo_id,
                ..
            } => (migration_id, kind, amo_id, RecordState::OutsidePeriod),
            ChunkEvent::RecordRolledBack {
                migration_id,
                kind,
                amo_id,
                ..
            } => (migration_id, kind, amo_id, RecordState::RolledBack),
        };
        self.owner.get_or_insert((migration_id, kind));
        self.records.insert(amo_id, state);
    }
}
