//! The client: one portal, one credential, one shaper, and the call loop that applies the
//! retry rules.

use std::sync::Arc;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, LOCATION};
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::Instrument;
use url::Url;

use crate::body::RequestBody;
use crate::classify::{Refusal, classify_refusal, refusal_kind};
use crate::clock::{Clock, SystemClock};
use crate::config::ClientConfig;
use crate::envelope::{Envelope, json_failure, parse_error};
use crate::error::{B24Error, B24Result, PortalAnswer};
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
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    access: Access,
    config: ClientConfig,
    shaper: Shaper,
    operating: OperatingGuard,
    clock: Arc<dyn Clock>,
}

/// Builds a [`B24Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    access: Access,
    config: ClientConfig,
    clock: Arc<dyn Clock>,
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

        let shaper = Shaper::new(self.config.shaper, self.clock.clone());
        let operating = OperatingGuard::new(self.config.operating, self.clock.clone());

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

    /// Switches the shaper to the limits of a portal plan (`app.info` `LICENSE`).
    pub fn set_plan_license(&self, license: &str) {
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

    /// Runs one request through the limits and the retry rules.
    pub(crate) async fn execute(&self, request: Request<'_>) -> B24Result<Envelope> {
        let span = tracing::debug_span!("b24.call", method = request.method);
        self.execute_inner(request).instrument(span).await
    }

    async fn execute_inner(&self, request: Request<'_>) -> B24Result<Envelope> {
        let inner = &self.inner;
        let retry = inner.config.retry;
        let method = request.method;
        let mut attempts = 0_u32;
        let mut limit_refusals = 0_u32;
        let mut failures = 0_u32;
        let mut refreshed = false;

        loop {
            inner.operating.respect(&request.spends).await;
            inner.shaper.acquire().await;
            attempts += 1;

            let (url, body, generation) = self.prepare(method, &request.body).await?;
            let sent = inner
                .http
                .post(url)
                .header(ACCEPT, "application/json")
                .header(CONTENT_TYPE, "application/json")
                .body(body)
                .send()
                .await;

            let response = match sent {
                Ok(response) => response,
                Err(error) => {
                    let unsent = error.is_connect();
                    let detail = error.without_url().to_string();
                    if (request.read || unsent) && failures < retry.max_failure_retries {
                        failures += 1;
                        tracing::debug!(attempts, unsent, "network failure, retrying");
                        inner.clock.sleep(retry.backoff(failures)).await;
                        continue;
                    }
                    return Err(network_failure(&request, detail, attempts, unsent));
                }
            };

            let status = response.status();
            let headers = response.headers().clone();
            let bytes = match response.bytes().await {
                Ok(bytes) => bytes,
                Err(error) => {
                    let detail = error.without_url().to_string();
                    if request.read && failures < retry.max_failure_retries {
                        failures += 1;
                        inner.clock.sleep(retry.backoff(failures)).await;
                        continue;
                    }
                    return Err(network_failure(&request, detail, attempts, false));
                }
            };

            if status.is_redirection() {
                return Err(domain_changed(method, &headers));
            }

            if status.is_success() {
                inner.shaper.on_accepted();
                return self.accept(&request, &bytes);
            }

            let answer = parse_error(&bytes).unwrap_or_else(|| {
                PortalAnswer::new("", format!("HTTP {status} without an error body"))
            });
            tracing::debug!(status = status.as_u16(), code = %answer.code, "call refused");

            match refusal_kind(status.as_u16(), &answer) {
                Refusal::RateLimited => {
                    inner.shaper.on_refused();
                    if limit_refusals >= retry.max_limit_retries {
                        return Err(B24Error::RateLimited {
                            method: method.to_owned(),
                            attempts,
                        });
                    }
                    limit_refusals += 1;
                }
                Refusal::OperatingLimit => {
                    for spent in &request.spends {
                        inner.operating.on_blocked(spent);
                    }
                    if limit_refusals >= retry.max_limit_retries {
                        return Err(B24Error::OperatingLimit {
                            method: method.to_owned(),
                            attempts,
                        });
                    }
                    limit_refusals += 1;
                }
                Refusal::ExpiredToken => match &inner.access {
                    Access::OAuth(session) if !refreshed => {
                        refreshed = true;
                        session
                            .refresh(&inner.http, inner.clock.as_ref(), generation)
                            .await?;
                    }
                    _ => return Err(classify_refusal(method, status.as_u16(), answer)),
                },
                Refusal::ServerFailure => {
                    if !request.read {
                        return Err(B24Error::OutcomeUnknown {
                            method: method.to_owned(),
                            detail: format!("HTTP {status}: {answer}"),
                        });
                    }
                    if failures >= retry.max_failure_retries {
                        return Err(B24Error::Unavailable {
                            method: method.to_owned(),
                            detail: format!("HTTP {status}: {answer}"),
                            attempts,
                        });
                    }
                    failures += 1;
                    inner.clock.sleep(retry.backoff(failures)).await;
                }
                Refusal::Final => return Err(classify_refusal(method, status.as_u16(), answer)),
            }
        }
    }

    /// Decodes a 200 answer and records its operating report.
    fn accept(&self, request: &Request<'_>, bytes: &[u8]) -> B24Result<Envelope> {
        let envelope: Envelope = match serde_json::from_slice(bytes) {
            Ok(envelope) => envelope,
            Err(error) if request.read => {
                return Err(B24Error::UnexpectedAnswer {
                    method: request.method.to_owned(),
                    detail: format!("success body not understood: {}", json_failure(&error)),
                });
            }
            Err(error) => {
                return Err(B24Error::OutcomeUnknown {
                    method: request.method.to_owned(),
                    detail: format!("success body not understood: {}", json_failure(&error)),
                });
            }
        };

        if request.method != "batch"
            && let Some(time) = &envelope.time
        {
            self.inner.operating.record(request.method, time);
        }

        Ok(envelope)
    }

    /// The URL and JSON body of one attempt, with the credentials of the moment.
    async fn prepare(&self, method: &str, body: &RequestBody) -> B24Result<(Url, Vec<u8>, u64)> {
        match &self.inner.access {
            Access::Webhook(hook) => Ok((hook.method_url(method)?, body.encode(method, None)?, 0)),
            Access::OAuth(session) => {
                let credentials = session.credentials().await?;
                let url =
                    credentials
                        .endpoint
                        .join(method)
                        .map_err(|_| B24Error::InvalidRequest {
                            method: method.to_owned(),
                            detail: "the method name does not form a valid URL".to_owned(),
                        })?;
                let token = credentials.access_token.expose_secret();
                let bytes = body.encode(method, Some(token))?;
                Ok((url, bytes, credentials.generation))
            }
        }
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

/// A network failure after the last retry: reads and unsent writes are "unavailable",
/// writes that may have reached the portal are "outcome unknown".
fn network_failure(request: &Request<'_>, detail: String, attempts: u32, unsent: bool) -> B24Error {
    if request.read || unsent {
        B24Error::Unavailable {
            method: request.method.to_owned(),
            detail,
            attempts,
        }
    } else {
        B24Error::OutcomeUnknown {
            method: request.method.to_owned(),
            detail,
        }
    }
}

/// A 3xx answer: the portal moved. Only the new origin is kept, never the path (which may
/// carry a webhook code).
fn domain_changed(method: &str, headers: &HeaderMap) -> B24Error {
    let new_base = headers
        .get(LOCATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|location| Url::parse(location).ok())
        .map(|url| url.origin().ascii_serialization())
        .unwrap_or_else(|| "an address the portal did not give".to_owned());

    B24Error::DomainChanged {
        method: method.to_owned(),
        new_base,
    }
}

/// Serialises typed parameters; a failure is a programming error reported as such.
pub(crate) fn params_of<T: serde::Serialize>(method: &str, params: &T) -> B24Result<Value> {
    serde_json::to_value(params).map_err(|error| B24Error::InvalidRequest {
        method: method.to_owned(),
        detail: format!("parameters cannot be encoded: {error}"),
    })
}
