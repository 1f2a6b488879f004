//! Timeline comments: `crm.timeline.comment.*` (lower-case `fields`, ENTITY_TYPE names, files
//! as `[name, base64]` pairs).

use serde_json::{Map, Value, json};

use super::disk::{decode_file, store_attachment};
use super::fields::Entity;
use super::filter::{filter_param, matches};
use super::{Ctx, Handler, MethodResult, Output, id_param, page};
use crate::api_error::ApiError;
use crate::php::values::{as_i64, list_items, param, scalar_text};
use crate::portal::Record;
use crate::world::World;

/// Method names served here.
pub const NAMES: [&str; 6] = [
    "crm.timeline.comment.add",
    "crm.timeline.comment.update",
    "crm.timeline.comment.get",
    "crm.timeline.comment.list",
    "crm.timeline.comment.delete",
    "crm.timeline.comment.fields",
];

/// The handler of a timeline comment method.
pub fn lookup(method: &str) -> Option<Handler> {
    let handler: Handler = match method {
        "crm.timeline.comment.add" => add,
        "crm.timeline.comment.update" => update,
        "crm.timeline.comment.get" => get,
        "crm.timeline.comment.list" => list,
        "crm.timeline.comment.delete" => delete,
        "crm.timeline.comment.fields" => fields,
        _ => return None,
    };
    Some(handler)
}

fn not_found() -> ApiError {
    ApiError::new(400, "NOT_FOUND", "Comment not found")
}

/// The exact lower-case `fields` key (upper-case `FIELDS` is no longer read).
fn lower_fields(params: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    match params.get("fields") {
        Some(Value::Object(map)) => Ok(map.clone()),
        _ => Err(ApiError::new(
            400,
            "100",
            "Required parameter \"fields\" is missing",
        )),
    }
}

fn add(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let fields = lower_fields(params)?;
    let entity_type = param(&fields, "ENTITY_TYPE")
        .and_then(scalar_text)
        .unwrap_or_default();
    let entity_id = param(&fields, "ENTITY_ID")
        .and_then(as_i64)
        .unwrap_or(0)
        .max(0) as u64;
    let comment = param(&fields, "COMMENT")
        .and_then(scalar_text)
        .unwrap_or_default();

    let entity = Entity::from_name(&entity_type.to_lowercase());
    let exists = entity.is_some_and(|entity| world.portal.table(entity).contains_key(&entity_id));
    if !exists {
        return Err(ApiError::new(
            400,
            "OWNER_NOT_FOUND",
            "Owner element not found",
        ));
    }
    if comment.trim().is_empty() {
        return Err(ApiError::new(
            400,
            "INVALID_ARG_VALUE",
            "Comment text is empty",
        ));
    }

    let mut files = Map::new();
    for item in param(&fields, "FILES").map(list_items).unwrap_or_default() {
        if let Some((name, bytes)) = decode_file(&item) {
            let size = bytes.len();
            let file = store_attachment(world, &name, bytes, ctx.caller.user_id());
            files.insert(
                file.to_string(),
                json!({
                    "id": file, "name": name, "size": size,
                    "urlDownload": format!("http://{}/disk/download/{file}", ctx.host),
                }),
            );
        }
    }

    let id = world.next_id("comment");
    let mut record = Record::new();
    for (key, value) in [
        ("ID", json!(id.to_string())),
        ("CREATED", json!(world.now_iso())),
        ("ENTITY_ID", json!(entity_id)),
        ("ENTITY_TYPE", json!(entity_type.to_lowercase())),
        ("AUTHOR_ID", json!(ctx.caller.user_id().to_string())),
        ("COMMENT", json!(comment)),
        ("FILES", Value::Object(files)),
    ] {
        record.insert(key.to_string(), value);
    }
    world.portal.comments.insert(id, record);
    Ok(Output::of(json!(id)))
}

fn update(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id")?;
    let fields = lower_fields(params)?;
    let record = world.portal.comments.get_mut(&id).ok_or_else(not_found)?;
    if let Some(comment) = param(&fields, "COMMENT").and_then(scalar_text) {
        if comment.trim().is_empty() {
            return Err(ApiError::new(
                400,
                "INVALID_ARG_VALUE",
                "Comment text is empty",
            ));
        }
        record.insert("COMMENT".to_string(), json!(comment));
    }
    Ok(Output::of(json!(id)))
}

fn get(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id")?;
    let record = world.portal.comments.get(&id).ok_or_else(not_found)?;
    Ok(Output::of(Value::Object(record.clone())))
}

fn list(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let filter = filter_param(params)?;
    let rows: Vec<Value> = world
        .portal
        .comments
        .values()
        .filter(|r| matches(r, &filter))
        .map(|r| Value::Object(r.clone()))
        .collect();
    Ok(page(rows, params))
}

fn delete(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id")?;
    world.portal.comments.remove(&id).ok_or_else(not_found)?;
    Ok(Output::of(Value::Null))
}

fn fields(_world: &mut World, _ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    let field = |kind: &str, required: bool, ro: bool| {
        json!({"type": kind, "isRequired": required, "isReadOnly": ro, "isImmutable": !ro,
            "isMultiple": false, "isDynamic": false})
    };
    Ok(Output::of(json!({
        "ID": field("integer", false, true), "CREATED": field("datetime", false, true),
        "ENTITY_ID": field("integer", true, false), "ENTITY_TYPE": field("string", true, false),
        "AUTHOR_ID": field("user", false, true), "COMMENT": field("string", true, false),
        "FILES": field("attached_diskfile", false, false),
    })))
}
