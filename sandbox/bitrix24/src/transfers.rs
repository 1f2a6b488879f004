//! Drive transfers outside REST: downloading a stored file and the second step of the
//! `uploadUrl` flow (a raw or `multipart/form-data` POST).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::api_error::ApiError;
use crate::envelope::{success, time_block};
use crate::methods::Output;
use crate::methods::disk::{file_view, store_file};
use crate::server::{error_reply, host_of, json_reply};
use crate::world::{SharedWorld, lock};

/// `GET /disk/download/{id}`: a stored file's bytes.
pub async fn download(State(world): State<SharedWorld>, Path(id): Path<u64>) -> Response {
    let world = lock(&world);
    match world.portal.files.get(&id) {
        Some(file) => (StatusCode::OK, file.content.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The first file part of a `multipart/form-data` body: (file name, bytes).
fn first_file_part(content_type: &str, body: &[u8]) -> Option<(String, Vec<u8>)> {
    let boundary = content_type.split("boundary=").nth(1)?;
    let boundary = boundary.split(';').next()?.trim().trim_matches('"');
    if boundary.is_empty() {
        return None;
    }
    let delimiter = format!("--{boundary}");
    let text = body;
    let mut parts = Vec::new();
    let mut start = 0;
    while let Some(found) = find(&text[start..], delimiter.as_bytes()) {
        parts.push(start + found);
        start += found + delimiter.len();
    }
    for pair in parts.windows(2) {
        let part = &text[pair[0] + delimiter.len()..pair[1]];
        let head_end = find(part, b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&part[..head_end]);
        let Some(name_at) = head.find("filename=\"") else {
            continue;
        };
        let name: String = head[name_at + 10..]
            .chars()
            .take_while(|c| *c != '"')
            .collect();
        let mut content = part[head_end + 4..].to_vec();
        if content.ends_with(b"\r\n") {
            content.truncate(content.len() - 2);
        }
        return Some((name, content));
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// `POST /disk/upload/{token}`: the second step of the `uploadUrl` flow.
pub async fn upload(
    State(world): State<SharedWorld>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut world = lock(&world);
    let host = host_of(&headers, &world);
    let Some((folder, name, user)) = world.uploads.remove(&token) else {
        return error_reply(&ApiError::new(
            400,
            "ERROR_NOT_FOUND",
            "Upload link is not valid",
        ));
    };

    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let (part_name, bytes) = if content_type.starts_with("multipart/") {
        first_file_part(&content_type, &body).unwrap_or_default()
    } else {
        (String::new(), body.to_vec())
    };
    let name = if name.is_empty() { part_name } else { name };
    if name.is_empty() {
        return error_reply(&ApiError::argument("NAME", "File name is not specified"));
    }

    let id = store_file(&mut world, folder, &name, bytes, user);
    let view = world
        .portal
        .files
        .get(&id)
        .map(|f| file_view(f, &host))
        .unwrap_or_default();
    let now = world.now();
    json_reply(200, success(&Output::of(view), time_block(now, now, None)))
}
