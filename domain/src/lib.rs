//! The business core of migrator: what a migration run is, what may happen to it, and in which
//! order.
//!
//! This crate does no I/O, keeps no clock and logs nothing. Everything that happens to a run is
//! an event; the two aggregates decide which events a command produces and reject every
//! illegal command with an error that says why.
//!
//! # Layout
//! - [`entity`]: the seven entities a user can choose and the kinds of record a run creates.
//! - [`settings`]: what the user chose for a run (entities, period, files, pipeline targets),
//!   the dependency closure and the settings fingerprint.
//! - [`migration`]: the `Migration` aggregate, one per run: its lifecycle from settings to
//!   confirmation or rollback, its counts and its lease epoch.
//! - [`chunk`]: the `Chunk` aggregate, one per fixed slice of one kind of record of one run,
//!   holding the per-record outcomes so that no stream grows past a few thousand events.
//! - [`plan`]: the portal's Bitrix24 plan and its pipeline limit, checked before a run writes.
//! - [`mapping`]: the amoCRM → Bitrix24 mapping rules, one pure function per kind of record.

pub mod chunk;
pub mod entity;
pub mod mapping;
pub mod migration;
pub mod plan;
pub mod settings;

pub use chunk::{Chunk, ChunkCommand, ChunkError, ChunkEvent, ChunkId};
pub use entity::{Entity, RecordKind};
pub use migration::{Migration, MigrationCommand, MigrationError, MigrationEvent, Status};
pub use settings::{Period, PipelineTarget, Settings};
