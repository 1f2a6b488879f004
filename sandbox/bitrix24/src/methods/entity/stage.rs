//! Deal pipeline and stage rules: unknown pipelines become the main one, foreign or empty
//! stages become the pipeline's start stage on add and are ignored on update.

use serde_json::{Value, json};

use crate::php::values::as_i64;
use crate::portal::Record;
use crate::portal::directories::stages_of;
use crate::world::World;

/// Deal pipeline and stage coercions: unknown category → 0, foreign stage → start stage.
pub(super) fn settle_deal_stage(world: &World, record: &mut Record, requested: Option<String>) {
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

/// On update a stage outside the deal's pipeline is ignored (the deal keeps its stage).
pub(super) fn settle_deal_stage_on_update(
    world: &World,
    record: &mut Record,
    requested: Option<String>,
) {
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
