//! CRM user fields: `crm.{company|contact|deal|lead}.userfield.*` with FIELD_NAME rules,
//! enumeration options and the MANDATORY flag.

use serde_json::{Map, Value, json};

use super::filter::{filter_param, matches};
use super::{Ctx, Handler, MethodResult, Output, fields_param, id_param};
use crate::api_error::ApiError;
use crate::php::values::{as_i64, is_yes, list_items, param, scalar_text};
use crate::portal::{Record, UserField};
use crate::world::World;

/// Longest full field name.
const FIELD_NAME_MAX: usize = 50;

/// User field types the portal accepts.
const TYPES: [&str; 17] = [
    "string",
    "integer",
    "double",
    "boolean",
    "date",
    "datetime",
    "enumeration",
    "money",
    "url",
    "address",
    "file",
    "employee",
    "crm_status",
    "crm",
    "iblock_section",
    "iblock_element",
    "resourcebooking",
];

/// The handler of a user field method.
pub fn lookup(method: &str) -> Option<Handler> {
    if method == "crm.userfield.types" {
        let handler: Handler = types;
        return Some(handler);
    }
    let rest = method.strip_prefix("crm.")?;
    let (entity, action) = rest.split_once(".userfield.")?;
    uf_entity(entity)?;
    let handler: Handler = match action {
        "add" => add,
        "get" => get,
        "list" => list,
        "update" => update,
        "delete" => delete,
        _ => return None,
    };
    Some(handler)
}

fn uf_entity(name: &str) -> Option<&'static str> {
    match name {
        "company" => Some("CRM_COMPANY"),
        "contact" => Some("CRM_CONTACT"),
        "deal" => Some("CRM_DEAL"),
        "lead" => Some("CRM_LEAD"),
        _ => None,
    }
}

fn entity_of(ctx: &Ctx) -> &'static str {
    ctx.method
        .split('.')
        .nth(1)
        .and_then(uf_entity)
        .unwrap_or("CRM_DEAL")
}

/// `X` → `UF_CRM_X`, `UF_X` → `UF_CRM_X`, `UF_CRM_X` kept; upper-cased.
pub fn normalize_name(raw: &str) -> String {
    let upper = raw.trim().to_uppercase();
    if upper.starts_with("UF_CRM_") {
        upper
    } else if let Some(rest) = upper.strip_prefix("UF_") {
        format!("UF_CRM_{rest}")
    } else {
        format!("UF_CRM_{upper}")
    }
}

/// Text of a label given as a string or a `{lang: text}` map.
fn label_text(value: Option<&Value>) -> String {
    match value {
        Some(Value::Object(map)) => map
            .get("en")
            .or_else(|| map.values().next())
            .and_then(scalar_text)
            .unwrap_or_default(),
        Some(other) => scalar_text(other).unwrap_or_default(),
        None => String::new(),
    }
}

/// Applies `LIST` items to enumeration options (new ones get ids; `ID`+`DEL=Y` removes).
fn apply_list(world: &mut World, options: &mut Vec<Record>, items: &Value) -> Result<(), ApiError> {
    for item in list_items(items) {
        let Value::Object(item) = item else { continue };
        let value = param(&item, "VALUE")
            .and_then(scalar_text)
            .unwrap_or_default();
        let existing = param(&item, "ID").and_then(as_i64).map(|id| id.to_string());

        if let Some(id) = existing {
            let position = options.iter().position(|o| o["ID"] == json!(id));
            let Some(position) = position else { continue };
            if is_yes(param(&item, "DEL")) {
                options.remove(position);
            } else if !value.is_empty() {
                options[position].insert("VALUE".to_string(), json!(value));
            }
            continue;
        }
        if value.is_empty() {
            continue;
        }

        let xml_id = param(&item, "XML_ID")
            .and_then(scalar_text)
            .unwrap_or_else(|| world.rng.hex(32));
        if options.iter().any(|o| o["XML_ID"] == json!(xml_id)) {
            return Err(ApiError::core(format!(
                "List item with value XML_ID={xml_id} already exists."
            )));
        }
        let id = world.next_id("enum");
        let mut option = Record::new();
        option.insert("ID".to_string(), json!(id.to_string()));
        option.insert(
            "SORT".to_string(),
            json!(
                param(&item, "SORT")
                    .and_then(as_i64)
                    .unwrap_or(500)
                    .to_string()
            ),
        );
        option.insert("VALUE".to_string(), json!(value));
        option.insert(
            "DEF".to_string(),
            json!(if is_yes(param(&item, "DEF")) {
                "Y"
            } else {
                "N"
            }),
        );
        option.insert("XML_ID".to_string(), json!(xml_id));
        options.push(option);
    }
    Ok(())
}

/// A definition as `userfield.get` shows it.
pub fn view(uf: &UserField) -> Value {
    let flag = |yes: bool| if yes { "Y" } else { "N" };
    let mut out = json!({
        "ID": uf.id.to_string(),
        "ENTITY_ID": uf.entity_id,
        "FIELD_NAME": uf.field_name,
        "USER_TYPE_ID": uf.user_type_id,
        "XML_ID": uf.xml_id,
        "SORT": uf.sort.to_string(),
        "MULTIPLE": flag(uf.multiple),
        "MANDATORY": flag(uf.mandatory),
        "SHOW_FILTER": "N",
        "SHOW_IN_LIST": "Y",
        "EDIT_IN_LIST": "Y",
        "IS_SEARCHABLE": "N",
        "SETTINGS": uf.settings,
        "EDIT_FORM_LABEL": uf.label,
        "LIST_COLUMN_LABEL": uf.label,
        "LIST_FILTER_LABEL": uf.label,
    });
    if uf.user_type_id == "enumeration" {
        out["LIST"] = json!(uf.list);
    }
    out
}

