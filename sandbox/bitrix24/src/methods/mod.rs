//! REST methods: the table that maps a method name to its handler and scope, and the helpers
//! handlers share (parameters, paging).

pub mod activity;
pub mod app;
pub mod bindings;
pub mod category;
pub mod disk;
pub mod entity;
pub mod fields;
pub mod filter;
pub mod multifield;
pub mod status;
pub mod tasks;
pub mod timeline;
pub mod userfield;
pub mod users;

use serde_json::{Map, Value};

use crate::api_error::ApiError;
use crate::auth::Caller;
use crate::php::values::{as_i64, param, param_map};
use crate::world::World;

/// Rows per page of every paged list.
pub const PAGE_SIZE: usize = 50;

/// Who is calling and through which host.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The authenticated caller.
    pub caller: Caller,
    /// Host the request came to (for URLs in results).
    pub host: String,
    /// Lower-case method name being run.
    pub method: String,
}

/// A successful method result with the list keys.
#[derive(Debug, Clone)]
pub struct Output {
    /// `result`.
    pub result: Value,
    /// `total` for lists.
    pub total: Option<u64>,
    /// `next` while rows remain.
    pub next: Option<u64>,
}

impl Output {
    /// A plain result.
    pub fn of(result: Value) -> Output {
        Output {
            result,
            total: None,
            next: None,
        }
    }
}

/// What handlers return.
pub type MethodResult = Result<Output, ApiError>;

/// A method handler.
pub type Handler = fn(&mut World, &Ctx, &Map<String, Value>) -> MethodResult;

/// Scope a method needs (`None`: any token may call it).
pub fn scope_of(method: &str) -> Option<&'static str> {
    if method.starts_with("crm.") {
        Some("crm")
    } else if method.starts_with("tasks.") || method.starts_with("task.") {
        Some("task")
    } else if method.starts_with("user.") && method != "user.admin" {
        Some("user")
    } else if method.starts_with("disk.") {
        Some("disk")
    } else {
        None
    }
}

/// Methods a batch may not contain.
pub fn batch_forbidden(method: &str) -> bool {
    method == "batch" || method.contains("upload") || method.contains("download")
}

/// The handler of a method, if the portal knows it.
pub fn lookup(method: &str) -> Option<Handler> {
    app::lookup(method)
        .or_else(|| entity::lookup(method))
        .or_else(|| bindings::lookup(method))
        .or_else(|| category::lookup(method))
        .or_else(|| status::lookup(method))
        .or_else(|| userfield::lookup(method))
        .or_else(|| activity::lookup(method))
        .or_else(|| timeline::lookup(method))
        .or_else(|| tasks::lookup(method))
        .or_else(|| users::lookup(method))
        .or_else(|| disk::lookup(method))
}

/// All method names, for the `methods` method.
pub fn known_methods() -> Vec<String> {
    let mut names = vec!["batch".to_string(), "crm.userfield.types".to_string()];
    for entity in ["company", "contact", "deal"] {
        for action in ["add", "update", "get", "list", "delete", "fields"] {
            names.push(format!("crm.{entity}.{action}"));
        }
    }
    for entity in ["company", "contact", "deal", "lead"] {
        for action in ["add", "get", "list", "update", "delete"] {
            names.push(format!("crm.{entity}.userfield.{action}"));
        }
    }
    let fixed = [
        &app::NAMES[..],
        &bindings::NAMES[..],
        &category::NAMES[..],
        &status::NAMES[..],
        &activity::NAMES[..],
        &timeline::NAMES[..],
        &tasks::NAMES[..],
        &users::NAMES[..],
        &disk::NAMES[..],
    ];
    names.extend(
        fixed
            .iter()
            .flat_map(|group| group.iter().map(|name| name.to_string())),
    );
    names
}

/// The `fields` parameter, or the classic "must be array" error.
pub fn fields_param(params: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    param_map(params, "fields")
        .ok_or_else(|| ApiError::classic("Parameter 'fields' must be array."))
}

/// A positive id parameter (`id`/`ID`, or another name), or "ID is not defined or invalid.".
pub fn id_param(params: &Map<String, Value>, name: &str) -> Result<u64, ApiError> {
    param(params, name)
        .and_then(as_i64)
        .filter(|id| *id > 0)
        .map(|id| id as u64)
        .ok_or_else(ApiError::bad_id)
}

/// Cuts one page out of `rows` by the `start` parameter; `start=-1` gives no `total`/`next`.
pub fn page(rows: Vec<Value>, params: &Map<String, Value>) -> Output {
    let start = param(params, "start").and_then(as_i64).unwrap_or(0);
    if start < 0 {
        let result = rows.into_iter().take(PAGE_SIZE).collect();
        return Output {
            result: Value::Array(result),
            total: None,
            next: None,
        };
    }

    let total = rows.len();
    let offset = start as usize;
    let result: Vec<Value> = rows.into_iter().skip(offset).take(PAGE_SIZE).collect();
    let next = (offset + PAGE_SIZE < total).then_some((offset + PAGE_SIZE) as u64);
    Output {
        result: Value::Array(result),
        total: Some(total as u64),
        next,
    }
}
