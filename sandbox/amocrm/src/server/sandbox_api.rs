//! The private `/__sandbox/` endpoints: the same controls as [`crate::Control`] over HTTP.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::control::{Control, Shared};
use crate::faults::{ChaosMode, FaultRule};

fn control(shared: Arc<Shared>) -> Control {
    Control { shared }
}

#[derive(Deserialize)]
struct Clock {
    advance_secs: i64,
}

#[derive(Deserialize)]
struct Subscription {
    expired_at: Option<i64>,
}

#[derive(Deserialize)]
struct Subdomain {
    subdomain: String,
}

/// `POST /__sandbox/faults/random`: a `ChaosMode`, or null to switch it off.
async fn random_faults(
    State(shared): State<Arc<Shared>>,
    Json(mode): Json<Option<ChaosMode>>,
) -> StatusCode {
    control(shared).set_chaos(mode);
    StatusCode::NO_CONTENT
}

/// Routes under `/__sandbox`.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/state",
            get(|State(shared): State<Arc<Shared>>| async move { Json(control(shared).state()) }),
        )
        .route(
            "/calls",
            get(|State(shared): State<Arc<Shared>>| async move { Json(control(shared).calls()) })
                .delete(|State(shared): State<Arc<Shared>>| async move {
                    control(shared).clear_calls();
                    StatusCode::NO_CONTENT
                }),
        )
        .route(
            "/oauth/code",
            post(|State(shared): State<Arc<Shared>>| async move {
                Json(json!({"code": control(shared).issue_code()}))
            }),
        )
        .route(
            "/faults",
            post(
                |State(shared): State<Arc<Shared>>, Json(rule): Json<FaultRule>| async move {
                    control(shared).inject_fault(&rule.path_prefix, rule.kind, rule.times);
                    StatusCode::NO_CONTENT
                },
            )
            .delete(|State(shared): State<Arc<Shared>>| async move {
                control(shared).clear_faults();
                StatusCode::NO_CONTENT
            }),
        )
        .route("/faults/random", post(random_faults))
        .route(
            "/clock",
            post(
                |State(shared): State<Arc<Shared>>, Json(clock): Json<Clock>| async move {
                    let control = control(shared);
                    control.advance_clock(clock.advance_secs);
                    Json(json!({"now": control.now()}))
                },
            ),
        )
        .route(
            "/revoke",
            post(|State(shared): State<Arc<Shared>>| async move {
                control(shared).revoke_integration();
                StatusCode::NO_CONTENT
            }),
        )
        .route(
            "/unblock",
            post(|State(shared): State<Arc<Shared>>| async move {
                control(shared).unblock();
                StatusCode::NO_CONTENT
            }),
        )
        .route(
            "/subscription",
            post(
                |State(shared): State<Arc<Shared>>, Json(body): Json<Subscription>| async move {
                    control(shared).set_subscription_expired_at(body.expired_at);
                    StatusCode::NO_CONTENT.into_response()
                },
            ),
        )
        .route(
            "/subdomain",
            post(
                |State(shared): State<Arc<Shared>>, Json(body): Json<Subdomain>| async move {
                    control(shared).rename_subdomain(&body.subdomain);
                    StatusCode::NO_CONTENT
                },
            ),
        )
}
