//! The queries the command line and the app's API run against the views.

use serde::Serialize;
use uuid::Uuid;

use crate::db::{Arg, Col, Statement, Value, ViewDb};
use crate::error::ProjectionError;
use crate::views::View;

/// A run as the runs list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationRow {
    /// The run's id.
    pub migration_id: String,
    /// The portal's `member_id`.
    pub portal: String,
    /// The amoCRM account.
    pub account: String,
    /// Where it stands.
    pub status: String,
    /// Its settings as JSON.
    pub settings: String,
    /// What interrupted it, while interrupted.
    pub interruption: Option<String>,
    /// The latest lease epoch.
    pub lease_epoch: i64,
    /// When it was configured.
    pub configured_at: String,
    /// When its status last changed.
    pub updated_at: String,
}

/// Counts and outcomes of one kind of record in one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressRow {
    /// The kind (an entity name for the seven counted kinds).
    pub kind: String,
    /// Records in the account.
    pub counted: i64,
    /// Of those, inside the period.
    pub in_period: i64,
    /// Moved.
    pub transferred: i64,
    /// Could not be moved.
    pub failed: i64,
    /// Left out by the period.
    pub outside_period: i64,
    /// Deleted by a rollback.
    pub rolled_back: i64,
}

/// A record that could not be moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The kind of record (`entity` in exports).
    pub entity: String,
    /// Its amoCRM id.
    pub amo_id: i64,
    /// The reason's code.
    pub code: String,
    /// The reason in words.
    pub reason: String,
    /// When it failed.
    pub failed_at: String,
}

/// One event of a run's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// Its number in the global order.
    pub ordinal: i64,
    /// The aggregate type.
    pub aggregate_type: String,
    /// The aggregate id.
    pub aggregate_id: String,
    /// Its sequence in the aggregate.
    pub sequence: i64,
    /// The event type.
    pub event_type: String,
    /// The payload's version.
    pub event_version: String,
    /// The payload as JSON text.
    pub payload: String,
    /// When it was written.
    pub recorded_at: String,
}

/// One record a run created on the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdMapEntry {
    /// The kind of record.
    pub kind: String,
    /// Its amoCRM id.
    pub amo_id: i64,
    /// Its Bitrix24 id.
    pub b24_id: String,
    /// Its place in creation order.
    pub ordinal: i64,
    /// Whether a rollback deleted it.
    pub rolled_back: bool,
}

/// The columns of `view_migrations`, in the order [`MigrationRow`] reads them.
const MIGRATION_COLUMNS: &str = "migration_id, portal, account, status, settings, interruption, \
                                 lease_epoch, configured_at, updated_at";
const MIGRATION_TYPES: [Col; 9] = [
    Col::Text,
    Col::Text,
    Col::Text,
    Col::Text,
    Col::Text,
    Col::Text,
    Col::Int,
    Col::Text,
    Col::Text,
];

/// The columns of `view_history`, in the order [`HistoryEntry`] reads them.
const HISTORY_COLUMNS: &str = "ordinal, aggregate_type, aggregate_id, sequence, event_type, \
                               event_version, payload, recorded_at";
const HISTORY_TYPES: [Col; 8] = [
    Col::Int,
    Col::Text,
    Col::Text,
    Col::Int,
    Col::Text,
    Col::Text,
    Col::Text,
    Col::Text,
];

/// Read access to the views.
#[derive(Debug, Clone)]
pub struct ReadModels {
    db: ViewDb,
}

impl ReadModels {
    /// Reads the views in this database.
    pub fn new(db: ViewDb) -> ReadModels {
        ReadModels { db }
    }

