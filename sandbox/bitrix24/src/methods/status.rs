//! `crm.status.*`: directories and deal stages, with pipeline prefixes, the order rule, system
//! rows and in-use protection.

use serde_json::{Map, Value, json};

use super::filter::{filter_param, matches, order_param, sort_records};
use super::{Ctx, Handler, MethodResult, Output, fields_param, id_param};
use crate::api_error::ApiError;
use crate::php::values::{as_i64, is_yes, param, param_map, scalar_text};
use crate::portal::StatusRow;
use crate::portal::directories::{STATUS_ID_MAX, stage_prefix};
use crate::world::World;

/// Method names served here.
pub const NAMES: [&str; 8] = [
    "crm.status.list",
    "crm.status.add",
    "crm.status.update",
    "crm.status.delete",
    "crm.status.get",
    "crm.status.fields",
    "crm.status.entity.types",
    "crm.status.entity.items",
];

/// The handler of a status method.
pub fn lookup(method: &str) -> Option<Handler> {
    let handler: Handler = match method {
        "crm.status.list" => list,
        "crm.status.add" => add,
        "crm.status.update" => update,
        "crm.status.delete" => delete,
        "crm.status.get" => get,
        "crm.status.fields" => fields,
        "crm.status.entity.types" => entity_types,
        "crm.status.entity.items" => entity_items,
        _ => return None,
    };
    Some(handler)
}

/// The pipeline a stage directory belongs to: `DEAL_STAGE` → 0, `DEAL_STAGE_5` → 5.
fn stage_category(entity: &str) -> Option<u64> {
    if entity == "DEAL_STAGE" {
        return Some(0);
    }
    entity.strip_prefix("DEAL_STAGE_")?.parse().ok()
}

/// A row as the REST API shows it.
pub fn row_view(row: &StatusRow) -> Value {
    let semantics = match row.semantics.as_str() {
        "" => Value::Null,
        other => json!(other),
    };
    let extra = match row.semantics.as_str() {
        "S" => "success",
        "F" if row.status_id.ends_with("APOLOGY") => "apology",
        "F" => "failure",
        _ => "process",
    };
    let mut view = json!({
        "ID": row.id.to_string(),
        "ENTITY_ID": row.entity_id,
        "STATUS_ID": row.status_id,
        "NAME": row.name,
        "NAME_INIT": row.name_init,
        "SORT": row.sort.to_string(),
        "SYSTEM": if row.system { "Y" } else { "N" },
        "CATEGORY_ID": row.category_id.map(|c| c.to_string()),
        "COLOR": row.color,
        "SEMANTICS": semantics,
    });
    if stage_category(&row.entity_id).is_some() {
        view["EXTRA"] = json!({"SEMANTICS": extra, "COLOR": row.color});
    }
    view
}

fn list(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let filter = filter_param(params)?;
    let order = order_param(params)?;
    let mut rows: Vec<Map<String, Value>> = world
        .portal
        .statuses
        .values()
        .filter_map(|row| row_view(row).as_object().cloned())
        .filter(|view| matches(view, &filter))
        .collect();
    let order = if order.is_empty() {
        vec![("SORT".to_string(), false)]
    } else {
        order
    };
    sort_records(&mut rows, &order);

    let total = rows.len() as u64;
    let rows = rows.into_iter().map(Value::Object).collect();
    Ok(Output {
        result: Value::Array(rows),
        total: Some(total),
        next: None,
    })
}

fn entity_supported(world: &World, entity: &str) -> bool {
    match stage_category(entity) {
        Some(0) => true,
        Some(category) => world.portal.categories.contains_key(&category),
        None => world
            .portal
            .statuses
            .values()
            .any(|row| row.entity_id == entity),
    }
}

fn add(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let fields = fields_param(params)?;
    let text = |key: &str| {
        param(&fields, key)
            .and_then(scalar_text)
            .unwrap_or_default()
    };
    let entity = text("ENTITY_ID");
    if entity.is_empty() {
        return Err(ApiError::classic("The field ENTITY_ID is required."));
    }
    let mut status_id = text("STATUS_ID");
    if status_id.is_empty() {
        return Err(ApiError::classic("The field STATUS_ID is required."));
    }
    let name = text("NAME");
    if name.is_empty() {
        return Err(ApiError::classic("The field Title is required."));
    }
    if !entity_supported(world, &entity) {
        return Err(ApiError::classic("Specified entity type is not supported."));
    }

    let category = stage_category(&entity);
    if let Some(category) = category {
        let prefix = stage_prefix(category);
        if !status_id.starts_with(&prefix) {
            status_id = format!("{prefix}{status_id}");
        }
        let bare = &status_id[prefix.len()..];
        if bare.is_empty()
            || !bare
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ApiError::core("The status ID contains invalid characters."));
        }
        status_id.truncate(STATUS_ID_MAX);
    }
    if world
        .portal
        .statuses
        .values()
        .any(|r| r.entity_id == entity && r.status_id == status_id)
    {
        return Err(ApiError::core("The specified status ID already exists."));
    }

    let sort = param(&fields, "SORT").and_then(as_i64).unwrap_or(10);
    let semantics = match text("SEMANTICS").as_str() {
        "S" => "S",
        "F" => "F",
        _ => "",
    };
    if category.is_some() && semantics.is_empty() {
        let success_sort = world
            .portal
            .statuses
            .values()
            .filter(|r| r.entity_id == entity && r.semantics == "S")
            .map(|r| r.sort)
            .min();
        if success_sort.is_some_and(|success| sort >= success) {
            return Err(ApiError::classic(
                "Cannot create more stages after the final stage. Change the sort order.",
            ));
        }
    }

    let id = world.next_id("status");
    let row = StatusRow {
        id,
        entity_id: entity,
        status_id,
        name,
        name_init: String::new(),
        sort,
        system: false,
        category_id: category.filter(|c| *c != 0),
        color: text("COLOR"),
        semantics: semantics.to_string(),
    };
    world.portal.statuses.insert(id, row);
    Ok(Output::of(json!(id)))
}

