//! Connecting to the store and applying the project's schema.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::SqliteSynchronous;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use crate::error::StoreError;
use crate::url::StoreUrl;

/// How long a SQLite writer waits for the one write lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The connection pool of the chosen database.
#[derive(Debug, Clone)]
pub enum Backend {
    /// PostgreSQL.
    Postgres(PgPool),
    /// SQLite.
    Sqlite(SqlitePool),
}

impl Backend {
    /// Connects to the store at `url` and brings its schema up to date.
    pub async fn connect(url: &StoreUrl) -> Result<Backend, StoreError> {
        let backend = match url {
            StoreUrl::Postgres(address) => Backend::Postgres(connect_postgres(url, address).await?),
            StoreUrl::Sqlite(path) => Backend::Sqlite(connect_sqlite(url, path).await?),
        };

        let schema = match &backend {
            Backend::Postgres(pool) => sqlx::migrate!("../../migrations/postgres").run(pool).await,
            Backend::Sqlite(pool) => sqlx::migrate!("../../migrations/sqlite").run(pool).await,
        };
        schema.map_err(|source| StoreError::Schema {
            url: url.redacted(),
            source,
        })?;

        tracing::debug!(store = %url, "store schema is up to date");
        Ok(backend)
    }

    /// Closes every connection of the pool.
    pub async fn close(&self) {
        match self {
            Backend::Postgres(pool) => pool.close().await,
            Backend::Sqlite(pool) => pool.close().await,
        }
    }
}

async fn connect_postgres(url: &StoreUrl, address: &str) -> Result<PgPool, StoreError> {
    PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(Duration::from_secs(30))
        .connect(address)
        .await
        .map_err(|source| StoreError::Connect {
            url: url.redacted(),
            source,
        })
}

async fn connect_sqlite(url: &StoreUrl, path: &std::path::Path) -> Result<SqlitePool, StoreError> {
    if let Some(folder) = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder).map_err(|error| StoreError::Connect {
            url: url.redacted(),
            source: sqlx::Error::Io(error),
        })?;
    }

    // FULL makes every commit durable against power loss, not only against a crash; one fsync
    // per command is far below the pace Bitrix24 allows.
    let options = SqliteConnectOptions::from_str("sqlite:")
        .map_err(|source| StoreError::Connect {
            url: url.redacted(),
            source,
        })?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        .foreign_keys(true);

    SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .map_err(|source| StoreError::Connect {
            url: url.redacted(),
            source,
        })
}
