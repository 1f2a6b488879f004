//! The log of every call the sandbox received (never credentials).

use std::collections::VecDeque;

use serde::Serialize;

use crate::faults::FaultKind;

/// One received call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallRecord {
    /// HTTP method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Query string with credential-looking parameters redacted.
    pub query: String,
    /// Status answered.
    pub status: u16,
    /// Sandbox time of the call, Unix seconds.
    pub at: i64,
    /// The fault injected into this call (by a rule or at random), if one was.
    pub fault: Option<FaultKind>,
}

/// A bounded log; the oldest calls drop out first.
#[derive(Debug)]
pub(crate) struct CallLog {
    capacity: usize,
    calls: VecDeque<CallRecord>,
    total: u64,
}

impl CallLog {
    pub(crate) fn new(capacity: usize) -> CallLog {
        CallLog {
            capacity: capacity.max(1),
            calls: VecDeque::new(),
            total: 0,
        }
    }

    pub(crate) fn push(&mut self, record: CallRecord) {
        if self.calls.len() == self.capacity {
            self.calls.pop_front();
        }
        self.calls.push_back(record);
        self.total += 1;
    }

    pub(crate) fn snapshot(&self) -> Vec<CallRecord> {
        self.calls.iter().cloned().collect()
    }

    pub(crate) fn clear(&mut self) {
        self.calls.clear();
    }

    pub(crate) fn total(&self) -> u64 {
        self.total
    }
}

/// The query string with values of credential-looking keys replaced by `***`.
pub(crate) fn redact(query: &str) -> String {
    const SENSITIVE: [&str; 6] = ["token", "secret", "code", "key", "hash", "password"];
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            let lower = key.to_ascii_lowercase();
            if SENSITIVE.iter().any(|word| lower.contains(word)) {
                format!("{key}=***")
            } else {
                pair.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}
