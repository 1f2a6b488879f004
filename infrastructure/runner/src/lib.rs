//! The engine: counts a run's records, moves them entity by entity, pauses, resumes after
//! anything, and rolls back.
//!
//! The engine decides nothing itself: every step is a command to the run's aggregates
//! (`migrator_domain`), which refuse what is illegal. It calls the services first and records
//! what happened afterwards, so a command retried after a conflict never calls a service again.
//!
//! # Exactly once
//! - Counting *plans* every chunk: the amoCRM ids of up to 1,000 records, in listing order.
//!   A record belongs to one chunk for the whole run, whatever happens to the account.
//! - Moving walks the chunks in order; a chunk's pending records are those of its plan
//!   without an outcome. Records go to Bitrix24 in `batch` calls of 50, each created record
//!   stamped with its origin (`ORIGINATOR_ID` = account and run, `ORIGIN_ID` = kind and amoCRM
//!   id); the outcomes of one call are one command.
//! - A process killed between the call and the command leaves created records without
//!   outcomes. On every start the first batch is *in doubt*: before creating anything, the
//!   engine looks its records up by origin and adopts what it finds.
//! - Tasks have no origin fields: each one ends its description with the same marker
//!   (`[<ORIGINATOR_ID> task:<id>]`), and a batch in doubt looks its tasks up by it.
//!
//! # Layout
//! - [`runner`]: [`Runner`], its services, and the loop that drives a run to its next stop.
//! - `count`: counting and planning.
//! - `transfer/`: one module per kind of step (users, CRM records, pipelines, events, tasks),
//!   the chunk walk the record passes share (`walk`) and the files they carry (`files`).
//! - `rollback`: deleting what a run created, newest first.
//! - [`confirm`]: the sweep that confirms runs seven days after they finished (F2).
//! - [`summary`]: the run's balance and failures, as the command line prints them.
//! - `source`: amoCRM's records turned into the inputs of the mapping rules.
//!
//! # Not yet moved
//! - Files larger than 64 MB stay in amoCRM, as do files amoCRM will not serve; their
//!   record moves and says so in its description or comment, but the failure list does not
//!   mention them, because the record did move. Smaller files move (see `transfer::files`).
//! - Custom fields are created as portal user fields and their values move, except the field
//!   types `docs/mapping.md` lists as not movable (catalog links, for one): each such field is
//!   in the failure list with its reason, and its values stay in amoCRM.
//! - A task's report is written into its description after «Отчёт:», not as a task result;
//!   the account's own task type names are not read (such tasks are titled «Задача»).

mod chunks;
pub mod confirm;
mod count;
mod error;
mod rollback;
pub mod runner;
mod source;
pub mod summary;
mod transfer;

pub use confirm::{Clock, ManualClock, SystemClock, confirm_due};
pub use error::RunnerError;
pub use runner::{Progress, RunRequest, Runner, Services, Silent, Stop};
pub use summary::Summary;
