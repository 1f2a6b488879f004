//! Checklist "Envelopes": the shapes of success and error replies and the PHP JSON quirks,
//! checked against the response shapes the reference shows.

mod common;

use common::Portal;
use serde_json::{Value, json};

fn assert_time_block(time: &Value) {
    for key in [
        "start",
        "finish",
        "duration",
        "processing",
        "operating",
        "operating_reset_at",
    ] {
        assert!(time[key].is_number(), "time.{key} must be a number: {time}");
    }
    for key in ["date_start", "date_finish"] {
        let text = time[key].as_str().expect("ISO date");
        assert!(
            text.ends_with("+03:00"),
            "{key} carries the portal offset: {text}"
        );
        assert_eq!(text.len(), 25, "{key} is ISO-8601 with seconds: {text}");
    }
}

#[tokio::test]
async fn envelope_success_has_result_and_full_time_block() {
    let portal = Portal::start().await;

    let reply = portal
        .call("crm.company.add", json!({"fields": {"TITLE": "Acme"}}))
        .await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["result"], json!(1));
    assert!(reply.body.get("total").is_none());
    assert!(reply.body.get("next").is_none());
    assert_time_block(&reply.body["time"]);
}

#[tokio::test]
async fn envelope_error_is_code_and_description_only() {
    let portal = Portal::start().await;

    let reply = portal.call("crm.deal.get", json!({"id": 999})).await;

    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.body,
        json!({"error": "", "error_description": "Not found"})
    );
}

#[tokio::test]
async fn envelope_classic_id_error_and_fields_error_texts() {
    let portal = Portal::start().await;

    let bad_id = portal.call("crm.contact.get", json!({"id": "abc"})).await;
    let no_fields = portal.call("crm.contact.update", json!({"id": 1})).await;

    assert_eq!(bad_id.text(), "ID is not defined or invalid.");
    assert_eq!(bad_id.code(), "");
    assert_eq!(no_fields.text(), "Parameter 'fields' must be array.");
}

#[tokio::test]
async fn envelope_php_quirks_ids_as_strings_add_integer_update_true() {
    let portal = Portal::start().await;
    let id = portal
        .deal(json!({"TITLE": "Big", "OPPORTUNITY": 3607999}))
        .await;

    let updated = portal
        .ok(
            "crm.deal.update",
            json!({"id": id, "fields": {"TITLE": "Bigger"}}),
        )
        .await;
    let deal = portal.ok("crm.deal.get", json!({"id": id})).await;

    assert_eq!(updated, json!(true));
    assert_eq!(deal["ID"], json!(id.to_string()));
    assert_eq!(deal["OPPORTUNITY"], "3607999.00");
    assert_eq!(deal["CATEGORY_ID"], "0");
    assert_eq!(deal["ASSIGNED_BY_ID"], "1");
}

#[tokio::test]
async fn envelope_php_quirks_empty_maps_are_arrays_and_numeric_keys_are_lists() {
    let portal = Portal::start().await;

    let empty = portal
        .ok("batch", json!({"cmd": {"a": "crm.deal.list"}}))
        .await;
    let numeric = portal
        .ok(
            "batch",
            json!({"cmd": {"0": "crm.deal.get?id=5", "1": "crm.deal.get?id=6"}}),
        )
        .await;

    assert_eq!(empty["result_error"], json!([]));
    assert_eq!(empty["result_next"], json!([]));
    assert_eq!(empty["result_total"], json!({"a": 0}));
    assert!(
        numeric["result_error"].is_array(),
        "keys 0..n-1 become a list: {numeric}"
    );
    assert_eq!(numeric["result_error"][1]["error_description"], "Not found");
    assert_eq!(numeric["result"], json!([]));
}

#[tokio::test]
async fn envelope_fields_output_uses_the_documented_descriptor() {
    let portal = Portal::start().await;

    let fields = portal.ok("crm.deal.fields", json!({})).await;

    assert_eq!(
        fields["CATEGORY_ID"],
        json!({"type": "crm_category", "isRequired": false, "isReadOnly": false,
            "isImmutable": true, "isMultiple": false, "isDynamic": false, "title": "CATEGORY_ID"})
    );
    assert_eq!(fields["STAGE_ID"]["statusType"], "DEAL_STAGE");
    assert_eq!(fields["ID"]["isReadOnly"], true);
    assert_eq!(fields["PHONE"]["isMultiple"], true);
}
