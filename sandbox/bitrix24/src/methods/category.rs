//! Deal pipelines: the new `crm.category.*` (entityTypeId 2) and the old `crm.dealcategory.*`,
//! both bound by the plan's pipeline limit.

use serde_json::{Map, Value, json};

use super::{Ctx, Handler, MethodResult, Output, fields_param, id_param, page};
use crate::api_error::ApiError;
use crate::php::values::{as_i64, param, param_map, scalar_text};
use crate::portal::Category;
use crate::portal::directories::{create_stages, stage_entity, stages_of};
use crate::world::World;

/// Method names served here.
pub const NAMES: [&str; 16] = [
    "crm.category.add",
    "crm.category.update",
    "crm.category.get",
    "crm.category.list",
    "crm.category.delete",
    "crm.category.fields",
    "crm.dealcategory.add",
    "crm.dealcategory.update",
    "crm.dealcategory.get",
    "crm.dealcategory.list",
    "crm.dealcategory.delete",
    "crm.dealcategory.fields",
    "crm.dealcategory.status",
    "crm.dealcategory.stage.list",
    "crm.dealcategory.default.get",
    "crm.dealcategory.default.set",
];

/// The handler of a pipeline method.
pub fn lookup(method: &str) -> Option<Handler> {
    let handler: Handler = match method {
        "crm.category.add" => new_add,
        "crm.category.update" => new_update,
        "crm.category.get" => new_get,
        "crm.category.list" => new_list,
        "crm.category.delete" => new_delete,
        "crm.category.fields" => new_fields,
        "crm.dealcategory.add" => old_add,
        "crm.dealcategory.update" => old_update,
        "crm.dealcategory.get" => old_get,
        "crm.dealcategory.list" => old_list,
        "crm.dealcategory.delete" => old_delete,
        "crm.dealcategory.fields" => old_fields,
        "crm.dealcategory.status" => old_status,
        "crm.dealcategory.stage.list" => old_stage_list,
        "crm.dealcategory.default.get" => old_default_get,
        "crm.dealcategory.default.set" => old_default_set,
        _ => return None,
    };
    Some(handler)
}

/// Creates a pipeline after the plan check; returns its id.
fn create(
    world: &mut World,
    name: String,
    sort: i64,
    origin: (String, String),
) -> Result<u64, ApiError> {
    let limit = world.limits().deal_category_limit;
    let count = world.portal.categories.len() as i64 + 1;
    if limit > 0 && limit <= count {
        return Err(ApiError::new(
            400,
            &world.config.pipeline_limit_error_code.clone(),
            format!(
                "Your current tariff plan allows no more than {limit} pipelines. \
                 Upgrade to a higher plan to add more."
            ),
        ));
    }

    let id = world.next_id("category");
    let category = Category {
        id,
        name,
        sort: sort.max(0),
        created: world.now_iso(),
        origin_id: origin.0,
        originator_id: origin.1,
    };
    world.portal.categories.insert(id, category);
    create_stages(&mut world.portal, id);
    Ok(id)
}

/// Removes a pipeline if it is not the main one and holds no deals.
fn remove(world: &mut World, id: u64, not_found: ApiError) -> Result<(), ApiError> {
    if id == 0 {
        return Err(ApiError::new(
            400,
            "0",
            "Default deal category cannot be deleted",
        ));
    }
    if !world.portal.categories.contains_key(&id) {
        return Err(not_found);
    }
    let in_use = world
        .portal
        .deals
        .values()
        .any(|deal| deal.get("CATEGORY_ID").and_then(as_i64) == Some(id as i64));
    if in_use {
        return Err(ApiError::new(
            400,
            "0",
            format!("Deals related to the funnel {id} found. Delete them first."),
        ));
    }

    world.portal.categories.remove(&id);
    let entity = stage_entity(id);
    world
        .portal
        .statuses
        .retain(|_, row| row.entity_id != entity);
    Ok(())
}

fn check_entity_type(params: &Map<String, Value>) -> Result<(), ApiError> {
    let type_id = param(params, "entityTypeId").and_then(as_i64);
    if type_id == Some(2) {
        return Ok(());
    }
    Err(ApiError::new(
        400,
        "ENTITY_TYPE_NOT_SUPPORTED",
        "Entity type is not supported",
    ))
}

