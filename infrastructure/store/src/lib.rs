//! The event store: where every run's events are kept, on SQLite or PostgreSQL.
//!
//! One URL picks the store ([`StoreUrl`]): `sqlite:PATH` (the embedded default, one file) or
//! `postgres://...` (several workers sharing one database). [`Store::open`] connects, applies
//! the project's own schema from `migrations/` and hands out command execution for the two
//! aggregates. Aggregates load in event-store mode only: every stream is bounded (see
//! `migrator_domain::chunk`), and the snapshot modes of cqrs-es 0.5.0 store wrong state.
//!
//! Commands are pure decisions, so a command that loses an optimistic-concurrency race is
//! reloaded and retried here; no service is ever called twice because of a retry.
//!
//! A run's credentials are kept beside its events, encrypted, by the [`Vault`] (`vault.rs`
//! and `vault/`), so that a run can be resumed or rolled back with only its id.

mod error;
mod execute;
mod open;
mod url;
mod vault;

pub use error::StoreError;
pub use execute::Store;
pub use open::Backend;
pub use url::{DEFAULT_STORE_URL, StoreUrl};
pub use vault::{DEFAULT_KEY_FILE, SECRET_KEY_ENV, Vault, VaultError};
