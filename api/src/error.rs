//! The command line's one error type: what the user is told when a command fails.

use migrator_projections::ProjectionError;
use migrator_store::StoreError;
use uuid::Uuid;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The store failed or refused.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The read models failed.
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    /// No run has this id in this store.
    #[error("no migration {migration_id} in the store {store}")]
    UnknownMigration {
        /// The id asked for.
        migration_id: Uuid,
        /// The store searched, password redacted.
        store: String,
    },
    /// The engine stopped with an error.
    #[error(transparent)]
    Runner(#[from] migrator_runner::RunnerError),
    /// The run's credentials could not be kept or read.
    #[error(transparent)]
    Vault(#[from] migrator_store::VaultError),
    /// An option is wrong; the message says which and why.
    #[error("{0}")]
    Usage(String),
    /// A client could not be built from the given address or token.
    #[error("{0}")]
    Connection(String),
    /// The run did not complete; the summary above says where it stands.
    #[error("the migration did not complete: {0}")]
    Incomplete(String),
    /// A simulator could not start.
    #[error("the {service} sandbox could not start: {message}")]
    Sandbox {
        /// Which simulator.
        service: &'static str,
        /// Why.
        message: String,
    },
    /// Writing the output failed (for example, the reader closed the pipe).
    #[error("could not write the output: {0}")]
    Output(#[from] std::io::Error),
    /// Writing CSV failed.
    #[error("could not write CSV: {0}")]
    Csv(#[from] csv::Error),
}
