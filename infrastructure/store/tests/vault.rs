//! The vault on both databases: secrets round-trip, are stored encrypted, are bound to their
//! row, refuse a wrong key with a typed error, are forgotten per run, and the key file is
//! created readable by its owner only and reused.
//!
//! Every scenario runs on SQLite (a temporary folder) and on PostgreSQL (a database
//! `migrator_test_<uuid>` created on `MIGRATOR_TEST_POSTGRES`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`, and dropped afterwards, also on failure).

use std::path::{Path, PathBuf};

use migrator_store::{Backend, StoreUrl, Vault, VaultError};
use secrecy::{ExposeSecret, SecretString};
use sqlx::Connection;
use tempfile::TempDir;
use uuid::Uuid;

const TOKEN: &str = "amo-token-5f2c1e0b7d9a4c36";
const WEBHOOK: &str = "https://portal.bitrix24.example/rest/1/q8w7e6r5t4y3u2i1/";

/// Which database a scenario runs on.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Sqlite,
    Postgres,
}

/// A database with the project's schema and a folder for key files, both removed afterwards.
struct TestDb {
    backend: Backend,
    folder: TempDir,
    _database: Option<DroppedDatabase>,
}

impl TestDb {
    async fn new(kind: Kind) -> TestDb {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let (url, database) = match kind {
            Kind::Sqlite => (StoreUrl::Sqlite(folder.path().join("events.db")), None),
            Kind::Postgres => {
                let database = DroppedDatabase::create().await;
                (StoreUrl::Postgres(database.url()), Some(database))
            }
        };

        let backend = Backend::connect(&url).await.expect("open the test store");
        TestDb {
            backend,
            folder,
            _database: database,
        }
    }

    /// A key file path in this test's folder (not yet created).
    fn key_file(&self, name: &str) -> PathBuf {
        self.folder.path().join("keys").join(name)
    }

    /// A vault with its own key file.
    fn vault(&self, name: &str) -> Vault {
        Vault::open(&self.key_file(name)).expect("a vault")
    }

    /// The stored nonce and ciphertext of a secret, as the database holds them.
    async fn raw(&self, run: Uuid, name: &str) -> (Vec<u8>, Vec<u8>) {
        let select = "SELECT nonce, ciphertext FROM run_secrets WHERE migration_id = $1 \
                      AND name = $2";
        match &self.backend {
            Backend::Postgres(pool) => sqlx::query_as(select)
                .bind(run.to_string())
                .bind(name)
                .fetch_one(pool)
                .await
                .expect("the stored row"),
            Backend::Sqlite(pool) => sqlx::query_as(&select.replace('$', "?"))
                .bind(run.to_string())
                .bind(name)
                .fetch_one(pool)
                .await
                .expect("the stored row"),
        }
    }

    /// Copies every stored secret of `from` to the run `to`, bytes unchanged.
    async fn copy_rows(&self, from: Uuid, to: Uuid) {
        let copy = "INSERT INTO run_secrets (migration_id, name, key_check, nonce, ciphertext) \
                    SELECT $1, name, key_check, nonce, ciphertext FROM run_secrets \
                    WHERE migration_id = $2";
        let copied = match &self.backend {
            Backend::Postgres(pool) => sqlx::query(copy)
                .bind(to.to_string())
                .bind(from.to_string())
                .execute(pool)
                .await
                .expect("copy the rows")
                .rows_affected(),
            Backend::Sqlite(pool) => sqlx::query(&copy.replace('$', "?"))
                .bind(to.to_string())
                .bind(from.to_string())
                .execute(pool)
                .await
                .expect("copy the rows")
                .rows_affected(),
        };
        assert!(copied > 0, "nothing was copied");
    }
}

/// A PostgreSQL database that is dropped when this guard is, even after a failed assertion.
struct DroppedDatabase {
    admin: String,
    name: String,
}

impl DroppedDatabase {
    async fn create() -> DroppedDatabase {
        let admin = std::env::var("MIGRATOR_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let name = format!("migrator_test_{}", Uuid::new_v4().simple());

        let mut connection = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|error| panic!("PostgreSQL at {admin} must answer: {error}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut connection)
            .await
            .expect("create the test database");
        let _ = connection.close().await;

        DroppedDatabase { admin, name }
    }

    fn url(&self) -> String {
        match self.admin.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{}", self.name),
            None => format!("{}/{}", self.admin, self.name),
        }
    }
}

impl Drop for DroppedDatabase {
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);

        // Drop runs inside the test's runtime, which cannot be blocked on: a thread with a
        // runtime of its own drops the database (FORCE ends the pool's connections).
        let dropped = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(mut connection) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::query(&drop).execute(&mut connection).await;
                }
            });
        });
        let _ = dropped.join();
    }
}

fn secret(text: &str) -> SecretString {
    SecretString::from(text)
}

/// Whether `needle` occurs anywhere in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

async fn secrets_round_trip_and_a_new_value_replaces_the_old(db: &TestDb) {
    let vault = db.vault("secret.key");
    let run = Uuid::new_v4();

    vault
        .put(&db.backend, run, "amo_token", &secret("first token"))
        .await
        .expect("stored");
    vault
        .put(&db.backend, run, "amo_token", &secret(TOKEN))
        .await
        .expect("replaced");
    vault
        .put(&db.backend, run, "b24_webhook", &secret(WEBHOOK))
        .await
        .expect("stored");

    let token = vault
        .get(&db.backend, run, "amo_token")
        .await
        .expect("read");
    let webhook = vault
        .get(&db.backend, run, "b24_webhook")
        .await
        .expect("read");
    let unknown_name = vault.get(&db.backend, run, "oauth").await.expect("read");
    let unknown_run = vault.get(&db.backend, Uuid::new_v4(), "amo_token").await;

    assert_eq!(token.expect("a token").expose_secret(), TOKEN);
    assert_eq!(webhook.expect("a webhook").expose_secret(), WEBHOOK);
    assert!(unknown_name.is_none());
    assert!(unknown_run.expect("read").is_none());
}

