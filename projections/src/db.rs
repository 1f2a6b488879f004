//! The two databases behind one small interface: statements with arguments, and rows of
//! integers and texts.
//!
//! Views are written once as SQL that both PostgreSQL and SQLite accept (`$1` placeholders,
//! `INSERT ... ON CONFLICT ... DO UPDATE`), as data ([`Statement`]); this module runs them.

use sqlx::postgres::{PgPool, Postgres};
use sqlx::sqlite::{Sqlite, SqlitePool};
use sqlx::{Row, Transaction};

use crate::error::ProjectionError;

/// The database holding the events and the views.
#[derive(Debug, Clone)]
pub enum ViewDb {
    /// PostgreSQL.
    Postgres(PgPool),
    /// SQLite.
    Sqlite(SqlitePool),
}

/// One argument of a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// An integer.
    Int(i64),
    /// A text.
    Text(String),
    /// SQL NULL, typed as text.
    Null,
}

impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Arg::Int(value)
    }
}

impl From<u64> for Arg {
    fn from(value: u64) -> Self {
        Arg::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_owned())
    }
}

impl From<Option<String>> for Arg {
    fn from(value: Option<String>) -> Self {
        value.map_or(Arg::Null, Arg::Text)
    }
}

/// A statement and its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// SQL with `$1`.. placeholders, numbered in order of first appearance.
    pub sql: String,
    /// The arguments.
    pub args: Vec<Arg>,
}

impl Statement {
    /// A statement with arguments.
    pub fn new(sql: impl Into<String>, args: Vec<Arg>) -> Statement {
        Statement {
            sql: sql.into(),
            args,
        }
    }
}

/// The type of a column read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    /// An integer (`bigint` / `integer`).
    Int,
    /// A text, possibly NULL.
    Text,
}

/// One value read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// An integer.
    Int(i64),
    /// A text.
    Text(String),
    /// NULL.
    Null,
}

impl Value {
    /// The integer, or 0 when the value is not one.
    pub fn int(&self) -> i64 {
        match self {
            Value::Int(value) => *value,
            _ => 0,
        }
    }

    /// The text, or an empty text when the value is not one.
    pub fn text(&self) -> String {
        match self {
            Value::Text(value) => value.clone(),
            _ => String::new(),
        }
    }

    /// The text, or `None` for NULL.
    pub fn optional_text(&self) -> Option<String> {
        match self {
            Value::Text(value) => Some(value.clone()),
            _ => None,
        }
    }
}

/// An open transaction on either database.
pub enum Tx {
    /// PostgreSQL.
    Postgres(Transaction<'static, Postgres>),
    /// SQLite.
    Sqlite(Transaction<'static, Sqlite>),
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::Int(value) => query.bind(*value),
                Arg::Text(value) => query.bind(value.as_str()),
                Arg::Null => query.bind(None::<&str>),
            };
        }
        query
    }};
}

macro_rules! decode_row {
    ($row:expr, $columns:expr) => {{
        let row = $row;
        let mut values = Vec::with_capacity($columns.len());
        for (index, column) in $columns.iter().enumerate() {
            let value = match column {
                Col::Int => row
                    .try_get::<Option<i64>, _>(index)?
                    .map_or(Value::Null, Value::Int),
                Col::Text => row
                    .try_get::<Option<String>, _>(index)?
                    .map_or(Value::Null, Value::Text),
            };
            values.push(value);
        }
        values
    }};
}

impl ViewDb {
    /// Opens a transaction.
    pub async fn begin(&self) -> Result<Tx, ProjectionError> {
        let action = ProjectionError::database("opening a transaction");
        match self {
            ViewDb::Postgres(pool) => pool.begin().await.map(Tx::Postgres).map_err(action),
            ViewDb::Sqlite(pool) => pool.begin().await.map(Tx::Sqlite).map_err(action),
        }
    }

    /// Runs a query outside any transaction and reads its rows.
    pub async fn fetch(
        &self,
        statement: &Statement,
        columns: &[Col],
    ) -> Result<Vec<Vec<Value>>, ProjectionError> {
        let fetched: Result<Vec<Vec<Value>>, sqlx::Error> = match self {
            ViewDb::Postgres(pool) => {
                let rows = bind_all!(sqlx::query(&statement.sql), &statement.args)
                    .fetch_all(pool)
                    .await;
                rows.and_then(|rows| {
                    rows.iter()
                        .map(|row| Ok(decode_row!(row, columns)))
                        .collect()
                })
            }
            ViewDb::Sqlite(pool) => {
                let rows = bind_all!(sqlx::query(&statement.sql), &statement.args)
                    .fetch_all(pool)
                    .await;
                rows.and_then(|rows| {
                    rows.iter()
                        .map(|row| Ok(decode_row!(row, columns)))
                        .collect()
                })
            }
        };
        fetched.map_err(ProjectionError::database(format!(
            "reading ({})",
            first_words(statement)
        )))
    }
}

impl Tx {
    /// Runs one statement.
    pub async fn execute(&mut self, statement: &Statement) -> Result<u64, ProjectionError> {
        let done = match self {
            Tx::Postgres(tx) => bind_all!(sqlx::query(&statement.sql), &statement.args)
                .execute(&mut **tx)
                .await
                .map(|result| result.rows_affected()),
            Tx::Sqlite(tx) => bind_all!(sqlx::query(&statement.sql), &statement.args)
                .execute(&mut **tx)
                .await
                .map(|result| result.rows_affected()),
        };
        done.map_err(ProjectionError::database(format!(
            "writing ({})",
            first_words(statement)
        )))
    }

    /// Runs a query and reads its rows.
    pub async fn fetch(
        &mut self,
        statement: &Statement,
        columns: &[Col],
    ) -> Result<Vec<Vec<Value>>, ProjectionError> {
        let fetched: Result<Vec<Vec<Value>>, sqlx::Error> = match self {
            Tx::Postgres(tx) => {
                let rows = bind_all!(sqlx::query(&statement.sql), &statement.args)
                    .fetch_all(&mut **tx)
                    .await;
                rows.and_then(|rows| {
                    rows.iter()
                        .map(|row| Ok(decode_row!(row, columns)))
                        .collect()
                })
            }
            Tx::Sqlite(tx) => {
                let rows = bind_all!(sqlx::query(&statement.sql), &statement.args)
                    .fetch_all(&mut **tx)
                    .await;
                rows.and_then(|rows| {
                    rows.iter()
                        .map(|row| Ok(decode_row!(row, columns)))
                        .collect()
                })
            }
        };
        fetched.map_err(ProjectionError::database(format!(
            "reading ({})",
            first_words(statement)
        )))
    }

    /// Commits.
    pub async fn commit(self) -> Result<(), ProjectionError> {
        let action = ProjectionError::database("committing");
        match self {
            Tx::Postgres(tx) => tx.commit().await.map_err(action),
            Tx::Sqlite(tx) => tx.commit().await.map_err(action),
        }
    }

    /// Whether this is a PostgreSQL transaction.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Tx::Postgres(_))
    }
}

/// The first words of a statement, to say in an error which one failed.
fn first_words(statement: &Statement) -> String {
    statement
        .sql
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ")
}
