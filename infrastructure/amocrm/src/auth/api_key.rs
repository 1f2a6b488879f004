//! Converting a legacy API key into an OAuth code (A4), the way amoCRM documents for
//! accounts connected before July 2020.
//!
//! `POST /oauth2/exchange_api_key` with the login, the key and the integration's id and
//! secret answers 202, and amoCRM then delivers an ordinary authorisation code to the
//! integration's redirect address (with `from_exchange=1`). The server that receives it
//! continues with [`crate::AmoClient::connect_with_code`]. amoCRM allows one conversion
//! per user and integration every 5 minutes and answers 429 otherwise. The alternative
//! for accounts that still accept key sessions is [`crate::AmoClient::with_legacy_key`].

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tracing::info;

use crate::address::AccountAddress;
use crate::auth::OAuthApp;
use crate::config::ClientConfig;
use crate::error::{AmoError, Attempt};
use crate::problem::{Problem, describe};
use crate::transport::Transport;

/// Path of the conversion endpoint.
const EXCHANGE_PATH: &str = "/oauth2/exchange_api_key";

/// How long amoCRM makes a user wait between two conversions.
const CONVERSION_INTERVAL: Duration = Duration::from_secs(300);

/// A login (the user's e-mail) and that user's legacy API key.
#[derive(Debug, Clone)]
pub struct LegacyKey {
    /// The amoCRM login (e-mail).
    pub login: String,
    /// The API key from the user's profile; never logged.
    pub api_key: SecretString,
}

/// Asks amoCRM to convert `key` into an authorisation code, which it sends to the
/// integration's redirect address.
///
/// # Errors
/// [`AmoError::RateLimited`] when a conversion was asked less than 5 minutes ago,
/// [`AmoError::Unauthorized`] when the login or key is wrong, and the usual transport
/// errors.
pub async fn request_code_for_api_key(
    address: &AccountAddress,
    app: &OAuthApp,
    key: &LegacyKey,
    config: &ClientConfig,
) -> Result<(), AmoError> {
    let attempt = Attempt::new("POST", EXCHANGE_PATH);
    let transport = Transport::new(config).map_err(|e| AmoError::Network {
        attempt: attempt.clone(),
        detail: e.to_string(),
        attempts: 0,
    })?;
    let body = serde_json::json!({
        "login": key.login,
        "api_key": key.api_key.expose_secret(),
        "client_uuid": app.client_id,
        "client_secret": app.client_secret.expose_secret(),
    });

    info!(
        host = address.host(),
        "asking amoCRM to convert a legacy API key"
    );
    let request = transport
        .http()
        .post(address.url(EXCHANGE_PATH))
        .json(&body);
    let reply = transport
        .send(request)
        .await
        .map_err(|e| AmoError::Network {
            attempt: attempt.clone(),
            detail: e.without_url().to_string(),
            attempts: 1,
        })?;

    let status = reply.status.as_u16();
    match status {
        200..=299 => Ok(()),
        429 => Err(AmoError::RateLimited {
            attempt,
            attempts: 1,
            retry_after: Problem::parse(&reply)
                .and_then(|p| p.retry_after())
                .or(Some(CONVERSION_INTERVAL)),
        }),
        401 | 403 => Err(AmoError::Unauthorized {
            attempt,
            detail: describe(&reply),
        }),
        500..=599 => Err(AmoError::ServerError {
            attempt,
            status,
            detail: describe(&reply),
            attempts: 1,
        }),
        _ => Err(AmoError::Rejected {
            attempt,
            status,
            detail: describe(&reply),
        }),
    }
}
