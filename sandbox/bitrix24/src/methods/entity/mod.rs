//! Classic `crm.company.*`, `crm.contact.*` and `crm.deal.*`: add, update, get, list, delete
//! and fields, with the portal's silent coercions.

use serde_json::{Map, Value, json};

use super::fields::{Entity, describe};
use super::filter::{filter_param, matches, order_param, select_param, sort_records};
use super::{Ctx, Handler, MethodResult, Output, fields_param, id_param, page};
use crate::api_error::ApiError;
use crate::php::values::{as_i64, is_yes, param, param_map, scalar_text};
use crate::portal::{Record, dates};
use crate::world::World;

mod stage;
mod view;
mod write;

use stage::{settle_deal_stage, settle_deal_stage_on_update};
use view::{full_view, project};
use write::{check_mandatory, write_fields};

/// The handler of a `crm.{company|contact|deal}.{action}` method.
pub fn lookup(method: &str) -> Option<Handler> {
    let rest = method.strip_prefix("crm.")?;
    let (entity, action) = rest.split_once('.')?;
    Entity::from_name(entity)?;
    let handler: Handler = match action {
        "add" => add,
        "update" => update,
        "get" => get,
        "list" => list,
        "delete" => delete,
        "fields" => fields,
        _ => return None,
    };
    Some(handler)
}

/// The entity a method name is about (`crm.deal.add` → deal).
fn entity_of(ctx: &Ctx) -> Entity {
    ctx.method
        .split('.')
        .nth(1)
        .and_then(Entity::from_name)
        .unwrap_or(Entity::Deal)
}

/// `crm.*.add`: the id is only taken once every check passed, as a failed insert takes none.
fn add(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let entity = entity_of(ctx);
    let fields = fields_param(params)?;
    let user = json!(ctx.caller.user_id().to_string());
    let now = json!(world.now_iso());

    let mut record = Record::new();
    let id = world.portal.peek_id(entity.name());
    record.insert("ID".to_string(), json!(id.to_string()));
    if let Err(error) = write_fields(world, entity, id, &mut record, &fields, true) {
        unlink_all(world, entity, id);
        return Err(error);
    }

    for (key, default) in [("ASSIGNED_BY_ID", user.clone()), ("OPENED", json!("Y"))] {
        if record.get(key).is_none_or(Value::is_null) {
            record.insert(key.to_string(), default);
        }
    }
    for (key, value) in [
        ("CREATED_BY_ID", user.clone()),
        ("MODIFY_BY_ID", user),
        ("DATE_CREATE", now.clone()),
        ("DATE_MODIFY", now),
    ] {
        record.insert(key.to_string(), value);
    }
    if entity != Entity::Deal && import_mode(params) {
        write_import_fields(&mut record, &fields);
    }

    let validation = match entity {
        Entity::Company => require_text(
            &record,
            &["TITLE"],
            "The \"Company name\" field is required.",
        ),
        Entity::Contact => require_text(
            &record,
            &["NAME", "LAST_NAME"],
            "Required fields are not filled in: \"Name\" or \"Last name\".",
        ),
        Entity::Deal => {
            let requested = record
                .get("STAGE_ID")
                .and_then(Value::as_str)
                .map(String::from);
            record.remove("STAGE_ID");
            settle_deal_stage(world, &mut record, requested);
            fill_deal_defaults(world, &mut record, id);
            Ok(())
        }
    };
    let checked = validation.and_then(|()| check_mandatory(world, entity, &record));
    if let Err(error) = checked {
        unlink_all(world, entity, id);
        return Err(error);
    }

    if entity == Entity::Deal {
        world.portal.automation_runs += 1;
    }
    world.next_id(entity.name());
    world.portal.table(entity).insert(id, record);
    Ok(Output::of(json!(id)))
}

/// `params[IMPORT]=Y` (companies and contacts only; deals have no import mode).
fn import_mode(params: &Map<String, Value>) -> bool {
    param_map(params, "params").is_some_and(|p| is_yes(param(&p, "IMPORT")))
}

/// Import mode unlocks the creation and modification dates and authors.
fn write_import_fields(record: &mut Record, fields: &Map<String, Value>) {
    for key in ["DATE_CREATE", "DATE_MODIFY"] {
        let parsed = fields
            .get(key)
            .and_then(scalar_text)
            .and_then(|t| dates::parse(&t));
        if let Some(at) = parsed {
            record.insert(key.to_string(), json!(dates::iso(at)));
        }
    }
    for key in ["CREATED_BY_ID", "MODIFY_BY_ID"] {
        if let Some(user) = fields.get(key).and_then(as_i64).filter(|u| *u > 0) {
            record.insert(key.to_string(), json!(user.to_string()));
        }
    }
}

