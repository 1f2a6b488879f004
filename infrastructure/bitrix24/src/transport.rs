//! The call loop: limits first, then one HTTP attempt, then the reaction the answer calls
//! for (accept, stop, wait and retry, refresh and retry). See the crate documentation for
//! the rules; this module is their single implementation.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, LOCATION};
use secrecy::ExposeSecret;
use tracing::Instrument;
use url::Url;

use crate::body::RequestBody;
use crate::classify::{Refusal, classify_refusal, refusal_kind};
use crate::client::{Access, B24Client, Request};
use crate::envelope::{Envelope, json_failure, parse_error};
use crate::error::{B24Error, B24Result, PortalAnswer};

/// What happened so far to one logical call.
#[derive(Debug, Default)]
struct Tally {
    /// HTTP attempts sent.
    attempts: u32,
    /// 503/429 refusals seen.
    limit_refusals: u32,
    /// Server failures and network errors seen.
    failures: u32,
    /// Whether the OAuth pair was already refreshed for this call.
    refreshed: bool,
}

/// What the loop does after an attempt that did not succeed.
enum Next {
    /// Send again (after the back-off already waited, if any).
    Retry,
    /// Give up with this error.
    Fail(B24Error),
}

/// A received HTTP answer.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl B24Client {
    /// Runs one request through the limits and the retry rules.
    pub(crate) async fn execute(&self, request: Request<'_>) -> B24Result<Envelope> {
        let span = tracing::debug_span!("b24.call", method = request.method);
        self.run(request).instrument(span).await
    }

    async fn run(&self, request: Request<'_>) -> B24Result<Envelope> {
        let inner = &self.inner;
        let mut tally = Tally::default();

        loop {
            inner.operating.respect(&request.spends).await;
            inner.shaper.acquire().await;
            tally.attempts += 1;

            let (url, body, generation) = self.prepare(request.method, &request.body).await?;
            let next = match self.send(url, body).await {
                Err(error) => {
                    self.after_network_failure(&request, &mut tally, error)
                        .await
                }
                Ok(reply) if reply.status.is_redirection() => {
                    Next::Fail(domain_changed(request.method, &reply.headers))
                }
                Ok(reply) if reply.status.is_success() => {
                    inner.shaper.on_accepted();
                    return self.accept(&request, &reply.body);
                }
                Ok(reply) => {
                    self.after_refusal(&request, &mut tally, reply, generation)
                        .await
                }
            };

            if let Next::Fail(error) = next {
                return Err(error);
            }
        }
    }

    /// Sends one attempt and reads the whole answer.
    async fn send(&self, url: Url, body: Vec<u8>) -> Result<Reply, reqwest::Error> {
        let response = self
            .inner
            .http
            .post(url)
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await?;

        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?.to_vec();
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    /// A network error or time-out: reads and unsent writes are retried with back-off; a
    /// write that may have reached the portal is reported as possibly applied.
    async fn after_network_failure(
        &self,
        request: &Request<'_>,
        tally: &mut Tally,
        error: reqwest::Error,
    ) -> Next {
        let retry = self.inner.config.retry;
        let unsent = error.is_connect();
        let detail = error.without_url().to_string();

        if (request.read || unsent) && tally.failures < retry.max_failure_retries {
            tally.failures += 1;
            tracing::debug!(
                attempts = tally.attempts,
                unsent,
                "network failure, retrying"
            );
            self.inner.clock.sleep(retry.backoff(tally.failures)).await;
            return Next::Retry;
        }

        let method = request.method.to_owned();
        if request.read || unsent {
            Next::Fail(B24Error::Unavailable {
                method,
                detail,
                attempts: tally.attempts,
            })
        } else {
            Next::Fail(B24Error::OutcomeUnknown { method, detail })
        }
    }

    /// A 4xx/5xx answer: slow down, wait, refresh, retry, or stop.
    async fn after_refusal(
        &self,
        request: &Request<'_>,
        tally: &mut Tally,
        reply: Reply,
        generation: u64,
    ) -> Next {
        let inner = &self.inner;
        let retry = inner.config.retry;
        let method = request.method;
        let status = reply.status.as_u16();
        let answer = parse_error(&reply.body).unwrap_or_else(|| {
            PortalAnswer::new("", format!("HTTP {status} without an error body"))
        });
        tracing::debug!(status, code = %answer.code, "call refused");

        match refusal_kind(status, &answer) {
            Refusal::RateLimited => {
                inner.shaper.on_refused();
                if tally.limit_refusals >= retry.max_limit_retries {
                    let attempts = tally.attempts;
                    return Next::Fail(B24Error::RateLimited {
                        method: method.to_owned(),
                        attempts,
                    });
                }
                tally.limit_refusals += 1;
                Next::Retry
            }
            Refusal::OperatingLimit => {
                for spent in &request.spends {
                    inner.operating.on_blocked(spent);
                }
                if tally.limit_refusals >= retry.max_limit_retries {
                    let attempts = tally.attempts;
                    return Next::Fail(B24Error::OperatingLimit {
                        method: method.to_owned(),
                        attempts,
                    });
                }
                tally.limit_refusals += 1;
                Next::Retry
            }
            Refusal::ExpiredToken => match &inner.access {
                Access::OAuth(session) if !tally.refreshed => {
                    tally.refreshed = true;
                    let refreshed = session
                        .refresh(&inner.http, inner.clock.as_ref(), generation)
                        .await;
                    match refreshed {
                        Ok(()) => Next::Retry,
                        Err(error) => Next::Fail(error),
                    }
                }
                _ => Next::Fail(classify_refusal(method, status, answer)),
            },
            Refusal::ServerFailure if !request.read => Next::Fail(B24Error::OutcomeUnknown {
                method: method.to_owned(),
                detail: format!("HTTP {status}: {answer}"),
            }),
            Refusal::ServerFailure => {
                if tally.failures >= retry.max_failure_retries {
                    return Next::Fail(B24Error::Unavailable {
                        method: method.to_owned(),
                        detail: format!("HTTP {status}: {answer}"),
                        attempts: tally.attempts,
                    });
                }
                tally.failures += 1;
                inner.clock.sleep(retry.backoff(tally.failures)).await;
                Next::Retry
            }
            Refusal::Final => Next::Fail(classify_refusal(method, status, answer)),
        }
    }

    /// Decodes a 2xx answer and records its operating report.
    fn accept(&self, request: &Request<'_>, body: &[u8]) -> B24Result<Envelope> {
        let envelope: Envelope = serde_json::from_slice(body).map_err(|error| {
            let method = request.method.to_owned();
            let detail = format!("success body not understood: {}", json_failure(&error));
            if request.read {
                B24Error::UnexpectedAnswer { method, detail }
            } else {
                B24Error::OutcomeUnknown { method, detail }
            }
        })?;

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
