//! [`Connection`]: an authorised, paced, retried GET against one account, and the
//! classification of every answer into data or an [`AmoError`].
//!
//! Per call: 204 is "nothing" (not an error); 401 triggers one refresh and one resend;
//! 429 pauses the whole account (honouring a `retry_after` body, capped) and resends;
//! 5xx and timeouts back off and resend; 402 and 403 stop at once. After a 403 with a
//! gateway page (the account's API is blocked) the connection refuses every further
//! call without sending it: each extra request would only prolong the block.

use std::sync::OnceLock;
use std::time::Duration;

use reqwest::Response;
use reqwest::header::ACCEPT;
use serde::de::DeserializeOwned;
use tracing::{Instrument, debug, info_span, warn};
use url::Url;

use crate::address::AccountAddress;
use crate::auth::session::{Authenticator, Credential};
use crate::config::ClientConfig;
use crate::error::{AmoError, Attempt};
use crate::problem::{Problem, describe, excerpt, is_html};
use crate::transport::{RawReply, Transport, read_reply};

/// Everything needed to call one account.
#[derive(Debug)]
pub(crate) struct Connection {
    pub(crate) address: AccountAddress,
    pub(crate) transport: Transport,
    pub(crate) auth: Authenticator,
    pub(crate) config: ClientConfig,
    /// Set by the first 403 block; every later call fails with it.
    blocked: OnceLock<String>,
}

impl Connection {
    /// A connection to `address` authorised by `auth`.
    pub(crate) fn new(
        address: AccountAddress,
        transport: Transport,
        auth: Authenticator,
        config: ClientConfig,
    ) -> Self {
        Self {
            address,
            transport,
            auth,
            config,
            blocked: OnceLock::new(),
        }
    }

    /// GETs `url`; `Ok(None)` on 204 No Content, `Ok(Some(reply))` on any other 2xx.
    pub(crate) async fn get(&self, url: &Url) -> Result<Option<RawReply>, AmoError> {
        let attempt = attempt_for(url);
        let span = info_span!("amocrm.get", host = self.address.host(), path = %attempt.path);

        async {
            let response = self.send_with_retries(url, &attempt).await?;
            let reply = read_reply(response).await.map_err(|e| AmoError::Network {
                attempt: attempt.clone(),
                detail: e.without_url().to_string(),
                attempts: 1,
            })?;
            if reply.status.as_u16() == 204 {
                return Ok(None);
            }
            Ok(Some(reply))
        }
        .instrument(span)
        .await
    }

    /// GETs `url` and returns the successful response unread (for downloads).
    pub(crate) async fn get_streaming(&self, url: &Url) -> Result<Response, AmoError> {
        let attempt = attempt_for(url);
        let span = info_span!("amocrm.download", host = url.host_str().unwrap_or_default());
        self.send_with_retries(url, &attempt).instrument(span).await
    }