fn require_text(record: &Record, any_of: &[&str], message: &str) -> Result<(), ApiError> {
    let present = any_of.iter().any(|key| {
        record
            .get(*key)
            .and_then(Value::as_str)
            .is_some_and(|text| !text.trim().is_empty())
    });
    if present {
        Ok(())
    } else {
        Err(ApiError::core(format!("{message}<br>")))
    }
}

fn fill_deal_defaults(world: &World, record: &mut Record, id: u64) {
    let today = world.now();
    let defaults = [
        ("TITLE", json!(format!("Deal #{id}"))),
        ("CURRENCY_ID", json!("RUB")),
        ("OPPORTUNITY", json!("0.00")),
        ("BEGINDATE", json!(dates::date_only(today))),
        (
            "CLOSEDATE",
            json!(dates::date_only(today + chrono::TimeDelta::days(7))),
        ),
        ("TYPE_ID", json!("SALE")),
        ("PROBABILITY", Value::Null),
        ("COMPANY_ID", json!("0")),
    ];
    for (key, value) in defaults {
        let empty = match record.get(key) {
            None | Some(Value::Null) => true,
            Some(Value::String(text)) => text.is_empty(),
            _ => false,
        };
        if empty {
            record.insert(key.to_string(), value);
        }
    }
}

fn unlink_all(world: &mut World, entity: Entity, id: u64) {
    let portal = &mut world.portal;
    match entity {
        Entity::Company => portal.company_contacts.retain(|l| l.owner != id),
        Entity::Contact => {
            portal.company_contacts.retain(|l| l.contact != id);
            portal.deal_contacts.retain(|l| l.contact != id);
        }
        Entity::Deal => portal.deal_contacts.retain(|l| l.owner != id),
    }
}

/// `crm.*.update`: immutable fields are dropped, multifields are merged.
fn update(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let entity = entity_of(ctx);
    let id = id_param(params, "id")?;
    let fields = fields_param(params)?;
    let Some(mut record) = world.portal.table(entity).get(&id).cloned() else {
        return Err(ApiError::not_found());
    };

    let requested_stage = fields.get("STAGE_ID").and_then(scalar_text);
    let current_stage = record.get("STAGE_ID").cloned();
    write_fields(world, entity, id, &mut record, &fields, false)?;
    if entity == Entity::Deal {
        if let Some(stage) = current_stage {
            record.insert("STAGE_ID".to_string(), stage);
        }
        settle_deal_stage_on_update(world, &mut record, requested_stage);
        world.portal.automation_runs += 1;
    }
    record.insert(
        "MODIFY_BY_ID".to_string(),
        json!(ctx.caller.user_id().to_string()),
    );
    record.insert("DATE_MODIFY".to_string(), json!(world.now_iso()));

    world.portal.table(entity).insert(id, record);
    Ok(Output::of(json!(true)))
}

fn get(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let entity = entity_of(ctx);
    let id = id_param(params, "id")?;
    let Some(record) = world.portal.table(entity).get(&id).cloned() else {
        return Err(ApiError::not_found());
    };
    Ok(Output::of(Value::Object(full_view(
        world, entity, id, &record,
    ))))
}

fn list(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let entity = entity_of(ctx);
    let filter = filter_param(params)?;
    let order = order_param(params)?;
    let select = select_param(params);

    let records: Vec<(u64, Record)> = world
        .portal
        .table(entity)
        .iter()
        .map(|(id, r)| (*id, r.clone()))
        .collect();
    let mut rows: Vec<Record> = records
        .into_iter()
        .map(|(id, record)| full_view(world, entity, id, &record))
        .filter(|view| matches(view, &filter))
        .collect();
    sort_records(&mut rows, &order);

    let rows = rows
        .into_iter()
        .map(|view| Value::Object(project(view, &select)))
        .collect();
    Ok(page(rows, params))
}

fn delete(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let entity = entity_of(ctx);
    let id = id_param(params, "id")?;
    let Some(record) = world.portal.table(entity).remove(&id) else {
        return Err(ApiError::not_found());
    };
    // The files of its `file` user fields go with the record.
    for file in write::file_ids(world, entity, &record) {
        world.portal.files.remove(&file);
    }

    unlink_all(world, entity, id);
    let owner_type = entity.type_id().to_string();
    let owner_id = id.to_string();
    world.portal.activities.retain(|_, activity| {
        !(param(activity, "OWNER_TYPE_ID")
            .and_then(scalar_text)
            .as_deref()
            == Some(&owner_type)
            && param(activity, "OWNER_ID").and_then(scalar_text).as_deref() == Some(&owner_id))
    });
    Ok(Output::of(json!(true)))
}

fn fields(world: &mut World, ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    Ok(Output::of(describe(&world.portal, entity_of(ctx))))
}
