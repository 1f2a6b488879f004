//! Encrypting and decrypting one secret with ChaCha20-Poly1305, bound to its run and name.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;
use zeroize::Zeroizing;

use super::error::VaultError;
use super::key::{CHECK_LEN, KeyBytes, KeyOrigin, check_value};

/// The nonce length of ChaCha20-Poly1305 in bytes (96 bits).
const NONCE_LEN: usize = 12;

/// Opens the associated data, so that a future layout can be told apart from this one.
const CONTEXT: &[u8] = b"migrator run secret v1\0";

/// One encrypted secret as a row holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Sealed {
    /// The check value of the key it was written with.
    pub key_check: Vec<u8>,
    /// The random nonce used for this value only.
    pub nonce: Vec<u8>,
    /// The encrypted value followed by its authentication tag.
    pub ciphertext: Vec<u8>,
}

/// The cipher of one key. The key inside is wiped when this is dropped.
#[derive(Clone)]
pub(super) struct Cipher {
    aead: ChaCha20Poly1305,
    check: [u8; CHECK_LEN],
    origin: KeyOrigin,
}

impl Cipher {
    /// Prepares the cipher of `key`, which came from `origin`.
    pub fn new(key: &KeyBytes, origin: KeyOrigin) -> Cipher {
        Cipher {
            aead: ChaCha20Poly1305::new((&key[..]).into()),
            check: check_value(key),
            origin,
        }
    }

    /// Where the key came from.
    pub fn origin(&self) -> &KeyOrigin {
        &self.origin
    }

    /// Encrypts `secret` under a fresh random nonce, bound to the run and the name.
    pub fn seal(
        &self,
        migration_id: Uuid,
        name: &str,
        secret: &SecretString,
    ) -> Result<Sealed, VaultError> {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = associated_data(migration_id, name);
        let payload = Payload {
            msg: secret.expose_secret().as_bytes(),
            aad: &aad,
        };

        let ciphertext = self
            .aead
            .encrypt(&nonce, payload)
            .map_err(|_| VaultError::Encrypt {
                migration_id,
                name: name.to_owned(),
            })?;
        Ok(Sealed {
            key_check: self.check.to_vec(),
            nonce: nonce.to_vec(),
            ciphertext,
        })
    }

    /// Decrypts a stored secret of the run `migration_id` named `name`.
    ///
    /// A row written under another key is refused as [`VaultError::KeyMismatch`]; a row whose
    /// value fails authentication under this key (altered, or copied from another run or name)
    /// as [`VaultError::Altered`].
    pub fn open(
        &self,
        migration_id: Uuid,
        name: &str,
        sealed: &Sealed,
    ) -> Result<SecretString, VaultError> {
        let corrupt = |reason| VaultError::Corrupt {
            migration_id,
            name: name.to_owned(),
            reason,
        };
        if sealed.key_check.len() != CHECK_LEN {
            return Err(corrupt("its key check value has the wrong length"));
        }
        if sealed.nonce.len() != NONCE_LEN {
            return Err(corrupt("its nonce is not 12 bytes long"));
        }
        if sealed.key_check != self.check {
            return Err(VaultError::KeyMismatch {
                migration_id,
                name: name.to_owned(),
                origin: self.origin.to_string(),
            });
        }

        let aad = associated_data(migration_id, name);
        let payload = Payload {
            msg: &sealed.ciphertext,
            aad: &aad,
        };
        let plaintext = self
            .aead
            .decrypt(Nonce::from_slice(&sealed.nonce), payload)
            .map(Zeroizing::new)
            .map_err(|_| VaultError::Altered {
                migration_id,
                name: name.to_owned(),
            })?;

        let text = std::str::from_utf8(&plaintext).map_err(|_| corrupt("it is not text"))?;
        Ok(SecretString::from(text))
    }
}

/// What the tag binds besides the value: the layout version, the run and the secret's name.
/// The run id has a fixed length, so the name needs no separator.
fn associated_data(migration_id: Uuid, name: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(CONTEXT.len() + 16 + name.len());
    aad.extend_from_slice(CONTEXT);
    aad.extend_from_slice(migration_id.as_bytes());
    aad.extend_from_slice(name.as_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher(byte: u8) -> Cipher {
        Cipher::new(&Zeroizing::new([byte; 32]), KeyOrigin::Environment)
    }

    #[test]
    fn every_value_gets_its_own_nonce() {
        let cipher = cipher(1);
        let run = Uuid::new_v4();
        let secret = SecretString::from("same text");

        let first = cipher.seal(run, "token", &secret).expect("sealed");
        let second = cipher.seal(run, "token", &secret).expect("sealed");

        assert_ne!(first.nonce, second.nonce);
        assert_ne!(first.ciphertext, second.ciphertext);
    }

    #[test]
    fn a_value_opens_only_under_its_own_name() {
        let cipher = cipher(2);
        let run = Uuid::new_v4();
        let sealed = cipher
            .seal(run, "amo_token", &SecretString::from("t0k3n"))
            .expect("sealed");

        let renamed = cipher.open(run, "b24_webhook", &sealed);
        let own = cipher.open(run, "amo_token", &sealed).expect("opens");

        assert!(matches!(renamed, Err(VaultError::Altered { .. })));
        assert_eq!(own.expose_secret(), "t0k3n");
    }

    #[test]
    fn a_flipped_bit_is_detected() {
        let cipher = cipher(3);
        let run = Uuid::new_v4();
        let mut sealed = cipher
            .seal(run, "token", &SecretString::from("value"))
            .expect("sealed");
        sealed.ciphertext[0] ^= 1;

        let opened = cipher.open(run, "token", &sealed);

        assert!(matches!(opened, Err(VaultError::Altered { .. })));
    }

    #[test]
    fn a_truncated_nonce_is_reported_as_damage() {
        let cipher = cipher(4);
        let run = Uuid::new_v4();
        let mut sealed = cipher
            .seal(run, "token", &SecretString::from("value"))
            .expect("sealed");
        sealed.nonce.truncate(8);

        let opened = cipher.open(run, "token", &sealed);

        assert!(matches!(opened, Err(VaultError::Corrupt { .. })));
    }
}
