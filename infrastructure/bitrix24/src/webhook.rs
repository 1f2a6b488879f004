//! Incoming-webhook access: `https://portal/rest/<user_id>/<code>/<method>`.
//!
//! The secret code sits in the URL path, so the URL itself is a secret: it is kept as a
//! [`SecretString`] and never appears in `Debug` output, logs or errors. Only the portal's
//! origin (scheme, host, port) and the user id are shown.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::{B24Error, B24Result};

/// An incoming webhook of one portal.
#[derive(Clone)]
pub struct Webhook {
    origin: Url,
    user_id: u64,
    code: SecretString,
}

impl Webhook {
    /// Parses a webhook URL such as `https://example.bitrix24.ru/rest/1/abcdef123/`.
    ///
    /// Any scheme, host and port are accepted (tests use `http://127.0.0.1:port`); the path
    /// must end in `rest/<user_id>/<code>/` (the trailing slash is optional).
    ///
    /// # Errors
    /// [`B24Error::InvalidRequest`] when the URL does not have that shape; the message never
    /// repeats the code.
    pub fn parse(webhook_url: &str) -> B24Result<Self> {
        let invalid = |detail: &str| B24Error::InvalidRequest {
            method: "webhook".to_owned(),
            detail: detail.to_owned(),
        };

        let url = Url::parse(webhook_url.trim()).map_err(|_| invalid("not a valid URL"))?;
        let segments: Vec<&str> = url
            .path_segments()
            .map(|parts| parts.filter(|part| !part.is_empty()).collect())
            .unwrap_or_default();

        let [.., rest, user, code] = segments.as_slice() else {
            return Err(invalid("path must end in rest/<user_id>/<code>/"));
        };
        if *rest != "rest" || code.is_empty() {
            return Err(invalid("path must end in rest/<user_id>/<code>/"));
        }
        let user_id = user
            .parse()
            .map_err(|_| invalid("the user id is not a number"))?;

        let mut origin = url.clone();
        origin.set_path("/");
        origin.set_query(None);
        origin.set_fragment(None);

        Ok(Self {
            origin,
            user_id,
            code: SecretString::from((*code).to_owned()),
        })
    }

    /// The portal's origin (`scheme://host:port/`), safe to show.
    pub fn origin(&self) -> &Url {
        &self.origin
    }

    /// The user the webhook acts as.
    pub fn user_id(&self) -> u64 {
        self.user_id
    }

    /// The full URL of `method` (contains the secret code: never log it).
    pub(crate) fn method_url(&self, method: &str) -> B24Result<Url> {
        let path = format!(
            "rest/{}/{}/{}",
            self.user_id,
            self.code.expose_secret(),
            method
        );
        self.origin
            .join(&path)
            .map_err(|_| B24Error::InvalidRequest {
                method: method.to_owned(),
                detail: "the method name does not form a valid URL".to_owned(),
            })
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("origin", &self.origin.as_str())
            .field("user_id", &self.user_id)
            .field("code", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_url_yields_origin_user_and_method_urls() {
        let hook = Webhook::parse("http://127.0.0.1:8080/rest/7/s3cr3tcode/").unwrap();

        assert_eq!(hook.origin().as_str(), "http://127.0.0.1:8080/");
        assert_eq!(hook.user_id(), 7);
        assert_eq!(
            hook.method_url("crm.deal.add").unwrap().as_str(),
            "http://127.0.0.1:8080/rest/7/s3cr3tcode/crm.deal.add"
        );
    }

    #[test]
    fn debug_output_hides_the_code() {
        let hook = Webhook::parse("https://example.bitrix24.ru/rest/1/s3cr3tcode").unwrap();

        assert!(!format!("{hook:?}").contains("s3cr3tcode"));
    }

    #[test]
    fn malformed_webhook_urls_are_refused_without_echoing_them() {
        let error = Webhook::parse("https://example.bitrix24.ru/api/s3cr3tcode/").unwrap_err();

        assert!(!error.to_string().contains("s3cr3tcode"));
        assert!(Webhook::parse("https://example.bitrix24.ru/rest/x/s3cr3t/").is_err());
    }
}
