//! The client: one portal, one credential, one shaper and one operating guard, with its
//! builder and the public `call` entry points. The call loop itself is in `transport`.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::body::RequestBody;
use crate::clock::{Clock, SystemClock};
use crate::config::ClientConfig;
use crate::envelope::{Envelope, json_failure};
use crate::error::{B24Error, B24Result};
use crate::oauth::OAuthSession;
use crate::operating::OperatingGuard;
use crate::shaper::{Shaper, ShaperConfig};
use crate::webhook::Webhook;

/// How the client proves who it is.
#[derive(Debug)]
pub enum Access {
    /// An incoming webhook (the code travels in the URL path).
    Webhook(Webhook),
    /// An OAuth application session (the access token travels as `auth`).
    OAuth(Box<OAuthSession>),
}

/// A Bitrix24 REST client for one portal. Cheap to clone; clones share the shaper, the
/// operating budget and the OAuth session.
#[derive(Debug, Clone)]
pub struct B24Client {
    pub(crate) inner: Arc<Inner>,
}

/// What the clones of one client share.
#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) access: Access,
    pub(crate) config: ClientConfig,
    pub(crate) shaper: Arc<Shaper>,
    pub(crate) operating: Arc<OperatingGuard>,
    pub(crate) clock: Arc<dyn Clock>,
}

/// Builds a [`B24Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    access: Access,
    config: ClientConfig,
    clock: Arc<dyn Clock>,
    shared: Option<(Arc<Shaper>, Arc<OperatingGuard>)>,
}

impl ClientBuilder {
    /// Replaces the default settings.
    pub fn config(mut self, config: ClientConfig) -> Self {
        self.config = config;
        self
    }

    /// Replaces the system clock (tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Makes the new client obey the same shaper and operating budget as `other`.
    ///
    /// The portal's bucket counts every request from one IP to one portal, so every client
    /// talking to the same portal from this process must share one shaper; the operating
    /// budget is per application or webhook, so clients with the same credentials share it
    /// too. The settings and clock of `other`'s limits stay in force.
    pub fn share_limits_with(mut self, other: &B24Client) -> Self {
        let limits = (other.inner.shaper.clone(), other.inner.operating.clone());
        self.shared = Some(limits);
        self
    }

    /// Creates the client.
    ///
    /// # Errors
    /// [`B24Error::InvalidRequest`] if the HTTP stack cannot be set up.
    pub fn build(self) -> B24Result<B24Client> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.config.request_timeout)
            .user_agent(self.config.user_agent.clone())
            .build()
            .map_err(|error| B24Error::InvalidRequest {
                method: "client set-up".to_owned(),
                detail: error.to_string(),
            })?;

        let (shaper, operating) = self.shared.unwrap_or_else(|| {
            let shaper = Shaper::new(self.config.shaper, self.clock.clone());
            let operating = OperatingGuard::new(self.config.operating, self.clock.clone());
            (Arc::new(shaper), Arc::new(operating))
        });

        Ok(B24Client {
            inner: Arc::new(Inner {
                http,
                access: self.access,
                config: self.config,
                shaper,
                operating,
                clock: self.clock,
            }),
        })
    }
}

/// One logical call as the loop sees it.
pub(crate) struct Request<'a> {
    /// The REST method (`batch` for batches).
    pub(crate) method: &'a str,
    /// The parameters.
    pub(crate) body: RequestBody,
    /// Whether repeating the call cannot change data.
    pub(crate) read: bool,
    /// The methods whose operating budget this call spends (the sub-methods of a batch).
    pub(crate) spends: Vec<String>,
}

impl B24Client {
    /// Starts building a client for `access`.
    pub fn builder(access: Access) -> ClientBuilder {
        ClientBuilder {
            access,
            config: ClientConfig::default(),
            clock: Arc::new(SystemClock),
            shared: None,
        }
    }

    /// A client with default settings for an incoming webhook URL.
    ///
    /// # Errors
    /// [`B24Error::InvalidRequest`] if the URL is not a webhook URL.
    pub fn from_webhook_url(webhook_url: &str) -> B24Result<Self> {
        Self::builder(Access::Webhook(Webhook::parse(webhook_url)?)).build()
    }

