//! Activities: legacy `crm.activity.*` (meetings, calls, e-mails with COMMUNICATIONS rules and
//! files) and the universal `crm.activity.todo.add`.

use serde_json::{Map, Value, json};

use super::disk::{decode_file, store_attachment};
use super::fields::entity_of_type;
use super::filter::{filter_param, matches, order_param, select_param, sort_records};
use super::{Ctx, Handler, MethodResult, Output, fields_param, id_param, page};
use crate::api_error::ApiError;
use crate::php::values::{as_i64, list_items, param, scalar_text};
use crate::portal::{Record, dates};
use crate::world::World;

/// Method names served here.
pub const NAMES: [&str; 7] = [
    "crm.activity.add",
    "crm.activity.update",
    "crm.activity.get",
    "crm.activity.list",
    "crm.activity.delete",
    "crm.activity.fields",
    "crm.activity.todo.add",
];

/// The handler of an activity method.
pub fn lookup(method: &str) -> Option<Handler> {
    let handler: Handler = match method {
        "crm.activity.add" => add,
        "crm.activity.update" => update,
        "crm.activity.get" => get,
        "crm.activity.list" => list,
        "crm.activity.delete" => delete,
        "crm.activity.fields" => fields,
        "crm.activity.todo.add" => todo_add,
        _ => return None,
    };
    Some(handler)
}

/// Plain writable fields copied as text.
const TEXT_FIELDS: [&str; 11] = [
    "SUBJECT",
    "DESCRIPTION",
    "DESCRIPTION_TYPE",
    "DIRECTION",
    "PRIORITY",
    "LOCATION",
    "NOTIFY_TYPE",
    "NOTIFY_VALUE",
    "ORIGINATOR_ID",
    "ORIGIN_ID",
    "ORIGIN_VERSION",
];

/// The responsible user of a CRM record, if it has one.
fn owner_responsible(world: &mut World, owner_type: u64, owner_id: u64) -> Option<u64> {
    let entity = entity_of_type(owner_type)?;
    let record = world.portal.table(entity).get(&owner_id)?;
    record
        .get("ASSIGNED_BY_ID")
        .and_then(as_i64)
        .map(|id| id as u64)
}

fn owner_exists(world: &mut World, owner_type: u64, owner_id: u64) -> bool {
    match entity_of_type(owner_type) {
        Some(entity) => world.portal.table(entity).contains_key(&owner_id),
        None => false,
    }
}

/// Cleans COMMUNICATIONS by the type's rules; returns the kept items.
fn communications(
    type_id: i64,
    owner: (u64, u64),
    raw: Option<&Value>,
) -> Result<Vec<Value>, ApiError> {
    let wanted_type = match type_id {
        2 => Some("PHONE"),
        4 => Some("EMAIL"),
        _ => None,
    };
    let mut kept = Vec::new();
    for item in raw.map(list_items).unwrap_or_default() {
        let Value::Object(item) = item else { continue };
        let value = param(&item, "VALUE")
            .and_then(scalar_text)
            .unwrap_or_default();
        if value.is_empty() {
            continue;
        }
        let given_type = param(&item, "TYPE")
            .and_then(scalar_text)
            .unwrap_or_default();
        let comm_type = match wanted_type {
            Some(wanted) if given_type.is_empty() || given_type == wanted => wanted.to_string(),
            Some(_) => continue,
            None => given_type,
        };
        let entity_type = param(&item, "ENTITY_TYPE_ID")
            .and_then(as_i64)
            .unwrap_or(owner.0 as i64);
        let entity_id = param(&item, "ENTITY_ID")
            .and_then(as_i64)
            .unwrap_or(owner.1 as i64);
        kept.push(json!({
            "VALUE": value, "TYPE": comm_type,
            "ENTITY_TYPE_ID": entity_type.to_string(), "ENTITY_ID": entity_id.to_string(),
        }));
    }

    if kept.is_empty() {
        return Err(ApiError::classic(
            "The field COMMUNICATIONS is not defined or invalid.",
        ));
    }
    if matches!(type_id, 1 | 2) && kept.len() > 1 {
        return Err(ApiError::classic(
            "The only one communication is allowed for activity of specified type.",
        ));
    }
    Ok(kept)
}

