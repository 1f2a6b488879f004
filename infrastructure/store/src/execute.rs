//! Executing commands against the two aggregates and loading their current state.

use std::time::Duration;

use cqrs_es::persist::{PersistedEventRepository, PersistedEventStore};
use cqrs_es::{Aggregate, AggregateError, CqrsFramework, EventStore};
use migrator_domain::{Chunk, ChunkCommand, ChunkId, Migration, MigrationCommand};
use postgres_es::PostgresEventRepository;
use rand::Rng;
use sqlite_es::SqliteEventRepository;
use uuid::Uuid;

use crate::error::StoreError;
use crate::open::Backend;
use crate::url::StoreUrl;

/// How often a command that lost a concurrency race is reloaded and tried again.
const MAX_ATTEMPTS: u32 = 16;

/// The longest pause between two attempts.
const MAX_BACKOFF_MS: u64 = 500;

/// The event store of one database, ready to take commands.
pub struct Store {
    url: StoreUrl,
    backend: Backend,
    engines: Engines,
}

enum Engines {
    Postgres(Frameworks<PostgresEventRepository>),
    Sqlite(Frameworks<SqliteEventRepository>),
}

/// The frameworks of both aggregates over one repository type.
struct Frameworks<R: PersistedEventRepository> {
    migrations: CqrsFramework<Migration, PersistedEventStore<R, Migration>>,
    chunks: CqrsFramework<Chunk, PersistedEventStore<R, Chunk>>,
    migration_reader: PersistedEventStore<R, Migration>,
    chunk_reader: PersistedEventStore<R, Chunk>,
}

impl<R: PersistedEventRepository> Frameworks<R> {
    fn new(repository: impl Fn() -> R) -> Self {
        Frameworks {
            migrations: CqrsFramework::new(
                PersistedEventStore::new_event_store(repository()),
                Vec::new(),
                (),
            ),
            chunks: CqrsFramework::new(
                PersistedEventStore::new_event_store(repository()),
                Vec::new(),
                (),
            ),
            migration_reader: PersistedEventStore::new_event_store(repository()),
            chunk_reader: PersistedEventStore::new_event_store(repository()),
        }
    }
}

impl Store {
    /// Connects to the store at `url`, applies the schema and prepares both aggregates.
    pub async fn open(url: &StoreUrl) -> Result<Store, StoreError> {
        let backend = Backend::connect(url).await?;
        let engines = match &backend {
            Backend::Postgres(pool) => Engines::Postgres(Frameworks::new(|| {
                PostgresEventRepository::new(pool.clone())
            })),
            Backend::Sqlite(pool) => {
                Engines::Sqlite(Frameworks::new(|| SqliteEventRepository::new(pool.clone())))
            }
        };
        Ok(Store {
            url: url.clone(),
            backend,
            engines,
        })
    }

    /// The URL this store was opened with.
    pub fn url(&self) -> &StoreUrl {
        &self.url
    }

    /// The database's connection pool, for the projector and the read side.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// Sends a command to the run `migration_id`.
    pub async fn migration(
        &self,
        migration_id: Uuid,
        command: MigrationCommand,
    ) -> Result<(), StoreError> {
        let id = migration_id.to_string();
        match &self.engines {
            Engines::Postgres(engines) => execute(&engines.migrations, &id, command).await,
            Engines::Sqlite(engines) => execute(&engines.migrations, &id, command).await,
        }
    }

    /// Sends a command to a chunk.
    pub async fn chunk(&self, chunk_id: ChunkId, command: ChunkCommand) -> Result<(), StoreError> {
        let id = chunk_id.to_string();
        match &self.engines {
            Engines::Postgres(engines) => execute(&engines.chunks, &id, command).await,
            Engines::Sqlite(engines) => execute(&engines.chunks, &id, command).await,
        }
    }

    /// The current state of the run `migration_id` (the default state if it does not exist).
    pub async fn load_migration(&self, migration_id: Uuid) -> Result<Migration, StoreError> {
        let id = migration_id.to_string();
        match &self.engines {
            Engines::Postgres(engines) => load(&engines.migration_reader, &id).await,
            Engines::Sqlite(engines) => load(&engines.migration_reader, &id).await,
        }
    }

    /// The current state of a chunk (empty if nothing was recorded in it).
    pub async fn load_chunk(&self, chunk_id: ChunkId) -> Result<Chunk, StoreError> {
        let id = chunk_id.to_string();
        match &self.engines {
            Engines::Postgres(engines) => load(&engines.chunk_reader, &id).await,
            Engines::Sqlite(engines) => load(&engines.chunk_reader, &id).await,
        }
    }

    /// Closes the store's connections.
    pub async fn close(&self) {
        self.backend.close().await;
    }
}

/// Executes a command, reloading and retrying when another writer got there first.
///
/// Safe because `handle` only decides: the retry re-decides on fresh state and calls nothing.
async fn execute<A, ES>(
    framework: &CqrsFramework<A, ES>,
    id: &str,
    command: A::Command,
) -> Result<(), StoreError>
where
    A: Aggregate,
    A::Command: Clone,
    ES: EventStore<A>,
    StoreError: From<A::Error>,
{
    for attempt in 1..=MAX_ATTEMPTS {
        match framework.execute(id, command.clone()).await {
            Ok(()) => return Ok(()),
            Err(AggregateError::AggregateConflict) => {
                tracing::debug!(
                    aggregate = A::TYPE,
                    id,
                    attempt,
                    "concurrent write, retrying"
                );
                // Exponential backoff with full jitter: writers that collided spread out.
                let ceiling = (2u64 << attempt.min(16)).min(MAX_BACKOFF_MS);
                let pause = rand::rng().random_range(1..=ceiling);
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            Err(error) => return Err(translate::<A>(error, id, "writing events")),
        }
    }
    Err(StoreError::Contended {
        aggregate: A::TYPE,
        id: id.to_owned(),
        attempts: MAX_ATTEMPTS,
    })
}

async fn load<A, ES>(store: &ES, id: &str) -> Result<A, StoreError>
where
    A: Aggregate,
    ES: EventStore<A, AC = cqrs_es::persist::EventStoreAggregateContext<A>>,
    StoreError: From<A::Error>,
{
    match store.load_aggregate(id).await {
        Ok(context) => Ok(context.aggregate),
        Err(error) => Err(translate::<A>(error, id, "loading events")),
    }
}

fn translate<A>(error: AggregateError<A::Error>, id: &str, action: &str) -> StoreError
where
    A: Aggregate,
    StoreError: From<A::Error>,
{
    match error {
        AggregateError::UserError(rejection) => StoreError::from(rejection),
        AggregateError::AggregateConflict => StoreError::Contended {
            aggregate: A::TYPE,
            id: id.to_owned(),
            attempts: 1,
        },
        AggregateError::DeserializationError(source) => StoreError::Corrupt {
            aggregate: A::TYPE,
            id: id.to_owned(),
            message: source.to_string(),
        },
        AggregateError::DatabaseConnectionError(source)
        | AggregateError::UnexpectedError(source) => StoreError::Database {
            action: format!("{action} of {} {id}", A::TYPE),
            message: source.to_string(),
        },
    }
}
