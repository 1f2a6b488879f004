//! [`AccountAddress`]: which amoCRM (or Kommo) account the client talks to, and where.
//!
//! Users type addresses in many ways (`company`, `company.amocrm.ru`,
//! `https://company.kommo.com/leads/`). Production accounts live on `*.amocrm.ru`
//! (amoCRM, Russia/CIS), `*.kommo.com` (Kommo, global) and the deprecated alias
//! `*.amocrm.com`; tests and demos point at a simulator on any scheme, host and port.

use url::Url;

use crate::error::AmoError;

/// Which of the two products an account belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// amoCRM, `*.amocrm.ru`.
    AmoCrm,
    /// Kommo, `*.kommo.com`, and the old `*.amocrm.com` alias.
    Kommo,
    /// Any other base URL (a simulator in tests or a demo).
    Custom,
}

/// The base URL of one account's API host, e.g. `https://company.amocrm.ru/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountAddress {
    base: Url,
    platform: Platform,
}

/// Production host suffixes and the platform each one means.
const KNOWN_SUFFIXES: [(&str, Platform); 3] = [
    (".amocrm.ru", Platform::AmoCrm),
    (".amocrm.com", Platform::Kommo),
    (".kommo.com", Platform::Kommo),
];

impl AccountAddress {
    /// Parses what a user typed into the connection form.
    ///
    /// Accepts an address with or without `https://`, with any path after it. The host
    /// must be `{subdomain}.amocrm.ru`, `{subdomain}.amocrm.com` or `{subdomain}.kommo.com`,
    /// and the subdomain must not be `www` (the API lives on the account's own host).
    ///
    /// # Errors
    /// [`AmoError::InvalidAddress`] naming what is wrong.
    pub fn parse(input: &str) -> Result<Self, AmoError> {
        let trimmed = input.trim();
        let invalid = |reason: &str| AmoError::InvalidAddress {
            input: trimmed.to_owned(),
            reason: reason.to_owned(),
        };

        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let url = Url::parse(&with_scheme).map_err(|e| invalid(&e.to_string()))?;
        if url.scheme() != "https" {
            return Err(invalid("amoCRM accepts only https"));
        }

        let host = url
            .host_str()
            .ok_or_else(|| invalid("there is no host name"))?
            .to_ascii_lowercase();
        let (suffix, platform) = KNOWN_SUFFIXES
            .iter()
            .find(|(suffix, _)| host.ends_with(suffix))
            .ok_or_else(|| invalid("expected company.amocrm.ru, .amocrm.com or .kommo.com"))?;
        let subdomain = &host[..host.len() - suffix.len()];
        if subdomain.is_empty() || subdomain.contains('.') {
            return Err(invalid("expected exactly one subdomain before the domain"));
        }
        if subdomain == "www" {
            return Err(invalid("use the account's own address, not www"));
        }

        let base = Url::parse(&format!("https://{host}/")).map_err(|e| invalid(&e.to_string()))?;
        Ok(Self {
            base,
            platform: *platform,
        })
    }

    /// Any base URL, used as is (scheme, host, port; the path is dropped). For tests and
    /// demos that point the client at a simulator.
    ///
    /// # Errors
    /// [`AmoError::InvalidAddress`] when the URL cannot carry a host.
    pub fn from_base_url(base: &str) -> Result<Self, AmoError> {
        let mut url = Url::parse(base).map_err(|e| AmoError::InvalidAddress {
            input: base.to_owned(),
            reason: e.to_string(),
        })?;
        if url.cannot_be_a_base() || url.host_str().is_none() {
            return Err(AmoError::InvalidAddress {
                input: base.to_owned(),
                reason: "a base URL needs a scheme and a host".to_owned(),
            });
        }

        url.set_path("/");
        url.set_query(None);
        url.set_fragment(None);
        Ok(Self {
            base: url,
            platform: Platform::Custom,
        })
    }

    /// The platform the host belongs to.
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// The host name, e.g. `company.amocrm.ru`; used to label spans and limiter buckets.
    pub fn host(&self) -> &str {
        self.base.host_str().unwrap_or_default()
    }

    /// The base URL, ending in `/`.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The absolute URL of `path` (which starts with `/`) on this account's host.
    pub(crate) fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        url.set_path(path);
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_three_production_domains_in_the_ways_users_type_them() {
        let ru = AccountAddress::parse(" Company.amocrm.ru ").expect("ru");
        assert_eq!(ru.base_url().as_str(), "https://company.amocrm.ru/");
        assert_eq!(ru.platform(), Platform::AmoCrm);

        let com = AccountAddress::parse("https://company.amocrm.com/leads/list").expect("com");
        assert_eq!(com.base_url().as_str(), "https://company.amocrm.com/");
        assert_eq!(com.platform(), Platform::Kommo);

        let kommo = AccountAddress::parse("company.kommo.com").expect("kommo");
        assert_eq!(kommo.host(), "company.kommo.com");
        assert_eq!(kommo.platform(), Platform::Kommo);
    }

    #[test]
    fn refuses_foreign_hosts_www_plain_http_and_nested_subdomains() {
        for bad in [
            "company.bitrix24.ru",
            "www.amocrm.ru",
            "http://company.amocrm.ru",
            "a.b.amocrm.ru",
            "amocrm.ru",
        ] {
            let err = AccountAddress::parse(bad).expect_err(bad);
            assert!(matches!(err, AmoError::InvalidAddress { .. }), "{bad}");
        }
    }

    #[test]
    fn any_base_url_keeps_scheme_host_and_port() {
        let address = AccountAddress::from_base_url("http://127.0.0.1:8123/x?y=1").expect("url");
        assert_eq!(address.base_url().as_str(), "http://127.0.0.1:8123/");
        assert_eq!(
            address.url("/api/v4/leads").as_str(),
            "http://127.0.0.1:8123/api/v4/leads"
        );
    }
}
