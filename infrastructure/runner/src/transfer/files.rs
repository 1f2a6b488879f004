//! Files (B4, D7): the files a record or a note names are downloaded from amoCRM and sent to
//! Bitrix24 inside the record's own `add` call, as `{fileData: [name, base64]}`.
//!
//! - An activity's files (attachments, call recordings) go into its `FILES`; the portal
//!   stores them on its Drive. A custom field of type file gets the same shape in its
//!   `UF_CRM_*` field (an array when the field is multiple).
//! - A file that cannot be had (gone from amoCRM, refused by the host that keeps it, larger
//!   than [`MAX_FILE_BYTES`]) does not stop its record: the record moves, and a line naming
//!   the file and the reason is added to its description (activities) or comment (CRM
//!   records), so the gap is visible on the portal. Faults that may pass (rate limits, 5xx,
//!   the network) interrupt the run like any other service fault.
//! - A batch carries at most [`BATCH_FILE_BYTES`] of file content (one record with a larger
//!   file goes alone); records past that wait for the next batch.
//!
//! Files are read whole into memory before they are encoded, so the memory a run needs grows
//! with the batch budget and the largest file (at most [`MAX_FILE_BYTES`]), not with the
//! account.

use base64::Engine as _;
use futures::StreamExt;
use migrator_amocrm::{AmoError, Download};
use migrator_domain::mapping::{Fields, FileSource, PendingFile};
use serde_json::{Value, json};

use super::Context;
use crate::error::RunnerError;
use crate::runner::Drive;

/// The largest file moved, in bytes. Bitrix24 takes a request for at most 60 seconds; a
/// larger file is left in amoCRM and its record says so.
pub(crate) const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// File content one batch carries at most, in bytes, before its Base64 encoding.
pub(crate) const BATCH_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The field of an activity that lists its files.
const ACTIVITY_FILES: &str = "FILES";

/// Downloads `files` and writes them into `fields`; a file that cannot be had is named in
/// `fields[note_key]` with the reason. Returns the bytes attached.
///
/// # Errors
/// An amoCRM fault that may pass or that concerns the whole account.
async fn attach(
    drive: &Drive<'_>,
    context: &Context,
    files: &[PendingFile],
    fields: &mut Fields,
    note_key: &str,
) -> Result<u64, RunnerError> {
    let mut attached = 0;

    for file in files {
        let content = match fetch(drive, context, file).await {
            Ok(content) => content,
            Err(Unavailable::Fault(error)) => return Err(error.into()),
            Err(Unavailable::Reason(reason)) => {
                tracing::warn!(migration = %drive.id, target = %file.target, %reason,
                    "a file stays in amoCRM");
                let line = format!("Файл «{}» не перенесён: {reason}", file.name);
                append_line(fields, note_key, &line);
                continue;
            }
        };

        attached += content.len() as u64;
        let encoded = base64::engine::general_purpose::STANDARD.encode(&content);
        let value = json!({"fileData": [file.name, encoded]});
        if file.target == ACTIVITY_FILES || multiple(context, &file.target) {
            let list = fields
                .entry(file.target.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                items.push(value);
            }
        } else {
            fields.insert(file.target.clone(), value);
        }
    }
    Ok(attached)
}

/// A record about to be created: its fields, and the files still to download into them.
pub(crate) struct ToCreate {
    pub(crate) amo_id: u64,
    pub(crate) fields: Fields,
    pub(crate) files: Vec<PendingFile>,
}

/// Downloads the files of `records` into their fields, in order, until the batch carries
/// [`BATCH_FILE_BYTES`]; the records with files past that are taken out of `records` and
/// returned, to go into a later batch.
///
/// # Errors
/// An amoCRM fault that may pass or that concerns the whole account.
pub(crate) async fn attach_within_budget(
    drive: &Drive<'_>,
    context: &Context,
    records: &mut Vec<ToCreate>,
    note_key: &str,
) -> Result<Vec<ToCreate>, RunnerError> {
    let mut used = 0;
    let mut deferred = Vec::new();
    let mut kept = Vec::with_capacity(records.len());

    for mut record in records.drain(..) {
        if record.files.is_empty() {
            kept.push(record);
            continue;
        }
        if used >= BATCH_FILE_BYTES {
            deferred.push(record);
            continue;
        }
        let pending = std::mem::take(&mut record.files);
        used += attach(drive, context, &pending, &mut record.fields, note_key).await?;
        kept.push(record);
    }
    *records = kept;
    Ok(deferred)
}

/// Why a file was not had.
enum Unavailable {
    /// A fault of the service, not of the file: the run stops and resumes.
    Fault(AmoError),
    /// This file cannot be moved; the words go onto the portal.
    Reason(String),
}

