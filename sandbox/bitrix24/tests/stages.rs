//! Checklist "CRM" (pipelines and stages): default stage sets with `C{id}:` prefixes and
//! 21-character ids, `crm.status.*` rules, and pipeline deletion rules.

mod common;

use common::Portal;
use migrator_sandbox_bitrix24::SandboxConfig;
use serde_json::{Value, json};

async fn pipeline(portal: &Portal, name: &str) -> u64 {
    let reply = portal
        .ok(
            "crm.category.add",
            json!({"entityTypeId": 2, "fields": {"name": name}}),
        )
        .await;
    reply["category"]["id"].as_u64().expect("pipeline id")
}

fn status_ids(rows: &Value) -> Vec<String> {
    rows.as_array()
        .expect("status rows")
        .iter()
        .map(|r| r["STATUS_ID"].as_str().expect("STATUS_ID").to_string())
        .collect()
}

#[tokio::test]
async fn pipelines_get_the_default_stages_with_prefix_and_truncation() {
    let config = SandboxConfig {
        plan: "ru_ent250".to_string(),
        ..SandboxConfig::default()
    };
    let portal = Portal::start_with(config).await;
    let mut last = 0;
    for i in 0..10 {
        last = pipeline(&portal, &format!("P{i}")).await;
    }

    let first = portal
        .call(
            "crm.status.list",
            json!({"filter": {"ENTITY_ID": "DEAL_STAGE_1"}}),
        )
        .await;
    let tenth = portal
        .ok("crm.dealcategory.stage.list", json!({"id": last}))
        .await;

    assert_eq!(
        status_ids(first.result()),
        [
            "C1:NEW",
            "C1:PREPARATION",
            "C1:PREPAYMENT_INVOICE",
            "C1:EXECUTING",
            "C1:FINAL_INVOICE",
            "C1:WON",
            "C1:LOSE",
            "C1:APOLOGY"
        ]
    );
    assert_eq!(first.body["total"], 8);
    assert_eq!(first.result()[5]["SEMANTICS"], "S");
    assert_eq!(first.result()[0]["SEMANTICS"], Value::Null);
    assert_eq!(first.result()[0]["CATEGORY_ID"], "1");
    assert_eq!(first.result()[7]["EXTRA"]["SEMANTICS"], "apology");
    assert_eq!(last, 10);
    assert_eq!(tenth[2]["STATUS_ID"], "C10:PREPAYMENT_INVOIC");
}

#[tokio::test]
async fn category_list_includes_the_virtual_default_pipeline() {
    let portal = Portal::start().await;
    pipeline(&portal, "B2B").await;

    let reply = portal
        .call("crm.category.list", json!({"entityTypeId": 2}))
        .await;

    let categories = reply.result()["categories"].as_array().unwrap();
    assert_eq!(reply.body["total"], 2);
    let default = categories.iter().find(|c| c["id"] == 0).unwrap();
    assert_eq!(default["isDefault"], "Y");
    assert!(default.get("originId").is_none());
    assert_eq!(
        categories.iter().find(|c| c["id"] == 1).unwrap()["originId"],
        ""
    );
}

#[tokio::test]
async fn status_add_prefixes_and_rejects_duplicates_and_stages_after_success() {
    let portal = Portal::start().await;
    let category = pipeline(&portal, "B2B").await;
    let entity = format!("DEAL_STAGE_{category}");

    let added = portal
        .call(
            "crm.status.add",
            json!({"fields": {"ENTITY_ID": entity, "STATUS_ID": "CHECK",
            "NAME": "Check", "SORT": 25}}),
        )
        .await;
    let duplicate = portal
        .call(
            "crm.status.add",
            json!({"fields": {"ENTITY_ID": entity, "STATUS_ID": "C1:CHECK",
            "NAME": "Again", "SORT": 26}}),
        )
        .await;
    let after_final = portal
        .call(
            "crm.status.add",
            json!({"fields": {"ENTITY_ID": entity, "STATUS_ID": "LATE",
            "NAME": "Late", "SORT": 900}}),
        )
        .await;
    let no_name = portal
        .call(
            "crm.status.add",
            json!({"fields": {"ENTITY_ID": entity, "STATUS_ID": "X"}}),
        )
        .await;

    let id = added.result().as_u64().unwrap();
    let row = portal.ok("crm.status.get", json!({"id": id})).await;
    assert_eq!(row["STATUS_ID"], "C1:CHECK");
    assert_eq!(row["SYSTEM"], "N");
    assert_eq!(duplicate.code(), "ERROR_CORE");
    assert_eq!(duplicate.text(), "The specified status ID already exists.");
    assert_eq!(after_final.status, 400);
    assert!(
        after_final
            .text()
            .starts_with("Cannot create more stages after the final stage")
    );
    assert_eq!(no_name.text(), "The field Title is required.");
}

#[tokio::test]
async fn status_delete_needs_forced_for_system_rows_and_refuses_rows_in_use() {
    let portal = Portal::start().await;
    let rows = portal
        .ok(
            "crm.status.list",
            json!({"filter": {"ENTITY_ID": "DEAL_STAGE"}}),
        )
        .await;
    let id_of = |code: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["STATUS_ID"] == code)
            .unwrap()["ID"]
            .clone()
    };
    portal
        .deal(json!({"TITLE": "Busy", "STAGE_ID": "EXECUTING"}))
        .await;

    let system = portal
        .call("crm.status.delete", json!({"id": id_of("LOSE")}))
        .await;
    let forced = portal
        .call(
            "crm.status.delete",
            json!({"id": id_of("LOSE"), "params": {"FORCED": "Y"}}),
        )
        .await;
    let in_use = portal
        .call("crm.status.delete", json!({"id": id_of("EXECUTING")}))
        .await;
    let again = portal
        .call(
            "crm.status.delete",
            json!({"id": id_of("LOSE"), "params": {"FORCED": "Y"}}),
        )
        .await;

    assert!(system.text().contains("FORCED"));
    assert_eq!(forced.result(), &json!(true));
    assert_eq!(in_use.text(), "There are active items in this status.");
    assert_eq!(again.text(), "Status is not found.");
}

#[tokio::test]
async fn pipeline_delete_rules_default_in_use_and_not_found() {
    let portal = Portal::start().await;
    let used = pipeline(&portal, "Used").await;
    let empty = pipeline(&portal, "Empty").await;
    portal
        .deal(json!({"TITLE": "Inside", "CATEGORY_ID": used}))
        .await;

    let default = portal
        .call("crm.category.delete", json!({"entityTypeId": 2, "id": 0}))
        .await;
    let busy = portal
        .call(
            "crm.category.delete",
            json!({"entityTypeId": 2, "id": used}),
        )
        .await;
    let gone = portal
        .call(
            "crm.category.delete",
            json!({"entityTypeId": 2, "id": empty}),
        )
        .await;
    let twice = portal
        .call(
            "crm.category.delete",
            json!({"entityTypeId": 2, "id": empty}),
        )
        .await;
    let stages = portal
        .ok(
            "crm.status.list",
            json!({"filter": {"ENTITY_ID": format!("DEAL_STAGE_{empty}")}}),
        )
        .await;

    assert_eq!(default.code(), "0");
    assert!(busy.text().starts_with("Deals related to the funnel"));
    assert_eq!(gone.status, 200);
    assert_eq!(gone.body["result"], Value::Null);
    assert_eq!(twice.code(), "NOT_FOUND");
    assert_eq!(stages, json!([]));
}
