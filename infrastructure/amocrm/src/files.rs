//! Files: the files linked to a record, the drive's file model, and downloads that
//! stream the content without holding it in memory.
//!
//! The bearer token is sent to the account host and to amoCRM/Kommo hosts only (the
//! drive lives on `drive-*.amocrm.ru`); a download link pointing elsewhere is refused
//! rather than handed the token.

use futures::StreamExt;
use futures::stream::BoxStream;
use url::Url;

use crate::address::Platform;
use crate::client::AmoClient;
use crate::error::{AmoError, Attempt};
use crate::models::common::EntityKind;
use crate::models::files::{DriveFile, EntityFile};
use crate::paging::embedded_items;
use crate::request::{attempt_for, from_value};

/// The content of a file, chunk by chunk.
pub struct Download {
    /// The `Content-Type` amoCRM sent.
    pub content_type: Option<String>,
    /// The length, when amoCRM announced it.
    pub content_length: Option<u64>,
    /// The chunks; an error ends the stream.
    pub chunks: BoxStream<'static, Result<Vec<u8>, AmoError>>,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("content_type", &self.content_type)
            .field("content_length", &self.content_length)
            .finish_non_exhaustive()
    }
}

/// Domains whose hosts may receive the token.
const TRUSTED_DOMAINS: [&str; 3] = [".amocrm.ru", ".amocrm.com", ".kommo.com"];

impl AmoClient {
    /// The drive files linked to record `id` of `kind` (few per record; read whole,
    /// following the `before_id` cursor).
    ///
    /// # Errors
    /// Any [`AmoError`] of the calls.
    pub async fn entity_files(
        &self,
        kind: EntityKind,
        id: i64,
    ) -> Result<Vec<EntityFile>, AmoError> {
        let path = format!("/api/v4/{}/{id}/files", kind.as_str());
        let limit = self.conn.config.page_size.clamp(1, 250) as usize;
        let mut files = Vec::new();
        let mut before: Option<i64> = None;

        loop {
            let mut url = self.conn.address.url(&path);
            url.query_pairs_mut()
                .append_pair("limit", &limit.to_string());
            if let Some(before) = before {
                url.query_pairs_mut()
                    .append_pair("before_id", &before.to_string());
            }
            let attempt = attempt_for(&url);

            let Some(page) = self.conn.get_json::<PageOfFiles>(&url, "the files").await? else {
                break;
            };
            let items =
                embedded_items(page.embedded, "files").map_err(|detail| AmoError::Schema {
                    attempt: attempt.clone(),
                    record: "the files".to_owned(),
                    path: "_embedded.files".to_owned(),
                    detail,
                })?;
            let count = items.len();
            for item in items {
                files.push(from_value::<EntityFile>(&attempt, item, "a file link")?);
            }

            let cursor = files.last().and_then(|file| file.id);
            if count < limit || cursor.is_none() || cursor == before {
                break;
            }
            before = cursor;
        }
        Ok(files)
    }

    /// The drive's description of file `uuid`; `None` when the drive answers 204.
    /// `drive_url` comes from [`AmoClient::account`].
    ///
    /// # Errors
    /// Any [`AmoError`] of the call; a drive on an untrusted host is refused.
    pub async fn drive_file(
        &self,
        drive_url: &str,
        uuid: &str,
    ) -> Result<Option<DriveFile>, AmoError> {
        let mut url = self.trusted_url(drive_url)?;
        let path = format!("{}/v1.0/files/{uuid}", url.path().trim_end_matches('/'));
        url.set_path(&path);
        self.conn.get_json(&url, "the drive file").await
    }

    /// Streams the content behind `url` (a drive `download` link, or any file URL on an
    /// amoCRM host).
    ///
    /// # Errors
    /// Any [`AmoError`] of the call; a URL on an untrusted host is refused.
    pub async fn download(&self, url: &str) -> Result<Download, AmoError> {
        let url = self.trusted_url(url)?;
        let attempt = attempt_for(&url);
        let response = self.conn.get_streaming(&url).await?;
        Ok(streamed(response, attempt))
    }

