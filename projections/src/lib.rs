//! The durable projector and the read models it keeps: every screen, export and report of
//! migrator reads these views, never the aggregates.
//!
//! The views live in the same database as the events. The projector reads the event log in a
//! global order and, for each view, applies a page of events and advances that view's
//! checkpoint in one transaction. A crash at any instant therefore leaves each view exactly at
//! its checkpoint: nothing applied twice, nothing skipped. Rebuilding a view empties it, resets
//! its checkpoint and catches up from the first event.
//!
//! # The global order
//! - SQLite admits one writer at a time, so the `global_position` assigned at insert follows
//!   commit order; the log is read by position.
//! - PostgreSQL assigns positions at insert, and transactions commit in any order. Reading by
//!   position alone would skip a row whose transaction commits after a later position was read.
//!   The log is therefore read only up to the oldest transaction still running (the snapshot's
//!   `xmin`), in (transaction id, position) order: every transaction below `xmin` has ended, and
//!   every transaction that can still commit has an id at or above it, so it sorts after
//!   everything already read.
//!
//! # Layout
//! - [`db`]: the two databases behind one small interface of statements and rows.
//! - [`log`]: reading a page of the event log and decoding it.
//! - `views/`: one file per view, each turning a page of events into statements.
//! - [`projector`]: catching up, running in the background, rebuilding.
//! - [`read`]: the queries the command line and the app's API use.

pub mod db;
mod error;
pub mod log;
pub mod projector;
pub mod read;
mod views;

pub use db::ViewDb;
pub use error::ProjectionError;
pub use projector::{FailPoint, Projector};
pub use read::{Failure, HistoryEntry, IdMapEntry, MigrationRow, ProgressRow, ReadModels};
pub use views::View;
