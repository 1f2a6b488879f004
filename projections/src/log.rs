//! Reading the event log in the global order, one page at a time, after a view's checkpoint.

use cqrs_es::Aggregate;
use migrator_domain::{Chunk, ChunkEvent, ChunkId, Migration, MigrationEvent};
use uuid::Uuid;

use crate::db::{Arg, Col, Statement, Tx, Value};
use crate::error::ProjectionError;

/// How far a view has come: the last event applied, and how many events it has applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Checkpoint {
    /// The writing transaction of the last event applied (0 on SQLite).
    pub tx_id: i64,
    /// The global position of the last event applied.
    pub position: i64,
    /// Events applied so far; the next event's ordinal is this plus one.
    pub applied: i64,
}

/// One event as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// The writing transaction (0 on SQLite).
    pub tx_id: i64,
    /// The global position.
    pub position: i64,
    /// The aggregate type.
    pub aggregate_type: String,
    /// The aggregate id.
    pub aggregate_id: String,
    /// The sequence inside the aggregate, from 1.
    pub sequence: i64,
    /// The event type.
    pub event_type: String,
    /// The payload's version.
    pub event_version: String,
    /// The payload as JSON text.
    pub payload: String,
    /// When it was written (UTC, ISO 8601).
    pub recorded_at: String,
}

/// An event decoded into the domain's types.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    /// An event of a run.
    Migration {
        /// The run.
        migration_id: Uuid,
        /// The event.
        event: MigrationEvent,
    },
    /// An event of a chunk.
    Chunk {
        /// The chunk.
        chunk_id: ChunkId,
        /// The event.
        event: ChunkEvent,
    },
}

impl Decoded {
    /// The run the event belongs to.
    pub fn migration_id(&self) -> Uuid {
        match self {
            Decoded::Migration { migration_id, .. } => *migration_id,
            Decoded::Chunk { chunk_id, .. } => chunk_id.migration_id,
        }
    }
}

/// One event read from the log, decoded, with its ordinal in the global order.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// The event as stored.
    pub stored: StoredEvent,
    /// The event decoded.
    pub decoded: Decoded,
    /// Its number in the global order, from 1.
    pub ordinal: i64,
}

const EVENT_COLUMNS: [Col; 9] = [
    Col::Int,
    Col::Int,
    Col::Text,
    Col::Text,
    Col::Int,
    Col::Text,
    Col::Text,
    Col::Text,
    Col::Text,
];

/// Reads and locks a view's checkpoint for the rest of the transaction, so that two
/// projectors never apply the same page: the second waits, then sees the first one's result.
pub async fn lock_checkpoint(tx: &mut Tx, view: &str) -> Result<Checkpoint, ProjectionError> {
    let select = if tx.is_postgres() {
        "SELECT tx_id, position, applied FROM projection_checkpoints \
         WHERE view_name = $1 FOR UPDATE"
    } else {
        // SQLite has no row locks: writing first takes the database's write lock, which a
        // deferred transaction would otherwise only ask for at its first write.
        tx.execute(&Statement::new(
            "UPDATE projection_checkpoints SET applied = applied WHERE view_name = $1",
            vec![Arg::from(view)],
        ))
        .await?;
        "SELECT tx_id, position, applied FROM projection_checkpoints WHERE view_name = $1"
    };

    let rows = tx
        .fetch(
            &Statement::new(select, vec![Arg::from(view)]),
            &[Col::Int, Col::Int, Col::Int],
        )
        .await?;
    let row = rows.first().map(Vec::as_slice).unwrap_or_default();
    match row {
        [tx_id, position, applied] => Ok(Checkpoint {
            tx_id: tx_id.int(),
            position: position.int(),
            applied: applied.int(),
        }),
        _ => Ok(Checkpoint::default()),
    }
}

/// Saves a view's checkpoint (inside the transaction that applied the events).
pub async fn save_checkpoint(
    tx: &mut Tx,
    view: &str,
    checkpoint: Checkpoint,
) -> Result<(), ProjectionError> {
    tx.execute(&Statement::new(
        "UPDATE projection_checkpoints SET tx_id = $1, position = $2, applied = $3 \
         WHERE view_name = $4",
        vec![
            Arg::Int(checkpoint.tx_id),
            Arg::Int(checkpoint.position),
            Arg::Int(checkpoint.applied),
            Arg::from(view),
        ],
    ))
    .await?;
    Ok(())
}