    /// Streams a legacy (pre-drive) attachment by its server-side name, the
    /// `attachment` parameter of an attachment note: `/download/{attachment}` on the
    /// account host. Whether amoCRM still serves these to a bearer token is unconfirmed.
    ///
    /// # Errors
    /// Any [`AmoError`] of the call.
    pub async fn download_legacy_attachment(&self, attachment: &str) -> Result<Download, AmoError> {
        let mut url = self.conn.address.url("/download/");
        let base = url.to_string();
        url.path_segments_mut()
            .map_err(|()| invalid(&base, "the account URL cannot take a path"))?
            .pop_if_empty()
            .push(attachment);
        self.download(url.as_str()).await
    }

    /// Streams a file that may live outside amoCRM, such as a call recording kept by the
    /// telephony provider: on an amoCRM host it is fetched with the token, like
    /// [`AmoClient::download`]; elsewhere without it, in one attempt, outside the account's
    /// request budget (the provider's host is not amoCRM's).
    ///
    /// # Errors
    /// [`AmoError::InvalidAddress`] for a URL that is not http(s), [`AmoError::Rejected`] for
    /// a 4xx, [`AmoError::ServerError`] for a 5xx, [`AmoError::Network`] when nothing answers.
    pub async fn download_anywhere(&self, raw: &str) -> Result<Download, AmoError> {
        if self.trusted_url(raw).is_ok() {
            return self.download(raw).await;
        }
        let url = Url::parse(raw).map_err(|e| invalid(raw, &e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid(raw, "only http and https links can be downloaded"));
        }
        let attempt = attempt_for(&url);

        let response = self
            .conn
            .transport
            .http()
            .get(url.clone())
            .send()
            .await
            .map_err(|e| network(&attempt, e))?;
        let status = response.status();
        if status.is_client_error() {
            return Err(AmoError::Rejected {
                attempt,
                status: status.as_u16(),
                detail: "the file's host refused the download".to_owned(),
            });
        }
        if !status.is_success() {
            return Err(AmoError::ServerError {
                attempt,
                status: status.as_u16(),
                detail: "the file's host failed".to_owned(),
                attempts: 1,
            });
        }

        Ok(streamed(response, attempt))
    }

    /// Parses `raw` and checks that the token may be sent there.
    fn trusted_url(&self, raw: &str) -> Result<Url, AmoError> {
        let url = Url::parse(raw).map_err(|e| invalid(raw, &e.to_string()))?;
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let account = self.conn.address.base_url();

        let same_origin = url.host_str() == account.host_str()
            && url.port_or_known_default() == account.port_or_known_default();
        let amocrm_host = self.conn.address.platform() != Platform::Custom
            && url.scheme() == "https"
            && TRUSTED_DOMAINS.iter().any(|domain| host.ends_with(domain));
        if same_origin || amocrm_host {
            Ok(url)
        } else {
            Err(invalid(raw, "the host is not this account's amoCRM host"))
        }
    }
}

/// The body of a successful `response`, chunk by chunk; a chunk that fails to arrive ends the
/// stream with [`AmoError::Network`].
fn streamed(response: reqwest::Response, attempt: Attempt) -> Download {
    let content_type = crate::transport::content_type(&response);
    let content_length = response.content_length();
    let chunks = response
        .bytes_stream()
        .map(move |chunk| {
            chunk
                .map(|bytes| bytes.to_vec())
                .map_err(|e| network(&attempt, e))
        })
        .boxed();
    Download {
        content_type,
        content_length,
        chunks,
    }
}

/// One failed attempt to reach a file's host.
fn network(attempt: &Attempt, error: reqwest::Error) -> AmoError {
    AmoError::Network {
        attempt: attempt.clone(),
        detail: error.without_url().to_string(),
        attempts: 1,
    }
}

/// A page of `/files`.
#[derive(serde::Deserialize)]
struct PageOfFiles {
    #[serde(rename = "_embedded", default)]
    embedded: Option<serde_json::Map<String, serde_json::Value>>,
}

/// The error for a URL the client will not call.
fn invalid(input: &str, reason: &str) -> AmoError {
    AmoError::InvalidAddress {
        input: input.to_owned(),
        reason: reason.to_owned(),
    }
}
