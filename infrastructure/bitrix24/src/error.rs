//! The one error type of the Bitrix24 client layer.
//!
//! Every variant names what was attempted (the REST method, never a webhook code or a token),
//! what the portal or the auth server answered, and whether trying again can help
//! ([`B24Error::is_retryable`]). The variants that must stop a migration cleanly (domain
//! changed, application removed, access denied, plan limits, re-authorisation needed) are
//! separate so that the engine can match on them without reading texts.

use std::fmt;

/// What the other side answered: the `error` code (often empty for classic CRM methods) and
/// the human-readable `error_description`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PortalAnswer {
    /// The `error` field; Bitrix24 leaves it empty for many classic `crm.*` refusals.
    #[serde(
        default,
        rename = "error",
        deserialize_with = "crate::lenient::string_or_number"
    )]
    pub code: String,
    /// The `error_description` field.
    #[serde(default, rename = "error_description")]
    pub description: String,
}

impl PortalAnswer {
    /// Builds an answer from a code and a description.
    pub fn new(code: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            description: description.into(),
        }
    }
}

impl fmt::Display for PortalAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = if self.code.is_empty() {
            "(no code)"
        } else {
            &self.code
        };
        write!(f, "{code}: {}", self.description.trim())
    }
}

/// Everything that can go wrong while talking to a Bitrix24 portal or its auth server.
#[derive(Debug, thiserror::Error)]
pub enum B24Error {
    /// The portal answers on another address now (HTTP 302). The run must stop; the new
    /// base URL (scheme, host and port only) is reported so that an operator can confirm it.
    #[error(
        "calling {method}: the portal moved to {new_base} (HTTP 302); \
         retrying the old address cannot help"
    )]
    DomainChanged {
        /// The REST method that was called.
        method: String,
        /// Scheme, host and port of the new address, without path or credentials.
        new_base: String,
    },

    /// The application was removed from the portal, is not installed, or the portal is gone.
    #[error("calling {method}: the application is no longer installed ({answer}); not retryable")]
    AppRemoved {
        /// The REST method (or `oauth refresh`) that was attempted.
        method: String,
        /// What the portal or the auth server answered.
        answer: PortalAnswer,
    },

    /// The token's user or the webhook lacks the right, the scope, or the app context.
    #[error("calling {method}: access denied ({answer}); not retryable")]
    AccessDenied {
        /// The REST method that was called.
        method: String,
        /// What the portal answered.
        answer: PortalAnswer,
    },

    /// The portal's plan (or the app's paid period) does not allow the operation.
    #[error("calling {method}: refused by the plan's limits ({answer}); not retryable")]
    PlanLimit {
        /// The REST method that was called.
        method: String,
        /// What the portal answered.
        answer: PortalAnswer,
    },

    /// The credentials can no longer be used: the refresh token was used or expired, the
    /// token is unknown, or the webhook code is wrong. A user must reopen or reinstall the app.
    #[error("calling {method}: the credentials were rejected ({answer}); re-authorisation needed")]
    ReauthorizationRequired {
        /// The REST method (or `oauth refresh`) that was attempted.
        method: String,
        /// What the portal or the auth server answered.
        answer: PortalAnswer,
    },

    /// The request-rate limit (HTTP 503 `QUERY_LIMIT_EXCEEDED`) kept refusing after all
    /// attempts. Retrying later helps.
    #[error(
        "calling {method}: still refused with HTTP 503 QUERY_LIMIT_EXCEEDED after {attempts} \
         attempts; retrying later helps"
    )]
    RateLimited {
        /// The REST method that was called.
        method: String,
        /// How many times the call was sent.
        attempts: u32,
    },

    /// The per-method execution-time budget (HTTP 429 `OPERATION_TIME_LIMIT`) kept refusing
    /// after waiting. Retrying after the window helps.
    #[error(
        "calling {method}: still blocked by the operating-time limit after {attempts} attempts"
    )]
    OperatingLimit {
        /// The REST method that was blocked.
        method: String,
        /// How many times the call was sent.
        attempts: u32,
    },

    /// Bitrix24 support blocked the REST API (`OVERLOAD_LIMIT`). A human must act.
    #[error("calling {method}: the REST API is blocked for this portal ({answer}); not retryable")]
    Overloaded {
        /// The REST method that was called.
        method: String,
        /// What the portal answered.
        answer: PortalAnswer,
    },

    /// A read failed on the server side (5xx) or on the network after every retry.
    #[error("calling {method}: the portal failed ({detail}) after {attempts} attempts; retryable")]
    Unavailable {
        /// The REST method that was called.
        method: String,
        /// HTTP status and answer, or the network failure, without credentials.
        detail: String,
        /// How many times the call was sent.
        attempts: u32,
    },

    /// A write was sent but no trustworthy answer came back (time-out, dropped connection, or
    /// a server error). It may have been applied: look the record up by its origin before
    /// sending it again.
    #[error(
        "calling {method}: no reliable answer ({detail}); the write may have been applied, \
         look it up before retrying"
    )]
    OutcomeUnknown {
        /// The REST method that was called.
        method: String,
        /// What happened, without credentials.
        detail: String,
    },

    /// The portal refused the call for a reason that another attempt will not change
    /// (validation failure, not found, bad parameters...).
    #[error("calling {method}: refused with HTTP {status} ({answer}); not retryable")]
    Refused {
        /// The REST method that was called.
        method: String,
        /// The HTTP status.
        status: u16,
        /// What the portal answered.
        answer: PortalAnswer,
    },

    /// The answer could not be understood.
    #[error("calling {method}: unexpected answer ({detail}); not retryable")]
    UnexpectedAnswer {
        /// The REST method that was called.
        method: String,
        /// Why it could not be decoded (never includes the payload).
        detail: String,
    },

    /// The token store failed to load or save a token pair. Retrying may help if the store
    /// recovers; a refreshed pair is kept in memory and saved again before it is ever used.
    #[error("{attempted} the OAuth tokens in the token store failed: {detail}; retryable")]
    TokenStore {
        /// `loading` or `saving`.
        attempted: &'static str,
        /// The store's own explanation (must not contain tokens).
        detail: String,
    },

    /// The request could not be built (bad URL, too many batch commands...). A programming
    /// or configuration error; retrying cannot help.
    #[error("preparing {method}: {detail}; not retryable")]
    InvalidRequest {
        /// The REST method being prepared.
        method: String,
        /// What is wrong.
        detail: String,
    },
}