fn new_view(world: &World, id: u64) -> Option<Value> {
    if id == 0 {
        let (name, sort) = &world.portal.main_category;
        return Some(
            json!({"id": 0, "name": name, "sort": sort, "entityTypeId": 2,
            "isDefault": "Y"}),
        );
    }
    let category = world.portal.categories.get(&id)?;
    Some(json!({
        "id": id, "name": category.name, "sort": category.sort, "entityTypeId": 2,
        "isDefault": "N", "originId": category.origin_id, "originatorId": category.originator_id,
    }))
}

fn element_not_found() -> ApiError {
    ApiError::new(400, "NOT_FOUND", "Element not found")
}

fn new_add(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    check_entity_type(params)?;
    let fields = fields_param(params)?;
    let name = param(&fields, "name")
        .and_then(scalar_text)
        .unwrap_or_default();
    if name.trim().is_empty() {
        return Err(ApiError::new(400, "0", "Field 'NAME' is required."));
    }
    if param(&fields, "isDefault").is_some_and(|v| scalar_text(v).as_deref() == Some("Y")) {
        return Err(ApiError::new(
            400,
            "0",
            "A new pipeline cannot be made the default one.",
        ));
    }
    let sort = param(&fields, "sort").and_then(as_i64).unwrap_or(500);
    let origin = (
        param(&fields, "originId")
            .and_then(scalar_text)
            .unwrap_or_default(),
        param(&fields, "originatorId")
            .and_then(scalar_text)
            .unwrap_or_default(),
    );

    let id = create(world, name, sort, origin)?;
    Ok(Output::of(json!({"category": new_view(world, id)})))
}

fn new_update(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    check_entity_type(params)?;
    let id = param(params, "id").and_then(as_i64).unwrap_or(-1);
    let fields = fields_param(params)?;
    let name = param(&fields, "name").and_then(scalar_text);
    let sort = param(&fields, "sort").and_then(as_i64);
    if id == 0 {
        let main = &mut world.portal.main_category;
        if let Some(name) = name {
            main.0 = name;
        }
        if let Some(sort) = sort {
            main.1 = sort.max(0);
        }
    } else {
        let category = world
            .portal
            .categories
            .get_mut(&(id as u64))
            .ok_or_else(element_not_found)?;
        if let Some(name) = name.filter(|n| !n.trim().is_empty()) {
            category.name = name;
        }
        if let Some(sort) = sort {
            category.sort = sort.max(0);
        }
    }
    Ok(Output::of(
        json!({"category": new_view(world, id.max(0) as u64)}),
    ))
}

fn new_get(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    check_entity_type(params)?;
    let id = param(params, "id").and_then(as_i64).unwrap_or(-1);
    let view = u64::try_from(id).ok().and_then(|id| new_view(world, id));
    let view = view.ok_or_else(element_not_found)?;
    Ok(Output::of(json!({"category": view})))
}

fn sorted_ids(world: &World) -> Vec<u64> {
    let mut ids: Vec<(i64, u64)> = vec![(world.portal.main_category.1, 0)];
    ids.extend(world.portal.categories.values().map(|c| (c.sort, c.id)));
    ids.sort();
    ids.into_iter().map(|(_, id)| id).collect()
}

fn new_list(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    check_entity_type(params)?;
    let views: Vec<Value> = sorted_ids(world)
        .into_iter()
        .filter_map(|id| new_view(world, id))
        .collect();
    let total = views.len() as u64;
    Ok(Output {
        result: json!({"categories": views}),
        total: Some(total),
        next: None,
    })
}

fn new_delete(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    check_entity_type(params)?;
    let id = param(params, "id").and_then(as_i64).unwrap_or(-1);
    let id = u64::try_from(id).map_err(|_| element_not_found())?;
    remove(world, id, element_not_found())?;
    Ok(Output::of(Value::Null))
}

