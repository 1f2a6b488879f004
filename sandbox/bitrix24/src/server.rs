//! The HTTP side: the router and the REST entry point with its portal-wide checks (domain move,
//! HTTPS, deleted portal, REST off, leaky bucket, authentication).

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use serde_json::{Map, Value};

use crate::api_error::ApiError;
use crate::auth::{Caller, oauth_server};
use crate::batch::run_batch;
use crate::envelope::{success, time_block};
use crate::php::json::php_json;
use crate::pipeline::{log_call, run_method};
use crate::request::{RestRequest, parse_path, read};
use crate::transfers;
use crate::world::{SharedWorld, World, lock};

/// The largest request body the portal takes: Bitrix24 cloud accepts POSTs of up to 2 GB
/// (files travel inside REST calls as Base64).
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024 * 1024;

/// The whole router: REST, auth server, Drive transfers and the control API.
pub fn router(world: SharedWorld) -> Router {
    Router::new()
        .route("/rest/{*path}", any(rest))
        .route("/oauth/token/", any(oauth_server::token))
        .route("/oauth/token", any(oauth_server::token))
        .route("/oauth/rest/app.info", get(oauth_server::server_app_info))
        .route(
            "/oauth/rest/app.info.json",
            get(oauth_server::server_app_info),
        )
        .route("/disk/download/{id}", get(transfers::download))
        .route("/disk/upload/{token}", post(transfers::upload))
        .merge(crate::control_http::router())
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(world)
}

/// A JSON reply in PHP's encoding.
pub(crate) fn json_reply(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let text = php_json(body).to_string();
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        text,
    )
        .into_response()
}

pub(crate) fn error_reply(error: &ApiError) -> Response {
    json_reply(error.status, error.body())
}

/// Host header of the request, falling back to the listening address.
pub(crate) fn host_of(headers: &HeaderMap, world: &World) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(String::from)
        .unwrap_or_else(|| world.listen_host.clone())
}

/// Portal-wide refusals that come before authentication.
fn portal_gate(world: &mut World, ip: &str) -> Result<(), ApiError> {
    if world.config.require_https {
        return Err(ApiError::new(400, "INVALID_REQUEST", "Https required"));
    }
    if let Some(status) = world.modes.portal_deleted {
        return Err(ApiError::new(
            status,
            "PORTAL_DELETED",
            "Portal was deleted",
        ));
    }
    if world.modes.rest_disabled {
        return Err(ApiError::new(
            403,
            "ACCESS_DENIED",
            "REST API is available only on commercial plans",
        ));
    }

    let limits = world.limits();
    let now = world.bucket_now();
    if !world
        .bucket
        .admit(ip, now, limits.bucket_capacity, limits.bucket_drain_per_sec)
    {
        return Err(ApiError::new(
            503,
            "QUERY_LIMIT_EXCEEDED",
            "Too many requests",
        ));
    }
    Ok(())
}

/// Who the request authenticates as.
fn authenticate(world: &World, request: &RestRequest) -> Result<Caller, ApiError> {
    let caller = if let Some((user, code)) = &request.webhook {
        let user: u64 = user
            .parse()
            .map_err(|_| ApiError::new(401, "NO_AUTH_FOUND", "Wrong authorization data"))?;
        Caller::Webhook(world.auth.check_webhook(user, code)?)
    } else {
        let Some(token) = &request.token else {
            return Err(ApiError::new(
                401,
                "NO_AUTH_FOUND",
                "Wrong authorization data",
            ));
        };
        Caller::App(world.auth.check_token(token, world.now())?)
    };

    let active = world
        .portal
        .users
        .get(&caller.user_id())
        .is_some_and(|u| u.active);
    if !active {
        return Err(ApiError::new(
            401,
            "authorization_error",
            "Unable to authorize user",
        ));
    }
    Ok(caller)
}

/// `/rest/...`: every REST call. The answer is built under the lock; a delay owed by an
/// injected fault is waited out after the lock is released.
async fn rest(
    State(world): State<SharedWorld>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let method = crate::request::parse_path(uri.path()).map(|(_, method)| method);
    let (response, delay) = {
        let mut world = lock(&world);
        let response = answer_rest(&mut world, &peer, &uri, &headers, &body);
        let slowness = method
            .map(|method| world.faults.slowness(&method))
            .unwrap_or_default();
        (response, world.faults.take_delay().max(slowness))
    };

    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    response
}

/// Answers one REST request against the locked portal.
fn answer_rest(
    world: &mut World,
    peer: &SocketAddr,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let host = host_of(headers, world);
    if world.old_domains.contains(&host) {
        let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
        let location = format!("http://{}{}{query}", world.domain, uri.path());
        let location = HeaderValue::from_str(&location).unwrap_or(HeaderValue::from_static("/"));
        return (StatusCode::FOUND, [(header::LOCATION, location)]).into_response();
    }

    let Some((webhook, method)) = parse_path(uri.path()) else {
        return error_reply(&ApiError::method_not_found());
    };
    let request = read(
        method,
        webhook,
        uri.query().unwrap_or_default(),
        headers,
        body,
    );
    let _span = tracing::debug_span!("rest_call", method = %request.method).entered();

    let ip = peer.ip().to_string();
    let caller = portal_gate(world, &ip).and_then(|()| authenticate(world, &request));
    let caller = match caller {
        Ok(caller) => caller,
        Err(error) => {
            tracing::debug!(code = %error.code, status = error.status, "call refused");
            let params = request.params.clone();
            let code = Some(error.code.clone());
            log_call(
                world,
                "none",
                &request.method,
                &params,
                false,
                error.status,
                code,
            );
            return error_reply(&error);
        }
    };

    if request.method == "batch" {
        // The batch request passes the faults first, as one request: an injected fault for
        // `batch` (or `*`, or chaos) refuses it whole, before any of its commands runs.
        if let Some(error) = world.faults.take("batch") {
            let code = Some(error.code.clone());
            let label = caller.label();
            log_call(
                world,
                &label,
                "batch",
                &Map::new(),
                false,
                error.status,
                code,
            );
            return error_reply(&error);
        }
        let started = world.now();
        let output = run_batch(world, &caller, &host, &request.params, &request.cmd_order);
        let time = time_block(started, world.now(), None);
        log_call(
            world,
            &caller.label(),
            "batch",
            &Map::new(),
            false,
            200,
            None,
        );
        return json_reply(200, success(&output, time));
    }

    let outcome = run_method(
        world,
        &caller,
        &host,
        &request.method,
        &request.params,
        false,
    );
    match outcome.result {
        Ok(output) => json_reply(200, success(&output, outcome.time)),
        Err(error) => error_reply(&error),
    }
}
