//! The vault's one error type.

use std::path::PathBuf;

use uuid::Uuid;

/// Why storing, reading or deleting a run's secret failed.
///
/// No variant ever holds a secret or key material: only run ids, secret names, paths and the
/// name of the place the key came from.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The key text (from the environment or the key file) is not 32 bytes in base64 or hex.
    #[error(
        "the secret key from {origin} cannot be used: {reason}; expected 32 bytes written as \
         base64 (44 characters) or hex (64 characters); retrying will not help"
    )]
    KeyFormat {
        /// Where the key text came from.
        origin: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The key file or its folder could not be read or written.
    #[error("could not {action} the key file {path}: {source}")]
    KeyFile {
        /// What was being done, such as "read" or "create".
        action: &'static str,
        /// The key file.
        path: PathBuf,
        /// The operating system's answer.
        source: std::io::Error,
    },
    /// The secret was written with another key than the vault holds.
    #[error(
        "cannot decrypt the secret {name} of run {migration_id}: the key from {origin} does not \
         match the key the secret was written with; restore that key (retrying will not help)"
    )]
    KeyMismatch {
        /// The run.
        migration_id: Uuid,
        /// The secret's name.
        name: String,
        /// Where the vault's key came from.
        origin: String,
    },
    /// The stored value fails authentication under the right key: it was altered, or copied
    /// from another run or another name.
    #[error(
        "cannot decrypt the secret {name} of run {migration_id}: the stored value was altered or \
         belongs to another run or name (retrying will not help)"
    )]
    Altered {
        /// The run.
        migration_id: Uuid,
        /// The secret's name.
        name: String,
    },
    /// The stored row does not have the layout this vault writes.
    #[error("the stored secret {name} of run {migration_id} is damaged: {reason}")]
    Corrupt {
        /// The run.
        migration_id: Uuid,
        /// The secret's name.
        name: String,
        /// What is wrong with the row.
        reason: &'static str,
    },
    /// The cipher refused to encrypt (only possible for values of many gigabytes).
    #[error("could not encrypt the secret {name} of run {migration_id}")]
    Encrypt {
        /// The run.
        migration_id: Uuid,
        /// The secret's name.
        name: String,
    },
    /// The database failed. Retrying may help.
    #[error("the store failed while {action}: {source}")]
    Database {
        /// What was being done, naming the run and the secret.
        action: String,
        /// The driver's error.
        source: sqlx::Error,
    },
}

impl VaultError {
    /// Whether trying the same operation again can succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, VaultError::Database { .. })
    }
}
