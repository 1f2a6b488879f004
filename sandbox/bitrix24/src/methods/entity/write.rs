//! Writing `fields` into a stored CRM record: type coercion, silent drops, multifields, user
//! fields, bindings, and the mandatory user field check.

use serde_json::{Map, Value, json};

use super::super::fields::{Entity, Kind, field};
use super::super::multifield;
use crate::api_error::ApiError;
use crate::php::values::{as_i64, list_items, scalar_text};
use crate::portal::{Link, Record, dates};
use crate::world::World;

/// Currencies the simulated portal knows.
const CURRENCIES: [&str; 6] = ["RUB", "USD", "EUR", "UAH", "BYN", "KZT"];

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
pub(super) fn write_fields(
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

fn write_user_field(
    world: &mut World,
    entity: Entity,
    record: &mut Record,
    key: &str,
    value: &Value,
) {
    let Some(uf) = world
        .portal
        .user_fields
        .values()
        .find(|uf| uf.entity_id == entity.uf_entity() && uf.field_name == key)
        .cloned()
    else {
        return;
    };
    if uf.user_type_id == "file" {
        let stored = store_files(world, value, uf.multiple);
        record.insert(key.to_string(), stored);
        return;
    }
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

/// A `file` user field's value: each `{fileData: [name, base64]}` (or `[name, base64]`)
/// is stored and becomes `{id, showUrl, downloadUrl}`, as the portal shows file values.
fn store_files(world: &mut World, value: &Value, multiple: bool) -> Value {
    let items = if multiple {
        list_items(value)
    } else {
        vec![value.clone()]
    };
    let user = 1;
    let stored: Vec<Value> = items
        .iter()
        .filter_map(super::super::disk::decode_file)
        .map(|(name, bytes)| {
            let id = super::super::disk::store_attachment(world, &name, bytes, user);
            let url = format!("/disk/download/{id}");
            json!({"id": id, "showUrl": url, "downloadUrl": url})
        })
        .collect();
    if multiple {
        Value::Array(stored)
    } else {
        stored.into_iter().next().unwrap_or(Value::Bool(false))
    }
}

/// The ids of the stored files a record's `file` user fields hold.
pub(super) fn file_ids(world: &World, entity: Entity, record: &Record) -> Vec<u64> {
    world
        .portal
        .user_fields
        .values()
        .filter(|uf| uf.entity_id == entity.uf_entity() && uf.user_type_id == "file")
        .filter_map(|uf| record.get(&uf.field_name))
        .flat_map(list_items)
        .filter_map(|file| file.get("id").and_then(Value::as_u64))
        .collect()
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

/// Fails when the portal enforces mandatory user fields and one is missing.
pub(super) fn check_mandatory(
    world: &World,
    entity: Entity,
    record: &Record,
) -> Result<(), ApiError> {
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
