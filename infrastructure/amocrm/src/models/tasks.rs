//! Tasks (`GET /api/v4/tasks`).

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::lenient;

/// One task.
#[derive(Debug, Clone, Deserialize)]
pub struct Task {
    /// Task id.
    pub id: i64,
    /// Author.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub created_by: Option<i64>,
    /// Last editor.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub updated_by: Option<i64>,
    /// Creation time.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub created_at: Option<i64>,
    /// Last update time.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub updated_at: Option<i64>,
    /// Responsible user.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub responsible_user_id: Option<i64>,
    /// The record the task is about (none for free tasks).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub entity_id: Option<i64>,
    /// Plural kind of that record: `leads`, `contacts`, `companies`, `customers`.
    #[serde(default)]
    pub entity_type: Option<String>,
    /// Whether the task is done.
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub is_completed: bool,
    /// Task type (1 follow-up, 2 meeting, others from the account's task types).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub task_type_id: Option<i64>,
    /// Text.
    #[serde(default)]
    pub text: String,
    /// Duration in seconds.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub duration: Option<i64>,
    /// Deadline.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub complete_till: Option<i64>,
    /// The result text; amoCRM sends `[]` when there is none.
    #[serde(default, deserialize_with = "task_result")]
    pub result: Option<String>,
}

/// Reads `result`: `[]`, `{}` or `null` mean none, `{"text": ...}` is the result.
fn task_result<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    Ok(value
        .as_ref()
        .and_then(|v| v.get("text"))
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
        .map(str::to_owned))
}

crate::models::record!(Task);
