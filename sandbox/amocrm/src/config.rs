//! The sandbox configuration: seed, size, port and every knob for behaviour the
//! reference marks unconfirmed, each defaulting to the most likely real behaviour.

use serde::Serialize;

/// What the API does with a `limit` above the endpoint's maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OverLimit {
    /// Silently serve the default page size of 50 (observed, the default).
    FallBackToDefault,
    /// Serve the maximum.
    Clamp,
    /// Answer 422.
    Reject,
}

/// The body of a 429 answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateLimitBody {
    /// An nginx HTML page (observed on amoCRM RU, the default).
    Html,
    /// Kommo's problem+json with `retry_after`.
    Json,
}

/// Configuration of one sandbox.
#[derive(Debug, Clone, Serialize)]
pub struct SandboxConfig {
    /// Generator seed.
    pub seed: u64,
    /// Total number of records (100 ..= 1,000,000).
    pub size: u64,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Account subdomain (renamable through [`crate::Control::rename_subdomain`]).
    pub subdomain: String,
    /// Top-level domain of the account: `amocrm.ru` or `kommo.com`.
    pub base_domain: String,
    /// The integration's redirect URI; code exchanges must send exactly this.
    pub redirect_uri: String,
    /// Requests per second per account before 429 (0 = unlimited).
    pub rate_limit_rps: u32,
    /// 429s within a minute after which the account's API is blocked with 403.
    pub block_after_violations: u32,
    /// Body of 429 answers.
    pub rate_limit_body: RateLimitBody,
    /// `retry_after` of JSON 429 bodies, seconds (Kommo's documented example says 300).
    pub retry_after_secs: u64,
    /// Behaviour for `limit` above the maximum.
    pub over_limit: OverLimit,
    /// Also emit `next` on short pages.
    pub next_on_short_pages: bool,
    /// API filtering enabled for the account; when false every filter but `id` is ignored.
    pub api_filters_enabled: bool,
    /// A single-timestamp `filter[updated_at]` on leads answers 204 (one observed report).
    pub single_timestamp_updated_at_is_empty: bool,
    /// Multitext values use the legacy `enum` key instead of `enum_code`.
    pub legacy_enum_key: bool,
    /// Leads carry `price_with_minor_units`.
    pub price_with_minor_units: bool,
    /// Numeric and monetary field values are JSON numbers instead of strings.
    pub numeric_values_as_numbers: bool,
    /// Token responses carry Kommo's `server_time`.
    pub server_time_in_token_response: bool,
    /// Lifetime of access tokens, seconds.
    pub access_token_lifetime: i64,
    /// Lifetime of refresh tokens, seconds.
    pub refresh_token_lifetime: i64,
    /// Lifetime of authorization codes, seconds.
    pub code_lifetime: i64,
    /// Lifetime of the long-lived token handed out by [`crate::AmoSandbox::access_token`].
    pub long_lived_token_lifetime: i64,
    /// The user who granted access is an administrator (else `/users` answers 403).
    pub grant_by_admin: bool,
    /// Drive downloads, recordings and legacy attachments need the Bearer token.
    pub downloads_require_auth: bool,
    /// Responses carry an `X-Request-Id` header.
    pub request_id_header: bool,
    /// Days reads keep working after the subscription expires.
    pub read_grace_days: i64,
    /// Most calls kept in the call log (the oldest are dropped).
    pub call_log_capacity: usize,
}

impl Default for SandboxConfig {
    fn default() -> SandboxConfig {
        SandboxConfig {
            seed: 1,
            size: 1_000,
            port: 0,
            subdomain: "example".to_string(),
            base_domain: "amocrm.ru".to_string(),
            redirect_uri: "https://migrator.example/oauth/amocrm".to_string(),
            rate_limit_rps: 7,
            block_after_violations: 30,
            rate_limit_body: RateLimitBody::Html,
            retry_after_secs: 300,
            over_limit: OverLimit::FallBackToDefault,
            next_on_short_pages: false,
            api_filters_enabled: true,
            single_timestamp_updated_at_is_empty: false,
            legacy_enum_key: false,
            price_with_minor_units: true,
            numeric_values_as_numbers: false,
            server_time_in_token_response: false,
            access_token_lifetime: 86_400,
            refresh_token_lifetime: 90 * 86_400,
            code_lifetime: 20 * 60,
            long_lived_token_lifetime: 5 * 365 * 86_400,
            grant_by_admin: true,
            downloads_require_auth: true,
            request_id_header: true,
            read_grace_days: 30,
            call_log_capacity: 100_000,
        }
    }
}
