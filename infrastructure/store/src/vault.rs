//! The vault: a run's secrets, encrypted, in the event store's database.
//!
//! `migrator resume ID` and `migrator rollback ID` get only the run's id, so the credentials a
//! run was started with (the amoCRM token, the Bitrix24 webhook URL, later OAuth tokens) are
//! kept with the run in the table `run_secrets`. Each value is encrypted with
//! ChaCha20-Poly1305 under a random 96-bit nonce; the run id and the secret's name are bound
//! as associated data, so a value copied to another row does not decrypt.
//!
//! The 32-byte key comes from [`SECRET_KEY_ENV`] (base64 or hex) when it is set, otherwise from
//! a key file ([`DEFAULT_KEY_FILE`]) that is created with a random key on first use. Losing the
//! key loses the secrets, not the history: see `docs/decisions/0004-secrets.md`.
//!
//! Secrets travel as [`SecretString`] and appear in no log, message or `Debug` output.

mod error;
mod key;
mod rows;
mod seal;

use std::fmt;
use std::path::Path;

use secrecy::SecretString;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::open::Backend;
pub use error::VaultError;
use key::KeyOrigin;
pub use key::{DEFAULT_KEY_FILE, SECRET_KEY_ENV};
use seal::Cipher;

/// Encrypts, stores, reads and deletes the secrets of runs.
#[derive(Clone)]
pub struct Vault {
    cipher: Cipher,
}

impl Vault {
    /// The vault of this process: the key in [`SECRET_KEY_ENV`] when that variable is set,
    /// otherwise the key file [`DEFAULT_KEY_FILE`], created on first use.
    ///
    /// A variable that is set but empty is refused rather than ignored, so that a misspelt
    /// deployment does not quietly switch to another key.
    pub fn from_environment() -> Result<Vault, VaultError> {
        let variable = std::env::var(SECRET_KEY_ENV);
        Vault::from_sources(variable, Path::new(DEFAULT_KEY_FILE))
    }

    /// The vault whose key is in `key_file`; the file (and its folder) is created with a new
    /// random key, readable by its owner only, when it does not exist.
    pub fn open(key_file: &Path) -> Result<Vault, VaultError> {
        let key = key::load_or_create(key_file)?;
        Ok(Vault {
            cipher: Cipher::new(&key, KeyOrigin::File(key_file.to_owned())),
        })
    }

    /// Chooses between the variable's value and the key file.
    fn from_sources(
        variable: Result<String, std::env::VarError>,
        key_file: &Path,
    ) -> Result<Vault, VaultError> {
        let text = match variable {
            Ok(text) => Zeroizing::new(text),
            Err(std::env::VarError::NotPresent) => return Vault::open(key_file),
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(VaultError::KeyFormat {
                    origin: KeyOrigin::Environment.to_string(),
                    reason: "it is not valid text",
                });
            }
        };

        let key = key::parse(&text, &KeyOrigin::Environment)?;
        Ok(Vault {
            cipher: Cipher::new(&key, KeyOrigin::Environment),
        })
    }

    /// Stores `secret` as the secret `name` of the run, replacing any earlier value.
    #[tracing::instrument(name = "vault.put", skip_all, fields(%migration_id, name))]
    pub async fn put(
        &self,
        backend: &Backend,
        migration_id: Uuid,
        name: &str,
        secret: &SecretString,
    ) -> Result<(), VaultError> {
        let sealed = self.cipher.seal(migration_id, name, secret)?;

        rows::upsert(backend, &migration_id.to_string(), name, sealed)
            .await
            .map_err(|source| VaultError::Database {
                action: format!("storing the secret {name} of run {migration_id}"),
                source,
            })?;

        tracing::debug!("stored a run secret");
        Ok(())
    }

    /// The secret `name` of the run, or `None` when none is stored.
    ///
    /// Fails with [`VaultError::KeyMismatch`] when the secret was written with another key.
    #[tracing::instrument(name = "vault.get", skip_all, fields(%migration_id, name))]
    pub async fn get(
        &self,
        backend: &Backend,
        migration_id: Uuid,
        name: &str,
    ) -> Result<Option<SecretString>, VaultError> {
        let stored = rows::select(backend, &migration_id.to_string(), name)
            .await
            .map_err(|source| VaultError::Database {
                action: format!("reading the secret {name} of run {migration_id}"),
                source,
            })?;

        let Some(sealed) = stored else {
            return Ok(None);
        };
        self.cipher.open(migration_id, name, &sealed).map(Some)
    }

    /// Deletes every secret of the run; returns how many were deleted.
    #[tracing::instrument(name = "vault.forget", skip_all, fields(%migration_id))]
    pub async fn forget(&self, backend: &Backend, migration_id: Uuid) -> Result<u64, VaultError> {
        let deleted = rows::delete_all(backend, &migration_id.to_string())
            .await
            .map_err(|source| VaultError::Database {
                action: format!("deleting the secrets of run {migration_id}"),
                source,
            })?;

        tracing::debug!(deleted, "deleted a run's secrets");
        Ok(deleted)
    }
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("key", &"<redacted>")
            .field("key_from", &self.cipher.origin().to_string())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::env::VarError;

    use super::*;

    const HEX: &str = "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";

    #[test]
    fn the_variable_wins_over_the_key_file() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let key_file = folder.path().join("secret.key");

        let vault = Vault::from_sources(Ok(HEX.to_owned()), &key_file).expect("a vault");

        assert_eq!(vault.cipher.origin(), &KeyOrigin::Environment);
        assert!(
            !key_file.exists(),
            "no key file is created when the variable is set"
        );
    }

    #[test]
    fn without_the_variable_the_key_file_is_used() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let key_file = folder.path().join("data").join("secret.key");

        let vault = Vault::from_sources(Err(VarError::NotPresent), &key_file).expect("a vault");

        assert_eq!(vault.cipher.origin(), &KeyOrigin::File(key_file.clone()));
        assert!(key_file.exists());
    }

    #[test]
    fn an_empty_variable_is_refused_not_ignored() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let key_file = folder.path().join("secret.key");

        let refused = Vault::from_sources(Ok(" ".to_owned()), &key_file);

        assert!(matches!(refused, Err(VaultError::KeyFormat { .. })));
        assert!(!key_file.exists());
    }

    #[test]
    fn debug_shows_where_the_key_came_from_but_not_the_key() {
        let vault = Vault::from_sources(Ok(HEX.to_owned()), Path::new("unused")).expect("vault");

        let shown = format!("{vault:?}");

        assert!(shown.contains(SECRET_KEY_ENV), "{shown}");
        assert!(!shown.contains("1f1e1d"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}
