//! OAuth access for a Market or local application: short-lived access tokens and
//! single-use, rotating refresh tokens.
//!
//! # Rotation safety
//!
//! Each refresh consumes the refresh token and returns a new pair; the old refresh token (and
//! the access token issued with it) stop working. Losing the new pair means the portal's
//! administrator must reopen or reinstall the app. So:
//!
//! 1. only one refresh runs at a time per session (a mutex), and a caller whose failed token
//!    was already replaced by another caller's refresh simply retries with the new one;
//! 2. the new pair is written to the [`TokenStore`] *before* it is used for any call; if the
//!    store fails, the pair stays in memory marked unsaved and every later call tries to save
//!    it again first, so nothing is ever sent with a pair a crash could lose;
//! 3. a refresh happens only when the portal answers `expired_token` (as Bitrix24 asks), not on
//!    a schedule.
//!
//! What cannot be protected: if the auth server rotates the pair but its answer never reaches
//! us (network cut mid-answer), the new pair is gone and re-authorisation is needed.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::sync::Mutex;
use url::Url;

use crate::classify::classify_refusal;
use crate::clock::Clock;
use crate::envelope::{json_failure, parse_error};
use crate::error::{B24Error, B24Result, PortalAnswer};

/// The method name used in errors about token refreshes.
const REFRESH: &str = "oauth token refresh";

/// One access/refresh token pair and where to use it.
#[derive(Clone)]
pub struct TokenPair {
    /// The access token (1 hour).
    pub access_token: SecretString,
    /// The single-use refresh token.
    pub refresh_token: SecretString,
    /// When the access token expires, as computed from `expires_in`.
    pub expires_at: DateTime<Utc>,
    /// The portal's REST endpoint, e.g. `https://example.bitrix24.ru/rest/`.
    pub client_endpoint: Url,
    /// The portal's stable identifier.
    pub member_id: String,
}

impl TokenPair {
    /// The pair an install hands over (`AUTH_ID`, `REFRESH_ID`, `AUTH_EXPIRES` seconds, the
    /// portal's REST endpoint, `member_id`), expiring `expires_in` seconds after `now`.
    pub fn issued(
        access_token: SecretString,
        refresh_token: SecretString,
        expires_in: i64,
        now: DateTime<Utc>,
        client_endpoint: Url,
        member_id: impl Into<String>,
    ) -> Self {
        Self {
            access_token,
            refresh_token,
            expires_at: now + chrono::Duration::seconds(expires_in),
            client_endpoint,
            member_id: member_id.into(),
        }
    }
}

impl fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenPair")
            .field("access_token", &"[redacted]")
            .field("refresh_token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .field("client_endpoint", &self.client_endpoint.as_str())
            .field("member_id", &self.member_id)
            .finish()
    }
}

/// Durable storage of a portal's current token pair.
///
/// `save` must be durable when it returns `Ok`: the client uses the pair right after.
/// Implementations report failures as [`B24Error::TokenStore`] without token values.
pub trait TokenStore: Send + Sync {
    /// Loads the current pair, if one was saved.
    fn load(&self) -> BoxFuture<'_, B24Result<Option<TokenPair>>>;

    /// Saves a new pair, replacing the previous one.
    fn save<'a>(&'a self, pair: &'a TokenPair) -> BoxFuture<'a, B24Result<()>>;
}

/// A [`TokenStore`] in memory, for tests and one-shot tools.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    pair: std::sync::Mutex<Option<TokenPair>>,
}

impl MemoryTokenStore {
    /// A store holding `pair`.
    pub fn with(pair: TokenPair) -> Self {
        Self {
            pair: std::sync::Mutex::new(Some(pair)),
        }
    }

    /// The pair currently stored.
    pub fn current(&self) -> Option<TokenPair> {
        self.pair
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> BoxFuture<'_, B24Result<Option<TokenPair>>> {
        Box::pin(async move { Ok(self.current()) })
    }

    fn save<'a>(&'a self, pair: &'a TokenPair) -> BoxFuture<'a, B24Result<()>> {
        Box::pin(async move {
            let mut slot = self
                .pair
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *slot = Some(pair.clone());
            Ok(())
        })
    }
}

/// The application's OAuth identity and its auth server.
#[derive(Clone)]
pub struct OAuthApp {
    /// `app.xxxx.yyyy` or `local.xxxx.yyyy`.
    pub client_id: String,
    /// The application's secret.
    pub client_secret: SecretString,
    /// The auth server, `https://oauth.bitrix.info/` by default (RU portals may use
    /// `https://oauth.bitrix24.tech/`); tests point it at a simulator.
    pub auth_server: Url,
}

