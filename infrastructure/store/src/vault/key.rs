//! The vault's key: where it comes from, how it is written as text, the key file created on
//! first use, and the check value that tells a wrong key from a damaged row.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::OsRng;
use chacha20poly1305::aead::rand_core::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::error::VaultError;

/// The environment variable that holds the key, as base64 or hex.
pub const SECRET_KEY_ENV: &str = "MIGRATOR_SECRET_KEY";

/// The key file used when [`SECRET_KEY_ENV`] is not set.
pub const DEFAULT_KEY_FILE: &str = "./data/secret.key";

/// The key's length in bytes.
const KEY_LEN: usize = 32;

/// The length of the check value stored beside every secret.
pub(super) const CHECK_LEN: usize = 8;

/// The vault's key; wiped from memory when dropped.
pub(super) type KeyBytes = Zeroizing<[u8; KEY_LEN]>;

/// Where a vault's key came from. Shown in messages and `Debug`; never the key itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum KeyOrigin {
    /// The environment variable [`SECRET_KEY_ENV`].
    Environment,
    /// A key file.
    File(PathBuf),
}

impl fmt::Display for KeyOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyOrigin::Environment => write!(f, "the environment variable {SECRET_KEY_ENV}"),
            KeyOrigin::File(path) => write!(f, "the key file {}", path.display()),
        }
    }
}

/// Reads a key written as 64 hex characters or as base64 (standard alphabet, padded).
pub(super) fn parse(text: &str, origin: &KeyOrigin) -> Result<KeyBytes, VaultError> {
    let refuse = |reason| VaultError::KeyFormat {
        origin: origin.to_string(),
        reason,
    };
    let text = text.trim();
    if text.is_empty() {
        return Err(refuse("it is empty"));
    }

    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    if text.len() == 2 * KEY_LEN && text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        hex::decode_to_slice(text, &mut key[..]).map_err(|_| refuse("it is not valid hex"))?;
        return Ok(key);
    }

    let decoded = Zeroizing::new(
        STANDARD
            .decode(text)
            .map_err(|_| refuse("it is neither 64 hex characters nor valid base64"))?,
    );
    if decoded.len() != KEY_LEN {
        return Err(refuse("it does not decode to 32 bytes"));
    }
    key.copy_from_slice(&decoded);
    Ok(key)
}

/// The key written as the key file holds it: base64 and a line end.
fn encode(key: &KeyBytes) -> Zeroizing<String> {
    let mut text = Zeroizing::new(STANDARD.encode(&key[..]));
    text.push('\n');
    text
}

/// A value derived from the key that is stored beside every secret, so that a wrong key is
/// told apart from a damaged or copied row. It reveals nothing usable about the key.
pub(super) fn check_value(key: &KeyBytes) -> [u8; CHECK_LEN] {
    let digest = Sha256::new()
        .chain_update(b"migrator vault key check v1")
        .chain_update(&key[..])
        .finalize();
    let mut check = [0u8; CHECK_LEN];
    check.copy_from_slice(&digest[..CHECK_LEN]);
    check
}

/// Reads the key file at `path`, or creates it with a new random key when it does not exist.
pub(super) fn load_or_create(path: &Path) -> Result<KeyBytes, VaultError> {
    match read(path)? {
        Some(key) => Ok(key),
        None => create(path),
    }
}

/// Reads the key file; `None` when it does not exist.
fn read(path: &Path) -> Result<Option<KeyBytes>, VaultError> {
    let text = match fs::read_to_string(path) {
        Ok(text) => Zeroizing::new(text),
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(file_error("read", path, source)),
    };

    warn_if_others_can_read(path);
    parse(&text, &KeyOrigin::File(path.to_owned())).map(Some)
}

/// Writes a new random key to `path` (mode 0600, folder created with mode 0700).
///
/// The key is written to a temporary file in the same folder and then linked to its name, so
/// a process starting at the same moment never reads a half-written key: whichever link comes
/// second fails, and that process reads the key that won.
fn create(path: &Path) -> Result<KeyBytes, VaultError> {
    let folder = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_folder(folder).map_err(|source| file_error("create the folder of", path, source))?;

    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    OsRng.fill_bytes(&mut key[..]);

    let temporary = folder.join(format!(".secret-key-{}.tmp", uuid::Uuid::new_v4().simple()));
    let written = write_new_file(&temporary, encode(&key).as_bytes());
    if let Err(source) = written {
        let _ = fs::remove_file(&temporary);
        return Err(file_error("create", path, source));
    }

    // A file system without hard links gets the file written in place instead; there, two
    // processes starting at the same moment could see a half-written key and refuse it.
    let linked = fs::hard_link(&temporary, path).or_else(|error| match error.kind() {
        ErrorKind::AlreadyExists => Err(error),
        _ => write_new_file(path, encode(&key).as_bytes()),
    });
    let _ = fs::remove_file(&temporary);
    match linked {
        Ok(()) => {
            sync_folder(folder);
            tracing::info!(path = %path.display(), "created a new secret key file");
            Ok(key)
        }
        Err(error) if error.kind() == ErrorKind::AlreadyExists => {
            let existing = read(path)?;
            existing.ok_or_else(|| file_error("read", path, ErrorKind::NotFound.into()))
        }
        Err(source) => Err(file_error("create", path, source)),
    }
}