fn add(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let fields = fields_param(params)?;
    let type_id = param(&fields, "TYPE_ID").and_then(as_i64).unwrap_or(0);
    if !matches!(type_id, 1 | 2 | 4) {
        let shown = param(&fields, "TYPE_ID")
            .and_then(scalar_text)
            .unwrap_or_default();
        return Err(ApiError::classic(format!(
            "The activity type \"{shown}\" is not supported in current context."
        )));
    }

    let owner_type = param(&fields, "OWNER_TYPE_ID")
        .and_then(as_i64)
        .unwrap_or(0)
        .max(0) as u64;
    let owner_id = param(&fields, "OWNER_ID")
        .and_then(as_i64)
        .unwrap_or(0)
        .max(0) as u64;
    if !owner_exists(world, owner_type, owner_id) {
        return Err(ApiError::classic(
            "The field OWNER_ID is not defined or invalid.",
        ));
    }
    let comms = communications(
        type_id,
        (owner_type, owner_id),
        param(&fields, "COMMUNICATIONS"),
    )?;

    let responsible = param(&fields, "RESPONSIBLE_ID")
        .and_then(as_i64)
        .filter(|id| *id > 0)
        .map(|id| id as u64)
        .or_else(|| owner_responsible(world, owner_type, owner_id))
        .unwrap_or(ctx.caller.user_id());
    if !world.portal.users.contains_key(&responsible) {
        return Err(ApiError::classic(
            "The field RESPONSIBLE_ID is not defined or invalid.",
        ));
    }

    let id = world.next_id("activity");
    let mut record = Record::new();
    record.insert("ID".to_string(), json!(id.to_string()));
    record.insert("TYPE_ID".to_string(), json!(type_id.to_string()));
    let provider = match type_id {
        1 => "CRM_MEETING",
        2 => "VOXIMPLANT_CALL",
        _ => "CRM_EMAIL",
    };
    record.insert("PROVIDER_ID".to_string(), json!(provider));
    record.insert("OWNER_TYPE_ID".to_string(), json!(owner_type.to_string()));
    record.insert("OWNER_ID".to_string(), json!(owner_id.to_string()));
    write_common(&mut record, &fields);
    record.insert("RESPONSIBLE_ID".to_string(), json!(responsible.to_string()));
    record.insert(
        "AUTHOR_ID".to_string(),
        json!(ctx.caller.user_id().to_string()),
    );
    record.insert("CREATED".to_string(), json!(world.now_iso()));
    record.insert("LAST_UPDATED".to_string(), json!(world.now_iso()));

    let mut bindings = vec![json!({"OWNER_TYPE_ID": owner_type.to_string(),
        "OWNER_ID": owner_id.to_string()})];
    for comm in &comms {
        let binding =
            json!({"OWNER_TYPE_ID": comm["ENTITY_TYPE_ID"], "OWNER_ID": comm["ENTITY_ID"]});
        if !bindings.contains(&binding) {
            bindings.push(binding);
        }
    }
    record.insert("BINDINGS".to_string(), Value::Array(bindings));
    record.insert("COMMUNICATIONS".to_string(), Value::Array(comms));

    let mut files = Vec::new();
    for item in param(&fields, "FILES").map(list_items).unwrap_or_default() {
        let file = match decode_file(&item) {
            Some((name, bytes)) => {
                Some(store_attachment(world, &name, bytes, ctx.caller.user_id()))
            }
            None => existing_drive_file(world, &item),
        };
        if let Some(file) = file {
            let url = format!("http://{}/disk/download/{file}", ctx.host);
            files.push(json!({"id": file, "url": url}));
        }
    }
    record.insert("FILES".to_string(), Value::Array(files));

    let completed = record.get("COMPLETED").and_then(Value::as_str) == Some("Y");
    let outgoing = record.get("DIRECTION").and_then(Value::as_str) == Some("2");
    if type_id == 4 && completed && outgoing {
        world.portal.sent_emails.push(id);
    }
    world.portal.activities.insert(id, record);
    Ok(Output::of(json!(id)))
}

/// A Drive file given as `{id: N}` or `"n{N}"` that exists on the portal.
fn existing_drive_file(world: &World, item: &Value) -> Option<u64> {
    let id = match item {
        Value::Object(map) => param(map, "id").and_then(as_i64),
        other => scalar_text(other).and_then(|t| t.trim_start_matches('n').parse().ok()),
    }?;
    let id = u64::try_from(id).ok()?;
    world.portal.files.contains_key(&id).then_some(id)
}

fn write_common(record: &mut Record, fields: &Map<String, Value>) {
    for key in TEXT_FIELDS {
        if let Some(text) = param(fields, key).and_then(scalar_text) {
            record.insert(key.to_string(), json!(text));
        }
    }
    for key in ["START_TIME", "END_TIME"] {
        if let Some(at) = param(fields, key)
            .and_then(scalar_text)
            .and_then(|t| dates::parse(&t))
        {
            record.insert(key.to_string(), json!(dates::iso(at)));
        }
    }
    if let Some(end) = record.get("END_TIME").or(record.get("START_TIME")).cloned() {
        record.insert("DEADLINE".to_string(), end);
    }
    if let Some(flag) = param(fields, "COMPLETED").and_then(scalar_text) {
        let done = matches!(flag.as_str(), "Y" | "1" | "true");
        record.insert("COMPLETED".to_string(), json!(if done { "Y" } else { "N" }));
    }
    record.entry("COMPLETED").or_insert(json!("N"));
    record.entry("PRIORITY").or_insert(json!("2"));
    record.entry("DIRECTION").or_insert(json!("0"));
    record.entry("DESCRIPTION_TYPE").or_insert(json!("1"));
}

