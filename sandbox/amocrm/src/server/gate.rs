//! The middleware every simulated request passes: call log, `X-Request-Id`, host check,
//! rate limiter, injected faults, subscription state and authentication.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;

use super::problem;
use crate::auth::Caller;
use crate::calls::{CallRecord, redact};
use crate::control::{Shared, lock};
use crate::faults::FaultKind;
use crate::generator::{Draw, Stream};
use crate::limiter::Admission;

/// Logs the call and applies every guard before the route runs.
pub(crate) async fn gate(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/__sandbox") {
        return next.run(request).await;
    }
    let method = request.method().to_string();
    let query = redact(request.uri().query().unwrap_or_default());

    let mut fault = None;
    let mut response = guarded(&shared, &path, request, next, &mut fault).await;

    let status = response.status().as_u16();
    tracing::debug!(%method, %path, status, "amoCRM sandbox call");
    let at = shared.clock.now();
    lock(&shared.calls).push(CallRecord {
        method,
        path,
        query,
        status,
        at,
        fault,
    });
    if shared.config.request_id_header {
        let total = lock(&shared.calls).total();
        let id = format!(
            "{:016x}",
            Draw::new(shared.config.seed, Stream::Chaos, total).next_u64()
        );
        if let Ok(value) = HeaderValue::from_str(&id) {
            response.headers_mut().insert("x-request-id", value);
        }
    }
    response
}

/// The guards and the route; `injected` receives the fault injected into the call, if any.
async fn guarded(
    shared: &Shared,
    path: &str,
    mut request: Request,
    next: Next,
    injected: &mut Option<FaultKind>,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok());
    if host.is_some_and(|host| host.starts_with("www.")) {
        return problem::not_found(
            request.method().as_str(),
            &format!("{}{path}", shared.base_url),
        );
    }

    let config = &shared.config;
    let admission = lock(&shared.limiter).admit(
        Instant::now(),
        config.rate_limit_rps,
        config.block_after_violations,
    );
    match admission {
        Admission::Admitted => {}
        Admission::TooMany => {
            return problem::for_status(429, config, "");
        }
        Admission::Blocked => return problem::html(403),
    }

    let fault = lock(&shared.faults).take(path);
    *injected = fault;
    match fault {
        Some(FaultKind::Status { status }) => {
            let trace = format!("{:032x}", shared.clock.now());
            return problem::for_status(status, config, &trace);
        }
        Some(FaultKind::NonJson { status }) => return problem::html(status),
        Some(FaultKind::Slow { delay_ms }) => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await
        }
        None => {}
    }

    if path.starts_with("/api/v4") {
        let expired_at = lock(&shared.standing).subscription_expired_at;
        if let Some(expired_at) = expired_at {
            let now = shared.clock.now();
            let write = request.method() != Method::GET;
            if now >= expired_at && (write || now >= expired_at + config.read_grace_days * 86_400) {
                return problem::payment_required();
            }
        }
    }

    let download = ["/drive/", "/download/", "/recordings/"]
        .iter()
        .any(|prefix| path.starts_with(prefix));
    if path.starts_with("/api/v4") || (download && config.downloads_require_auth) {
        match caller(shared, &request) {
            Some(caller) => {
                request.extensions_mut().insert(caller);
            }
            None => return problem::unauthorized(),
        }
    }
    next.run(request).await
}

/// The caller behind the Bearer token or a legacy session cookie.
fn caller(shared: &Shared, request: &Request) -> Option<Caller> {
    let headers = request.headers();
    let auth = lock(&shared.auth);
    let now = shared.clock.now();
    if let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
    {
        let token = value.strip_prefix("Bearer ")?;
        return auth.bearer(token.trim(), now);
    }
    let cookies = headers
        .get(header::COOKIE)
        .and_then(|value| value.to_str().ok())?;
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == "session_id")
        .and_then(|(_, value)| auth.session(value))
}
