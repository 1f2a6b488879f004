//! A throw-away store per test, on SQLite or PostgreSQL.

use std::fmt;

use migrator_projections::{Projector, ReadModels, ViewDb};
use migrator_store::{Backend, Store, StoreUrl};
use sqlx::Connection;
use tempfile::TempDir;

/// The server that PostgreSQL tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("MIGRATOR_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A SQLite file.
    Sqlite,
    /// A PostgreSQL database.
    Postgres,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Sqlite => "sqlite",
            Kind::Postgres => "postgres",
        })
    }
}

/// A store that exists for one test and disappears after it.
pub struct TestStore {
    /// The store, schema applied.
    pub store: std::sync::Arc<Store>,
    /// Its URL, to open it again (as another process would).
    pub url: StoreUrl,
    kind: Kind,
    _folder: Option<TempDir>,
    database: Option<String>,
}

impl TestStore {
    /// Creates an empty store of the given kind.
    pub async fn new(kind: Kind) -> TestStore {
        let (url, folder, database) = match kind {
            Kind::Sqlite => {
                let folder = tempfile::tempdir().expect("a temporary folder");
                let url = StoreUrl::Sqlite(folder.path().join("events.db"));
                (url, Some(folder), None)
            }
            Kind::Postgres => {
                let name = format!("migrator_test_{}", uuid::Uuid::new_v4().simple());
                let admin = postgres_admin_url();
                let mut connection = sqlx::PgConnection::connect(&admin)
                    .await
                    .unwrap_or_else(|error| panic!("PostgreSQL at {admin} must answer: {error}"));
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut connection)
                    .await
                    .expect("create the test database");
                let url = StoreUrl::Postgres(database_url(&admin, &name));
                (url, None, Some(name))
            }
        };

        let store = std::sync::Arc::new(Store::open(&url).await.expect("open the test store"));
        TestStore {
            store,
            url,
            kind,
            _folder: folder,
            database,
        }
    }

    /// Which database this is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The views' database.
    pub fn view_db(&self) -> ViewDb {
        match self.store.backend() {
            Backend::Postgres(pool) => ViewDb::Postgres(pool.clone()),
            Backend::Sqlite(pool) => ViewDb::Sqlite(pool.clone()),
        }
    }

    /// A projector over this store.
    pub fn projector(&self) -> Projector {
        Projector::new(self.view_db())
    }

    /// Read access to the views.
    pub fn read(&self) -> ReadModels {
        ReadModels::new(self.view_db())
    }

    /// Counts the stored events.
    pub async fn event_count(&self) -> i64 {
        match self.store.backend() {
            Backend::Postgres(pool) => sqlx::query_scalar("SELECT count(*) FROM events")
                .fetch_one(pool)
                .await
                .expect("count events"),
            Backend::Sqlite(pool) => sqlx::query_scalar("SELECT count(*) FROM events")
                .fetch_one(pool)
                .await
                .expect("count events"),
        }
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        let Some(name) = self.database.take() else {
            return;
        };
        let admin = postgres_admin_url();
        let backend = self.store.backend().clone();

        // Drop runs inside the test's runtime, which cannot be blocked on; a thread with its
        // own runtime closes the pool and drops the database, also after a failed test.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            let Ok(runtime) = runtime else { return };
            runtime.block_on(async move {
                backend.close().await;
                if let Ok(mut connection) = sqlx::PgConnection::connect(&admin).await {
                    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::query(&drop).execute(&mut connection).await;
                }
            });
        });
        let _ = dropped.join();
    }
}

/// The URL of database `name` on the server of `admin`.
fn database_url(admin: &str, name: &str) -> String {
    match admin.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => format!("{admin}/{name}"),
    }
}