    /// One run, if the views know it.
    pub async fn migration(&self, id: Uuid) -> Result<Option<MigrationRow>, ProjectionError> {
        let rows = self
            .db
            .fetch(
                &Statement::new(
                    format!(
                        "SELECT {MIGRATION_COLUMNS} FROM view_migrations WHERE migration_id = $1"
                    ),
                    vec![Arg::from(id.to_string())],
                ),
                &MIGRATION_TYPES,
            )
            .await?;
        Ok(rows.into_iter().next().map(|row| {
            let mut values = row.into_iter();
            let mut next = || values.next().unwrap_or(Value::Null);
            MigrationRow {
                migration_id: next().text(),
                portal: next().text(),
                account: next().text(),
                status: next().text(),
                settings: next().text(),
                interruption: next().optional_text(),
                lease_epoch: next().int(),
                configured_at: next().text(),
                updated_at: next().text(),
            }
        }))
    }

    /// The runs that wait for their user's confirmation, oldest change first.
    pub async fn awaiting_confirmation(&self) -> Result<Vec<Uuid>, ProjectionError> {
        let rows = self
            .db
            .fetch(
                &Statement::new(
                    "SELECT migration_id FROM view_migrations WHERE status = $1 \
                     ORDER BY updated_at, migration_id"
                        .to_owned(),
                    vec![Arg::from("awaiting_confirmation")],
                ),
                &[Col::Text],
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| row.into_iter().next())
            .filter_map(|id| Uuid::parse_str(&id.text()).ok())
            .collect())
    }

    /// Counts and outcomes of a run, per kind of record.
    pub async fn progress(&self, id: Uuid) -> Result<Vec<ProgressRow>, ProjectionError> {
        let rows = self
            .db
            .fetch(
                &Statement::new(
                    "SELECT kind, counted, in_period, transferred, failed, outside_period, \
                     rolled_back FROM view_progress WHERE migration_id = $1 ORDER BY kind",
                    vec![Arg::from(id.to_string())],
                ),
                &[
                    Col::Text,
                    Col::Int,
                    Col::Int,
                    Col::Int,
                    Col::Int,
                    Col::Int,
                    Col::Int,
                ],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let mut values = row.into_iter();
                let mut next = || values.next().unwrap_or(Value::Null);
                ProgressRow {
                    kind: next().text(),
                    counted: next().int(),
                    in_period: next().int(),
                    transferred: next().int(),
                    failed: next().int(),
                    outside_period: next().int(),
                    rolled_back: next().int(),
                }
            })
            .collect())
    }

    /// Up to `limit` failures of a run after the one numbered `after`, oldest first.
    pub async fn failures(
        &self,
        id: Uuid,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(i64, Failure)>, ProjectionError> {
        let rows = self
            .db
            .fetch(
                &Statement::new(
                    "SELECT ordinal, kind, amo_id, code, message, failed_at FROM view_failures \
                     WHERE migration_id = $1 AND ordinal > $2 ORDER BY ordinal LIMIT $3",
                    vec![Arg::from(id.to_string()), Arg::Int(after), Arg::Int(limit)],
                ),
                &[
                    Col::Int,
                    Col::Text,
                    Col::Int,
                    Col::Text,
                    Col::Text,
                    Col::Text,
                ],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let mut values = row.into_iter();
                let mut next = || values.next().unwrap_or(Value::Null);
                let ordinal = next().int();
                let failure = Failure {
                    entity: next().text(),
                    amo_id: next().int(),
                    code: next().text(),
                    reason: next().text(),
                    failed_at: next().text(),
                };
                (ordinal, failure)
            })
            .collect())
    }

    /// Up to `limit` events of a run's history after the one numbered `after`, oldest first.
    pub async fn history(
        &self,
        id: Uuid,
        after: i64,
        limit: i64,
    ) -> Result<Vec<HistoryEntry>, ProjectionError> {
        let rows = self
            .db
            .fetch(
                &Statement::new(
                    format!(
                        "SELECT {HISTORY_COLUMNS} FROM view_history \
                         WHERE migration_id = $1 AND ordinal > $2 ORDER BY ordinal LIMIT $3"
                    ),
                    vec![Arg::from(id.to_string()), Arg::Int(after), Arg::Int(limit)],
                ),
                &HISTORY_TYPES,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let mut values = row.into_iter();
                let mut next = || values.next().unwrap_or(Value::Null);
                HistoryEntry {
                    ordinal: next().int(),
                    aggregate_type: next().text(),
                    aggregate_id: next().text(),
                    sequence: next().int(),
                    event_type: next().text(),
                    event_version: next().text(),
                    payload: next().text(),
                    recorded_at: next().text(),
                }
            })
            .collect())
    }

    /// Up to `limit` records a run created and a rollback has not deleted, newest first,
    /// created before the one numbered `before` (`i64::MAX` to start).
    pub async fn created_newest_first(
        &self,
        id: Uuid,
        before: i64,
        limit: i64,
    ) -> Result<Vec<IdMapEntry>, ProjectionError> {
        let rows = self
            .db
            .fetch(
                &Statement::new(
                    "SELECT kind, amo_id, b24_id, ordinal, rolled_back FROM view_id_map \
                     WHERE migration_id = $1 AND ordinal < $2 AND rolled_back = 0 \
                     ORDER BY ordinal DESC LIMIT $3",
                    vec![Arg::from(id.to_string()), Arg::Int(before), Arg::Int(limit)],
                ),
                &[Col::Text, Col::Int, Col::Text, Col::Int, Col::Int],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let mut values = row.into_iter();
                let mut next = || values.next().unwrap_or(Value::Null);
                IdMapEntry {
                    kind: next().text(),
                    amo_id: next().int(),
                    b24_id: next().text(),
                    ordinal: next().int(),
                    rolled_back: next().int() != 0,
                }
            })
            .collect())
    }

    /// Every row of a view, in key order, as plain values: for comparing a live view with a
    /// rebuilt one.
    pub async fn dump(&self, view: View) -> Result<Vec<Vec<Value>>, ProjectionError> {
        let (sql, columns): (String, &[Col]) = match view {
            View::Migrations => (
                format!("SELECT {MIGRATION_COLUMNS} FROM view_migrations ORDER BY migration_id"),
                &MIGRATION_TYPES,
            ),
            View::Progress => (
                "SELECT migration_id, kind, counted, in_period, transferred, failed, \
                 outside_period, rolled_back FROM view_progress ORDER BY migration_id, kind"
                    .to_owned(),
                &[
                    Col::Text,
                    Col::Text,
                    Col::Int,
                    Col::Int,
                    Col::Int,
                    Col::Int,
                    Col::Int,
                    Col::Int,
                ],
            ),
            View::Failures => (
                "SELECT migration_id, kind, chunk_index, amo_id, code, message, failed_at, \
                 ordinal FROM view_failures ORDER BY migration_id, kind, chunk_index, amo_id"
                    .to_owned(),
                &[
                    Col::Text,
                    Col::Text,
                    Col::Int,
                    Col::Int,
                    Col::Text,
                    Col::Text,
                    Col::Text,
                    Col::Int,
                ],
            ),
            View::IdMap => (
                "SELECT migration_id, kind, chunk_index, amo_id, b24_id, ordinal, rolled_back \
                 FROM view_id_map ORDER BY migration_id, kind, chunk_index, amo_id"
                    .to_owned(),
                &[
                    Col::Text,
                    Col::Text,
                    Col::Int,
                    Col::Int,
                    Col::Text,
                    Col::Int,
                    Col::Int,
                ],
            ),
            View::History => (
                "SELECT migration_id, ordinal, aggregate_type, aggregate_id, sequence, \
                 event_type, event_version, payload, recorded_at FROM view_history \
                 ORDER BY migration_id, ordinal"
                    .to_owned(),
                &[
                    Col::Text,
                    Col::Int,
                    Col::Text,
                    Col::Text,
                    Col::Int,
                    Col::Text,
                    Col::Text,
                    Col::Text,
                    Col::Text,
                ],
            ),
        };
        self.db
            .fetch(&Statement::new(sql, Vec::new()), columns)
            .await
    }
}