    /// The traffic shaper (to inspect or change its limits).
    pub fn shaper(&self) -> &Shaper {
        &self.inner.shaper
    }

    /// The per-method operating budget tracker.
    pub fn operating(&self) -> &OperatingGuard {
        &self.inner.operating
    }

    /// The clock the client waits on.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// Switches the shaper to the limits of a portal plan (`app.info` `LICENSE`), unless
    /// [`ClientConfig::follow_plan`] is off.
    pub fn set_plan_license(&self, license: &str) {
        if !self.inner.config.follow_plan {
            tracing::info!(license, "the plan's request-rate limits are not applied");
            return;
        }
        let config = ShaperConfig::for_license(license);
        tracing::info!(
            license,
            capacity = config.capacity,
            "request-rate limits set by plan"
        );
        self.inner.shaper.set_config(config);
    }

    /// Calls `method` with `params` (an object, or `null` for none) and returns the envelope.
    ///
    /// Rate-limit (503) and operating-limit (429) refusals are waited out and retried; server
    /// failures and network errors are retried for reads only; an expired OAuth token is
    /// refreshed once per call.
    ///
    /// # Errors
    /// Any [`B24Error`]; see its variants.
    pub async fn call(&self, method: &str, params: Value) -> B24Result<Envelope> {
        let request = Request {
            method,
            body: RequestBody::Params(params),
            read: is_read_method(method),
            spends: vec![method.to_owned()],
        };
        self.execute(request).await
    }

    /// Calls `method` and decodes its `result` into `T`.
    ///
    /// # Errors
    /// Any [`B24Error`]; [`B24Error::UnexpectedAnswer`] if `result` does not fit `T`.
    pub async fn call_as<T: DeserializeOwned>(&self, method: &str, params: Value) -> B24Result<T> {
        let envelope = self.call(method, params).await?;
        decode_result(method, envelope.result)
    }
}

/// Decodes a `result` into `T`, without echoing payloads in the error.
pub(crate) fn decode_result<T: DeserializeOwned>(method: &str, result: Value) -> B24Result<T> {
    serde_json::from_value(result).map_err(|error| B24Error::UnexpectedAnswer {
        method: method.to_owned(),
        detail: format!("result not understood: {}", json_failure(&error)),
    })
}

/// Whether `method` only reads (so repeating it after a failure is harmless).
///
/// Reads are recognised by their last name part: `get*`, `list*`, `fields`, `info`,
/// `current`, `admin`, `time`, plus `profile`, `scope` and `methods`.
pub fn is_read_method(method: &str) -> bool {
    let method = method.trim().to_ascii_lowercase();
    if matches!(method.as_str(), "profile" | "scope" | "methods") {
        return true;
    }

    let last = method.rsplit('.').next().unwrap_or_default();
    last.starts_with("get")
        || last.starts_with("list")
        || matches!(last, "fields" | "info" | "current" | "admin" | "time")
}

/// Serialises typed parameters; a failure is a programming error reported as such.
pub(crate) fn params_of<T: serde::Serialize>(method: &str, params: &T) -> B24Result<Value> {
    serde_json::to_value(params).map_err(|error| B24Error::InvalidRequest {
        method: method.to_owned(),
        detail: format!("parameters cannot be encoded: {error}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_told_apart_from_writes_by_the_method_name() {
        for read in [
            "crm.deal.list",
            "crm.deal.get",
            "user.get",
            "app.info",
            "profile",
            "crm.company.contact.items.get",
            "disk.folder.getchildren",
            "server.time",
        ] {
            assert!(is_read_method(read), "{read} is a read");
        }
        for write in [
            "crm.deal.add",
            "crm.deal.update",
            "crm.deal.delete",
            "user.add",
            "disk.folder.uploadfile",
            "tasks.task.add",
            "batch",
        ] {
            assert!(!is_read_method(write), "{write} is a write");
        }
    }
}