/// The auth servers Bitrix24 documents: EN docs use `oauth.bitrix.info`, RU docs and the
/// official Python SDK `oauth.bitrix24.tech`.
pub const KNOWN_AUTH_HOSTS: [&str; 2] = ["oauth.bitrix.info", "oauth.bitrix24.tech"];

impl OAuthApp {
    /// An application using the default auth server `https://oauth.bitrix.info/`.
    ///
    /// # Errors
    /// Never in practice; the default URL is constant.
    pub fn new(client_id: impl Into<String>, client_secret: SecretString) -> B24Result<Self> {
        let auth_server =
            Url::parse("https://oauth.bitrix.info/").map_err(|_| B24Error::InvalidRequest {
                method: REFRESH.to_owned(),
                detail: "the default auth server URL does not parse".to_owned(),
            })?;
        Ok(Self {
            client_id: client_id.into(),
            client_secret,
            auth_server,
        })
    }

    /// The auth server named by a portal's `SERVER_ENDPOINT` / `server_endpoint`
    /// (`https://oauth.bitrix.info/rest/`), accepted only if it is `https` and one of
    /// [`KNOWN_AUTH_HOSTS`], so that a forged install request cannot send our client secret
    /// and refresh tokens elsewhere.
    pub fn auth_server_from_endpoint(server_endpoint: &str) -> Option<Url> {
        let url = Url::parse(server_endpoint.trim()).ok()?;
        let known = url
            .host_str()
            .is_some_and(|host| KNOWN_AUTH_HOSTS.contains(&host));
        if url.scheme() != "https" || !known {
            return None;
        }

        let mut base = url;
        base.set_path("/");
        base.set_query(None);
        Some(base)
    }
}

impl fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthApp")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("auth_server", &self.auth_server.as_str())
            .finish()
    }
}

/// The auth server's answer to a refresh.
#[derive(Deserialize)]
struct RefreshAnswer {
    access_token: String,
    refresh_token: String,
    #[serde(default, deserialize_with = "crate::lenient::opt_id")]
    expires_in: Option<u64>,
    #[serde(default)]
    client_endpoint: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    member_id: Option<String>,
}

/// The credentials to put on one call.
pub(crate) struct Credentials {
    pub(crate) endpoint: Url,
    pub(crate) access_token: SecretString,
    /// Which pair these came from, so that a refresh triggered by a stale pair is skipped.
    pub(crate) generation: u64,
}

struct SessionState {
    pair: TokenPair,
    generation: u64,
    unsaved: bool,
}

/// The OAuth side of one portal: the current pair, its store, and the refresh procedure.
pub struct OAuthSession {
    app: OAuthApp,
    store: Arc<dyn TokenStore>,
    state: Mutex<SessionState>,
}

impl fmt::Debug for OAuthSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthSession")
            .field("app", &self.app)
            .finish()
    }
}

impl OAuthSession {
    /// Starts a session from the pair in `store`.
    ///
    /// # Errors
    /// [`B24Error::TokenStore`] if loading fails, [`B24Error::ReauthorizationRequired`] if the
    /// store holds no pair.
    pub async fn open(app: OAuthApp, store: Arc<dyn TokenStore>) -> B24Result<Self> {
        let Some(pair) = store.load().await? else {
            return Err(B24Error::ReauthorizationRequired {
                method: REFRESH.to_owned(),
                answer: PortalAnswer::new("NO_TOKENS", "the token store holds no token pair"),
            });
        };

        Ok(Self {
            app,
            store,
            state: Mutex::new(SessionState {
                pair,
                generation: 0,
                unsaved: false,
            }),
        })
    }

    /// The portal's REST endpoint currently in use.
    pub async fn client_endpoint(&self) -> Url {
        self.state.lock().await.pair.client_endpoint.clone()
    }

    /// The credentials for the next call; saves a pending pair first.
    pub(crate) async fn credentials(&self) -> B24Result<Credentials> {
        let mut state = self.state.lock().await;
        if state.unsaved {
            self.store.save(&state.pair).await?;
            state.unsaved = false;
        }

        Ok(Credentials {
            endpoint: state.pair.client_endpoint.clone(),
            access_token: state.pair.access_token.clone(),
            generation: state.generation,
        })
    }

