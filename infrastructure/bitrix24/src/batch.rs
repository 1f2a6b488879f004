//! `batch`: up to 50 commands in one request, one unit of the leaky bucket.
//!
//! Commands are `method?query` strings (the query in PHP form, see [`crate::php_query`]);
//! later commands may use earlier results through references such as `$result[c1]` or
//! `$result[users][0][ID]` ([`result_ref`]). The portal always answers HTTP 200 when the
//! batch itself is accepted; each command's outcome is then found by its key in
//! [`BatchOutcome`]: a result, an error, or nothing at all (not run after a halt).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::body::RequestBody;
use crate::classify::classify_refusal;
use crate::client::{B24Client, Request, decode_result, is_read_method};
use crate::envelope::CallTime;
use crate::error::{B24Error, B24Result, PortalAnswer};
use crate::php_query;

/// The portal's limit of commands per batch.
pub const MAX_BATCH_COMMANDS: usize = 50;

/// The code of a command refused by its method's operating-time limit.
const OPERATION_TIME_LIMIT: &str = "OPERATION_TIME_LIMIT";

/// A batch being assembled.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    halt: bool,
    commands: Vec<Command>,
}

#[derive(Debug, Clone)]
struct Command {
    key: String,
    method: String,
    params: Value,
}

impl Batch {
    /// An empty batch that runs every command even when some fail (`halt = 0`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the portal should stop at the first failing command (`halt = 1`).
    pub fn halt_on_error(mut self, halt: bool) -> Self {
        self.halt = halt;
        self
    }

    /// Adds a command under `key` (letters, digits, `_` and `-`; unique in the batch).
    ///
    /// # Errors
    /// [`B24Error::InvalidRequest`] when the batch already holds 50 commands, the key is
    /// taken or unusable, or `params` is not an object.
    pub fn push(
        &mut self,
        key: impl Into<String>,
        method: impl Into<String>,
        params: Value,
    ) -> B24Result<&mut Self> {
        let key = key.into();
        let method = method.into();
        let invalid = |detail: String| B24Error::InvalidRequest {
            method: "batch".to_owned(),
            detail,
        };

        if self.commands.len() >= MAX_BATCH_COMMANDS {
            return Err(invalid(format!(
                "a batch holds at most {MAX_BATCH_COMMANDS} commands"
            )));
        }
        let usable = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !usable {
            return Err(invalid(format!(
                "command key {key:?} must be letters, digits, _ or -"
            )));
        }
        if self.commands.iter().any(|command| command.key == key) {
            return Err(invalid(format!("command key {key:?} is used twice")));
        }
        if !(params.is_object() || params.is_null()) {
            return Err(invalid(format!("parameters of {method} must be an object")));
        }

        self.commands.push(Command {
            key,
            method,
            params,
        });
        Ok(self)
    }

    /// Number of commands.
    pub fn len(&self) -> usize {
        self.commands.len()
    }

    /// Whether the batch has no command.
    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// Whether no further command fits.
    pub fn is_full(&self) -> bool {
        self.commands.len() >= MAX_BATCH_COMMANDS
    }

    /// The keys in the order they were added.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.commands.iter().map(|command| command.key.as_str())
    }

    /// The `cmd` entries as the portal expects them, in the caller's order.
    fn cmd(&self) -> Vec<(String, String)> {
        self.commands
            .iter()
            .map(|command| {
                let query = php_query::encode(&command.params);
                let line = if query.is_empty() {
                    command.method.clone()
                } else {
                    format!("{}?{query}", command.method)
                };
                (command.key.clone(), line)
            })
            .collect()
    }
}

/// A reference to an earlier command's result: `result_ref("c1", &[])` is `$result[c1]`,
/// `result_ref("users", &["0", "ID"])` is `$result[users][0][ID]`.
pub fn result_ref(key: &str, path: &[&str]) -> String {
    let mut reference = format!("$result[{key}]");
    for part in path {
        reference.push_str(&format!("[{part}]"));
    }
    reference
}

