//! Reading the `exp` and `api_domain` claims of an amoCRM access token (a JWT), without
//! verifying it.
//!
//! amoCRM publishes no key to verify its tokens, and the client has no need to: it only
//! wants to know, before the first call, whether a pasted long-lived token has already
//! expired, so that the user hears it at once and in plain words.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

/// When `token` expires, if it is a JWT with a numeric `exp` claim.
pub fn token_expiry(token: &SecretString) -> Option<DateTime<Utc>> {
    let exp = claims(token)?.get("exp")?.as_i64()?;
    DateTime::from_timestamp(exp, 0)
}

/// The shared API host the token names (`api_domain`, e.g. `api-b.amocrm.ru`), used
/// for account-domain discovery.
pub fn api_domain(token: &SecretString) -> Option<String> {
    let domain = claims(token)?.get("api_domain")?.as_str()?.to_owned();
    Some(domain)
}

/// The decoded claims of a JWT, without verifying its signature.
fn claims(token: &SecretString) -> Option<serde_json::Value> {
    let claims = token.expose_secret().split('.').nth(1)?;
    let json = URL_SAFE_NO_PAD.decode(claims.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&json).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_with(claims: &str) -> SecretString {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"RS256"}"#);
        let body = URL_SAFE_NO_PAD.encode(claims.as_bytes());
        SecretString::from(format!("{header}.{body}.signature"))
    }

    #[test]
    fn the_expiry_is_read_from_the_claims() {
        let token = token_with(r#"{"exp": 1900000000, "account_id": 1}"#);

        let expiry = token_expiry(&token).expect("an expiry");

        assert_eq!(expiry.timestamp(), 1_900_000_000);
        assert_eq!(api_domain(&token), None);
        let with_domain = token_with(r#"{"api_domain": "api-b.amocrm.ru"}"#);
        assert_eq!(api_domain(&with_domain).as_deref(), Some("api-b.amocrm.ru"));
    }

    #[test]
    fn opaque_tokens_have_no_known_expiry() {
        assert_eq!(token_expiry(&SecretString::from("opaque".to_owned())), None);
        assert_eq!(token_expiry(&token_with(r#"{"sub": "5"}"#)), None);
    }
}
