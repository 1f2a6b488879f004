//! The projections' one error type.

/// Why projecting or reading a view failed.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    /// The database failed. Retrying may help; the view stays at its last checkpoint.
    #[error("the view database failed while {action}: {source}")]
    Database {
        /// What was being done.
        action: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// A stored event cannot be decoded; the projector stops rather than skip it.
    #[error(
        "event {position} ({aggregate_type} {aggregate_id} #{sequence}, {event_type}) cannot be \
         read: {message}"
    )]
    Undecodable {
        /// Its global position.
        position: i64,
        /// Its aggregate type.
        aggregate_type: String,
        /// Its aggregate id.
        aggregate_id: String,
        /// Its sequence in the aggregate.
        sequence: i64,
        /// Its type.
        event_type: String,
        /// The decoder's message.
        message: String,
    },
    /// Committed events stayed unreadable: a PostgreSQL transaction that writes has been open
    /// for longer than the projector waits. Retrying once it ends helps.
    #[error(
        "the {view} view cannot catch up: committed events wait behind a database transaction \
         that has been writing for over a minute"
    )]
    Fenced {
        /// The view.
        view: &'static str,
    },
    /// A fail point set by a test stopped the projector before a commit.
    #[error("the projector stopped at a fail point before committing {view}")]
    FailPoint {
        /// The view whose transaction was abandoned.
        view: &'static str,
    },
}

impl ProjectionError {
    pub(crate) fn database(action: impl Into<String>) -> impl FnOnce(sqlx::Error) -> Self {
        let action = action.into();
        move |source| ProjectionError::Database { action, source }
    }
}