/// The `result` of a batch call, as the portal sends it.
#[derive(Debug, Deserialize)]
struct RawOutcome {
    #[serde(default, deserialize_with = "crate::lenient::php_map")]
    result: BTreeMap<String, Value>,
    #[serde(default, deserialize_with = "crate::lenient::php_map")]
    result_error: BTreeMap<String, PortalAnswer>,
    #[serde(default, deserialize_with = "crate::lenient::php_map")]
    result_total: BTreeMap<String, Value>,
    #[serde(default, deserialize_with = "crate::lenient::php_map")]
    result_next: BTreeMap<String, Value>,
    #[serde(default, deserialize_with = "crate::lenient::php_map")]
    result_time: BTreeMap<String, CallTime>,
}

/// What happened to one command.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CommandOutcome<'a> {
    /// The command succeeded with this result.
    Done(&'a Value),
    /// The command failed with this answer.
    Failed(&'a PortalAnswer),
    /// The command was not run (an earlier one failed in a halting batch), or the key is
    /// unknown.
    NotRun,
}

/// The per-command outcomes of a batch, addressed by the caller's keys.
#[derive(Debug, Clone)]
pub struct BatchOutcome {
    keys: Vec<String>,
    methods: BTreeMap<String, String>,
    results: BTreeMap<String, Value>,
    errors: BTreeMap<String, PortalAnswer>,
    totals: BTreeMap<String, u64>,
    nexts: BTreeMap<String, u64>,
}

impl BatchOutcome {
    /// What happened to the command under `key`.
    pub fn outcome(&self, key: &str) -> CommandOutcome<'_> {
        if let Some(answer) = self.errors.get(key) {
            CommandOutcome::Failed(answer)
        } else if let Some(result) = self.results.get(key) {
            CommandOutcome::Done(result)
        } else {
            CommandOutcome::NotRun
        }
    }

    /// The result of the command under `key`, if it succeeded.
    pub fn result(&self, key: &str) -> Option<&Value> {
        match self.outcome(key) {
            CommandOutcome::Done(result) => Some(result),
            _ => None,
        }
    }

    /// The result of the command under `key` decoded into `T` (`None` if it did not succeed).
    ///
    /// # Errors
    /// [`B24Error::UnexpectedAnswer`] when the result does not fit `T`.
    pub fn result_as<T: DeserializeOwned>(&self, key: &str) -> B24Result<Option<T>> {
        let Some(result) = self.result(key) else {
            return Ok(None);
        };
        decode_result(self.method(key), result.clone()).map(Some)
    }

    /// The portal's answer for the command under `key`, if it failed.
    pub fn error(&self, key: &str) -> Option<&PortalAnswer> {
        self.errors.get(key)
    }

    /// The failure of the command under `key` as a typed error naming its method.
    ///
    /// A command refused by a limit or by a server failure comes back as the error the same
    /// refusal of a single call would end in, so that it is never taken for a final refusal
    /// of the record:
    /// - operating-time limit: the retryable [`B24Error::OperatingLimit`]; the client has
    ///   already held the method back, so sending the command again in a later batch waits
    ///   for the window by itself;
    /// - request-rate limit (`QUERY_LIMIT_EXCEEDED`): the retryable [`B24Error::RateLimited`];
    /// - a server failure (`INTERNAL_SERVER_ERROR`, `ERROR_UNEXPECTED_ANSWER`): the retryable
    ///   [`B24Error::Unavailable`] for a read, [`B24Error::OutcomeUnknown`] for a write, which
    ///   may have been applied before the failure;
    /// - anything else is classified like a refused single call.
    pub fn failure(&self, key: &str) -> Option<B24Error> {
        let answer = self.errors.get(key)?.clone();
        let method = self.method(key).to_owned();
        match answer.code.as_str() {
            OPERATION_TIME_LIMIT => Some(B24Error::OperatingLimit {
                method,
                attempts: 1,
            }),
            "QUERY_LIMIT_EXCEEDED" => Some(B24Error::RateLimited {
                method,
                attempts: 1,
            }),
            "INTERNAL_SERVER_ERROR" | "ERROR_UNEXPECTED_ANSWER" if is_read_method(&method) => {
                Some(B24Error::Unavailable {
                    detail: format!("command failed in a batch: {answer}"),
                    method,
                    attempts: 1,
                })
            }
            "INTERNAL_SERVER_ERROR" | "ERROR_UNEXPECTED_ANSWER" => Some(B24Error::OutcomeUnknown {
                detail: format!("command failed in a batch: {answer}"),
                method,
            }),
            _ => Some(classify_refusal(&method, 400, answer)),
        }
    }

    /// `total` of a list command.
    pub fn total(&self, key: &str) -> Option<u64> {
        self.totals.get(key).copied()
    }

    /// `next` of a list command (absent on the last page).
    pub fn next(&self, key: &str) -> Option<u64> {
        self.nexts.get(key).copied()
    }

    /// Keys of the commands that succeeded, in the caller's order.
    pub fn succeeded(&self) -> impl Iterator<Item = &str> {
        self.keys
            .iter()
            .map(String::as_str)
            .filter(|key| matches!(self.outcome(key), CommandOutcome::Done(_)))
    }

    /// Keys of the commands that failed, in the caller's order.
    pub fn failed(&self) -> impl Iterator<Item = &str> {
        self.keys
            .iter()
            .map(String::as_str)
            .filter(|key| self.errors.contains_key(*key))
    }

    /// Keys of the commands that were not run, in the caller's order.
    pub fn not_run(&self) -> impl Iterator<Item = &str> {
        self.keys
            .iter()
            .map(String::as_str)
            .filter(|key| self.outcome(key) == CommandOutcome::NotRun)
    }

    fn method(&self, key: &str) -> &str {
        self.methods.get(key).map_or("batch", String::as_str)
    }
}