impl B24Error {
    /// Whether sending the same request again later can succeed.
    ///
    /// `OutcomeUnknown` is not retryable as such: the caller must first look up whether the
    /// write happened (by origin) and only then decide.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. }
                | Self::OperatingLimit { .. }
                | Self::Unavailable { .. }
                | Self::TokenStore { .. }
        )
    }

    /// Whether this error must stop a migration run (the portal or the app is gone, the
    /// rights or the plan do not allow the work, or the credentials are dead).
    pub fn stops_run(&self) -> bool {
        matches!(
            self,
            Self::DomainChanged { .. }
                | Self::AppRemoved { .. }
                | Self::AccessDenied { .. }
                | Self::PlanLimit { .. }
                | Self::ReauthorizationRequired { .. }
                | Self::Overloaded { .. }
        )
    }

    /// Whether a command of a `batch` that failed this way leaves its record pending rather
    /// than refused: the fault may pass, stops the run, or may have created the record (an
    /// unknown outcome). The run then stops, and the batch is looked up and sent again.
    pub fn leaves_record_pending(&self) -> bool {
        self.is_retryable() || self.stops_run() || matches!(self, Self::OutcomeUnknown { .. })
    }

    /// The portal's answer, when the error carries one.
    pub fn answer(&self) -> Option<&PortalAnswer> {
        match self {
            Self::AppRemoved { answer, .. }
            | Self::AccessDenied { answer, .. }
            | Self::PlanLimit { answer, .. }
            | Self::ReauthorizationRequired { answer, .. }
            | Self::Overloaded { answer, .. }
            | Self::Refused { answer, .. } => Some(answer),
            _ => None,
        }
    }
}

/// The result type of this crate.
pub type B24Result<T> = Result<T, B24Error>;
