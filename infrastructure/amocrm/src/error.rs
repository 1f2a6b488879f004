//! The one error type of the amoCRM client, [`AmoError`], and the [`Attempt`] it names.
//!
//! Every variant says three things: what the client was doing (an [`Attempt`]: method and
//! path, never a token), what amoCRM answered (status, its `title`/`detail`/`hint`), and,
//! through [`AmoError::is_retryable`], whether trying again later can help. Secrets never
//! reach this module: the token endpoint's answers are reduced to their `hint`, and request
//! bodies are never quoted.

use std::fmt;
use std::time::Duration;

/// What the client was doing when something went wrong: an HTTP method and a path.
///
/// The path carries the query string (filters, page numbers) but never a credential: the
/// client sends tokens only in headers and request bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// HTTP method, e.g. `GET`.
    pub method: &'static str,
    /// Path and query of the request, e.g. `/api/v4/leads?page=3&limit=250`.
    pub path: String,
}

impl Attempt {
    /// An attempt to call `method` on `path`.
    pub fn new(method: &'static str, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
        }
    }
}

impl fmt::Display for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// Why amoCRM refused an authorisation code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeProblem {
    /// The code is older than its 20 minutes.
    Expired,
    /// The code was already exchanged (or tried) once; every attempt burns it.
    AlreadyUsed,
    /// The code is not one amoCRM issued (mistyped or truncated).
    Unreadable,
    /// The code belongs to another account than the address the user gave.
    WrongAccount,
}

impl fmt::Display for CodeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::Expired => "it has expired",
            Self::AlreadyUsed => "it has already been used",
            Self::Unreadable => "it is not a valid code",
            Self::WrongAccount => "it was issued for another account",
        };
        f.write_str(text)
    }
}

