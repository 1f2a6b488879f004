//! The read models, each a function from a page of events to the statements that apply them.
//!
//! A view never decides anything: every figure it stores is in the events it reads.

mod failures;
mod history;
mod id_map;
mod migrations;
mod progress;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::db::{Arg, Statement};
use crate::log::LogEntry;

/// One read model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    /// Every run and where it stands (`view_migrations`).
    Migrations,
    /// Counts and outcomes per run and kind of record (`view_progress`).
    Progress,
    /// Every record that could not be moved, with its reason (`view_failures`).
    Failures,
    /// amoCRM id → Bitrix24 id of everything a run created (`view_id_map`).
    IdMap,
    /// Every event of every run in the global order (`view_history`).
    History,
}

impl View {
    /// Every view.
    pub const ALL: [View; 5] = [
        View::Migrations,
        View::Progress,
        View::Failures,
        View::IdMap,
        View::History,
    ];

    /// The view's name, as its checkpoint row knows it.
    pub fn name(self) -> &'static str {
        match self {
            View::Migrations => "migrations",
            View::Progress => "progress",
            View::Failures => "failures",
            View::IdMap => "id_map",
            View::History => "history",
        }
    }

    /// The table that holds the view's rows.
    pub fn table(self) -> &'static str {
        match self {
            View::Migrations => "view_migrations",
            View::Progress => "view_progress",
            View::Failures => "view_failures",
            View::IdMap => "view_id_map",
            View::History => "view_history",
        }
    }

    /// The statements that apply a page of events to this view.
    pub(crate) fn statements(self, page: &[LogEntry]) -> Vec<Statement> {
        match self {
            View::Migrations => migrations::statements(page),
            View::Progress => progress::statements(page),
            View::Failures => failures::statements(page),
            View::IdMap => id_map::statements(page),
            View::History => history::statements(page),
        }
    }
}

/// An instant as stored in the views: RFC 3339, UTC, milliseconds.
pub(crate) fn instant(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Builds multi-row `INSERT`s of at most [`ROWS_PER_INSERT`] rows each.
pub(crate) struct Inserts {
    head: &'static str,
    columns: usize,
    rows: Vec<Vec<Arg>>,
}

/// Rows per multi-row insert: keeps every statement well under both databases' limits on
/// placeholders.
const ROWS_PER_INSERT: usize = 200;

impl Inserts {
    /// Inserts into `head` (`INSERT INTO table (a, b, c)`) rows of `columns` values.
    pub(crate) fn new(head: &'static str, columns: usize) -> Inserts {
        Inserts {
            head,
            columns,
            rows: Vec::new(),
        }
    }

    /// Adds one row.
    pub(crate) fn push(&mut self, row: Vec<Arg>) {
        debug_assert_eq!(row.len(), self.columns);
        self.rows.push(row);
    }

    /// Moves the rows gathered so far into statements appended to `out`.
    pub(crate) fn flush_into(&mut self, out: &mut Vec<Statement>) {
        for group in self.rows.chunks(ROWS_PER_INSERT) {
            let mut sql = String::from(self.head);
            sql.push_str(" VALUES ");
            let mut args = Vec::with_capacity(group.len() * self.columns);
            for (row_index, row) in group.iter().enumerate() {
                if row_index > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                for column in 0..self.columns {
                    if column > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!("${}", row_index * self.columns + column + 1));
                }
                sql.push(')');
                args.extend(row.iter().cloned());
            }
            out.push(Statement::new(sql, args));
        }
        self.rows.clear();
    }
}
