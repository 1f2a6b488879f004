//! Users: `user.get` (filters, hidden integrators and bots), `user.current` and `user.add`
//! (invitations with the plan's user limit and the integrator refusal).

use serde_json::{Map, Value, json};

use super::filter::{compare, matches};
use super::multifield::valid_email;
use super::{Ctx, Handler, MethodResult, Output, page};
use crate::api_error::ApiError;
use crate::php::values::{as_i64, is_yes, list_items, param, param_map, scalar_text};
use crate::portal::{User, UserKind};
use crate::world::World;

/// Method names served here.
pub const NAMES: [&str; 4] = ["user.get", "user.current", "user.add", "user.search"];

/// The handler of a user method.
pub fn lookup(method: &str) -> Option<Handler> {
    let handler: Handler = match method {
        "user.get" | "user.search" => get,
        "user.current" => current,
        "user.add" => add,
        _ => return None,
    };
    Some(handler)
}

/// A user as `user.get` shows it.
pub fn view(user: &User) -> Value {
    json!({
        "ID": user.id.to_string(),
        "XML_ID": format!("sandbox{}", user.id),
        "ACTIVE": user.active,
        "NAME": user.name,
        "LAST_NAME": user.last_name,
        "SECOND_NAME": "",
        "EMAIL": user.email,
        "IS_ONLINE": "N",
        "UF_DEPARTMENT": user.departments,
        "USER_TYPE": match user.kind {
            UserKind::Extranet => "extranet",
            _ => "employee",
        },
    })
}

/// Filter keys of `user.get`: `FILTER`/`filter`, or legacy top-level keys.
fn user_filter(params: &Map<String, Value>) -> Map<String, Value> {
    if let Some(filter) = param_map(params, "FILTER") {
        return filter;
    }
    const RESERVED: [&str; 6] = [
        "sort",
        "order",
        "start",
        "select",
        "admin_mode",
        "image_resize",
    ];
    params
        .iter()
        .filter(|(key, _)| !RESERVED.contains(&key.to_lowercase().as_str()))
        .map(|(k, v)| (k.to_uppercase(), v.clone()))
        .collect()
}

fn get(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let mut filter = user_filter(params);
    let email = filter.remove("EMAIL").and_then(|v| scalar_text(&v));
    let active = filter.remove("ACTIVE").map(|v| is_yes(Some(&v)));

    let mut rows: Vec<Value> = world
        .portal
        .users
        .values()
        .filter(|u| matches!(u.kind, UserKind::Employee | UserKind::Extranet))
        .filter(|u| {
            email
                .as_ref()
                .is_none_or(|e| u.email.eq_ignore_ascii_case(e))
        })
        .filter(|u| active.is_none_or(|a| u.active == a))
        .map(view)
        .filter(|v| v.as_object().is_some_and(|row| matches(row, &filter)))
        .collect();

    let sort = param(params, "sort")
        .and_then(scalar_text)
        .unwrap_or_else(|| "ID".to_string());
    let descending = param(params, "order")
        .and_then(scalar_text)
        .is_some_and(|o| o.eq_ignore_ascii_case("desc"));
    rows.sort_by(|a, b| {
        let text = |row: &Value| row.get(&sort).and_then(scalar_text).unwrap_or_default();
        let ordering = compare(&text(a), &text(b));
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    });
    Ok(page(rows, params))
}

fn current(world: &mut World, ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    let user = world
        .portal
        .users
        .get(&ctx.caller.user_id())
        .ok_or_else(ApiError::not_found)?;
    Ok(Output::of(view(user)))
}

fn add(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let caller = world.portal.users.get(&ctx.caller.user_id()).cloned();
    let caller = caller.ok_or_else(|| ApiError::core("access_denied"))?;
    let integrator_refused =
        caller.kind == UserKind::Integrator && !world.config.integrators_may_invite;
    if !caller.admin || integrator_refused {
        return Err(ApiError::core("access_denied"));
    }

    let email = param(params, "EMAIL")
        .and_then(scalar_text)
        .unwrap_or_default();
    if !valid_email(&email) {
        return Err(ApiError::argument("EMAIL", "wrong_email"));
    }
    if world
        .portal
        .users
        .values()
        .any(|u| u.email.eq_ignore_ascii_case(&email))
    {
        return Err(ApiError::argument(
            "EMAIL",
            "A user with this email already exists",
        ));
    }

    let extranet = is_yes(param(params, "EXTRANET"));
    let departments: Vec<u64> = param(params, "UF_DEPARTMENT")
        .map(list_items)
        .unwrap_or_default()
        .iter()
        .filter_map(as_i64)
        .map(|d| d.max(0) as u64)
        .collect();
    if extranet {
        let groups = param(params, "SONET_GROUP_ID")
            .map(list_items)
            .unwrap_or_default();
        if groups.is_empty() {
            return Err(ApiError::new(
                400,
                "ERROR_NO_GROUP",
                "Extranet group is not specified",
            ));
        }
    } else if departments.is_empty() {
        return Err(ApiError::argument(
            "UF_DEPARTMENT",
            "Department is not specified",
        ));
    }

    let limit = world.limits().user_limit;
    let counted = world
        .portal
        .users
        .values()
        .filter(|u| u.active && matches!(u.kind, UserKind::Employee | UserKind::Extranet))
        .count() as i64;
    if limit > 0 && counted >= limit {
        return Err(ApiError::argument("EMAIL", "user_count_exceeded"));
    }

    let id = world.next_id("user");
    let text = |key: &str| param(params, key).and_then(scalar_text).unwrap_or_default();
    let user = User {
        id,
        email: email.clone(),
        name: text("NAME"),
        last_name: text("LAST_NAME"),
        active: true,
        admin: false,
        kind: if extranet {
            UserKind::Extranet
        } else {
            UserKind::Employee
        },
        departments,
        invited: true,
    };
    world.portal.users.insert(id, user);
    world.portal.invitations.push(email);
    Ok(Output::of(json!(id)))
}
