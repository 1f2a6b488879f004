//! Reading and writing the `run_secrets` table on either database.

use sqlx::Row;

use super::seal::Sealed;
use crate::open::Backend;

const UPSERT_POSTGRES: &str = "\
    INSERT INTO run_secrets (migration_id, name, key_check, nonce, ciphertext) \
    VALUES ($1, $2, $3, $4, $5) \
    ON CONFLICT (migration_id, name) DO UPDATE SET \
        key_check = excluded.key_check, nonce = excluded.nonce, \
        ciphertext = excluded.ciphertext, created_at = clock_timestamp()";

const UPSERT_SQLITE: &str = "\
    INSERT INTO run_secrets (migration_id, name, key_check, nonce, ciphertext) \
    VALUES (?1, ?2, ?3, ?4, ?5) \
    ON CONFLICT (migration_id, name) DO UPDATE SET \
        key_check = excluded.key_check, nonce = excluded.nonce, \
        ciphertext = excluded.ciphertext, \
        created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

const SELECT_POSTGRES: &str = "\
    SELECT key_check, nonce, ciphertext FROM run_secrets WHERE migration_id = $1 AND name = $2";

const SELECT_SQLITE: &str = "\
    SELECT key_check, nonce, ciphertext FROM run_secrets WHERE migration_id = ?1 AND name = ?2";

const DELETE_POSTGRES: &str = "DELETE FROM run_secrets WHERE migration_id = $1";

const DELETE_SQLITE: &str = "DELETE FROM run_secrets WHERE migration_id = ?1";

/// Stores `sealed` as the secret `name` of the run, replacing any earlier value.
pub(super) async fn upsert(
    backend: &Backend,
    migration_id: &str,
    name: &str,
    sealed: Sealed,
) -> Result<(), sqlx::Error> {
    match backend {
        Backend::Postgres(pool) => {
            sqlx::query(UPSERT_POSTGRES)
                .bind(migration_id)
                .bind(name)
                .bind(sealed.key_check)
                .bind(sealed.nonce)
                .bind(sealed.ciphertext)
                .execute(pool)
                .await?;
        }
        Backend::Sqlite(pool) => {
            sqlx::query(UPSERT_SQLITE)
                .bind(migration_id)
                .bind(name)
                .bind(sealed.key_check)
                .bind(sealed.nonce)
                .bind(sealed.ciphertext)
                .execute(pool)
                .await?;
        }
    }
    Ok(())
}

/// The stored secret `name` of the run, if there is one.
pub(super) async fn select(
    backend: &Backend,
    migration_id: &str,
    name: &str,
) -> Result<Option<Sealed>, sqlx::Error> {
    match backend {
        Backend::Postgres(pool) => {
            let row = sqlx::query(SELECT_POSTGRES)
                .bind(migration_id)
                .bind(name)
                .fetch_optional(pool)
                .await?;
            row.map(|row| sealed(&row)).transpose()
        }
        Backend::Sqlite(pool) => {
            let row = sqlx::query(SELECT_SQLITE)
                .bind(migration_id)
                .bind(name)
                .fetch_optional(pool)
                .await?;
            row.map(|row| sealed(&row)).transpose()
        }
    }
}

/// Deletes every secret of the run; returns how many there were.
pub(super) async fn delete_all(backend: &Backend, migration_id: &str) -> Result<u64, sqlx::Error> {
    let deleted = match backend {
        Backend::Postgres(pool) => sqlx::query(DELETE_POSTGRES)
            .bind(migration_id)
            .execute(pool)
            .await?
            .rows_affected(),
        Backend::Sqlite(pool) => sqlx::query(DELETE_SQLITE)
            .bind(migration_id)
            .execute(pool)
            .await?
            .rows_affected(),
    };
    Ok(deleted)
}

/// Reads the three byte columns of a row, whichever the database.
fn sealed<R>(row: &R) -> Result<Sealed, sqlx::Error>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    Vec<u8>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(Sealed {
        key_check: row.try_get(0)?,
        nonce: row.try_get(1)?,
        ciphertext: row.try_get(2)?,
    })
}
