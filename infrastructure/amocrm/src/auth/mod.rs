//! Authorisation: OAuth 2.0 (code exchange, refresh with rotation), long-lived tokens,
//! and the conversion of a legacy API key into an OAuth code.
//!
//! - [`tokens`]: the token pair and the store it is saved through;
//! - `oauth`: the token endpoint (`POST /oauth2/access_token`) and its error hints;
//! - `session`: the per-client authenticator that refreshes before expiry and on 401;
//! - [`api_key`]: `POST /oauth2/exchange_api_key` for accounts connected by key (A4);
//! - [`jwt`]: the expiry claim of a pasted long-lived token;
//! - `legacy`: the old key session (`/private/api/auth.php`), also for A4.

pub mod api_key;
pub mod jwt;
pub(crate) mod legacy;
pub(crate) mod oauth;
pub(crate) mod session;
pub mod tokens;

use secrecy::SecretString;

/// The integration registered in amoCRM: its id, secret key and redirect address.
#[derive(Debug, Clone)]
pub struct OAuthApp {
    /// Integration id (a UUID), sent as `client_id`.
    pub client_id: String,
    /// Secret key, sent as `client_secret`; never logged.
    pub client_secret: SecretString,
    /// The redirect address the integration was created with; must match exactly.
    pub redirect_uri: String,
}
