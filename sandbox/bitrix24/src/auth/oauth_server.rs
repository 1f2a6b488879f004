//! The fake authorization server (`oauth.bitrix.info`): token exchange, refresh rotation and
//! the server-side `app.info`, served under `/oauth/` of the sandbox listener.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use serde_json::{Map, Value, json};

use crate::php::form::parse_str;
use crate::world::{SharedWorld, World, lock};

/// An OAuth error reply: `{error, error_description}` with a status.
fn oauth_error(status: u16, code: &str, text: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        Json(json!({"error": code, "error_description": text})),
    )
        .into_response()
}

fn text_param(params: &Map<String, Value>, key: &str) -> String {
    params
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// `GET|POST /oauth/token/`: `authorization_code` and `refresh_token` grants.
pub async fn token(
    State(world): State<SharedWorld>,
    RawQuery(query): RawQuery,
    body: String,
) -> Response {
    let mut params = parse_str(query.as_deref().unwrap_or_default());
    params.extend(parse_str(&body));
    let grant_type = text_param(&params, "grant_type");
    let _span = tracing::debug_span!("oauth_token", grant_type = %grant_type).entered();
    let mut world = lock(&world);

    let client_id = text_param(&params, "client_id");
    let client_secret = text_param(&params, "client_secret");
    let app = &world.auth.app;
    if client_id != app.client_id || client_secret != app.client_secret.expose_secret() {
        return oauth_error(401, "invalid_client", "Invalid client authentication");
    }
    if !world.auth.app.present {
        return oauth_error(400, "NOT_INSTALLED", "Application is not installed");
    }
    if !world.auth.app.paid {
        return oauth_error(402, "PAYMENT_REQUIRED", "Payment required");
    }

    let now = world.now();
    let user_id = match grant_type.as_str() {
        "refresh_token" => {
            let presented = text_param(&params, "refresh_token");
            let Some(refresh) = world.auth.refresh.get_mut(&presented) else {
                return oauth_error(400, "invalid_grant", "Invalid refresh token");
            };
            if refresh.used || refresh.expires_at <= now {
                return oauth_error(400, "invalid_grant", "Refresh token expired or used");
            }
            refresh.used = true;
            let old_access = refresh.access_token.clone();
            let user_id = refresh.user_id;
            if let Some(access) = world.auth.access.get_mut(&old_access) {
                access.revoked = true;
            }
            user_id
        }
        "authorization_code" => {
            let code = text_param(&params, "code");
            match world.auth.codes.remove(&code) {
                Some((user_id, expires)) if expires > now => user_id,
                _ => return oauth_error(400, "invalid_grant", "Invalid authorization code"),
            }
        }
        _ => return oauth_error(400, "invalid_request", "Unsupported grant_type"),
    };

    Json(token_reply(&mut world, user_id)).into_response()
}

/// Issues a pair and builds the §1.4 reply.
pub fn token_reply(world: &mut World, user_id: u64) -> Value {
    let now = world.now();
    let (access_life, refresh_life) = (world.access_life(), world.refresh_life());
    let World { auth, rng, .. } = world;
    let (access, refresh) = auth.issue(rng, user_id, now, access_life, refresh_life);
    json!({
        "access_token": access,
        "refresh_token": refresh,
        "expires": (now + access_life).timestamp(),
        "expires_in": access_life.num_seconds(),
        "scope": world.scope_text(),
        "domain": world.listen_host,
        "server_endpoint": world.server_endpoint(),
        "client_endpoint": world.client_endpoint(),
        "member_id": world.auth.app.member_id,
        "status": world.auth.app.status,
        "user_id": user_id,
    })
}

/// `GET /oauth/rest/app.info?auth=…`: the auth server's view of a token.
pub async fn server_app_info(
    State(world): State<SharedWorld>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = parse_str(query.as_deref().unwrap_or_default());
    let world = lock(&world);
    let token = text_param(&params, "auth");
    let user_id = match world.auth.check_token(&token, world.now()) {
        Ok(user_id) => user_id,
        Err(error) => return oauth_error(error.status, &error.code, &error.description),
    };
    let expires = world
        .auth
        .access
        .get(&token)
        .map(|t| t.expires_at.timestamp());

    let app = &world.auth.app;
    Json(json!({"result": {
        "client_id": app.client_id,
        "scope": world.scope_text(),
        "expires": expires,
        "user_id": user_id,
        "install": {
            "installed": app.installed,
            "version": 1,
            "status": app.status,
            "scope": world.scope_text(),
            "domain": world.domain,
            "uri": format!("http://{}", world.domain),
            "client_endpoint": world.client_endpoint(),
            "member_id": app.member_id,
            "member_type": "PORTAL",
        },
    }}))
    .into_response()
}
