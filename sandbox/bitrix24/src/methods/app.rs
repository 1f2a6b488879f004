//! Portal and application information: `app.info`, `profile`, `user.admin`, `scope`,
//! `methods`, `method.get`, `server.time`, `feature.get`.

use serde_json::{Map, Value, json};

use super::{Ctx, Handler, MethodResult, Output, known_methods, lookup as find_method};
use crate::api_error::ApiError;
use crate::auth::Caller;
use crate::config::{plan_family, plan_key};
use crate::php::values::{param, scalar_text};
use crate::world::World;

/// Method names served here.
pub const NAMES: [&str; 8] = [
    "app.info",
    "profile",
    "user.admin",
    "scope",
    "methods",
    "method.get",
    "server.time",
    "feature.get",
];

/// The handler of an information method.
pub fn lookup(method: &str) -> Option<Handler> {
    let handler: Handler = match method {
        "app.info" => app_info,
        "profile" => profile,
        "user.admin" => user_admin,
        "scope" => scope,
        "methods" => methods,
        "method.get" => method_get,
        "server.time" => server_time,
        "feature.get" => feature_get,
        _ => return None,
    };
    Some(handler)
}

fn app_info(world: &mut World, ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    let license = world.plan.clone();
    if let Caller::Webhook(_) = ctx.caller {
        return Ok(Output::of(
            json!({"SCOPE": world.config.scopes, "LICENSE": license}),
        ));
    }

    let key = plan_key(&license).to_string();
    let app = &world.auth.app;
    let days = match app.status.as_str() {
        "F" | "L" => Value::Null,
        _ => json!(25),
    };
    let mut info = json!({
        "ID": 7,
        "CODE": "sandbox.migrator",
        "VERSION": 1,
        "STATUS": app.status,
        "INSTALLED": app.installed,
        "PAYMENT_EXPIRED": if app.paid { "N" } else { "Y" },
        "DAYS": days,
        "LANGUAGE_ID": "ru",
        "LICENSE": license,
        "LICENSE_TYPE": key,
        "LICENSE_FAMILY": plan_family(&key),
    });
    if let Some(previous) = &world.license_previous {
        info["LICENSE_PREVIOUS"] = json!(previous);
    }
    Ok(Output::of(info))
}

fn profile(world: &mut World, ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    let user = world
        .portal
        .users
        .get(&ctx.caller.user_id())
        .ok_or_else(ApiError::not_found)?;
    Ok(Output::of(json!({
        "ID": user.id.to_string(),
        "ADMIN": user.admin,
        "NAME": user.name,
        "LAST_NAME": user.last_name,
        "PERSONAL_GENDER": "",
        "TIME_ZONE": "Europe/Moscow",
        "TIME_ZONE_OFFSET": 10800,
    })))
}

fn user_admin(world: &mut World, ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    let admin = world
        .portal
        .users
        .get(&ctx.caller.user_id())
        .is_some_and(|u| u.admin);
    Ok(Output::of(json!(admin)))
}

fn scope(world: &mut World, _ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    Ok(Output::of(json!(world.config.scopes)))
}

fn methods(_world: &mut World, _ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    Ok(Output::of(json!(known_methods())))
}

fn method_get(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let name = param(params, "name")
        .and_then(scalar_text)
        .unwrap_or_default()
        .to_lowercase();
    let exists = name == "batch" || find_method(&name).is_some();
    let permission =
        super::scope_of(&name).is_none_or(|s| world.config.scopes.iter().any(|g| g == s));
    Ok(Output::of(
        json!({"isExisting": exists, "isAvailable": exists && permission}),
    ))
}

fn server_time(world: &mut World, _ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    Ok(Output::of(json!(world.now_iso())))
}

fn feature_get(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let code = param(params, "CODE")
        .and_then(scalar_text)
        .unwrap_or_default();
    let enabled = match code.as_str() {
        "rest_offline_extended" | "rest_auth_connector" => {
            !plan_key(&world.plan).starts_with("project")
        }
        _ => false,
    };
    Ok(Output::of(
        json!({"value": if enabled { "Y" } else { "N" }}),
    ))
}
