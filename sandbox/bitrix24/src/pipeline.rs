//! Running one method the way the portal does: injected faults, method lookup, scope, the
//! operating budget, the handler, the `time` block, and the call log.

use serde_json::{Map, Value};

use crate::api_error::ApiError;
use crate::auth::Caller;
use crate::calllog::CallRecord;
use crate::envelope::time_block;
use crate::limits::operating::OperatingReport;
use crate::methods::{Ctx, MethodResult, Output, lookup, scope_of};
use crate::world::World;

/// A finished call: its result and its `time` block.
#[derive(Debug)]
pub struct Outcome {
    /// What the method answered.
    pub result: MethodResult,
    /// The `time` block for this call.
    pub time: Value,
}

/// Runs `method` for `caller` (also used for each `batch` command).
pub fn run_method(
    world: &mut World,
    caller: &Caller,
    host: &str,
    method: &str,
    params: &Map<String, Value>,
    in_batch: bool,
) -> Outcome {
    let started = world.now();
    let ctx = Ctx {
        caller: caller.clone(),
        host: host.to_string(),
        method: method.to_string(),
    };

    let mut report = None;
    let result = execute(world, &ctx, params, &mut report);

    let time = time_block(started, world.now(), report);
    record(world, caller, method, params, in_batch, &result);
    Outcome { result, time }
}

/// The checks and the handler; `report` receives the operating budget after a run.
fn execute(
    world: &mut World,
    ctx: &Ctx,
    params: &Map<String, Value>,
    report: &mut Option<OperatingReport>,
) -> MethodResult {
    let method = ctx.method.as_str();
    if let Some(error) = world.faults.take(method) {
        return Err(error);
    }
    let handler = lookup(method).ok_or_else(ApiError::method_not_found)?;

    if let Some(scope) = scope_of(method)
        && !world.config.scopes.iter().any(|granted| granted == scope)
    {
        let status = if matches!(ctx.caller, Caller::Webhook(_)) {
            403
        } else {
            401
        };
        return Err(ApiError::new(
            status,
            "insufficient_scope",
            "The request requires higher privileges than provided by the access token",
        ));
    }

    let label = ctx.caller.label();
    let now = world.now().timestamp_millis();
    let limit = world.config.operating_limit_secs;
    if world.operating.is_blocked(&label, method, now, limit) {
        return Err(ApiError::new(
            429,
            "OPERATION_TIME_LIMIT",
            "Method is blocked due to operation time limit.",
        ));
    }

    let outcome = handler(world, ctx, params);

    let costs = &world.config.method_costs;
    let cost = costs
        .get(method)
        .copied()
        .unwrap_or(world.config.default_method_cost_secs);
    *report = Some(world.operating.record(&label, method, now, cost));
    outcome
}

/// Appends a call to the log.
pub fn record(
    world: &mut World,
    caller: &Caller,
    method: &str,
    params: &Map<String, Value>,
    in_batch: bool,
    result: &Result<Output, ApiError>,
) {
    let (status, error) = match result {
        Ok(_) => (200, None),
        Err(error) => (error.status, Some(error.code.clone())),
    };
    log_call(
        world,
        &caller.label(),
        method,
        params,
        in_batch,
        status,
        error,
    );
}

/// Appends a call to the log with an explicit outcome (for calls refused before a method ran).
pub fn log_call(
    world: &mut World,
    auth: &str,
    method: &str,
    params: &Map<String, Value>,
    in_batch: bool,
    status: u16,
    error: Option<String>,
) {
    let seq = world.calls.len() as u64 + 1;
    let at = world.now_iso();
    world.calls.push(CallRecord {
        seq,
        at,
        method: method.to_string(),
        params: Value::Object(params.clone()),
        auth: auth.to_string(),
        in_batch,
        status,
        error,
    });
}
