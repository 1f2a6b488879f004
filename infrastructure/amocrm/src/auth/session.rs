//! [`Authenticator`]: hands out the bearer token for each request, refreshing it before
//! it expires and after a 401, and saving every rotated pair before it is used.
//!
//! Refreshes are serialised by one async mutex per client: two tasks that meet an expired
//! token at once produce one refresh, not two (the second would present a refresh token
//! the first has just burnt, and amoCRM would answer "Token has been revoked").

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;
use tracing::{info, warn};

use crate::address::AccountAddress;
use crate::auth::OAuthApp;
use crate::auth::legacy::LegacySession;
use crate::auth::oauth::{Grant, TOKEN_PATH, request_tokens};
use crate::auth::tokens::{TokenPair, TokenStore};
use crate::clock::Clock;
use crate::config::RetryPolicy;
use crate::error::{AmoError, Attempt};
use crate::transport::Transport;

/// How requests of one client are authorised.
#[derive(Debug)]
pub(crate) enum Authenticator {
    /// OAuth with a refresh chain.
    OAuth(Box<OAuthSession>),
    /// A long-lived token pasted by the user: never refreshed; a 401 is final.
    LongLived(SecretString),
    /// A legacy login + API key session, re-opened once after a 401.
    Legacy(Box<LegacySession>),
}

/// What authorises one request.
#[derive(Debug, Clone)]
pub(crate) enum Credential {
    /// `Authorization: Bearer ...`.
    Bearer(SecretString),
    /// `Cookie: ...` of a legacy session.
    Cookie(SecretString),
}

impl Credential {
    /// Adds the credential to `request`.
    pub(crate) fn apply(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Self::Bearer(token) => request.bearer_auth(token.expose_secret()),
            Self::Cookie(cookie) => request.header(reqwest::header::COOKIE, cookie.expose_secret()),
        }
    }
}

/// The state of an OAuth connection.
#[derive(Debug)]
pub(crate) struct OAuthSession {
    app: OAuthApp,
    store: Arc<dyn TokenStore>,
    clock: Arc<dyn Clock>,
    margin: chrono::Duration,
    retry: RetryPolicy,
    state: Mutex<SessionState>,
}

/// What the session holds between requests.
#[derive(Debug, Default)]
struct SessionState {
    /// The pair in use (loaded from the store or just rotated).
    current: Option<TokenPair>,
    /// Set when a rotated pair could not be saved: it must be saved before any use.
    unsaved: bool,
}

impl OAuthSession {
    /// A session over the pairs in `store`.
    pub(crate) fn new(
        app: OAuthApp,
        store: Arc<dyn TokenStore>,
        clock: Arc<dyn Clock>,
        margin: std::time::Duration,
        retry: RetryPolicy,
    ) -> Self {
        Self {
            app,
            store,
            clock,
            margin: chrono::Duration::from_std(margin).unwrap_or(chrono::Duration::minutes(5)),
            retry,
            state: Mutex::new(SessionState::default()),
        }
    }

    /// The session's integration.
    pub(crate) fn app(&self) -> &OAuthApp {
        &self.app
    }
}

impl Authenticator {
    /// The credential to send now: an access token refreshed first if it is about to
    /// expire, a long-lived token, or a legacy session cookie.
    pub(crate) async fn credential(
        &self,
        transport: &Transport,
        address: &AccountAddress,
    ) -> Result<Credential, AmoError> {
        let session = match self {
            Self::LongLived(token) => return Ok(Credential::Bearer(token.clone())),
            Self::Legacy(legacy) => {
                return legacy
                    .cookie(transport, address)
                    .await
                    .map(Credential::Cookie);
            }
            Self::OAuth(session) => session,
        };
        let mut state = session.state.lock().await;

        if state.current.is_none() {
            state.current = load(session).await?;
        }
        if state.unsaved {
            save(session, &mut state).await?;
        }

        let expires_at = match &state.current {
            Some(pair) => pair.expires_at,
            None => return Err(never_connected()),
        };
        if expires_at - session.margin <= session.clock.now() {
            info!(
                host = address.host(),
                "access token expires soon, refreshing"
            );
            refresh(session, &mut state, transport, address).await?;
        }

        current_access(&state).map(Credential::Bearer)
    }

