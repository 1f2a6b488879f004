//! Tasks: `tasks.task.*` (UPPER_CASE input, camelCase output in a `{task}` wrapper) and
//! `task.commentitem.*` (comments that may be posted as another user).

use serde_json::{Map, Value, json};

use super::{Ctx, Handler, MethodResult, Output};
use crate::api_error::ApiError;
use crate::php::values::{as_i64, list_items, param, param_map, scalar_text};
use crate::portal::{Record, dates};
use crate::world::World;

/// Method names served here.
pub const NAMES: [&str; 8] = [
    "tasks.task.add",
    "tasks.task.update",
    "tasks.task.get",
    "tasks.task.list",
    "tasks.task.delete",
    "task.commentitem.add",
    "task.commentitem.getlist",
    "task.commentitem.delete",
];

/// The handler of a task method.
pub fn lookup(method: &str) -> Option<Handler> {
    let handler: Handler = match method {
        "tasks.task.add" => add,
        "tasks.task.update" => update,
        "tasks.task.get" => get,
        "tasks.task.list" => list,
        "tasks.task.delete" => delete,
        "task.commentitem.add" => comment_add,
        "task.commentitem.getlist" => comment_list,
        "task.commentitem.delete" => comment_delete,
        _ => return None,
    };
    Some(handler)
}

/// `START_DATE_PLAN` → `startDatePlan`.
pub fn camel(upper: &str) -> String {
    let mut out = String::new();
    for (index, part) in upper.split('_').filter(|p| !p.is_empty()).enumerate() {
        let lower = part.to_lowercase();
        if index == 0 {
            out.push_str(&lower);
        } else {
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.push_str(chars.as_str());
            }
        }
    }
    out
}

fn core(text: &str) -> ApiError {
    ApiError::core(format!("{text}<br>"))
}

fn task_fields(params: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    param_map(params, "fields")
        .ok_or_else(|| ApiError::new(400, "100", "Could not find value for parameter {fields}"))
}