fn file_error(action: &'static str, path: &Path, source: std::io::Error) -> VaultError {
    VaultError::KeyFile {
        action,
        path: path.to_owned(),
        source,
    }
}

#[cfg(unix)]
fn create_folder(folder: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;

    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
}

#[cfg(not(unix))]
fn create_folder(folder: &Path) -> std::io::Result<()> {
    fs::create_dir_all(folder)
}

/// Creates `path` (which must not exist), readable by its owner only, and writes `content`
/// durably.
fn write_new_file(path: &Path, content: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }

    let mut file = options.open(path)?;
    file.write_all(content)?;
    file.sync_all()
}

/// Makes the new name durable. A failure is ignored: the file itself is already on disk.
fn sync_folder(folder: &Path) {
    if let Ok(handle) = File::open(folder) {
        let _ = handle.sync_all();
    }
}

#[cfg(unix)]
fn warn_if_others_can_read(path: &Path) {
    use std::os::unix::fs::PermissionsExt;

    let Ok(metadata) = fs::metadata(path) else {
        return;
    };
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        tracing::warn!(
            path = %path.display(),
            mode = format!("{mode:o}"),
            "the secret key file can be read by other users; chmod 600 it"
        );
    }
}

#[cfg(not(unix))]
fn warn_if_others_can_read(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    fn origin() -> KeyOrigin {
        KeyOrigin::Environment
    }

    #[test]
    fn hex_and_base64_of_the_same_key_read_the_same() {
        let from_hex = parse(HEX, &origin()).expect("hex");
        let base64 = STANDARD.encode(hex::decode(HEX).expect("hex"));

        let from_base64 = parse(&format!("  {base64}\n"), &origin()).expect("base64");

        assert_eq!(*from_hex, *from_base64);
        assert_eq!(from_hex[31], 0x1f);
    }

    #[test]
    fn keys_of_the_wrong_length_are_refused_without_echoing_them() {
        let short = STANDARD.encode([7u8; 16]);

        let error = parse(&short, &origin()).expect_err("16 bytes are refused");

        let message = error.to_string();
        assert!(message.contains("does not decode to 32 bytes"), "{message}");
        assert!(message.contains(SECRET_KEY_ENV), "{message}");
        assert!(!message.contains(&short), "{message}");
    }

    #[test]
    fn text_that_is_neither_hex_nor_base64_is_refused() {
        let error = parse("not a key at all!", &origin()).expect_err("refused");

        assert!(matches!(error, VaultError::KeyFormat { .. }), "{error}");
        assert!(!error.to_string().contains("not a key at all"));
    }

    #[test]
    fn the_key_file_holds_base64_that_parses_back() {
        let key = parse(HEX, &origin()).expect("hex");

        let again = parse(&encode(&key), &KeyOrigin::File("k".into())).expect("round trip");

        assert_eq!(*key, *again);
    }

    #[test]
    fn processes_creating_the_key_file_at_once_agree_on_one_key() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let path = folder.path().join("data").join("secret.key");

        let keys: Vec<[u8; KEY_LEN]> = std::thread::scope(|scope| {
            let openers: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| load_or_create(&path).map(|key| *key)))
                .collect();
            openers
                .into_iter()
                .map(|opener| opener.join().expect("no panic").expect("a key"))
                .collect()
        });

        assert!(keys.iter().all(|key| *key == keys[0]), "one key for all");
        let leftovers = fs::read_dir(path.parent().expect("a folder"))
            .expect("the folder")
            .count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    #[test]
    fn check_values_differ_between_keys_and_hide_the_key() {
        let one = parse(HEX, &origin()).expect("hex");
        let other = Zeroizing::new([9u8; KEY_LEN]);

        assert_ne!(check_value(&one), check_value(&other));
        assert_eq!(check_value(&one), check_value(&one));
        assert!(!one.starts_with(&check_value(&one)));
    }
}
