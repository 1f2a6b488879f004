//! [`TokenPair`] and the [`TokenStore`] the client saves every rotated pair through.
//!
//! amoCRM refresh tokens are single-use: once a refresh succeeds, the old refresh token
//! is dead and the new one in the answer is the only way back in. The client therefore
//! saves each new pair through the store and only then sends the new access token (see
//! the crate docs, "Token rotation").

use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

/// An OAuth access token, the refresh token issued with it, and when the access token
/// expires.
#[derive(Debug, Clone)]
pub struct TokenPair {
    /// The bearer token sent with API calls.
    pub access_token: SecretString,
    /// The single-use token that buys the next pair.
    pub refresh_token: SecretString,
    /// When the access token stops working (issue time + `expires_in`).
    pub expires_at: DateTime<Utc>,
}

impl TokenPair {
    /// Whether both pairs hold the same refresh token (the same link of the chain).
    pub fn same_refresh_token(&self, other: &TokenPair) -> bool {
        self.refresh_token.expose_secret() == other.refresh_token.expose_secret()
    }
}

/// Where the tokens of one account live between requests and between process restarts.
///
/// `save` must be durable when it returns `Ok` (a committed row, a synced file): the
/// client sends the new access token only after `save` returned, so a stored pair is
/// never older than a token amoCRM has seen in use.
#[async_trait]
pub trait TokenStore: Send + Sync + std::fmt::Debug {
    /// The last saved pair, or `None` when the account was never connected.
    ///
    /// # Errors
    /// A description of the storage failure.
    async fn load(&self) -> Result<Option<TokenPair>, String>;

    /// Replaces the saved pair with `pair`.
    ///
    /// # Errors
    /// A description of the storage failure; the client then does not use `pair`.
    async fn save(&self, pair: &TokenPair) -> Result<(), String>;
}

/// A store kept in memory: for tests and one-shot tools. It loses the tokens when the
/// process ends.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    pair: Mutex<Option<TokenPair>>,
}

impl MemoryTokenStore {
    /// A store that already holds `pair`.
    pub fn with_pair(pair: TokenPair) -> Self {
        Self {
            pair: Mutex::new(Some(pair)),
        }
    }

    /// What the store holds now.
    pub fn current(&self) -> Option<TokenPair> {
        self.pair
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

#[async_trait]
impl TokenStore for MemoryTokenStore {
    async fn load(&self) -> Result<Option<TokenPair>, String> {
        Ok(self.current())
    }

    async fn save(&self, pair: &TokenPair) -> Result<(), String> {
        let mut slot = self
            .pair
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *slot = Some(pair.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_both_tokens() {
        let pair = TokenPair {
            access_token: SecretString::from("access-very-secret"),
            refresh_token: SecretString::from("refresh-very-secret"),
            expires_at: Utc::now(),
        };

        let printed = format!("{pair:?}");

        assert!(!printed.contains("very-secret"), "{printed}");
    }
}
