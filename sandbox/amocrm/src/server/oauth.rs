//! The token endpoint (JSON and form bodies), subdomain discovery, API-key exchange and
//! the legacy login+API-key session auth.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use super::problem;
use crate::control::{Shared, lock};

/// Reads a JSON or `application/x-www-form-urlencoded` body into string fields.
fn fields(headers: &HeaderMap, body: &Bytes) -> HashMap<String, String> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("json"));
    if is_json {
        let parsed: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        return parsed
            .as_object()
            .map(|object| {
                object
                    .iter()
                    .map(|(key, value)| {
                        let text = value
                            .as_str()
                            .map_or_else(|| value.to_string(), str::to_string);
                        (key.clone(), text)
                    })
                    .collect()
            })
            .unwrap_or_default();
    }
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// `POST /oauth2/access_token`.
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = fields(&headers, &body);
    let get = |key: &str| form.get(key).map(String::as_str).unwrap_or_default();
    let now = shared.clock.now();
    let config = &shared.config;
    let mut auth = lock(&shared.auth);

    let outcome = match get("grant_type") {
        "authorization_code" => auth.burn_code(get("code"), now).and_then(|()| {
            auth.check_client(
                get("client_id"),
                get("client_secret"),
                get("redirect_uri"),
                &config.redirect_uri,
            )
        }),
        "refresh_token" => auth
            .check_client(
                get("client_id"),
                get("client_secret"),
                get("redirect_uri"),
                &config.redirect_uri,
            )
            .and_then(|()| auth.spend_refresh(get("refresh_token"), now)),
        _ => return problem::oauth_error(400, "Unsupported grant type"),
    };
    if let Err(error) = outcome {
        return problem::oauth_error(error.status, error.hint);
    }

    let grant = auth.issue_pair(
        now,
        config.access_token_lifetime,
        config.refresh_token_lifetime,
        shared.account.account_id(),
    );
    let mut body = json!({
        "token_type": "Bearer",
        "expires_in": config.access_token_lifetime,
        "access_token": grant.access.expose_secret(),
        "refresh_token": grant.refresh.expose_secret(),
    });
    if config.server_time_in_token_response {
        body["server_time"] = json!(now);
    }
    problem::json_with(StatusCode::OK, "application/json", &body)
}

/// `GET /oauth2/account/current/subdomain` with `X-Refresh-Token`.
pub(crate) async fn subdomain(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let token = headers
        .get("x-refresh-token")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if !lock(&shared.auth).refresh_is_live(token, shared.clock.now()) {
        return problem::unauthorized();
    }
    let subdomain = lock(&shared.standing).subdomain.clone();
    let top = shared
        .config
        .base_domain
        .rsplit('.')
        .next()
        .unwrap_or("ru")
        .to_string();
    let body = json!({"id": shared.account.account_id(), "subdomain": subdomain,
                      "domain": format!("{subdomain}.{}", shared.config.base_domain),
                      "top_level_domain": top});
    problem::json_with(StatusCode::OK, "application/json", &body)
}

/// `POST /oauth2/exchange_api_key`: 202; the code goes to the redirect URI, so the
/// sandbox hands it out through [`crate::Control::issue_code`] instead.
pub(crate) async fn exchange_api_key(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = fields(&headers, &body);
    let get = |key: &str| form.get(key).map(String::as_str).unwrap_or_default();
    let (login, key) = (
        shared.account.users()[0].email.clone(),
        lock(&shared.auth).api_key.expose_secret().to_string(),
    );
    let client_ok = get("client_uuid") == lock(&shared.auth).client_id;
    if get("login") != login || get("api_key") != key || !client_ok {
        return problem::problem(401, "Unauthorized", "Invalid user name or password");
    }
    StatusCode::ACCEPTED.into_response()
}

/// `POST /private/api/auth.php?type=json` with `USER_LOGIN` + `USER_HASH`.
pub(crate) async fn legacy_login(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = fields(&headers, &body);
    let get = |key: &str| form.get(key).map(String::as_str).unwrap_or_default();
    let now = shared.clock.now();
    let domain = format!(
        "{}.{}",
        lock(&shared.standing).subdomain,
        shared.config.base_domain
    );
    let admin = &shared.account.users()[0];
    let mut auth = lock(&shared.auth);

    if get("USER_LOGIN") != admin.email || get("USER_HASH") != auth.api_key.expose_secret() {
        let body = json!({"response": {"error": "Неверный логин или пароль", "error_code": "110",
                                       "ip": "127.0.0.1", "domain": domain, "auth": false,
                                       "server_time": now}});
        return problem::json_with(StatusCode::UNAUTHORIZED, "application/json", &body);
    }

    let session = auth.open_session(admin.id);
    let body = json!({"response": {"auth": true, "accounts": [{
        "id": shared.account.account_id(), "name": "Вектор", "subdomain": domain,
        "language": "ru", "timezone": "Europe/Moscow"}], "server_time": now}});
    let mut response = problem::json_with(StatusCode::OK, "application/json", &body);
    if let Ok(cookie) = HeaderValue::from_str(&format!("session_id={session}; path=/; HttpOnly")) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}
