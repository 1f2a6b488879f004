//! Error and non-JSON answers exactly as the reference shows them: problem+json,
//! OAuth problem bodies and nginx HTML pages.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::config::{RateLimitBody, SandboxConfig};

/// A JSON body with a content type.
pub(crate) fn json_with(status: StatusCode, content_type: &'static str, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A success answer in `application/hal+json`.
pub(crate) fn hal(body: &Value) -> Response {
    json_with(StatusCode::OK, "application/hal+json", body)
}

/// 204 with an empty body.
pub(crate) fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// A problem+json body `{title, type, status, detail}`.
pub(crate) fn problem(status: u16, title: &str, detail: &str) -> Response {
    let body = json!({"title": title, "type": format!("https://httpstatus.es/{status}"),
                      "status": status, "detail": detail});
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    json_with(code, "application/problem+json", &body)
}

/// 401 for a missing, expired or revoked token.
pub(crate) fn unauthorized() -> Response {
    problem(401, "Unauthorized", "Invalid user name or password")
}

/// 402 for an unpaid account.
pub(crate) fn payment_required() -> Response {
    problem(402, "Payment Required", "Payment required")
}

/// 404 for an unknown route, naming it the way amoCRM does.
pub(crate) fn not_found(method: &str, url: &str) -> Response {
    problem(404, "Not Found", &format!("Cannot {method} {url}"))
}

/// 405 for a wrong method.
pub(crate) fn method_not_allowed() -> Response {
    problem(405, "Method Not Allowed", "Method Not Allowed")
}

/// 403 problem for a non-admin on `/users`.
pub(crate) fn forbidden() -> Response {
    problem(403, "Forbidden", "Access denied")
}

/// 422 for a `limit` over the maximum when the sandbox is told to reject it.
pub(crate) fn over_limit(max: u64) -> Response {
    problem(
        422,
        "Unprocessable Entity",
        &format!("Limit {max} per page"),
    )
}

/// 500 in Kommo's shape with a trace id.
pub(crate) fn internal(trace_id: &str) -> Response {
    let body = json!({"title": "ErrInternalServer", "status": 500,
                      "detail": "Internal server error", "trace_id": trace_id});
    json_with(
        StatusCode::INTERNAL_SERVER_ERROR,
        "application/problem+json",
        &body,
    )
}

/// 429 in Kommo's JSON shape with `retry_after`.
pub(crate) fn too_many_json(retry_after: u64) -> Response {
    let detail = "You have sent too many requests in a given amount of time. \
                  Please try again later.";
    let body = json!({"title": "Too Many Requests", "type": "https://httpstatus.es/429",
        "status": 429, "detail": detail,
        "retry_after": retry_after});
    json_with(
        StatusCode::TOO_MANY_REQUESTS,
        "application/problem+json",
        &body,
    )
}

/// An nginx-style HTML error page under `status`.
pub(crate) fn html(status: u16) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let reason = code.canonical_reason().unwrap_or("Error");
    let body = format!(
        "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} \
         {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    let mut response = (code, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    response
}

/// The OAuth error body of the token endpoint (league/oauth2-server hints, Russian texts).
pub(crate) fn oauth_error(status: u16, hint: &str) -> Response {
    let body = json!({
        "hint": hint,
        "title": "Некорректный запрос",
        "type": "https://developers.amocrm.ru/v3/errors/OAuthProblemJson",
        "status": status,
        "detail": "В запросе отсутствует ряд параметров или параметры невалидны",
    });
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    json_with(code, "application/json", &body)
}

/// The answer for an injected or limiter status, with the body the real service uses.
pub(crate) fn for_status(status: u16, config: &SandboxConfig, trace_id: &str) -> Response {
    match status {
        429 if config.rate_limit_body == RateLimitBody::Json => {
            too_many_json(config.retry_after_secs)
        }
        402 => payment_required(),
        401 => unauthorized(),
        500 => internal(trace_id),
        other => html(other),
    }
}
