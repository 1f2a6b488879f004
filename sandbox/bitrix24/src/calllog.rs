//! The record of every call the portal received, for tests to assert on.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One REST call (or one `batch` sub-call) as the portal saw it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CallRecord {
    /// Order of arrival, from 1.
    pub seq: u64,
    /// Portal time of arrival, ISO-8601.
    pub at: String,
    /// Lower-case method name.
    pub method: String,
    /// Parameters with `auth`/`access_token` removed (secrets are never recorded).
    pub params: Value,
    /// Who called: `webhook:{user}`, `app:{user}` or `none`.
    pub auth: String,
    /// Whether this was a command inside a `batch`.
    pub in_batch: bool,
    /// HTTP status the call got (for a batch command: what it would have got alone).
    pub status: u16,
    /// The `error` code when it failed.
    pub error: Option<String>,
}
