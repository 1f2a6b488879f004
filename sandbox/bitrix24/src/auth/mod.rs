//! Who may call the portal: the incoming webhook, the OAuth application and its tokens.

pub mod install;
pub mod oauth_server;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use crate::api_error::ApiError;
use crate::rng::SeededRng;

/// The marketplace application installed (or not) on the portal.
#[derive(Debug, Clone, Serialize)]
pub struct App {
    /// `app.xxxxxxxx.yyyyyyyy`.
    pub client_id: String,
    /// The OAuth client secret (tests read it through `Control`).
    #[serde(skip)]
    pub client_secret: SecretString,
    /// Token that events carry; compared by the app to trust them.
    #[serde(skip)]
    pub application_token: SecretString,
    /// Portal id, 32 hex characters, stable across domain changes.
    pub member_id: String,
    /// Whether the app is on the portal (false after removal).
    pub present: bool,
    /// `INSTALLED` of `app.info`: false until the installer finishes.
    pub installed: bool,
    /// `STATUS` letter: F, D, T, P, L, S.
    pub status: String,
    /// Whether the app's paid period is running; false makes refresh `PAYMENT_REQUIRED`.
    pub paid: bool,
}

/// An issued access token.
#[derive(Debug, Clone)]
pub struct AccessToken {
    /// The user it acts as.
    pub user_id: u64,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// Invalidated by a later refresh.
    pub revoked: bool,
}

/// An issued refresh token; single use.
#[derive(Debug, Clone)]
pub struct RefreshToken {
    /// The user the tokens act as.
    pub user_id: u64,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// Already exchanged once.
    pub used: bool,
    /// The access token issued together with it (invalidated on refresh).
    pub access_token: String,
}

/// All credentials of the portal. Its `Debug` output shows no secret and no token.
pub struct AuthState {
    /// The application.
    pub app: App,
    /// The incoming webhook's user.
    pub webhook_user: u64,
    /// The incoming webhook's secret code.
    pub webhook_code: SecretString,
    /// Issued access tokens.
    pub access: HashMap<String, AccessToken>,
    /// Issued refresh tokens.
    pub refresh: HashMap<String, RefreshToken>,
    /// Authorization codes of the full OAuth flow: code → (user, expiry).
    pub codes: HashMap<String, (u64, DateTime<Utc>)>,
}

/// How a call authenticated.
#[derive(Debug, Clone, PartialEq)]
pub enum Caller {
    /// Through the incoming webhook, acting as this user.
    Webhook(u64),
    /// Through an application access token, acting as this user.
    App(u64),
}

impl Caller {
    /// The user the call acts as.
    pub fn user_id(&self) -> u64 {
        match self {
            Caller::Webhook(user) | Caller::App(user) => *user,
        }
    }

    /// `webhook:{user}` or `app:{user}` (for the call log and the operating budget key).
    pub fn label(&self) -> String {
        match self {
            Caller::Webhook(user) => format!("webhook:{user}"),
            Caller::App(user) => format!("app:{user}"),
        }
    }
}

impl std::fmt::Debug for AuthState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthState")
            .field("app", &self.app)
            .field("webhook_user", &self.webhook_user)
            .field("access_tokens", &self.access.len())
            .field("refresh_tokens", &self.refresh.len())
            .finish_non_exhaustive()
    }
}

impl AuthState {
    /// Fresh credentials drawn from the seeded generator.
    pub fn new(rng: &mut SeededRng) -> Self {
        let app = App {
            client_id: format!("app.{}.{}", rng.hex(14), rng.hex(8)),
            client_secret: SecretString::from(rng.hex(50)),
            application_token: SecretString::from(rng.hex(32)),
            member_id: rng.hex(32),
            present: true,
            installed: false,
            status: "P".to_string(),
            paid: true,
        };
        AuthState {
            app,
            webhook_user: 1,
            webhook_code: SecretString::from(rng.hex(16)),
            access: HashMap::new(),
            refresh: HashMap::new(),
            codes: HashMap::new(),
        }
    }

    /// Issues a new access + refresh pair for `user_id`.
    pub fn issue(
        &mut self,
        rng: &mut SeededRng,
        user_id: u64,
        now: DateTime<Utc>,
        access_life: chrono::TimeDelta,
        refresh_life: chrono::TimeDelta,
    ) -> (String, String) {
        let access_token = rng.hex(70);
        let refresh_token = rng.hex(70);
        self.access.insert(
            access_token.clone(),
            AccessToken {
                user_id,
                expires_at: now + access_life,
                revoked: false,
            },
        );
        self.refresh.insert(
            refresh_token.clone(),
            RefreshToken {
                user_id,
                expires_at: now + refresh_life,
                used: false,
                access_token: access_token.clone(),
            },
        );
        (access_token, refresh_token)
    }

    /// Checks an application access token.
    pub fn check_token(&self, token: &str, now: DateTime<Utc>) -> Result<u64, ApiError> {
        let Some(issued) = self.access.get(token) else {
            return Err(ApiError::new(
                401,
                "invalid_token",
                "Unable to get application by token",
            ));
        };
        if !self.app.present {
            return Err(ApiError::new(
                401,
                "APPLICATION_NOT_FOUND",
                "Application not found",
            ));
        }
        if issued.revoked {
            return Err(ApiError::new(
                401,
                "invalid_token",
                "Unable to get application by token",
            ));
        }
        if issued.expires_at <= now {
            return Err(ApiError::new(
                401,
                "expired_token",
                "The access token provided has expired",
            ));
        }
        Ok(issued.user_id)
    }

    /// Checks a webhook path's user and code.
    pub fn check_webhook(&self, user_id: u64, code: &str) -> Result<u64, ApiError> {
        if user_id != self.webhook_user || code != self.webhook_code.expose_secret() {
            return Err(ApiError::new(
                401,
                "NO_AUTH_FOUND",
                "Wrong authorization data",
            ));
        }
        Ok(user_id)
    }
}