/// Reads up to `limit` events after the checkpoint, in the global order.
///
/// On PostgreSQL the order names the table's columns: the select list casts `tx_id` under
/// the same name, and ordering by the cast would sort the whole table instead of walking the
/// `(tx_id, global_position)` index.
pub async fn read_page(
    tx: &mut Tx,
    after: Checkpoint,
    limit: i64,
) -> Result<Vec<LogEntry>, ProjectionError> {
    let statement = if tx.is_postgres() {
        Statement::new(
            "SELECT tx_id::text::bigint, global_position, aggregate_type, aggregate_id, \
                    sequence, event_type, event_version, payload::text, \
                    to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') \
             FROM events \
             WHERE (tx_id, global_position) > ((($1)::bigint)::text::xid8, $2) \
               AND tx_id < pg_snapshot_xmin(pg_current_snapshot()) \
             ORDER BY events.tx_id, events.global_position \
             LIMIT $3",
            vec![
                Arg::Int(after.tx_id),
                Arg::Int(after.position),
                Arg::Int(limit),
            ],
        )
    } else {
        Statement::new(
            "SELECT 0, global_position, aggregate_type, aggregate_id, sequence, event_type, \
                    event_version, payload, recorded_at \
             FROM events \
             WHERE global_position > $1 \
             ORDER BY global_position \
             LIMIT $2",
            vec![Arg::Int(after.position), Arg::Int(limit)],
        )
    };

    let rows = tx.fetch(&statement, &EVENT_COLUMNS).await?;
    rows.into_iter()
        .zip(after.applied + 1..)
        .map(|(row, ordinal)| {
            let stored = stored_event(row);
            let decoded = decode(&stored)?;
            Ok(LogEntry {
                stored,
                decoded,
                ordinal,
            })
        })
        .collect()
}

/// Whether committed events after the checkpoint exist that [`read_page`] does not return
/// yet, because a transaction that started writing before them is still open (PostgreSQL).
pub async fn has_fenced_events(tx: &mut Tx, after: Checkpoint) -> Result<bool, ProjectionError> {
    if !tx.is_postgres() {
        return Ok(false);
    }
    let rows = tx
        .fetch(
            &Statement::new(
                "SELECT count(*) FROM (SELECT 1 FROM events \
                 WHERE (tx_id, global_position) > ((($1)::bigint)::text::xid8, $2) LIMIT 1) AS s",
                vec![Arg::Int(after.tx_id), Arg::Int(after.position)],
            ),
            &[Col::Int],
        )
        .await?;
    Ok(rows
        .first()
        .and_then(|row| row.first())
        .is_some_and(|count| count.int() > 0))
}

fn stored_event(row: Vec<Value>) -> StoredEvent {
    let mut values = row.into_iter();
    let mut next = || values.next().unwrap_or(Value::Null);
    StoredEvent {
        tx_id: next().int(),
        position: next().int(),
        aggregate_type: next().text(),
        aggregate_id: next().text(),
        sequence: next().int(),
        event_type: next().text(),
        event_version: next().text(),
        payload: next().text(),
        recorded_at: next().text(),
    }
}

/// Decodes a stored event into the domain's types.
///
/// Every event type is at its first version; when a payload's shape changes, the upcaster
/// that the store applies on load must be applied here too, before decoding.
pub fn decode(stored: &StoredEvent) -> Result<Decoded, ProjectionError> {
    let undecodable = |message: String| ProjectionError::Undecodable {
        position: stored.position,
        aggregate_type: stored.aggregate_type.clone(),
        aggregate_id: stored.aggregate_id.clone(),
        sequence: stored.sequence,
        event_type: stored.event_type.clone(),
        message,
    };

    match stored.aggregate_type.as_str() {
        Migration::TYPE => {
            let migration_id = stored
                .aggregate_id
                .parse()
                .map_err(|_| undecodable("the aggregate id is not a migration id".to_owned()))?;
            let event = serde_json::from_str(&stored.payload)
                .map_err(|error| undecodable(error.to_string()))?;
            Ok(Decoded::Migration {
                migration_id,
                event,
            })
        }
        Chunk::TYPE => {
            let chunk_id = stored.aggregate_id.parse().map_err(
                |error: migrator_domain::chunk::NotAChunkId| undecodable(error.to_string()),
            )?;
            let event = serde_json::from_str(&stored.payload)
                .map_err(|error| undecodable(error.to_string()))?;
            Ok(Decoded::Chunk { chunk_id, event })
        }
        other => Err(undecodable(format!("unknown aggregate type {other:?}"))),
    }
}