impl From<AmoError> for Unavailable {
    fn from(error: AmoError) -> Self {
        let about_this_file = matches!(
            error,
            AmoError::Rejected { .. }
                | AmoError::Forbidden { .. }
                | AmoError::InvalidAddress { .. }
                | AmoError::NotJson { .. }
                | AmoError::Schema { .. }
        );
        if about_this_file {
            Unavailable::Reason(describe(&error))
        } else {
            Unavailable::Fault(error)
        }
    }
}

/// The reason for the portal, without the request's address (a download link may carry a
/// signature).
fn describe(error: &AmoError) -> String {
    match error {
        AmoError::Rejected { status, .. } => format!("amoCRM ответил HTTP {status}"),
        AmoError::Forbidden { .. } => "доступ к файлу запрещён".to_owned(),
        AmoError::InvalidAddress { reason, .. } => format!("ссылка не подходит ({reason})"),
        _ => "amoCRM прислал непонятный ответ".to_owned(),
    }
}

/// Downloads one file, whole.
async fn fetch(
    drive: &Drive<'_>,
    context: &Context,
    file: &PendingFile,
) -> Result<Vec<u8>, Unavailable> {
    let amo = &drive.runner.services.amo;

    let download = match &file.source {
        FileSource::Drive {
            file_uuid,
            version_uuid,
        } => {
            let Some(drive_url) = context.drive_url.as_deref() else {
                return Err(Unavailable::Reason(
                    "у аккаунта amoCRM нет файлового хранилища".to_owned(),
                ));
            };
            let Some(found) = amo.drive_file(drive_url, file_uuid).await? else {
                return Err(Unavailable::Reason("файла нет в amoCRM".to_owned()));
            };
            if found.size.is_some_and(|size| size as u64 > MAX_FILE_BYTES) {
                return Err(too_large());
            }
            let link = match version_uuid {
                Some(version) if found.version_uuid.as_deref() != Some(version) => found
                    .links
                    .download_version
                    .as_ref()
                    .map(|link| link.href.clone()),
                _ => None,
            };
            let Some(link) = link.or_else(|| found.download_url().map(str::to_owned)) else {
                return Err(Unavailable::Reason(
                    "amoCRM не дал ссылку для скачивания".to_owned(),
                ));
            };
            amo.download(&link).await?
        }
        FileSource::Legacy { attachment } => amo.download_legacy_attachment(attachment).await?,
        FileSource::Url { url } => amo.download_anywhere(url).await?,
    };
    read_whole(download).await
}

/// Collects a download, refusing one past [`MAX_FILE_BYTES`].
async fn read_whole(download: Download) -> Result<Vec<u8>, Unavailable> {
    if download
        .content_length
        .is_some_and(|length| length > MAX_FILE_BYTES)
    {
        return Err(too_large());
    }
    let mut content = Vec::new();
    let mut chunks = download.chunks;
    while let Some(chunk) = chunks.next().await {
        content.extend_from_slice(&chunk?);
        if content.len() as u64 > MAX_FILE_BYTES {
            return Err(too_large());
        }
    }
    Ok(content)
}

fn too_large() -> Unavailable {
    Unavailable::Reason(format!(
        "файл больше {} МБ, он остался в amoCRM",
        MAX_FILE_BYTES / 1024 / 1024
    ))
}

/// Whether the portal user field `name` holds several values.
fn multiple(context: &Context, name: &str) -> bool {
    context
        .fields
        .values()
        .any(|field| field.field_name == name && field.multiple)
}

/// Adds `line` on a line of its own to the text field `key`.
fn append_line(fields: &mut serde_json::Map<String, Value>, key: &str, line: &str) {
    let text = fields.get(key).and_then(Value::as_str).unwrap_or_default();
    let joined = if text.is_empty() {
        line.to_owned()
    } else {
        format!("{text}\n{line}")
    };
    fields.insert(key.to_owned(), Value::String(joined));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_joins_the_text_already_there() {
        let mut fields = serde_json::Map::new();
        append_line(&mut fields, "COMMENTS", "первая");
        append_line(&mut fields, "COMMENTS", "вторая");

        assert_eq!(fields["COMMENTS"], json!("первая\nвторая"));
    }

    #[test]
    fn a_refused_download_is_a_reason_and_a_failing_service_is_a_fault() {
        let attempt = migrator_amocrm::Attempt::new("GET", "/x");
        let refused = AmoError::Rejected {
            attempt: attempt.clone(),
            status: 404,
            detail: "Not Found".to_owned(),
        };
        let failing = AmoError::ServerError {
            attempt,
            status: 502,
            detail: "Bad Gateway".to_owned(),
            attempts: 3,
        };

        let Unavailable::Reason(reason) = Unavailable::from(refused) else {
            panic!("a 404 concerns the file only");
        };
        assert!(reason.contains("404"), "{reason}");
        assert!(matches!(
            Unavailable::from(failing),
            Unavailable::Fault(AmoError::ServerError { .. })
        ));
    }
}
