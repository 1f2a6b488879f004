//! The private HTTP mirror of [`crate::Control`] under `/__sandbox/`.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::control::{Control, NewUser};
use crate::faults::{Chaos, Fault};
use crate::world::SharedWorld;

/// Routes of the control API.
pub fn router() -> Router<SharedWorld> {
    Router::new()
        .route("/__sandbox/state", get(state))
        .route("/__sandbox/calls", get(calls).delete(clear_calls))
        .route("/__sandbox/plan", post(set_plan))
        .route("/__sandbox/users", post(add_user))
        .route("/__sandbox/users/{id}/active", post(set_active))
        .route("/__sandbox/userfields/mandatory", post(set_mandatory))
        .route("/__sandbox/options", post(set_options))
        .route("/__sandbox/domain", post(change_domain))
        .route("/__sandbox/app/install", post(install))
        .route("/__sandbox/app/finish-install", post(finish_install))
        .route("/__sandbox/app/remove", post(remove_app))
        .route("/__sandbox/oauth/code", post(auth_code))
        .route("/__sandbox/faults", post(inject).delete(clear_faults))
        .route("/__sandbox/chaos", post(chaos))
        .route("/__sandbox/clock/advance", post(advance))
}

fn control(world: SharedWorld) -> Control {
    Control::new(world)
}

fn ok() -> Response {
    Json(json!({"ok": true})).into_response()
}

async fn state(State(world): State<SharedWorld>) -> Response {
    Json(control(world).state()).into_response()
}

async fn calls(State(world): State<SharedWorld>) -> Response {
    Json(control(world).calls()).into_response()
}

async fn clear_calls(State(world): State<SharedWorld>) -> Response {
    control(world).clear_calls();
    ok()
}

#[derive(Deserialize)]
struct PlanBody {
    plan: String,
}

async fn set_plan(State(world): State<SharedWorld>, Json(body): Json<PlanBody>) -> Response {
    control(world).set_plan(&body.plan);
    ok()
}

async fn add_user(State(world): State<SharedWorld>, Json(body): Json<NewUser>) -> Response {
    let id = control(world).add_user(body);
    Json(json!({"id": id})).into_response()
}

#[derive(Deserialize)]
struct ActiveBody {
    active: bool,
}

async fn set_active(
    State(world): State<SharedWorld>,
    Path(id): Path<u64>,
    Json(body): Json<ActiveBody>,
) -> Response {
    match control(world).set_user_active(id, body.active) {
        Ok(()) => ok(),
        Err(error) => (StatusCode::NOT_FOUND, error.to_string()).into_response(),
    }
}

#[derive(Deserialize)]
struct MandatoryBody {
    entity: String,
    field_name: String,
    mandatory: bool,
}

async fn set_mandatory(
    State(world): State<SharedWorld>,
    Json(body): Json<MandatoryBody>,
) -> Response {
    match control(world).set_user_field_mandatory(&body.entity, &body.field_name, body.mandatory) {
        Ok(()) => ok(),
        Err(error) => (StatusCode::NOT_FOUND, error.to_string()).into_response(),
    }
}

#[derive(Deserialize)]
struct OptionsBody {
    enforce_mandatory_user_fields: Option<bool>,
    rest_disabled: Option<bool>,
    portal_deleted: Option<Option<u16>>,
    app_paid: Option<bool>,
}

async fn set_options(State(world): State<SharedWorld>, Json(body): Json<OptionsBody>) -> Response {
    let control = control(world);
    if let Some(on) = body.enforce_mandatory_user_fields {
        control.set_enforce_mandatory_user_fields(on);
    }
    if let Some(disabled) = body.rest_disabled {
        control.set_rest_disabled(disabled);
    }
    if let Some(status) = body.portal_deleted {
        control.set_portal_deleted(status);
    }
    if let Some(paid) = body.app_paid {
        control.set_app_paid(paid);
    }
    ok()
}

#[derive(Deserialize)]
struct DomainBody {
    host: String,
}

async fn change_domain(State(world): State<SharedWorld>, Json(body): Json<DomainBody>) -> Response {
    control(world).change_domain(&body.host);
    ok()
}

#[derive(Deserialize)]
struct UserBody {
    #[serde(default = "admin_id")]
    user_id: u64,
}

fn admin_id() -> u64 {
    1
}

async fn install(State(world): State<SharedWorld>, Json(body): Json<UserBody>) -> Response {
    Json(control(world).install_app(body.user_id)).into_response()
}

async fn finish_install(State(world): State<SharedWorld>) -> Response {
    control(world).finish_install();
    ok()
}

async fn remove_app(State(world): State<SharedWorld>) -> Response {
    control(world).remove_app();
    ok()
}

async fn auth_code(State(world): State<SharedWorld>, Json(body): Json<UserBody>) -> Response {
    Json(json!({"code": control(world).authorization_code(body.user_id)})).into_response()
}

async fn inject(State(world): State<SharedWorld>, Json(body): Json<Fault>) -> Response {
    control(world).inject_fault(body);
    ok()
}

async fn clear_faults(State(world): State<SharedWorld>) -> Response {
    control(world).clear_faults();
    ok()
}

async fn chaos(State(world): State<SharedWorld>, Json(body): Json<Option<Chaos>>) -> Response {
    control(world).set_chaos(body);
    ok()
}

#[derive(Deserialize)]
struct AdvanceBody {
    seconds: f64,
}

async fn advance(State(world): State<SharedWorld>, Json(body): Json<AdvanceBody>) -> Response {
    let seconds = if body.seconds.is_finite() {
        body.seconds.max(0.0)
    } else {
        0.0
    };
    control(world).advance_clock(Duration::from_secs_f64(seconds));
    ok()
}
