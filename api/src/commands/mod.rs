//! One module per subcommand, and what they share: opening the store with its views current.

pub mod confirm;
pub mod control;
pub mod demo;
pub mod failures;
pub mod history;
pub mod progress;
pub mod rebuild;
pub mod run;
pub mod sandbox;

use migrator_projections::{Projector, ReadModels, ViewDb};
use migrator_store::{Backend, Store, StoreUrl};
use uuid::Uuid;

use crate::error::CliError;

/// The store, with every view caught up with the events.
pub struct Opened {
    /// The store.
    pub store: Store,
    /// Read access to its views.
    pub read: ReadModels,
}

/// Opens the store and catches its views up, so that what is printed is current.
pub async fn open_current(url: &StoreUrl) -> Result<Opened, CliError> {
    let store = Store::open(url).await?;
    let db = view_db(&store);
    Projector::new(db.clone()).catch_up().await?;
    Ok(Opened {
        store,
        read: ReadModels::new(db),
    })
}

/// The views' database of a store.
pub fn view_db(store: &Store) -> ViewDb {
    match store.backend() {
        Backend::Postgres(pool) => ViewDb::Postgres(pool.clone()),
        Backend::Sqlite(pool) => ViewDb::Sqlite(pool.clone()),
    }
}

/// Fails unless the views know the run.
pub async fn require_known(opened: &Opened, migration_id: Uuid) -> Result<(), CliError> {
    match opened.read.migration(migration_id).await? {
        Some(_) => Ok(()),
        None => Err(CliError::UnknownMigration {
            migration_id,
            store: opened.store.url().redacted(),
        }),
    }
}