fn add(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let entity = entity_of(ctx);
    let fields = fields_param(params)?;
    let raw_name = param(&fields, "FIELD_NAME")
        .and_then(scalar_text)
        .unwrap_or_default();
    if raw_name.trim().is_empty() {
        return Err(ApiError::classic("The 'FIELD_NAME' field is not found."));
    }
    let user_type = param(&fields, "USER_TYPE_ID")
        .and_then(scalar_text)
        .unwrap_or_default();
    if user_type.is_empty() {
        return Err(ApiError::classic("The 'USER_TYPE_ID' field is not found."));
    }

    let name = normalize_name(&raw_name);
    if name.len() > FIELD_NAME_MAX {
        return Err(ApiError::core(
            "Field name is too long (more than 50 characters).",
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(ApiError::core(
            "Field name contains invalid characters. Only Latin letters, digits and the \
             underscore are allowed.",
        ));
    }
    if !TYPES.contains(&user_type.as_str()) {
        return Err(ApiError::core("Incorrect custom type specified."));
    }
    let duplicate = world
        .portal
        .user_fields
        .values()
        .any(|uf| uf.entity_id == entity && uf.field_name == name);
    if duplicate {
        return Err(ApiError::core(format!(
            "A field with the name {name} already exists."
        )));
    }

    let mut list = Vec::new();
    if user_type == "enumeration"
        && let Some(items) = param(&fields, "LIST")
    {
        apply_list(world, &mut list, items)?;
    }
    let id = world.next_id("userfield");
    let uf = UserField {
        id,
        entity_id: entity.to_string(),
        field_name: name,
        multiple: user_type != "boolean" && is_yes(param(&fields, "MULTIPLE")),
        user_type_id: user_type,
        mandatory: is_yes(param(&fields, "MANDATORY")),
        label: label_text(param(&fields, "LABEL").or(param(&fields, "EDIT_FORM_LABEL"))),
        sort: param(&fields, "SORT")
            .and_then(as_i64)
            .filter(|s| *s > 0)
            .unwrap_or(100),
        xml_id: param(&fields, "XML_ID")
            .and_then(scalar_text)
            .unwrap_or_default(),
        settings: param(&fields, "SETTINGS").cloned().unwrap_or(json!({})),
        list,
    };
    world.portal.user_fields.insert(id, uf);
    Ok(Output::of(json!(id)))
}

fn find(world: &World, ctx: &Ctx, id: u64) -> Result<UserField, ApiError> {
    world
        .portal
        .user_fields
        .get(&id)
        .filter(|uf| uf.entity_id == entity_of(ctx))
        .cloned()
        .ok_or_else(|| ApiError::classic(format!("The entity with ID '{id}' is not found.")))
}

fn get(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id")?;
    Ok(Output::of(view(&find(world, ctx, id)?)))
}

fn list(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let filter = filter_param(params)?;
    let rows: Vec<Value> = world
        .portal
        .user_fields
        .values()
        .filter(|uf| uf.entity_id == entity_of(ctx))
        .map(view)
        .filter(|v| v.as_object().is_some_and(|row| matches(row, &filter)))
        .collect();
    let total = rows.len() as u64;
    Ok(Output {
        result: Value::Array(rows),
        total: Some(total),
        next: None,
    })
}

fn update(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id")?;
    let fields = fields_param(params)?;
    let mut uf = find(world, ctx, id)?;

    if let Some(flag) = param(&fields, "MANDATORY") {
        uf.mandatory = is_yes(Some(flag));
    }
    if let Some(sort) = param(&fields, "SORT").and_then(as_i64).filter(|s| *s > 0) {
        uf.sort = sort;
    }
    if let Some(label) = param(&fields, "LABEL").or(param(&fields, "EDIT_FORM_LABEL")) {
        uf.label = label_text(Some(label));
    }
    if let Some(settings) = param(&fields, "SETTINGS") {
        uf.settings = settings.clone();
    }
    if let Some(items) = param(&fields, "LIST") {
        apply_list(world, &mut uf.list, items)?;
    }

    world.portal.user_fields.insert(id, uf);
    Ok(Output::of(json!(true)))
}

fn delete(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = id_param(params, "id")?;
    let uf = find(world, ctx, id)?;
    world.portal.user_fields.remove(&id);

    let table = match uf.entity_id.as_str() {
        "CRM_COMPANY" => Some(&mut world.portal.companies),
        "CRM_CONTACT" => Some(&mut world.portal.contacts),
        "CRM_DEAL" => Some(&mut world.portal.deals),
        _ => None,
    };
    for record in table.into_iter().flat_map(|t| t.values_mut()) {
        record.remove(&uf.field_name);
    }
    Ok(Output::of(json!(true)))
}

/// `crm.userfield.types`: the types `add` accepts.
fn types(_world: &mut World, _ctx: &Ctx, _params: &Map<String, Value>) -> MethodResult {
    let rows = TYPES
        .iter()
        .map(|id| json!({"ID": id, "title": id}))
        .collect();
    Ok(Output::of(Value::Array(rows)))
}
