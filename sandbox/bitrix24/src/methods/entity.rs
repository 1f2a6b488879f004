//! Classic `crm.company.*`, `crm.contact.*` and `crm.deal.*`: add, update, get, list, delete
//! and fields, with the portal's silent coercions.

use serde_json::{Map, Value, json};

use super::fields::{Entity, FieldDef, Kind, describe, field, standard_fields};
use super::filter::{filter_param, matches, order_param, select_param, sort_records};
use super::{Ctx, Handler, MethodResult, Output, fields_param, id_param, multifield, page};
use crate::api_error::ApiError;
use crate::php::values::{as_i64, list_items, param, scalar_text};
use crate::portal::directories::stages_of;
use crate::portal::{Link, Record, dates};
use crate::world::World;

/// Currencies the simulated portal knows.
const CURRENCIES: [&str; 6] = ["RUB", "USD", "EUR", "UAH", "BYN", "KZT"];

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

/// Converts an incoming value to its stored form; `None` drops the field.
fn convert(kind: Kind, value: &Value) -> Option<Value> {
    let text = scalar_text(value);
    match kind {
        Kind::Integer | Kind::User | Kind::Category => {
            let text = text?;
            if text.is_empty() {
                return Some(Value::Null);
            }
            text.trim()
                .parse::<i64>()
                .ok()
                .map(|n| json!(n.to_string()))
        }
        Kind::Double => {
            let text = text?;
            if text.is_empty() {
                return Some(json!("0.00"));
            }
            text.trim()
                .parse::<f64>()
                .ok()
                .map(|n| json!(format!("{n:.2}")))
        }
        Kind::Date | Kind::DateTime => {
            let text = text?;
            if text.is_empty() {
                return Some(json!(""));
            }
            let at = dates::parse(&text)?;
            Some(json!(if kind == Kind::Date {
                dates::date_only(at)
            } else {
                dates::iso(at)
            }))
        }
        Kind::Char => {
            let flag = matches!(text.as_deref(), Some("Y" | "y" | "1" | "true"));
            Some(json!(if flag { "Y" } else { "N" }))
        }
        Kind::Text | Kind::Status(_) | Kind::Currency => text.map(Value::String),
        Kind::Multifield | Kind::Binding(_) => None,
    }
}

/// Ids listed in a binding field that exist in `table`.
fn binding_ids(value: &Value, exists: impl Fn(u64) -> bool) -> Vec<u64> {
    list_items(value)
        .iter()
        .filter_map(as_i64)
        .filter(|id| *id > 0)
        .map(|id| id as u64)
        .filter(|id| exists(*id))
        .collect()
}

/// Replaces the links of `owner` (or of `contact` when `by_contact`) with `ids`.
fn set_links(links: &mut Vec<Link>, fixed: u64, ids: &[u64], by_contact: bool) {
    links.retain(|l| {
        if by_contact {
            l.contact != fixed
        } else {
            l.owner != fixed
        }
    });
    for (index, other) in ids.iter().enumerate() {
        let (owner, contact) = if by_contact {
            (*other, fixed)
        } else {
            (fixed, *other)
        };
        links.push(Link {
            owner,
            contact,
            sort: (index as i64 + 1) * 10,
            primary: index == 0,
        });
    }
}

