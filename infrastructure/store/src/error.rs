//! The store's one error type.

use migrator_domain::{ChunkError, MigrationError};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store URL cannot be used.
    #[error("the store URL {url} cannot be used: {reason}")]
    InvalidUrl {
        /// The URL, password redacted.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The database did not answer or refused the connection. Retrying may help.
    #[error("could not connect to the store {url}: {source}")]
    Connect {
        /// The URL, password redacted.
        url: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// The schema could not be applied.
    #[error("could not apply the schema to the store {url}: {source}")]
    Schema {
        /// The URL, password redacted.
        url: String,
        /// The migrator's error.
        source: sqlx::migrate::MigrateError,
    },
    /// The run refused the command; nothing was written.
    #[error("{0}")]
    Migration(#[from] MigrationError),
    /// The chunk refused the command; nothing was written.
    #[error("{0}")]
    Chunk(#[from] ChunkError),
    /// Other writers kept changing the aggregate; the command was not written.
    #[error(
        "{aggregate} {id} kept changing under {attempts} attempts; the command was not written"
    )]
    Contended {
        /// The aggregate type.
        aggregate: &'static str,
        /// Its id.
        id: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The database failed while loading or writing events. Retrying may help.
    #[error("the store failed while {action}: {message}")]
    Database {
        /// What was being done.
        action: String,
        /// The database's message.
        message: String,
    },
    /// A stored event could not be read back: the stream is damaged or from a newer version.
    #[error("a stored event of {aggregate} {id} cannot be read: {message}")]
    Corrupt {
        /// The aggregate type.
        aggregate: &'static str,
        /// Its id.
        id: String,
        /// The decoder's message.
        message: String,
    },
}

impl StoreError {
    /// Whether trying the same operation again can succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            StoreError::Connect { .. } | StoreError::Contended { .. } | StoreError::Database { .. }
        )
    }
}