    /// Replaces the pair of `generation` with a fresh one from the auth server, unless another
    /// caller already did. The new pair is saved before this returns `Ok`.
    pub(crate) async fn refresh(
        &self,
        http: &reqwest::Client,
        clock: &dyn Clock,
        generation: u64,
    ) -> B24Result<()> {
        let mut state = self.state.lock().await;
        if state.generation != generation {
            return Ok(());
        }

        let fresh = self.request_new_pair(http, clock, &state.pair).await?;
        state.pair = fresh;
        state.generation += 1;
        state.unsaved = true;
        tracing::info!(member_id = %state.pair.member_id, "oauth tokens rotated");

        // If this save fails the pair stays pending: `credentials` saves it before any use.
        self.store.save(&state.pair).await?;
        state.unsaved = false;
        Ok(())
    }

    async fn request_new_pair(
        &self,
        http: &reqwest::Client,
        clock: &dyn Clock,
        current: &TokenPair,
    ) -> B24Result<TokenPair> {
        let mut url =
            self.app
                .auth_server
                .join("oauth/token/")
                .map_err(|_| B24Error::InvalidRequest {
                    method: REFRESH.to_owned(),
                    detail: "the auth server URL cannot be joined with oauth/token/".to_owned(),
                })?;
        url.query_pairs_mut()
            .append_pair("grant_type", "refresh_token")
            .append_pair("client_id", &self.app.client_id)
            .append_pair("client_secret", self.app.client_secret.expose_secret())
            .append_pair("refresh_token", current.refresh_token.expose_secret());

        let response = http
            .get(url)
            .send()
            .await
            .map_err(|error| B24Error::Unavailable {
                method: REFRESH.to_owned(),
                detail: error.without_url().to_string(),
                attempts: 1,
            })?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|error| B24Error::Unavailable {
                method: REFRESH.to_owned(),
                detail: error.without_url().to_string(),
                attempts: 1,
            })?;

        if status.is_server_error() {
            return Err(B24Error::Unavailable {
                method: REFRESH.to_owned(),
                detail: format!("the auth server answered HTTP {status}"),
                attempts: 1,
            });
        }
        if let Some(answer) = parse_error(&body) {
            return Err(classify_refusal(REFRESH, status.as_u16(), answer));
        }
        if !status.is_success() {
            let answer = PortalAnswer::new("", format!("HTTP {status}"));
            return Err(classify_refusal(REFRESH, status.as_u16(), answer));
        }

        let answer: RefreshAnswer =
            serde_json::from_slice(&body).map_err(|error| B24Error::UnexpectedAnswer {
                method: REFRESH.to_owned(),
                detail: format!("token answer not understood: {}", json_failure(&error)),
            })?;

        let lifetime = answer.expires_in.unwrap_or(3600);
        let client_endpoint = answer
            .client_endpoint
            .and_then(|endpoint| Url::parse(&endpoint).ok())
            .unwrap_or_else(|| current.client_endpoint.clone());

        Ok(TokenPair {
            access_token: SecretString::from(answer.access_token),
            refresh_token: SecretString::from(answer.refresh_token),
            expires_at: clock.now() + chrono::Duration::seconds(lifetime as i64),
            client_endpoint,
            member_id: answer
                .member_id
                .unwrap_or_else(|| current.member_id.clone()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_https_auth_servers_are_accepted_from_an_install() {
        let bitrix = OAuthApp::auth_server_from_endpoint("https://oauth.bitrix.info/rest/");
        let russian = OAuthApp::auth_server_from_endpoint("https://oauth.bitrix24.tech/rest/");

        assert_eq!(bitrix.unwrap().as_str(), "https://oauth.bitrix.info/");
        assert_eq!(russian.unwrap().as_str(), "https://oauth.bitrix24.tech/");
        assert!(OAuthApp::auth_server_from_endpoint("https://evil.example/rest/").is_none());
        assert!(OAuthApp::auth_server_from_endpoint("http://oauth.bitrix.info/rest/").is_none());
    }

    #[test]
    fn debug_output_of_credentials_hides_every_secret() {
        let app = OAuthApp::new("app.1.2", SecretString::from("shh-secret")).unwrap();
        let pair = TokenPair::issued(
            SecretString::from("access-value"),
            SecretString::from("refresh-value"),
            3600,
            Utc::now(),
            Url::parse("https://example.bitrix24.ru/rest/").unwrap(),
            "member",
        );

        let shown = format!("{app:?} {pair:?}");

        for secret in ["shh-secret", "access-value", "refresh-value"] {
            assert!(!shown.contains(secret), "{secret} leaked");
        }
    }
}