impl B24Client {
    /// Sends `batch` as one request and sorts the outcomes by key.
    ///
    /// The batch counts as one request for the shaper; each distinct sub-method's operating
    /// budget is respected before sending and updated from `result_time` after. The batch is
    /// retried after server failures only when every command is a read.
    ///
    /// # Errors
    /// Failures of the batch request itself (auth, limits, network); failures of single
    /// commands are in the [`BatchOutcome`].
    pub async fn batch(&self, batch: &Batch) -> B24Result<BatchOutcome> {
        if batch.is_empty() {
            return Err(B24Error::InvalidRequest {
                method: "batch".to_owned(),
                detail: "a batch needs at least one command".to_owned(),
            });
        }

        let spends: BTreeSet<String> = batch
            .commands
            .iter()
            .map(|command| command.method.to_ascii_lowercase())
            .collect();
        let read = batch
            .commands
            .iter()
            .all(|command| is_read_method(&command.method));

        // One request for the bucket; the sub-methods' budgets are what the portal checks.
        let request = Request {
            method: "batch",
            body: RequestBody::Batch {
                halt: batch.halt,
                commands: batch.cmd(),
            },
            read,
            spends: spends.into_iter().collect(),
        };
        let envelope = self.execute(request).await?;
        let raw: RawOutcome = decode_result("batch", envelope.result).map_err(|error| {
            if read {
                return error;
            }
            B24Error::OutcomeUnknown {
                method: "batch".to_owned(),
                detail: "the per-command results were not understood".to_owned(),
            }
        })?;

        // Each command's report updates its method's budget; a refusal holds the method.

        let methods: BTreeMap<String, String> = batch
            .commands
            .iter()
            .map(|command| (command.key.clone(), command.method.clone()))
            .collect();
        for (key, time) in &raw.result_time {
            if let Some(method) = methods.get(key) {
                self.operating().record(method, time);
            }
        }
        for (key, answer) in &raw.result_error {
            if let Some(method) = methods
                .get(key)
                .filter(|_| answer.code == OPERATION_TIME_LIMIT)
            {
                self.operating().on_blocked(method);
            }
        }

        Ok(BatchOutcome {
            keys: batch.keys().map(str::to_owned).collect(),
            methods,
            results: raw.result,
            errors: raw.result_error,
            totals: numbers(raw.result_total),
            nexts: numbers(raw.result_next),
        })
    }
}

/// `result_total`/`result_next` values as numbers (PHP may send them as strings).
fn numbers(map: BTreeMap<String, Value>) -> BTreeMap<String, u64> {
    map.into_iter()
        .filter_map(|(key, value)| crate::lenient::id_from_value(&value).map(|n| (key, n)))
        .collect()
}
