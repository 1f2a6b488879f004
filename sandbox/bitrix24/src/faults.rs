//! Fault injection: scripted errors per method (N times) and seeded random chaos.

use serde::{Deserialize, Serialize};

use crate::api_error::ApiError;
use crate::rng::SeededRng;

/// A scripted error: the next `times` calls of `method` fail with it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Fault {
    /// Lower-case method name, or `*` for every method.
    pub method: String,
    /// HTTP status of the injected reply.
    pub status: u16,
    /// The `error` code.
    pub code: String,
    /// The `error_description` text.
    pub description: String,
    /// How many calls fail before the fault is used up.
    pub times: u32,
    /// How long the portal waits before answering with the fault (latency injection).
    #[serde(default)]
    pub delay_ms: u64,
}

impl Fault {
    /// A fault using a code of the reference's error table (§10) with its status and text;
    /// unknown codes become HTTP 400 with the code as text.
    pub fn from_code(method: &str, code: &str, times: u32) -> Fault {
        let (status, description) = known_error(code).unwrap_or((400, code));
        Fault {
            method: method.to_ascii_lowercase(),
            status,
            code: code.to_string(),
            description: description.to_string(),
            times,
            delay_ms: 0,
        }
    }

    /// The same fault, answered only after `delay`.
    pub fn delayed(self, delay: std::time::Duration) -> Fault {
        Fault {
            delay_ms: delay.as_millis().try_into().unwrap_or(u64::MAX),
            ..self
        }
    }

    fn to_error(&self) -> ApiError {
        ApiError::new(self.status, &self.code, self.description.clone())
    }
}

/// Status and usual text of the error codes in the reference's table.
pub fn known_error(code: &str) -> Option<(u16, &'static str)> {
    let known = match code {
        "QUERY_LIMIT_EXCEEDED" => (503, "Too many requests"),
        "OPERATION_TIME_LIMIT" => (429, "Method is blocked due to operation time limit."),
        "OVERLOAD_LIMIT" => (503, "REST API is blocked due to overload"),
        "expired_token" => (401, "The access token provided has expired"),
        "invalid_token" => (401, "Unable to get application by token"),
        "NO_AUTH_FOUND" => (401, "Wrong authorization data"),
        "APPLICATION_NOT_FOUND" => (401, "Application not found"),
        "ERROR_OAUTH" => (401, "Application not installed"),
        "authorization_error" => (401, "Unable to authorize user"),
        "insufficient_scope" => (
            401,
            "The request requires higher privileges than provided by the access token",
        ),
        "user_access_error" => (403, "The user does not have access to the application."),
        "PAYMENT_REQUIRED" => (401, "Payment required"),
        "METHOD_CONFIRM_WAITING" => (401, "Waiting for confirmation"),
        "METHOD_CONFIRM_DENIED" => (403, "Method call denied"),
        "ACCESS_DENIED" => (403, "Access denied!"),
        "INVALID_CREDENTIALS" => (403, "Invalid request credentials"),
        "WRONG_AUTH_TYPE" => (403, "Current authorization type is denied for this method"),
        "allowed_only_intranet_user" => (403, "Action is allowed only for intranet users"),
        "ERROR_METHOD_NOT_FOUND" => (404, "Method not found!"),
        "INVALID_REQUEST" => (400, "Https required"),
        "ERROR_CORE" => (400, "Internal error"),
        "ERROR_ARGUMENT" => (400, "Argument error"),
        "ERROR_NOT_FOUND" => (400, "Could not find entity"),
        "INTERNAL_SERVER_ERROR" => (500, "Internal server error"),
        "ERROR_UNEXPECTED_ANSWER" => (500, "Server returned an unexpected response."),
        "PORTAL_DELETED" => (500, "Portal was deleted"),
        "WRONG_ENCODING" => (400, "Wrong request encoding"),
        _ => return None,
    };
    Some(known)
}

/// Random failures for chaos tests: each call fails with `probability`, picking one of
/// `codes`, decided by a seeded generator so a failing run can be replayed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Chaos {
    /// Chance per call, 0.0 to 1.0.
    pub probability: f64,
    /// Seed of the decisions.
    pub seed: u64,
    /// Codes to choose from (statuses and texts from [`known_error`]).
    pub codes: Vec<String>,
}

/// The faults in force.
#[derive(Debug, Default)]
pub struct Faults {
    scripted: Vec<Fault>,
    chaos: Option<(Chaos, SeededRng)>,
    /// Delay owed by faults taken during the current request, paid after the lock is freed.
    pending_delay_ms: u64,
    /// Methods whose calls are carried out at once but answered late, by lower-case name.
    slow: std::collections::BTreeMap<String, std::time::Duration>,
}

impl Faults {
    /// Adds a scripted fault (faults for the same method are used in order).
    pub fn inject(&mut self, fault: Fault) {
        self.scripted.push(fault);
    }

    /// Starts (or stops, with `None`) random failures.
    pub fn set_chaos(&mut self, chaos: Option<Chaos>) {
        self.chaos = chaos.map(|chaos| {
            let rng = SeededRng::new(chaos.seed);
            (chaos, rng)
        });
    }

    /// Takes the delay owed by this request's faults.
    pub fn take_delay(&mut self) -> std::time::Duration {
        std::time::Duration::from_millis(std::mem::take(&mut self.pending_delay_ms))
    }

    /// Removes every scripted fault, every slow answer, and stops chaos.
    pub fn clear(&mut self) {
        self.scripted.clear();
        self.chaos = None;
        self.slow.clear();
    }

    /// Carries out every call of `method` at once but holds its answer back for `delay`
    /// (zero stops it): a client that gives up meanwhile has had its call applied anyway,
    /// as on a real portal, whose PHP finishes a request whose client went away.
    pub fn slow_down(&mut self, method: &str, delay: std::time::Duration) {
        if delay.is_zero() {
            self.slow.remove(&method.to_lowercase());
        } else {
            self.slow.insert(method.to_lowercase(), delay);
        }
    }

    /// How long the answer to a call of `method` is held back.
    pub fn slowness(&self, method: &str) -> std::time::Duration {
        self.slow
            .get(&method.to_lowercase())
            .copied()
            .unwrap_or_default()
    }

    /// The error this call of `method` must fail with, if any; uses up one scripted time.
    pub fn take(&mut self, method: &str) -> Option<ApiError> {
        let position = self
            .scripted
            .iter()
            .position(|fault| fault.times > 0 && (fault.method == method || fault.method == "*"));
        if let Some(position) = position {
            let fault = &mut self.scripted[position];
            fault.times -= 1;
            self.pending_delay_ms += fault.delay_ms;
            let error = fault.to_error();
            if fault.times == 0 {
                self.scripted.remove(position);
            }
            return Some(error);
        }

        let (chaos, rng) = self.chaos.as_mut()?;
        if chaos.codes.is_empty() || rng.next_f64() >= chaos.probability {
            return None;
        }
        let pick = (rng.next_u64() % chaos.codes.len() as u64) as usize;
        Some(Fault::from_code(method, &chaos.codes[pick], 1).to_error())
    }
}
