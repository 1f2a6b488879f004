//! Legacy key sessions (A4): `POST /private/api/auth.php?type=json` with `USER_LOGIN`
//! (the user's e-mail) and `USER_HASH` (the API key) opens a session whose cookie then
//! authorises calls, as in the API v1/v2 era.
//!
//! amoCRM removed API keys from its interface in July 2020 and steers old accounts to
//! OAuth; whether a given account still accepts a key session is decided on its side.
//! The client tries the session for accounts that have only a key, re-opens it once
//! when a call answers 401, and otherwise offers the documented way out,
//! [`crate::request_code_for_api_key`], which turns the key into an OAuth code.

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::sync::Mutex;
use tracing::info;

use crate::address::AccountAddress;
use crate::auth::api_key::LegacyKey;
use crate::error::{AmoError, Attempt};
use crate::problem::describe;
use crate::transport::Transport;

/// Path of the legacy login.
const LOGIN_PATH: &str = "/private/api/auth.php";

/// A login and key, and the session cookie they opened.
#[derive(Debug)]
pub(crate) struct LegacySession {
    key: LegacyKey,
    /// The `Cookie` header value of the open session (a secret: it acts as the user).
    cookie: Mutex<Option<SecretString>>,
}

impl LegacySession {
    /// A session for `key`, opened on first use.
    pub(crate) fn new(key: LegacyKey) -> Self {
        Self {
            key,
            cookie: Mutex::new(None),
        }
    }

    /// The cookie to send, logging in first if no session is open.
    pub(crate) async fn cookie(
        &self,
        transport: &Transport,
        address: &AccountAddress,
    ) -> Result<SecretString, AmoError> {
        let mut cookie = self.cookie.lock().await;
        if let Some(open) = cookie.as_ref() {
            return Ok(open.clone());
        }

        let opened = login(&self.key, transport, address).await?;
        *cookie = Some(opened.clone());
        Ok(opened)
    }

    /// After a 401 on a call sent with `used`: drops that session so that the next call
    /// logs in again (unless another task already did).
    pub(crate) async fn forget(&self, used: &SecretString) {
        let mut cookie = self.cookie.lock().await;
        let same = cookie
            .as_ref()
            .is_some_and(|open| open.expose_secret() == used.expose_secret());
        if same {
            *cookie = None;
        }
    }
}

/// Opens a session and returns its cookies as one `Cookie` header value.
async fn login(
    key: &LegacyKey,
    transport: &Transport,
    address: &AccountAddress,
) -> Result<SecretString, AmoError> {
    let attempt = Attempt::new("POST", format!("{LOGIN_PATH}?type=json"));
    let mut url = address.url(LOGIN_PATH);
    url.query_pairs_mut().append_pair("type", "json");
    let form = [
        ("USER_LOGIN", key.login.as_str()),
        ("USER_HASH", key.api_key.expose_secret()),
    ];

    info!(host = address.host(), "opening a legacy key session");
    let request = transport.http().post(url).form(&form);
    let response = transport
        .send_streaming(request)
        .await
        .map_err(|e| network(&attempt, &e))?;
    let cookies: Vec<String> = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .map(|pair| pair.trim().to_owned())
        .filter(|pair| pair.contains('='))
        .collect();
    let status = response.status().as_u16();
    let reply = crate::transport::read_reply(response)
        .await
        .map_err(|e| network(&attempt, &e))?;

    let accepted = serde_json::from_slice::<Value>(&reply.body)
        .ok()
        .and_then(|body| body.pointer("/response/auth").and_then(Value::as_bool))
        .unwrap_or(false);
    if reply.status.is_success() && accepted && !cookies.is_empty() {
        return Ok(SecretString::from(cookies.join("; ")));
    }
    if reply.status.is_server_error() {
        return Err(AmoError::ServerError {
            attempt,
            status,
            detail: describe(&reply),
            attempts: 1,
        });
    }
    Err(AmoError::Unauthorized {
        attempt,
        detail: legacy_refusal(&reply.body),
    })
}

/// The reason of a refused legacy login, from its `error_code`.
fn legacy_refusal(body: &[u8]) -> String {
    let parsed = serde_json::from_slice::<Value>(body).ok();
    let code = parsed
        .as_ref()
        .and_then(|b| b.pointer("/response/error_code"))
        .map(|c| c.as_str().map_or_else(|| c.to_string(), str::to_owned));
    match code.as_deref() {
        Some("110") => "wrong login or API key (code 110)".to_owned(),
        Some("111") => {
            "amoCRM asks for a captcha; log in through the browser once (code 111)".to_owned()
        }
        Some("112") => "the user is disabled or not in this account (code 112)".to_owned(),
        Some("101") => "no account with this address (code 101)".to_owned(),
        Some(other) => format!("legacy login refused with code {other}"),
        None => "legacy login refused; the account may accept only OAuth now".to_owned(),
    }
}

/// A network failure of the login.
fn network(attempt: &Attempt, e: &reqwest::Error) -> AmoError {
    AmoError::Network {
        attempt: attempt.clone(),
        detail: e.to_string(),
        attempts: 1,
    }
}
