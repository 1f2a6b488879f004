//! Account-domain discovery: where the account lives now, after a possible rename of its
//! subdomain (`GET https://{api_domain}/oauth2/account/current/subdomain`).
//!
//! The endpoint sits on the shared API host named in the access token's `api_domain`
//! claim and is authorised by the refresh token in an `X-Refresh-Token` header (it is
//! meant to work when the account host no longer does). The client does not switch
//! hosts by itself: a renamed account is a change the user should see, so the caller
//! decides whether to reconnect with [`AccountDomain::domain`].

use serde::Deserialize;
use tracing::info;
use url::Url;

use crate::address::Platform;
use crate::auth::jwt::api_domain;
use crate::client::AmoClient;
use crate::error::{AmoError, Attempt};
use crate::lenient;
use crate::problem::describe;
use crate::request::parse_json;

/// Path of the discovery endpoint.
const DISCOVERY_PATH: &str = "/oauth2/account/current/subdomain";

/// Where an account lives.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AccountDomain {
    /// Account id.
    #[serde(deserialize_with = "lenient::i64_or_zero")]
    pub id: i64,
    /// Current subdomain.
    pub subdomain: String,
    /// Current host, e.g. `company.amocrm.ru`.
    pub domain: String,
    /// `ru` (amoCRM) or `com` (Kommo).
    pub top_level_domain: String,
}

impl AmoClient {
    /// Asks amoCRM where this OAuth-connected account lives now.
    ///
    /// # Errors
    /// [`AmoError::ReauthorizationRequired`] for clients without a refresh token or when
    /// amoCRM refuses it, and the usual transport errors.
    pub async fn account_domain(&self) -> Result<AccountDomain, AmoError> {
        let attempt = Attempt::new("GET", DISCOVERY_PATH);
        let pair = self
            .conn
            .auth
            .current_pair()
            .await?
            .ok_or_else(|| no_refresh_token(&attempt))?;
        let url = self.discovery_url(&pair.access_token);

        info!(
            host = url.host_str().unwrap_or_default(),
            "discovering the account domain"
        );
        let request = self.conn.transport.http().get(url).header(
            "X-Refresh-Token",
            secrecy::ExposeSecret::expose_secret(&pair.refresh_token),
        );
        let reply = self
            .conn
            .transport
            .send(request)
            .await
            .map_err(|e| AmoError::Network {
                attempt: attempt.clone(),
                detail: e.without_url().to_string(),
                attempts: 1,
            })?;

        let status = reply.status.as_u16();
        match status {
            200 => parse_json(&attempt, &reply, "the account domain"),
            401 => Err(AmoError::ReauthorizationRequired {
                attempt,
                status,
                hint: describe(&reply),
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

    /// The discovery URL: on the token's API host for real accounts, on the configured
    /// base URL for simulators and demos.
    fn discovery_url(&self, access_token: &secrecy::SecretString) -> Url {
        let address = &self.conn.address;
        let api_host = api_domain(access_token)
            .filter(|_| address.platform() != Platform::Custom)
            .and_then(|host| Url::parse(&format!("https://{host}/")).ok());

        let mut url = api_host.unwrap_or_else(|| address.base_url().clone());
        url.set_path(DISCOVERY_PATH);
        url
    }
}

/// The error for a client that has no refresh token to present.
fn no_refresh_token(attempt: &Attempt) -> AmoError {
    AmoError::ReauthorizationRequired {
        attempt: attempt.clone(),
        status: 0,
        hint: "only OAuth connections can discover their account domain".to_owned(),
    }
}