fn not_found() -> ApiError {
    ApiError::classic("Activity is not found.")
}

fn update(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id")?;
    let fields = fields_param(params)?;
    let now = world.now_iso();
    let record = world.portal.activities.get_mut(&id).ok_or_else(not_found)?;
    write_common(record, &fields);
    if let Some(responsible) = param(&fields, "RESPONSIBLE_ID").and_then(as_i64) {
        record.insert("RESPONSIBLE_ID".to_string(), json!(responsible.to_string()));
    }
    record.insert("LAST_UPDATED".to_string(), json!(now));
    Ok(Output::of(json!(true)))
}

fn get(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id")?;
    let record = world.portal.activities.get(&id).ok_or_else(not_found)?;
    Ok(Output::of(Value::Object(record.clone())))
}

fn list(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let filter = filter_param(params)?;
    let order = order_param(params)?;
    let select = select_param(params);
    let mut rows: Vec<Record> = world
        .portal
        .activities
        .values()
        .filter(|r| matches(r, &filter))
        .cloned()
        .collect();
    let order = if order.is_empty() {
        vec![("START_TIME".to_string(), false)]
    } else {
        order
    };
    sort_records(&mut rows, &order);

    let star = select.is_empty() || select.iter().any(|s| s == "*");
    let rows = rows
        .into_iter()
        .map(|row| {
            let kept = row.into_iter().filter(|(key, _)| {
                key == "ID"
                    || select.contains(key)
                    || (star && key != "COMMUNICATIONS" && key != "FILES")
            });
            Value::Object(kept.collect())
        })
        .collect();
    Ok(page(rows, params))
}

fn delete(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id")?;
    world.portal.activities.remove(&id).ok_or_else(not_found)?;
    Ok(Output::of(json!(true)))
}

fn fields(_world: &mut World, _ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    let mut out = Map::new();
    for (name, kind, required) in [
        ("ID", "integer", false),
        ("OWNER_ID", "integer", true),
        ("OWNER_TYPE_ID", "crm_enum_ownertype", true),
        ("TYPE_ID", "crm_enum_activitytype", true),
        ("SUBJECT", "string", true),
        ("START_TIME", "datetime", false),
        ("END_TIME", "datetime", false),
        ("COMPLETED", "char", false),
        ("RESPONSIBLE_ID", "user", false),
        ("COMMUNICATIONS", "crm_activity_communication", true),
        ("FILES", "diskfile", false),
    ] {
        out.insert(
            name.to_string(),
            json!({"type": kind, "isRequired": required,
            "isReadOnly": name == "ID", "isImmutable": false, "isMultiple": false,
            "isDynamic": false, "title": name}),
        );
    }
    Ok(Output::of(Value::Object(out)))
}

fn todo_add(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let owner_type = param(params, "ownerTypeId").and_then(as_i64);
    let owner_id = param(params, "ownerId").and_then(as_i64);
    let deadline = param(params, "deadline").and_then(scalar_text);
    let (Some(owner_type), Some(owner_id), Some(deadline)) = (owner_type, owner_id, deadline)
    else {
        return Err(ApiError::new(400, "100", "Required parameters are missing"));
    };
    let Some(deadline) = dates::parse(&deadline) else {
        return Err(ApiError::new(
            400,
            "WRONG_DATETIME_FORMAT",
            "Wrong datetime format",
        ));
    };
    let (owner_type, owner_id) = (owner_type.max(0) as u64, owner_id.max(0) as u64);
    if !owner_exists(world, owner_type, owner_id) {
        return Err(ApiError::new(
            400,
            "OWNER_NOT_FOUND",
            "Owner element not found",
        ));
    }

    let id = world.next_id("activity");
    let text = |key: &str| json!(param(params, key).and_then(scalar_text).unwrap_or_default());
    let responsible = param(params, "responsibleId")
        .and_then(as_i64)
        .map_or(ctx.caller.user_id(), |r| r as u64);
    let mut record = Record::new();
    for (key, value) in [
        ("ID", json!(id.to_string())),
        ("TYPE_ID", json!("6")),
        ("PROVIDER_ID", json!("CRM_TODO")),
        ("OWNER_TYPE_ID", json!(owner_type.to_string())),
        ("OWNER_ID", json!(owner_id.to_string())),
        ("SUBJECT", text("title")),
        ("DESCRIPTION", text("description")),
        ("DEADLINE", json!(dates::iso(deadline))),
        ("COMPLETED", json!("N")),
        ("RESPONSIBLE_ID", json!(responsible.to_string())),
        ("AUTHOR_ID", json!(ctx.caller.user_id().to_string())),
        ("CREATED", json!(world.now_iso())),
    ] {
        record.insert(key.to_string(), value);
    }
    world.portal.activities.insert(id, record);
    Ok(Output::of(json!({"id": id})))
}
