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