    /// The current OAuth pair (loaded from the store if needed); `None` for long-lived
    /// tokens and legacy sessions, which have no refresh token.
    pub(crate) async fn current_pair(&self) -> Result<Option<TokenPair>, AmoError> {
        let Self::OAuth(session) = self else {
            return Ok(None);
        };
        let mut state = session.state.lock().await;

        if state.current.is_none() {
            state.current = load(session).await?;
        }
        Ok(state.current.clone())
    }

    /// Called after a 401 on a request sent with `used`. Returns whether a retry with a
    /// new credential makes sense (false for long-lived tokens).
    pub(crate) async fn recover_from_unauthorized(
        &self,
        used: &Credential,
        transport: &Transport,
        address: &AccountAddress,
    ) -> Result<bool, AmoError> {
        let (session, used) = match (self, used) {
            (Self::OAuth(session), Credential::Bearer(used)) => (session, used),
            (Self::Legacy(legacy), Credential::Cookie(used)) => {
                legacy.forget(used).await;
                return Ok(true);
            }
            _ => return Ok(false),
        };
        let mut state = session.state.lock().await;

        // Another task may have refreshed while this request was in flight.
        let still_current = state
            .current
            .as_ref()
            .is_some_and(|pair| pair.access_token.expose_secret() == used.expose_secret());
        if still_current {
            warn!(
                host = address.host(),
                "access token refused with 401, refreshing"
            );
            refresh(session, &mut state, transport, address).await?;
        }
        Ok(true)
    }
}

/// Rotates the pair: adopt a newer pair another process saved, or trade the refresh
/// token, then save the new pair before anybody uses it.
async fn refresh(
    session: &OAuthSession,
    state: &mut SessionState,
    transport: &Transport,
    address: &AccountAddress,
) -> Result<(), AmoError> {
    let ours = state.current.clone().ok_or_else(never_connected)?;

    // Another worker sharing the store may already have rotated the chain; its pair is
    // the only live one, and trading ours would only earn "Token has been revoked".
    if let Some(stored) = load(session).await? {
        if !stored.same_refresh_token(&ours) {
            info!(
                host = address.host(),
                "adopting tokens rotated by another worker"
            );
            let fresh = stored.expires_at - session.margin > session.clock.now();
            state.current = Some(stored);
            if fresh {
                return Ok(());
            }
        }
    }

    let refresh_token = state
        .current
        .as_ref()
        .map(|pair| pair.refresh_token.clone())
        .ok_or_else(never_connected)?;
    let mut attempt = 1;
    let pair = loop {
        let grant = Grant::Refresh(&refresh_token);
        match request_tokens(transport, address, &session.app, grant, &*session.clock).await {
            Ok(pair) => break pair,
            Err(e) if e.is_retryable() && attempt < session.retry.max_attempts => {
                warn!(
                    host = address.host(),
                    attempt, "token refresh failed, retrying"
                );
                tokio::time::sleep(session.retry.backoff(attempt)).await;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };

    state.current = Some(pair);
    state.unsaved = true;
    save(session, state).await
}

/// Saves the current pair; clears `unsaved` only when the store confirmed.
async fn save(session: &OAuthSession, state: &mut SessionState) -> Result<(), AmoError> {
    let Some(pair) = state.current.as_ref() else {
        return Ok(());
    };

    session
        .store
        .save(pair)
        .await
        .map_err(|detail| AmoError::TokenStore {
            operation: "save",
            detail,
        })?;
    state.unsaved = false;
    Ok(())
}

/// Loads the stored pair.
async fn load(session: &OAuthSession) -> Result<Option<TokenPair>, AmoError> {
    session
        .store
        .load()
        .await
        .map_err(|detail| AmoError::TokenStore {
            operation: "load",
            detail,
        })
}

/// The access token of the current pair.
fn current_access(state: &SessionState) -> Result<SecretString, AmoError> {
    state
        .current
        .as_ref()
        .map(|pair| pair.access_token.clone())
        .ok_or_else(never_connected)
}

/// The error for a store that holds no tokens at all.
fn never_connected() -> AmoError {
    AmoError::ReauthorizationRequired {
        attempt: Attempt::new("POST", TOKEN_PATH),
        status: 0,
        hint: "no saved tokens for this account".to_owned(),
    }
}