/// Writes `fields` into `record`: drops unknown, read-only (and on update immutable) keys,
/// coerces types, merges multifields, stores user fields, and applies bindings.
fn write_fields(
    world: &mut World,
    entity: Entity,
    id: u64,
    record: &mut Record,
    fields: &Map<String, Value>,
    adding: bool,
) -> Result<(), ApiError> {
    for (key, value) in fields {
        if key.starts_with("UF_") {
            write_user_field(world, entity, record, key, value);
            continue;
        }
        let Some(def) = field(entity, key) else {
            continue;
        };
        if def.read_only || (!adding && def.immutable) {
            continue;
        }
        if def.kind == Kind::Multifield {
            let existing = record
                .get(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let merged = multifield::apply(&mut world.portal, key, &existing, value)?;
            record.insert(key.clone(), Value::Array(merged));
            continue;
        }
        if let Kind::Binding(_) = def.kind {
            continue;
        }
        if def.kind == Kind::Currency
            && let Some(code) = scalar_text(value)
            && !code.is_empty()
            && !CURRENCIES.contains(&code.as_str())
        {
            return Err(ApiError::core("Invalid value for the Currency field<br>"));
        }
        if let Some(converted) = convert(def.kind, value) {
            record.insert(key.clone(), converted);
        }
    }

    write_bindings(world, entity, id, record, fields);
    multifield::set_has_flags(record);
    Ok(())
}

fn write_user_field(world: &World, entity: Entity, record: &mut Record, key: &str, value: &Value) {
    let Some(uf) = world
        .portal
        .user_fields
        .values()
        .find(|uf| uf.entity_id == entity.uf_entity() && uf.field_name == key)
    else {
        return;
    };
    let one = |value: &Value| -> Value {
        match (uf.user_type_id.as_str(), scalar_text(value)) {
            ("boolean", Some(text)) => {
                json!(if matches!(text.as_str(), "Y" | "1" | "true") {
                    "1"
                } else {
                    "0"
                })
            }
            (_, Some(text)) => json!(text),
            (_, None) => value.clone(),
        }
    };
    let stored = if uf.multiple {
        Value::Array(list_items(value).iter().map(one).collect())
    } else {
        one(value)
    };
    record.insert(key.to_string(), stored);
}

fn write_bindings(
    world: &mut World,
    entity: Entity,
    id: u64,
    record: &mut Record,
    fields: &Map<String, Value>,
) {
    let portal = &mut world.portal;
    match entity {
        Entity::Company => {
            if let Some(value) = fields.get("CONTACT_ID") {
                let ids = binding_ids(value, |c| portal.contacts.contains_key(&c));
                set_links(&mut portal.company_contacts, id, &ids, false);
            }
        }
        Entity::Contact => {
            let mut ids = Vec::new();
            if let Some(value) = fields.get("COMPANY_ID") {
                ids.extend(binding_ids(value, |c| portal.companies.contains_key(&c)));
            }
            if let Some(value) = fields.get("COMPANY_IDS") {
                for company in binding_ids(value, |c| portal.companies.contains_key(&c)) {
                    if !ids.contains(&company) {
                        ids.push(company);
                    }
                }
            }
            if fields.contains_key("COMPANY_ID") || fields.contains_key("COMPANY_IDS") {
                set_links(&mut portal.company_contacts, id, &ids, true);
            }
        }
        Entity::Deal => {
            if let Some(value) = fields.get("COMPANY_ID") {
                let company = binding_ids(value, |c| portal.companies.contains_key(&c));
                let stored = company.first().map_or(json!("0"), |c| json!(c.to_string()));
                record.insert("COMPANY_ID".to_string(), stored);
            }
            let mut ids = Vec::new();
            for key in ["CONTACT_ID", "CONTACT_IDS"] {
                if let Some(value) = fields.get(key) {
                    for contact in binding_ids(value, |c| portal.contacts.contains_key(&c)) {
                        if !ids.contains(&contact) {
                            ids.push(contact);
                        }
                    }
                }
            }
            if fields.contains_key("CONTACT_ID") || fields.contains_key("CONTACT_IDS") {
                set_links(&mut portal.deal_contacts, id, &ids, false);
            }
        }
    }
}

/// Deal pipeline and stage coercions: unknown category → 0, foreign stage → start stage.
fn settle_deal_stage(world: &World, record: &mut Record, requested: Option<String>) {
    let category = record
        .get("CATEGORY_ID")
        .and_then(as_i64)
        .unwrap_or(0)
        .max(0) as u64;
    let category = if category == 0 || world.portal.categories.contains_key(&category) {
        category
    } else {
        0
    };
    record.insert("CATEGORY_ID".to_string(), json!(category.to_string()));

    let stages = stages_of(&world.portal, category);
    let current = record
        .get("STAGE_ID")
        .and_then(Value::as_str)
        .map(String::from);
    let wanted = requested.or(current);
    let stage = stages
        .iter()
        .find(|s| Some(&s.status_id) == wanted.as_ref())
        .or_else(|| stages.first());
    let Some(stage) = stage else { return };

    let semantic = match stage.semantics.as_str() {
        "S" => "S",
        "F" => "F",
        _ => "P",
    };
    let is_new = stages
        .first()
        .is_some_and(|first| first.status_id == stage.status_id);
    record.insert("STAGE_ID".to_string(), json!(stage.status_id));
    record.insert("STAGE_SEMANTIC_ID".to_string(), json!(semantic));
    record.insert("IS_NEW".to_string(), json!(if is_new { "Y" } else { "N" }));
    record.insert(
        "CLOSED".to_string(),
        json!(if semantic == "P" { "N" } else { "Y" }),
    );
}

/// Fails when the portal enforces mandatory user fields and one is missing.
fn check_mandatory(world: &World, entity: Entity, record: &Record) -> Result<(), ApiError> {
    if !world.modes.enforce_mandatory_user_fields {
        return Ok(());
    }
    let missing: Vec<String> = world
        .portal
        .user_fields
        .values()
        .filter(|uf| uf.entity_id == entity.uf_entity() && uf.mandatory)
        .filter(|uf| match record.get(&uf.field_name) {
            None | Some(Value::Null) => true,
            Some(Value::String(text)) => text.is_empty(),
            Some(Value::Array(items)) => items.is_empty(),
            Some(_) => false,
        })
        .map(|uf| {
            let label = if uf.label.is_empty() {
                &uf.field_name
            } else {
                &uf.label
            };
            format!("Field \"{label}\" is required.<br>")
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ApiError::core(missing.join("\n")))
    }
}

fn add(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let entity = entity_of(ctx);
    let fields = fields_param(params)?;
    let user = ctx.caller.user_id().to_string();
    let now = world.now_iso();

    let mut record = Record::new();
    let id = world.portal.peek_id(entity.name());
    record.insert("ID".to_string(), json!(id.to_string()));
    if let Err(error) = write_fields(world, entity, id, &mut record, &fields, true) {
        unlink_all(world, entity, id);
        return Err(error);
    }

    for (key, value) in [
        ("ASSIGNED_BY_ID", json!(user)),
        ("OPENED", json!("Y")),
        ("CREATED_BY_ID", json!(user)),
        ("MODIFY_BY_ID", json!(user)),
        ("DATE_CREATE", json!(now)),
        ("DATE_MODIFY", json!(now)),
    ] {
        let missing = record.get(key).is_none_or(Value::is_null);
        if missing || key.starts_with("DATE_") || key.ends_with("BY_ID") && key != "ASSIGNED_BY_ID"
        {
            record.insert(key.to_string(), value);
        }
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

/// On update a stage outside the deal's pipeline is ignored (the deal keeps its stage).
fn settle_deal_stage_on_update(world: &World, record: &mut Record, requested: Option<String>) {
    let category = record
        .get("CATEGORY_ID")
        .and_then(as_i64)
        .unwrap_or(0)
        .max(0) as u64;
    let valid = requested.filter(|wanted| {
        stages_of(&world.portal, category)
            .iter()
            .any(|s| &s.status_id == wanted)
    });
    let keep = record
        .get("STAGE_ID")
        .and_then(Value::as_str)
        .map(String::from);
    settle_deal_stage(world, record, valid.or(keep));
    let first = stages_of(&world.portal, category)
        .first()
        .map(|s| s.status_id.clone());
    let is_new =
        first.is_some() && record.get("STAGE_ID").and_then(Value::as_str) == first.as_deref();
    record.insert("IS_NEW".to_string(), json!(if is_new { "Y" } else { "N" }));
}

/// The record as `get` shows it: every standard field, bindings, user fields.
pub fn full_view(world: &World, entity: Entity, id: u64, record: &Record) -> Record {
    let mut out = Record::new();
    for def in standard_fields(entity) {
        if def.kind == Kind::Multifield {
            if let Some(items) = record.get(def.name).and_then(Value::as_array)
                && !items.is_empty()
            {
                out.insert(def.name.to_string(), Value::Array(items.clone()));
            }
            continue;
        }
        let value = record
            .get(def.name)
            .cloned()
            .unwrap_or_else(|| empty_of(def));
        out.insert(def.name.to_string(), value);
    }

    let portal = &world.portal;
    match entity {
        Entity::Company => {
            out.remove("CONTACT_ID");
        }
        Entity::Contact => {
            let mut links: Vec<&Link> = portal
                .company_contacts
                .iter()
                .filter(|l| l.contact == id)
                .collect();
            links.sort_by_key(|l| (!l.primary, l.sort));
            let primary = links.first().map(|l| json!(l.owner.to_string()));
            out.insert("COMPANY_ID".to_string(), primary.unwrap_or(Value::Null));
            out.remove("COMPANY_IDS");
        }
        Entity::Deal => {
            let mut links: Vec<&Link> = portal
                .deal_contacts
                .iter()
                .filter(|l| l.owner == id)
                .collect();
            links.sort_by_key(|l| (!l.primary, l.sort));
            let primary = links.first().map(|l| json!(l.contact.to_string()));
            out.insert("CONTACT_ID".to_string(), primary.unwrap_or(Value::Null));
            out.remove("CONTACT_IDS");
        }
    }

    for uf in portal
        .user_fields
        .values()
        .filter(|uf| uf.entity_id == entity.uf_entity())
    {
        let value = record
            .get(&uf.field_name)
            .cloned()
            .unwrap_or(match uf.multiple {
                true => json!([]),
                false => Value::Null,
            });
        out.insert(uf.field_name.clone(), value);
    }
    out
}

fn empty_of(def: FieldDef) -> Value {
    match def.kind {
        Kind::Date | Kind::DateTime => json!(""),
        _ => Value::Null,
    }
}

/// Keeps the selected keys: `*` = standard fields without multifields, `UF_*` = user fields.
fn project(view: Record, select: &[String]) -> Record {
    let star = select.is_empty() || select.iter().any(|s| s == "*");
    let all_uf = select.iter().any(|s| s == "UF_*");
    view.into_iter()
        .filter(|(key, _)| {
            let is_uf = key.starts_with("UF_");
            let is_multi = multifield::NAMES.contains(&key.as_str());
            key == "ID"
                || select.iter().any(|s| s == key)
                || (star && !is_uf && !is_multi)
                || (all_uf && is_uf)
        })
        .collect()
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
    if world.portal.table(entity).remove(&id).is_none() {
        return Err(ApiError::not_found());
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