fn new_fields(_world: &mut World, _ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    let field = |kind: &str, ro: bool| {
        json!({"type": kind, "isRequired": false, "isReadOnly": ro, "isImmutable": false,
            "isMultiple": false})
    };
    Ok(Output::of(json!({"fields": {
        "id": field("integer", true), "name": field("string", false),
        "sort": field("integer", false), "entityTypeId": field("integer", true),
        "isDefault": field("boolean", false),
    }})))
}

fn old_view(world: &World, id: u64) -> Option<Value> {
    let category = world.portal.categories.get(&id)?;
    Some(json!({
        "ID": id.to_string(), "CREATED_DATE": category.created, "NAME": category.name,
        "IS_LOCKED": "N", "SORT": category.sort.to_string(),
    }))
}

fn old_add(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let fields = fields_param(params)?;
    let name = param(&fields, "NAME")
        .and_then(scalar_text)
        .unwrap_or_default();
    if name.trim().is_empty() {
        return Err(ApiError::classic("Field 'NAME' is required."));
    }
    let sort = param(&fields, "SORT").and_then(as_i64).unwrap_or(0);
    let id = create(world, name, sort, (String::new(), String::new()))?;
    Ok(Output::of(json!(id)))
}

fn old_update(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id")?;
    let fields = fields_param(params)?;
    let category = world
        .portal
        .categories
        .get_mut(&id)
        .ok_or_else(ApiError::not_found)?;
    if let Some(name) = param(&fields, "NAME")
        .and_then(scalar_text)
        .filter(|n| !n.is_empty())
    {
        category.name = name;
    }
    if let Some(sort) = param(&fields, "SORT").and_then(as_i64) {
        category.sort = sort.max(0);
    }
    Ok(Output::of(json!(true)))
}

fn old_get(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id")?;
    Ok(Output::of(
        old_view(world, id).ok_or_else(ApiError::not_found)?,
    ))
}

fn old_list(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let rows: Vec<Value> = sorted_ids(world)
        .into_iter()
        .filter(|id| *id != 0)
        .filter_map(|id| old_view(world, id))
        .collect();
    Ok(page(rows, params))
}

fn old_delete(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id")?;
    remove(world, id, ApiError::not_found()).map_err(|error| {
        if error.code == "0" {
            ApiError::classic(error.description)
        } else {
            error
        }
    })?;
    Ok(Output::of(json!(true)))
}

fn old_fields(_world: &mut World, _ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    let field = |kind: &str, required: bool, ro: bool| {
        json!({"type": kind, "isRequired": required, "isReadOnly": ro, "isImmutable": false,
            "isMultiple": false, "isDynamic": false})
    };
    Ok(Output::of(json!({
        "ID": field("integer", false, true), "CREATED_DATE": field("date", false, true),
        "NAME": field("string", true, false), "IS_LOCKED": field("char", false, true),
        "SORT": field("integer", false, false),
    })))
}

fn category_param(world: &World, params: &Map<String, Value>) -> Result<u64, ApiError> {
    let id = param(params, "id").and_then(as_i64).unwrap_or(0);
    let id = u64::try_from(id).map_err(|_| ApiError::bad_id())?;
    if id != 0 && !world.portal.categories.contains_key(&id) {
        return Err(ApiError::not_found());
    }
    Ok(id)
}

fn old_status(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = category_param(world, params)?;
    Ok(Output::of(json!(stage_entity(id))))
}

fn old_stage_list(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = category_param(world, params)?;
    let rows: Vec<Value> = stages_of(&world.portal, id)
        .iter()
        .map(|s| json!({"NAME": s.name, "SORT": s.sort.to_string(), "STATUS_ID": s.status_id}))
        .collect();
    Ok(Output::of(Value::Array(rows)))
}

fn old_default_get(world: &mut World, _ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    let (name, sort) = &world.portal.main_category;
    Ok(Output::of(json!({"ID": 0, "NAME": name, "SORT": sort})))
}

fn old_default_set(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let fields = param_map(params, "fields").unwrap_or_else(|| params.clone());
    if let Some(name) = param(&fields, "NAME")
        .and_then(scalar_text)
        .filter(|n| !n.is_empty())
    {
        world.portal.main_category.0 = name;
    }
    Ok(Output::of(json!(true)))
}
