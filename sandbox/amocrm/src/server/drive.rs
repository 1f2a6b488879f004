//! The drive host (`{drive_url}/v1.0/files`, downloads), call recordings and legacy
//! attachment downloads.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::problem;
use super::render::Renderer;
use crate::control::Shared;

fn renderer(shared: &Shared) -> Renderer<'_> {
    Renderer {
        base: &shared.base_url,
        account_id: shared.account.account_id(),
        config: &shared.config,
    }
}

fn bytes(content_type: &str, body: Vec<u8>) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let value = HeaderValue::from_str(content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    response.headers_mut().insert(header::CONTENT_TYPE, value);
    response
}

/// `GET {drive}/v1.0/files/{uuid}`.
pub(crate) async fn file(State(shared): State<Arc<Shared>>, Path(uuid): Path<String>) -> Response {
    match shared.account.drive_file(&uuid) {
        Some(file) => problem::json_with(
            StatusCode::OK,
            "application/json",
            &renderer(&shared).drive_file(&file),
        ),
        None => problem::no_content(),
    }
}

/// `GET {drive}/v1.0/files?filter[uuid]=a,b`: 204 when none match.
pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let files: Vec<_> = pairs
        .iter()
        .filter(|(key, _)| key.starts_with("filter[uuid]"))
        .flat_map(|(_, value)| value.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter_map(|uuid| shared.account.drive_file(uuid.trim()))
        .map(|file| renderer(&shared).drive_file(&file))
        .collect();
    if files.is_empty() {
        return problem::no_content();
    }
    let body = json!({"_links": {"self": {"href": format!("{}/drive/v1.0/files", shared.base_url)}},
                      "_embedded": {"files": files}});
    problem::json_with(StatusCode::OK, "application/json", &body)
}

/// `GET {drive}/download/{uuid}/[{version_uuid}/]{name}`.
pub(crate) async fn download(
    State(shared): State<Arc<Shared>>,
    Path(rest): Path<String>,
) -> Response {
    let uuid = rest.split('/').next().unwrap_or_default();
    match shared.account.drive_file(uuid) {
        Some(file) => bytes(&file.mime_type, shared.account.file_bytes(&file)),
        None => problem::not_found("GET", &format!("{}/drive/download/{rest}", shared.base_url)),
    }
}

/// `GET /download/{attachment}` for legacy attachment notes.
pub(crate) async fn legacy(
    State(shared): State<Arc<Shared>>,
    Path(attachment): Path<String>,
) -> Response {
    match shared.account.legacy_attachment_bytes(&attachment) {
        Some(body) => bytes("application/pdf", body),
        None => problem::not_found("GET", &format!("{}/download/{attachment}", shared.base_url)),
    }
}

/// `GET /recordings/{note_id}.mp3`, the `link` of call notes with a recording.
pub(crate) async fn recording(
    State(shared): State<Arc<Shared>>,
    Path(file): Path<String>,
) -> Response {
    let note_id = file.strip_suffix(".mp3").and_then(|id| id.parse().ok());
    match note_id.and_then(|id| shared.account.recording_bytes(id)) {
        Some(body) => bytes("audio/mpeg", body),
        None => problem::not_found("GET", &format!("{}/recordings/{file}", shared.base_url)),
    }
}
