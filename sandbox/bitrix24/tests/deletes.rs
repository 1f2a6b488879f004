//! Checklist "delete methods for rollback": every delete succeeds once and reports not-found
//! the second time.

mod common;

use common::Portal;
use serde_json::{Value, json};

/// Deletes twice; returns (first reply result, second reply status and code).
async fn twice(portal: &Portal, method: &str, params: Value) -> (Value, u16, String) {
    let first = portal.call(method, params.clone()).await;
    assert_eq!(first.status, 200, "{method} first delete: {}", first.body);
    let second = portal.call(method, params).await;
    (
        first.body["result"].clone(),
        second.status,
        second.code().to_string(),
    )
}

#[tokio::test]
async fn crm_record_deletes_return_true_then_not_found() {
    let portal = Portal::start().await;
    let company = portal.company("Acme").await;
    let contact = portal.contact("Ann").await;
    let deal = portal.deal(json!({"TITLE": "D"})).await;

    for (method, id) in [
        ("crm.deal.delete", deal),
        ("crm.contact.delete", contact),
        ("crm.company.delete", company),
    ] {
        let (result, status, code) = twice(&portal, method, json!({"id": id})).await;
        assert_eq!(result, json!(true), "{method}");
        assert_eq!((status, code.as_str()), (400, ""), "{method}");
    }
    let gone = portal.call("crm.deal.get", json!({"id": deal})).await;
    assert_eq!(gone.text(), "Not found");
}

#[tokio::test]
async fn activity_comment_task_file_and_userfield_deletes() {
    let portal = Portal::start().await;
    let contact = portal.contact("Ann").await;
    let activity = portal
        .ok(
            "crm.activity.add",
            json!({"fields": {"TYPE_ID": 2, "OWNER_TYPE_ID": 3,
            "OWNER_ID": contact, "SUBJECT": "Call", "COMMUNICATIONS": [{"VALUE": "+1"}]}}),
        )
        .await;
    let comment = portal
        .ok(
            "crm.timeline.comment.add",
            json!({"fields": {"ENTITY_ID": contact,
            "ENTITY_TYPE": "contact", "COMMENT": "note"}}),
        )
        .await;
    let task = portal
        .ok(
            "tasks.task.add",
            json!({"fields": {"TITLE": "T", "RESPONSIBLE_ID": 1}}),
        )
        .await;
    let file = portal
        .ok(
            "disk.storage.uploadfile",
            json!({"id": 2, "fileContent": ["a.txt", "aGk="]}),
        )
        .await;
    let field = portal
        .ok(
            "crm.contact.userfield.add",
            json!({"fields": {"FIELD_NAME": "X",
            "USER_TYPE_ID": "string"}}),
        )
        .await;

    let (activity_result, _, activity_code) =
        twice(&portal, "crm.activity.delete", json!({"id": activity})).await;
    let (comment_result, _, comment_code) = twice(
        &portal,
        "crm.timeline.comment.delete",
        json!({"id": comment}),
    )
    .await;
    let (task_result, task_status, _) = twice(
        &portal,
        "tasks.task.delete",
        json!({"taskId": task["task"]["id"]}),
    )
    .await;
    let (file_result, _, file_code) =
        twice(&portal, "disk.file.delete", json!({"id": file["ID"]})).await;
    let (field_result, field_status, _) = twice(
        &portal,
        "crm.contact.userfield.delete",
        json!({"id": field}),
    )
    .await;

    assert_eq!((activity_result, activity_code.as_str()), (json!(true), ""));
    assert_eq!(
        (comment_result, comment_code.as_str()),
        (Value::Null, "NOT_FOUND")
    );
    assert_eq!((task_result, task_status), (json!({"task": true}), 400));
    assert_eq!(
        (file_result, file_code.as_str()),
        (json!(true), "ERROR_NOT_FOUND")
    );
    assert_eq!((field_result, field_status), (json!(true), 400));
}

#[tokio::test]
async fn binding_pipeline_and_status_deletes() {
    let portal = Portal::start().await;
    let company = portal.company("Acme").await;
    let contact = portal.contact("Ann").await;
    let deal = portal
        .deal(json!({"TITLE": "D", "CONTACT_IDS": [contact]}))
        .await;
    portal
        .ok(
            "crm.company.contact.add",
            json!({"id": company, "fields": {"CONTACT_ID": contact}}),
        )
        .await;
    let category = portal
        .ok(
            "crm.dealcategory.add",
            json!({"fields": {"NAME": "Old API"}}),
        )
        .await;
    let stage = portal
        .ok(
            "crm.status.add",
            json!({"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "AMO",
            "NAME": "amoCRM"}}),
        )
        .await;

    let unlink_company = portal
        .ok(
            "crm.company.contact.delete",
            json!({"id": company, "fields": {"CONTACT_ID": contact}}),
        )
        .await;
    let unlink_again = portal
        .ok(
            "crm.company.contact.delete",
            json!({"id": company, "fields": {"CONTACT_ID": contact}}),
        )
        .await;
    let unlink_deal = portal
        .ok(
            "crm.deal.contact.delete",
            json!({"id": deal, "fields": {"CONTACT_ID": contact}}),
        )
        .await;
    let (category_result, _, category_code) =
        twice(&portal, "crm.dealcategory.delete", json!({"id": category})).await;
    let (stage_result, _, _) = twice(&portal, "crm.status.delete", json!({"id": stage})).await;

    assert_eq!(
        (unlink_company, unlink_again, unlink_deal),
        (json!(true), json!(false), json!(true))
    );
    assert_eq!((category_result, category_code.as_str()), (json!(true), ""));
    assert_eq!(stage_result, json!(true));
}
