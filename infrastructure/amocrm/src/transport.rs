//! [`Transport`]: one HTTP request through the limiter, its answer read into memory.
//!
//! This layer knows nothing of tokens or retries; it only paces requests and turns a
//! response into a [`RawReply`] so that callers can classify it.

use std::time::Duration;

use reqwest::{RequestBuilder, Response, StatusCode};

use crate::config::ClientConfig;
use crate::limiter::Limiter;

/// A response read to the end.
#[derive(Debug)]
pub(crate) struct RawReply {
    /// HTTP status.
    pub status: StatusCode,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The whole body.
    pub body: Vec<u8>,
    /// A `Retry-After` header in seconds, if any (none is documented, but honoured).
    pub retry_after: Option<Duration>,
}

/// The HTTP client and the pacing of one account.
#[derive(Debug)]
pub(crate) struct Transport {
    http: reqwest::Client,
    limiter: Limiter,
}

impl Transport {
    /// A transport with the timeouts, user agent and rate of `config`.
    pub(crate) fn new(config: &ClientConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .user_agent(config.user_agent.clone())
            .build()?;

        Ok(Self {
            http,
            limiter: Limiter::new(config.requests_per_second, config.pacing_margin),
        })
    }

    /// The underlying client, to build requests with.
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The pacing, for callers that must pause the account after a 429.
    pub(crate) fn limiter(&self) -> &Limiter {
        &self.limiter
    }

    /// Sends `request` when the limiter allows and reads the whole answer.
    pub(crate) async fn send(&self, request: RequestBuilder) -> Result<RawReply, reqwest::Error> {
        let response = self.send_streaming(request).await?;
        read_reply(response).await
    }

    /// Sends `request` when the limiter allows and returns the answer unread, for bodies
    /// that must not be held in memory (file downloads).
    pub(crate) async fn send_streaming(
        &self,
        request: RequestBuilder,
    ) -> Result<Response, reqwest::Error> {
        self.limiter.ready().await;
        request.send().await
    }
}

/// Reads a response to the end.
pub(crate) async fn read_reply(response: Response) -> Result<RawReply, reqwest::Error> {
    let status = response.status();
    let content_type = content_type(&response);
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = response.bytes().await?.to_vec();

    Ok(RawReply {
        status,
        content_type,
        body,
        retry_after,
    })
}

/// The `Content-Type` header of `response`, if it is readable text.
pub(crate) fn content_type(response: &Response) -> Option<String> {
    response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}