/// Everything that can go wrong while talking to amoCRM.
#[derive(Debug, thiserror::Error)]
pub enum AmoError {
    /// The account address given by the user is not an amoCRM or Kommo account address.
    #[error("`{input}` is not an amoCRM account address: {reason}")]
    InvalidAddress {
        /// What the user typed.
        input: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The authorisation code was refused. Codes live 20 minutes and every attempt burns
    /// them, so only a new code helps.
    #[error(
        "{attempt}: amoCRM refused the authorisation code because {problem} (HTTP {status}, \
         hint: {hint}). Open the integration in amoCRM, reload the «Ключи и доступы» \
         (Keys and access) tab and paste the new code"
    )]
    AuthorizationCode {
        /// The token-endpoint call.
        attempt: Attempt,
        /// Why the code was refused.
        problem: CodeProblem,
        /// HTTP status of the answer.
        status: u16,
        /// The `hint` amoCRM gave.
        hint: String,
    },

    /// The refresh token is dead (revoked, expired, reused by another worker, or the
    /// integration was switched off). Only a new authorisation brings the account back.
    #[error(
        "{attempt}: amoCRM no longer accepts the saved refresh token (HTTP {status}, hint: \
         {hint}); connect the amoCRM account again with a new authorisation code"
    )]
    ReauthorizationRequired {
        /// The token-endpoint call.
        attempt: Attempt,
        /// HTTP status of the answer.
        status: u16,
        /// The `hint` (or `detail`) amoCRM gave.
        hint: String,
    },

    /// The token endpoint refused the integration itself: wrong integration id, secret
    /// key, redirect address, or another 4xx. A setting has to be corrected.
    #[error(
        "{attempt}: amoCRM refused the integration credentials (HTTP {status}: {hint}); check \
         the integration id, secret key and redirect address"
    )]
    IntegrationRejected {
        /// The token-endpoint call.
        attempt: Attempt,
        /// HTTP status of the answer.
        status: u16,
        /// The `hint` or `detail` amoCRM gave.
        hint: String,
    },

    /// An API call was answered 401 and no refresh could help (a long-lived token, a
    /// legacy key, or a fresh token refused again).
    #[error(
        "{attempt}: amoCRM refused the access token (HTTP 401: {detail}); the token has \
         expired or was revoked, connect the account again"
    )]
    Unauthorized {
        /// The API call.
        attempt: Attempt,
        /// amoCRM's `detail`.
        detail: String,
    },

    /// amoCRM kept answering 429 after every retry the policy allows.
    #[error(
        "{attempt}: amoCRM kept answering 429 Too Many Requests after {attempts} attempts \
         (last retry_after: {retry_after:?}); slow down and try again later"
    )]
    RateLimited {
        /// The API call.
        attempt: Attempt,
        /// How many times it was sent.
        attempts: u32,
        /// The pause amoCRM asked for, if its body said so.
        retry_after: Option<Duration>,
    },

    /// 403 with a gateway page: the account's API is blocked (usually for exceeding the
    /// rate limit repeatedly). Only amoCRM support can lift it; never retry.
    #[error(
        "{attempt}: amoCRM has blocked API access for this account (HTTP 403: {detail}); \
         only amoCRM support can unblock it, the client stopped all requests"
    )]
    AccountBlocked {
        /// The API call.
        attempt: Attempt,
        /// A short description of the answer.
        detail: String,
    },

    /// 403 with a problem+json body: the granting user lacks a right (e.g. not an admin
    /// for the users list) or the caller's address is not allowed.
    #[error(
        "{attempt}: amoCRM denied access (HTTP 403: {detail}); the integration must be \
         granted by an account administrator"
    )]
    Forbidden {
        /// The API call.
        attempt: Attempt,
        /// amoCRM's `title`/`detail`.
        detail: String,
    },

    /// 402: the subscription is over (reads stop 30 days after the end) or the feature is
    /// paid. Waiting does not help; paying does.
    #[error(
        "{attempt}: amoCRM answered 402 Payment Required ({detail}); the account's \
         subscription has ended or the feature is paid"
    )]
    PaymentRequired {
        /// The API call.
        attempt: Attempt,
        /// amoCRM's `title`/`detail`.
        detail: String,
    },

    /// 5xx after every retry the policy allows. Later may work.
    #[error(
        "{attempt}: amoCRM answered HTTP {status} ({detail}) on each of {attempts} attempts; \
         the service is failing, try again later"
    )]
    ServerError {
        /// The API call.
        attempt: Attempt,
        /// Last HTTP status.
        status: u16,
        /// Last `title`/`detail` or a description of a non-JSON body.
        detail: String,
        /// How many times it was sent.
        attempts: u32,
    },

    /// No answer: connection refused, reset or timed out, after every retry allowed.
    #[error(
        "{attempt}: no answer from amoCRM after {attempts} attempts ({detail}); check the \
         network and try again later"
    )]
    Network {
        /// The API call.
        attempt: Attempt,
        /// What the HTTP stack reported.
        detail: String,
        /// How many times it was sent.
        attempts: u32,
    },

    /// Another 4xx (400, 404, 405, 422...): the request itself is wrong for this account.
    #[error("{attempt}: amoCRM rejected the request (HTTP {status}: {detail})")]
    Rejected {
        /// The API call.
        attempt: Attempt,
        /// HTTP status.
        status: u16,
        /// amoCRM's `title`/`detail`, with validation errors when present.
        detail: String,
    },

    /// The answer was not JSON where JSON was expected.
    #[error(
        "{attempt}: amoCRM answered HTTP {status} with a body that is not JSON (content type \
         {content_type}, {length} bytes, starting `{excerpt}`)"
    )]
    NotJson {
        /// The API call.
        attempt: Attempt,
        /// HTTP status.
        status: u16,
        /// The `Content-Type` header, or `none`.
        content_type: String,
        /// Body length in bytes.
        length: usize,
        /// The first characters of the body, on one line.
        excerpt: String,
    },

    /// The JSON did not have the shape the reference describes.
    #[error("{attempt}: unexpected JSON in {record} at `{path}`: {detail}")]
    Schema {
        /// The API call.
        attempt: Attempt,
        /// Which part: `the envelope` or `record 123`.
        record: String,
        /// JSON path of the offending value, e.g. `custom_fields_values[0].values`.
        path: String,
        /// What serde expected.
        detail: String,
    },

    /// The token store failed to load or save the tokens.
    #[error("the token store failed to {operation} the amoCRM tokens: {detail}")]
    TokenStore {
        /// `load` or `save`.
        operation: &'static str,
        /// What the store reported.
        detail: String,
    },
}

impl AmoError {
    /// Whether the same call may succeed if tried again later, without a person changing
    /// anything. Rate limits, 5xx, network failures and token-store failures can pass;
    /// refused codes, dead tokens, blocked or unpaid accounts and malformed data cannot.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. }
                | Self::ServerError { .. }
                | Self::Network { .. }
                | Self::TokenStore { .. }
        )
    }

    /// Whether the user must connect the account again (new code or new token).
    pub fn needs_reauthorization(&self) -> bool {
        matches!(
            self,
            Self::AuthorizationCode { .. }
                | Self::ReauthorizationRequired { .. }
                | Self::Unauthorized { .. }
        )
    }
}