fn status_not_found() -> ApiError {
    ApiError::classic("Status is not found.")
}

fn update(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id").map_err(|_| ApiError::classic("Invalid identifier."))?;
    let fields = fields_param(params)?;
    let row = world
        .portal
        .statuses
        .get_mut(&id)
        .ok_or_else(status_not_found)?;
    if let Some(name) = param(&fields, "NAME")
        .and_then(scalar_text)
        .filter(|n| !n.is_empty())
    {
        row.name = name;
    }
    if let Some(sort) = param(&fields, "SORT").and_then(as_i64) {
        row.sort = sort;
    }
    if let Some(color) = param(&fields, "COLOR").and_then(scalar_text) {
        row.color = color;
    }
    Ok(Output::of(json!(true)))
}

fn delete(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id").map_err(|_| ApiError::classic("Invalid identifier."))?;
    let row = world
        .portal
        .statuses
        .get(&id)
        .cloned()
        .ok_or_else(status_not_found)?;
    let forced = param_map(params, "params").is_some_and(|p| is_yes(param(&p, "FORCED")));
    if row.system && !forced {
        return Err(ApiError::classic(
            "CRM System Status can be deleted only if parameter FORCED is specified and equal \
             to \"Y\".",
        ));
    }
    if stage_category(&row.entity_id).is_some() {
        let in_use = world.portal.deals.values().any(|deal| {
            deal.get("STAGE_ID").and_then(Value::as_str) == Some(row.status_id.as_str())
        });
        if in_use {
            return Err(ApiError::classic("There are active items in this status."));
        }
    }
    world.portal.statuses.remove(&id);
    Ok(Output::of(json!(true)))
}

fn get(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id")?;
    let row = world
        .portal
        .statuses
        .get(&id)
        .ok_or_else(status_not_found)?;
    Ok(Output::of(row_view(row)))
}

fn fields(_world: &mut World, _ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    let mut out = Map::new();
    for (name, kind, required, ro) in [
        ("ID", "integer", false, true),
        ("ENTITY_ID", "string", true, false),
        ("STATUS_ID", "string", true, false),
        ("NAME", "string", true, false),
        ("NAME_INIT", "string", false, true),
        ("SORT", "integer", false, false),
        ("SYSTEM", "char", false, true),
        ("CATEGORY_ID", "integer", false, true),
        ("COLOR", "string", false, false),
        ("SEMANTICS", "string", false, false),
    ] {
        out.insert(
            name.to_string(),
            json!({"type": kind, "isRequired": required, "isReadOnly": ro,
                "isImmutable": name == "ENTITY_ID", "isMultiple": false, "isDynamic": false,
                "title": name}),
        );
    }
    Ok(Output::of(Value::Object(out)))
}

fn entity_types(world: &mut World, _ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    let mut rows = vec![
        json!({"ID": "DEAL_STAGE", "NAME": "Deal stages", "ENTITY_TYPE_ID": 2,
        "SEMANTIC_INFO": {}, "PREFIX": "", "FIELD_ATTRIBUTE_SCOPE": ""}),
    ];
    for category in world.portal.categories.values() {
        rows.push(json!({
            "ID": format!("DEAL_STAGE_{}", category.id),
            "NAME": format!("Deal stages ({})", category.name),
            "PARENT_ID": "DEAL_STAGE",
            "ENTITY_TYPE_ID": 2,
            "CATEGORY_ID": category.id,
            "PREFIX": format!("C{}", category.id),
        }));
    }
    let mut others: Vec<String> = world
        .portal
        .statuses
        .values()
        .filter(|row| stage_category(&row.entity_id).is_none())
        .map(|row| row.entity_id.clone())
        .collect();
    others.dedup();
    for entity in others {
        rows.push(json!({"ID": entity, "NAME": entity}));
    }
    Ok(Output::of(Value::Array(rows)))
}

fn entity_items(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let entity = param(params, "entityId")
        .and_then(scalar_text)
        .unwrap_or_default();
    let mut rows: Vec<&StatusRow> = world
        .portal
        .statuses
        .values()
        .filter(|row| row.entity_id == entity)
        .collect();
    rows.sort_by_key(|row| (row.sort, row.id));
    let items = rows
        .iter()
        .map(|row| json!({"NAME": row.name, "SORT": row.sort, "STATUS_ID": row.status_id}))
        .collect();
    Ok(Output::of(Value::Array(items)))
}