    /// GETs `url` and reads it as `T`; `Ok(None)` on 204.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        url: &Url,
        what: &str,
    ) -> Result<Option<T>, AmoError> {
        let Some(reply) = self.get(url).await? else {
            return Ok(None);
        };
        parse_json(&attempt_for(url), &reply, what).map(Some)
    }

    /// Sends until an answer is final: success, 204, or an error no retry can fix.
    async fn send_with_retries(&self, url: &Url, attempt: &Attempt) -> Result<Response, AmoError> {
        let mut tries = Tries::default();

        loop {
            if let Some(detail) = self.blocked.get() {
                return Err(AmoError::AccountBlocked {
                    attempt: attempt.clone(),
                    detail: format!("{detail} (an earlier request was refused; not sent)"),
                });
            }

            let credential = self.auth.credential(&self.transport, &self.address).await?;
            let request = self
                .transport
                .http()
                .get(url.clone())
                .header(ACCEPT, "application/hal+json, application/json");
            let sent = self
                .transport
                .send_streaming(credential.apply(request))
                .await;

            let reply = match sent {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) => read_reply(response).await,
                Err(e) => Err(e),
            };
            let pause = match reply {
                Ok(reply) => self.judge(reply, attempt, &credential, &mut tries).await?,
                Err(e) => self.no_answer(e, attempt, &mut tries)?,
            };
            if let Some(pause) = pause {
                tokio::time::sleep(pause).await;
            }
        }
    }

    /// Decides what follows a request that got no answer: a pause before the next
    /// attempt, or the final [`AmoError::Network`].
    fn no_answer(
        &self,
        error: reqwest::Error,
        attempt: &Attempt,
        tries: &mut Tries,
    ) -> Result<Option<Duration>, AmoError> {
        let policy = &self.config.retry;
        let detail = error.without_url().to_string();
        tries.faults += 1;

        if tries.faults >= policy.max_attempts {
            return Err(AmoError::Network {
                attempt: attempt.clone(),
                detail,
                attempts: tries.faults,
            });
        }
        warn!(attempt = tries.faults, %detail, "no answer from amoCRM, retrying");
        Ok(Some(policy.backoff(tries.faults)))
    }

    /// Decides what follows an answer that is not a success: `Ok(pause)` to send again
    /// (after the pause, if any), or the error that ends the call.
    async fn judge(
        &self,
        reply: RawReply,
        attempt: &Attempt,
        credential: &Credential,
        tries: &mut Tries,
    ) -> Result<Option<Duration>, AmoError> {
        let policy = &self.config.retry;
        let status = reply.status.as_u16();
        debug!(status, "amoCRM refused or failed");

        match status {
            401 => {
                let retry = !tries.refreshed
                    && self
                        .auth
                        .recover_from_unauthorized(credential, &self.transport, &self.address)
                        .await?;
                if !retry {
                    return Err(AmoError::Unauthorized {
                        attempt: attempt.clone(),
                        detail: describe(&reply),
                    });
                }
                tries.refreshed = true;
                Ok(None)
            }
            429 => {
                tries.limited += 1;
                let asked = Problem::parse(&reply)
                    .and_then(|p| p.retry_after())
                    .or(reply.retry_after);
                if tries.limited >= policy.max_rate_limited_attempts {
                    return Err(AmoError::RateLimited {
                        attempt: attempt.clone(),
                        attempts: tries.limited,
                        retry_after: asked,
                    });
                }

                // The pause applies to the whole account, not only to this request.
                let pause = asked
                    .unwrap_or_else(|| policy.backoff(tries.limited))
                    .min(policy.max_backoff);
                let pause_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX);
                warn!(
                    attempt = tries.limited,
                    pause_ms, "429 from amoCRM, pausing the account"
                );
                self.transport.limiter().pause(pause);
                Ok(None)
            }
            402 => Err(AmoError::PaymentRequired {
                attempt: attempt.clone(),
                detail: describe(&reply),
            }),
            403 if is_html(&reply) => {
                let detail = describe(&reply);
                let _ = self.blocked.set(detail.clone());
                Err(AmoError::AccountBlocked {
                    attempt: attempt.clone(),
                    detail,
                })
            }
            403 => Err(AmoError::Forbidden {
                attempt: attempt.clone(),
                detail: describe(&reply),
            }),
            500..=599 => {
                tries.faults += 1;
                if tries.faults >= policy.max_attempts {
                    return Err(AmoError::ServerError {
                        attempt: attempt.clone(),
                        status,
                        detail: describe(&reply),
                        attempts: tries.faults,
                    });
                }
                warn!(attempt = tries.faults, status, "amoCRM failed, retrying");
                Ok(Some(policy.backoff(tries.faults)))
            }
            _ => Err(AmoError::Rejected {
                attempt: attempt.clone(),
                status,
                detail: describe(&reply),
            }),
        }
    }
}

/// What one call has used up of its retries.
#[derive(Debug, Default)]
struct Tries {
    /// Answers 5xx or no answer at all.
    faults: u32,
    /// Answers 429.
    limited: u32,
    /// Whether the credential was already renewed after a 401.
    refreshed: bool,
}

/// The attempt label of a GET on `url`: its path and query, never its host.
pub(crate) fn attempt_for(url: &Url) -> Attempt {
    let path = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    Attempt::new("GET", path)
}

/// Reads `body` as `T`, naming the JSON path that did not fit.
pub(crate) fn parse_json<T: DeserializeOwned>(
    attempt: &Attempt,
    reply: &RawReply,
    what: &str,
) -> Result<T, AmoError> {
    let body = reply.body.as_slice();
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
            return AmoError::NotJson {
                attempt: attempt.clone(),
                status: reply.status.as_u16(),
                content_type: reply.content_type.clone().unwrap_or_else(|| "none".into()),
                length: body.len(),
                excerpt: excerpt(body),
            };
        }
        AmoError::Schema {
            attempt: attempt.clone(),
            record: what.to_owned(),
            path: e.path().to_string(),
            detail: e.into_inner().to_string(),
        }
    })
}

/// Reads an already parsed JSON value as `T`, naming the JSON path that did not fit.
pub(crate) fn from_value<T: DeserializeOwned>(
    attempt: &Attempt,
    value: serde_json::Value,
    what: &str,
) -> Result<T, AmoError> {
    serde_path_to_error::deserialize(value).map_err(|e| AmoError::Schema {
        attempt: attempt.clone(),
        record: what.to_owned(),
        path: e.path().to_string(),
        detail: e.into_inner().to_string(),
    })
}
