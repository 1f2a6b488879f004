//! Account, users, pipelines and statuses, custom field definitions, loss reasons.

use axum::response::Response;
use serde_json::{Value, json};

use super::Ctx;
use crate::control::lock;
use crate::generator::{EntityKind, LOSS_REASONS, TASK_TYPES, USER_GROUPS};
use crate::server::paging::Selection;
use crate::server::problem;

/// `GET /api/v4/account` with its `with=` parts.
pub(crate) fn account(ctx: &Ctx<'_>) -> Response {
    let account = ctx.account();
    let subdomain = lock(&ctx.shared.standing).subdomain.clone();
    let user_id = ctx.caller.map_or(0, |caller| caller.user_id);
    let mut body = json!({
        "id": account.account_id(), "name": "Вектор", "subdomain": subdomain,
        "created_at": crate::generator::HISTORY_START - 86_400, "created_by": account.users()[0].id,
        "updated_at": crate::generator::UPDATES_END, "updated_by": account.users()[0].id,
        "current_user_id": user_id, "country": "RU", "currency": "RUB", "currency_symbol": "₽",
        "customers_mode": "disabled", "is_unsorted_on": true, "is_loss_reason_enabled": true,
        "is_helpbot_enabled": false, "is_technical_account": false,
        "contact_name_display_order": 1, "mobile_feature_version": 0,
        "_links": {"self": {"href": format!("{}/api/v4/account", ctx.shared.base_url)}},
    });
    let query = &ctx.query;
    let mut embedded = serde_json::Map::new();
    if query.with("amojo_id") {
        body["amojo_id"] = json!(format!("{:032x}", account.account_id()));
    }
    if query.with("uuid") {
        body["uuid"] = json!(format!("{:032x}", account.account_id() ^ 0xABCD));
    }
    if query.with("version") {
        body["version"] = json!(11);
    }
    if query.with("drive_url") {
        body["drive_url"] = json!(format!("{}/drive", ctx.shared.base_url));
    }
    if query.with("is_api_filter_enabled") {
        body["is_api_filter_enabled"] = json!(ctx.filters_on());
    }
    if query.with("entity_names") {
        body["entity_names"] =
            json!({"leads": {"ru": {"gender": "f", "plural_form": {"dative": "сделкам"}}}});
    }
    if query.with("invoices_settings") {
        body["invoices_settings"] = json!({"lang": "ru", "invoices_catalog_id": null});
    }
    if query.with("users_groups") {
        let groups: Vec<Value> = USER_GROUPS
            .iter()
            .map(|(id, name)| json!({"id": id, "name": name, "uuid": null}))
            .collect();
        embedded.insert("users_groups".to_string(), Value::Array(groups));
    }
    if query.with("task_types") {
        let types: Vec<Value> = TASK_TYPES
            .iter()
            .map(|(id, name, code)| {
                json!({"id": id, "name": name, "color": null, "icon_id": null, "code": code})
            })
            .collect();
        embedded.insert("task_types".to_string(), Value::Array(types));
    }
    if query.with("datetime_settings") {
        embedded.insert(
            "datetime_settings".to_string(),
            json!({"date_pattern": "d.m.Y H:i", "short_date_pattern": "d.m.Y",
                   "short_time_pattern": "H:i", "date_format": "d.m.Y", "time_format": "H:i:s",
                   "timezone": "Europe/Moscow", "timezone_offset": "+03:00"}),
        );
    }
    if !embedded.is_empty() {
        body["_embedded"] = Value::Object(embedded);
    }
    problem::hal(&body)
}

/// `GET /api/v4/users`: admin only; deactivated users listed, deleted ones not.
pub(crate) fn users(ctx: &Ctx<'_>) -> Response {
    if !ctx.shared.config.grant_by_admin {
        return problem::forbidden();
    }
    let listed: Vec<_> = ctx
        .account()
        .users()
        .iter()
        .filter(|user| !user.is_deleted)
        .collect();
    let renderer = ctx.renderer();
    ctx.list(250, "users", Some(listed.len() as u64), |paging| {
        Selection::all(0..listed.len() as u64)
            .page(paging)
            .into_iter()
            .map(|at| renderer.user(listed[at as usize], &ctx.query))
            .collect()
    })
}

