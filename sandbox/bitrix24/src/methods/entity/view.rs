//! How a stored CRM record is shown: `get` (every field, bindings, user fields) and `list`
//! (`select` with `*` and `UF_*`).

use serde_json::{Value, json};

use super::super::fields::{Entity, FieldDef, Kind, standard_fields};
use super::super::multifield;
use crate::portal::{Link, Record};
use crate::world::World;

/// The record as `get` shows it: every standard field, bindings, user fields.
pub(super) fn full_view(world: &World, entity: Entity, id: u64, record: &Record) -> Record {
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
pub(super) fn project(view: Record, select: &[String]) -> Record {
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