/// Validates and writes UPPER_CASE input into the camelCase record.
fn write(world: &World, record: &mut Record, fields: &Map<String, Value>) -> Result<(), ApiError> {
    for (key, value) in fields {
        let name = camel(key);
        match key.as_str() {
            "DEADLINE" | "START_DATE_PLAN" | "END_DATE_PLAN" => {
                let parsed = scalar_text(value).and_then(|t| dates::parse(&t));
                record.insert(name, parsed.map_or(Value::Null, |at| json!(dates::iso(at))));
            }
            "ACCOMPLICES" | "AUDITORS" | "UF_CRM_TASK" | "UF_TASK_WEBDAV_FILES" => {
                let items: Vec<Value> = list_items(value)
                    .iter()
                    .filter_map(scalar_text)
                    .map(Value::String)
                    .collect();
                record.insert(name, Value::Array(items));
            }
            "SE_PARAMETER" => {
                record.insert(name, value.clone());
            }
            _ => {
                if let Some(text) = scalar_text(value) {
                    record.insert(name, json!(text));
                }
            }
        }
    }

    let text = |key: &str| {
        record
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    if text("title").trim().is_empty() {
        return Err(core("Task title is not specified"));
    }
    let responsible = text("responsibleId");
    if responsible.is_empty() {
        return Err(core("Responsible person not specified"));
    }
    let known = responsible
        .parse::<u64>()
        .is_ok_and(|id| world.portal.users.contains_key(&id));
    if !known {
        return Err(core(
            "User specified in the \"Responsible\" field not found",
        ));
    }
    let status = text("status").parse::<i64>().unwrap_or(2);
    if !(1..=7).contains(&status) {
        return Err(core("Incorrect status"));
    }
    let start = record
        .get("startDatePlan")
        .and_then(Value::as_str)
        .and_then(dates::parse);
    let end = record
        .get("endDatePlan")
        .and_then(Value::as_str)
        .and_then(dates::parse);
    match (start, end) {
        (Some(start), Some(end)) if end < start => {
            return Err(core(
                "The planned end date cannot be earlier than the start date",
            ));
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(core("Both planned dates must be specified"));
        }
        _ => {}
    }
    let parent = text("parentId");
    let parent_known = parent.is_empty()
        || parent == "0"
        || parent
            .parse::<u64>()
            .is_ok_and(|id| world.portal.tasks.contains_key(&id));
    if !parent_known {
        return Err(core("Parent task not found"));
    }
    Ok(())
}

/// The task as REST shows it; `ufCrmTask` only when selected.
fn view(record: &Record, select: &[String]) -> Value {
    let with_crm = select.iter().any(|s| s == "UF_CRM_TASK");
    let kept: Map<String, Value> = record
        .iter()
        .filter(|(key, _)| with_crm || key.as_str() != "ufCrmTask")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Value::Object(kept)
}

fn select_of(params: &Map<String, Value>) -> Vec<String> {
    param(params, "select")
        .map(list_items)
        .unwrap_or_default()
        .iter()
        .filter_map(scalar_text)
        .collect()
}

fn add(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let fields = task_fields(params)?;
    let user = ctx.caller.user_id().to_string();
    let now = world.now_iso();

    let mut record = Record::new();
    for (key, value) in [
        ("status", json!("2")),
        ("priority", json!("1")),
        ("createdBy", json!(user)),
        ("createdDate", json!(now)),
        ("changedDate", json!(now)),
        ("groupId", json!("0")),
        ("parentId", json!("0")),
        ("accomplices", json!([])),
        ("auditors", json!([])),
        ("deadline", Value::Null),
        ("ufCrmTask", json!([])),
        ("ufTaskWebdavFiles", json!([])),
    ] {
        record.insert(key.to_string(), value);
    }
    write(world, &mut record, &fields)?;

    let id = world.next_id("task");
    record.insert("id".to_string(), json!(id.to_string()));
    world.portal.tasks.insert(id, record.clone());
    Ok(Output::of(json!({"task": view(&record, &[])})))
}

fn task_id(params: &Map<String, Value>) -> Option<u64> {
    param(params, "taskId")
        .and_then(as_i64)
        .filter(|id| *id > 0)
        .map(|id| id as u64)
}

fn missing_task() -> ApiError {
    core("Task not found or not accessible")
}

fn update(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = task_id(params).ok_or_else(missing_task)?;
    let fields = task_fields(params)?;
    let mut record = world
        .portal
        .tasks
        .get(&id)
        .cloned()
        .ok_or_else(missing_task)?;
    write(world, &mut record, &fields)?;
    record.insert("changedDate".to_string(), json!(world.now_iso()));
    world.portal.tasks.insert(id, record.clone());
    Ok(Output::of(
        json!({"task": view(&record, &select_of(params))}),
    ))
}

fn get(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = task_id(params).ok_or_else(missing_task)?;
    let record = world.portal.tasks.get(&id).ok_or_else(missing_task)?;
    Ok(Output::of(
        json!({"task": view(record, &select_of(params))}),
    ))
}

fn list(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let filter = param_map(params, "filter").unwrap_or_default();
    let camel_filter: Map<String, Value> = filter
        .iter()
        .map(|(key, value)| {
            let bare = key.trim_start_matches(['=', '!', '<', '>', '@', '%']);
            let op = &key[..key.len() - bare.len()];
            (format!("{op}{}", camel(bare)), value.clone())
        })
        .collect();
    let select = select_of(params);
    let rows: Vec<Value> = world
        .portal
        .tasks
        .values()
        .filter(|r| super::filter::matches(r, &camel_filter))
        .map(|r| view(r, &select))
        .collect();

    let paged = super::page(rows, params);
    let tasks = paged.result.as_array().cloned().unwrap_or_default();
    Ok(Output {
        result: json!({"tasks": tasks}),
        ..paged
    })
}

fn delete(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let id = task_id(params).ok_or_else(missing_task)?;
    world.portal.tasks.remove(&id).ok_or_else(missing_task)?;
    world
        .portal
        .task_comments
        .retain(|_, c| c.get("TASK_ID") != Some(&json!(id.to_string())));
    Ok(Output::of(json!({"task": true})))
}

/// Reads `TASKID` and the next argument either by name or by position (`0`, `1`).
fn comment_args(params: &Map<String, Value>, second: &str) -> (Option<u64>, Option<Value>) {
    let task = param(params, "TASKID")
        .or(params.get("0"))
        .and_then(as_i64)
        .filter(|id| *id > 0)
        .map(|id| id as u64);
    let other = param(params, second).or(params.get("1")).cloned();
    (task, other)
}

fn comment_add(world: &mut World, ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let (task, fields) = comment_args(params, "FIELDS");
    let task = task
        .filter(|id| world.portal.tasks.contains_key(id))
        .ok_or_else(missing_task)?;
    let Some(Value::Object(fields)) = fields else {
        return Err(ApiError::new(
            400,
            "100",
            "Could not find value for parameter {FIELDS}",
        ));
    };
    let message = param(&fields, "POST_MESSAGE")
        .and_then(scalar_text)
        .unwrap_or_default();
    if message.trim().is_empty() {
        return Err(core("Comment text is empty"));
    }
    let author = param(&fields, "AUTHOR_ID")
        .and_then(as_i64)
        .map_or(ctx.caller.user_id(), |a| a as u64);
    let posted = param(&fields, "POST_DATE")
        .and_then(scalar_text)
        .and_then(|t| dates::parse(&t))
        .map_or_else(|| world.now_iso(), dates::iso);

    let id = world.next_id("task_comment");
    let mut record = Record::new();
    for (key, value) in [
        ("ID", json!(id.to_string())),
        ("TASK_ID", json!(task.to_string())),
        ("AUTHOR_ID", json!(author.to_string())),
        ("POST_MESSAGE", json!(message)),
        ("POST_DATE", json!(posted)),
        (
            "UF_FORUM_MESSAGE_DOC",
            param(&fields, "UF_FORUM_MESSAGE_DOC")
                .cloned()
                .unwrap_or(json!([])),
        ),
    ] {
        record.insert(key.to_string(), value);
    }
    world.portal.task_comments.insert(id, record);
    Ok(Output::of(json!(id)))
}

fn comment_list(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let (task, _) = comment_args(params, "ORDER");
    let task = task.ok_or_else(missing_task)?;
    let rows: Vec<Value> = world
        .portal
        .task_comments
        .values()
        .filter(|c| c.get("TASK_ID") == Some(&json!(task.to_string())))
        .map(|c| Value::Object(c.clone()))
        .collect();
    Ok(Output::of(Value::Array(rows)))
}

fn comment_delete(world: &mut World, _ctx: &Ctx, params: &Map<String, Value>) -> MethodResult {
    let (_, item) = comment_args(params, "ITEMID");
    let id = item.as_ref().and_then(as_i64).unwrap_or(0).max(0) as u64;
    world
        .portal
        .task_comments
        .remove(&id)
        .ok_or_else(|| core("Comment not found"))?;
    Ok(Output::of(json!(true)))
}