/// `GET /api/v4/users/{id}`.
pub(crate) fn user(ctx: &Ctx<'_>, id: &str) -> Response {
    if !ctx.shared.config.grant_by_admin {
        return problem::forbidden();
    }
    let Ok(id) = id.parse::<u64>() else {
        return ctx.not_found();
    };
    match ctx
        .account()
        .users()
        .iter()
        .find(|user| user.id == id && !user.is_deleted)
    {
        Some(user) => problem::hal(&ctx.renderer().user(user, &ctx.query)),
        None => problem::no_content(),
    }
}

/// `GET /api/v4/leads/pipelines` (not paginated, `_total_items`).
pub(crate) fn pipelines(ctx: &Ctx<'_>) -> Response {
    let renderer = ctx.renderer();
    let pipelines: Vec<Value> = ctx
        .account()
        .pipelines()
        .iter()
        .map(|pipeline| renderer.pipeline(pipeline, &ctx.query))
        .collect();
    problem::hal(&json!({
        "_total_items": pipelines.len(),
        "_links": {"self": {"href": format!("{}/api/v4/leads/pipelines", ctx.shared.base_url)}},
        "_embedded": {"pipelines": pipelines},
    }))
}

/// `GET /api/v4/leads/pipelines/{id}`.
pub(crate) fn pipeline(ctx: &Ctx<'_>, id: &str) -> Response {
    let id: Option<u64> = id.parse().ok();
    match ctx
        .account()
        .pipelines()
        .iter()
        .find(|pipeline| Some(pipeline.id) == id)
    {
        Some(pipeline) => problem::hal(&ctx.renderer().pipeline(pipeline, &ctx.query)),
        None => problem::no_content(),
    }
}

/// `GET /api/v4/leads/pipelines/{id}/statuses[/{status_id}]`.
pub(crate) fn statuses(ctx: &Ctx<'_>, id: &str, status: Option<&&str>) -> Response {
    let id: Option<u64> = id.parse().ok();
    let Some(pipeline) = ctx
        .account()
        .pipelines()
        .iter()
        .find(|pipeline| Some(pipeline.id) == id)
    else {
        return problem::no_content();
    };
    let renderer = ctx.renderer();
    if let Some(status) = status {
        let status: Option<u64> = status.parse().ok();
        return match pipeline
            .statuses
            .iter()
            .find(|candidate| Some(candidate.id) == status)
        {
            Some(found) => problem::hal(&renderer.status(found, &ctx.query)),
            None => problem::no_content(),
        };
    }
    let statuses: Vec<Value> = pipeline
        .statuses
        .iter()
        .map(|status| renderer.status(status, &ctx.query))
        .collect();
    problem::hal(&json!({
        "_total_items": statuses.len(),
        "_links": {"self": {"href": format!("{}{}", ctx.shared.base_url, ctx.path)}},
        "_embedded": {"statuses": statuses},
    }))
}

/// `GET /api/v4/leads/loss_reasons`.
pub(crate) fn loss_reasons(ctx: &Ctx<'_>) -> Response {
    let renderer = ctx.renderer();
    let reasons: Vec<Value> = LOSS_REASONS
        .iter()
        .filter_map(|(id, _)| renderer.loss_reason(*id))
        .collect();
    problem::hal(&json!({
        "_total_items": reasons.len(), "_page": 1,
        "_links": {"self": {"href": format!("{}/api/v4/leads/loss_reasons", ctx.shared.base_url)}},
        "_embedded": {"loss_reasons": reasons},
    }))
}

/// `GET /api/v4/{entity}/custom_fields`: paginated, `_total_items`, `filter[type][]`, `order`.
pub(crate) fn custom_fields(ctx: &Ctx<'_>, kind: EntityKind) -> Response {
    let types = ctx.query.list("type");
    let mut fields: Vec<_> = ctx
        .account()
        .fields(kind)
        .into_iter()
        .filter(|field| types.is_empty() || types.contains(&field.field_type))
        .collect();
    if let Some((_, true)) = &ctx.query.order {
        fields.reverse();
    }
    let renderer = ctx.renderer();
    ctx.list(250, "custom_fields", Some(fields.len() as u64), |paging| {
        Selection::all(0..fields.len() as u64)
            .page(paging)
            .into_iter()
            .map(|at| renderer.field(fields[at as usize]))
            .collect()
    })
}