async fn the_database_holds_no_plaintext(db: &TestDb) {
    let vault = db.vault("secret.key");
    let run = Uuid::new_v4();

    vault
        .put(&db.backend, run, "b24_webhook", &secret(WEBHOOK))
        .await
        .expect("stored");
    let (nonce, ciphertext) = db.raw(run, "b24_webhook").await;

    assert_eq!(nonce.len(), 12, "a 96-bit nonce");
    assert_eq!(
        ciphertext.len(),
        WEBHOOK.len() + 16,
        "the value and its tag"
    );
    assert!(!contains(&ciphertext, WEBHOOK.as_bytes()));
    assert!(
        !contains(&ciphertext, b"q8w7e6r5t4y3u2i1"),
        "the webhook code is hidden"
    );
}

async fn a_value_copied_to_another_run_does_not_decrypt(db: &TestDb) {
    let vault = db.vault("secret.key");
    let original = Uuid::new_v4();
    let other = Uuid::new_v4();
    vault
        .put(&db.backend, original, "amo_token", &secret(TOKEN))
        .await
        .expect("stored");

    db.copy_rows(original, other).await;
    let copied = vault.get(&db.backend, other, "amo_token").await;

    let error = copied.expect_err("a copied value is refused");
    assert!(matches!(error, VaultError::Altered { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains(&other.to_string()), "{message}");
    assert!(!message.contains(TOKEN), "{message}");
    let still = vault.get(&db.backend, original, "amo_token").await;
    assert_eq!(still.expect("read").expect("kept").expose_secret(), TOKEN);
}

async fn a_wrong_key_is_refused_with_a_typed_error(db: &TestDb) {
    let writer = db.vault("first.key");
    let reader = db.vault("second.key");
    let run = Uuid::new_v4();
    writer
        .put(&db.backend, run, "amo_token", &secret(TOKEN))
        .await
        .expect("stored");

    let refused = reader.get(&db.backend, run, "amo_token").await;

    let error = refused.expect_err("another key is refused");
    assert!(matches!(error, VaultError::KeyMismatch { .. }), "{error:?}");
    assert!(!error.is_retryable());
    let message = error.to_string();
    assert!(message.contains("does not match the key"), "{message}");
    assert!(
        message.contains("second.key"),
        "names the key in use: {message}"
    );
    assert!(!message.contains(TOKEN), "{message}");
    assert!(!format!("{error:?}").contains(TOKEN));
}

async fn forget_removes_every_secret_of_one_run_only(db: &TestDb) {
    let vault = db.vault("secret.key");
    let forgotten = Uuid::new_v4();
    let kept = Uuid::new_v4();
    for (run, name) in [
        (forgotten, "amo_token"),
        (forgotten, "b24_webhook"),
        (kept, "amo_token"),
    ] {
        vault
            .put(&db.backend, run, name, &secret(TOKEN))
            .await
            .expect("stored");
    }

    let deleted = vault
        .forget(&db.backend, forgotten)
        .await
        .expect("forgotten");
    let again = vault
        .forget(&db.backend, forgotten)
        .await
        .expect("forgotten");

    assert_eq!((deleted, again), (2, 0));
    for name in ["amo_token", "b24_webhook"] {
        let gone = vault.get(&db.backend, forgotten, name).await.expect("read");
        assert!(gone.is_none(), "{name} is gone");
    }
    let other = vault
        .get(&db.backend, kept, "amo_token")
        .await
        .expect("read");
    assert_eq!(other.expect("kept").expose_secret(), TOKEN);
}

async fn the_key_file_is_private_and_reused(db: &TestDb) {
    let key_file = db.key_file("nested/secret.key");
    assert!(!key_file.exists());
    let run = Uuid::new_v4();

    let first = Vault::open(&key_file).expect("created");
    first
        .put(&db.backend, run, "amo_token", &secret(TOKEN))
        .await
        .expect("stored");
    let written = std::fs::read(&key_file).expect("the key file");
    let second = Vault::open(&key_file).expect("reused");
    let read = second
        .get(&db.backend, run, "amo_token")
        .await
        .expect("read");

    assert_eq!(read.expect("stored").expose_secret(), TOKEN);
    assert_eq!(std::fs::read(&key_file).expect("the key file"), written);
    assert_owner_only(&key_file);
    let shown = format!("{second:?}");
    let key_text = String::from_utf8(written).expect("base64 text");
    assert!(!shown.contains(key_text.trim()), "{shown}");
}

#[cfg(unix)]
fn assert_owner_only(path: &Path) {
    use std::os::unix::fs::PermissionsExt;

    let mode = std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "mode {mode:o}");
}

#[cfg(not(unix))]
fn assert_owner_only(_path: &Path) {}

/// Runs each scenario as one test on SQLite and one on PostgreSQL.
macro_rules! on_both_databases {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let db = super::TestDb::new(super::Kind::Sqlite).await;
                    super::$scenario(&db).await;
                }
            )*
        }

        mod postgres {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let db = super::TestDb::new(super::Kind::Postgres).await;
                    super::$scenario(&db).await;
                }
            )*
        }
    };
}

on_both_databases!(
    secrets_round_trip_and_a_new_value_replaces_the_old,
    the_database_holds_no_plaintext,
    a_value_copied_to_another_run_does_not_decrypt,
    a_wrong_key_is_refused_with_a_typed_error,
    forget_removes_every_secret_of_one_run_only,
    the_key_file_is_private_and_reused,
);
