//! Checklist "CRM" (activities and timeline): meeting/call/e-mail rules, COMMUNICATIONS,
//! files, the e-mail send trap, to-dos and timeline comments.

mod common;

use common::Portal;
use serde_json::json;

const PNG: &str = "iVBORw0KGgo=";

#[tokio::test]
async fn activity_types_other_than_meeting_call_email_are_refused() {
    let portal = Portal::start().await;
    let deal = portal.deal(json!({"TITLE": "D"})).await;

    let task = portal
        .call(
            "crm.activity.add",
            json!({"fields": {"TYPE_ID": 3, "OWNER_TYPE_ID": 2,
            "OWNER_ID": deal, "SUBJECT": "x", "COMMUNICATIONS": [{"VALUE": "x"}]}}),
        )
        .await;

    assert_eq!(task.status, 400);
    assert_eq!(task.code(), "");
    assert_eq!(
        task.text(),
        "The activity type \"3\" is not supported in current context."
    );
}

#[tokio::test]
async fn call_needs_exactly_one_phone_communication() {
    let portal = Portal::start().await;
    let contact = portal.contact("Ann").await;
    let base = json!({"TYPE_ID": 2, "OWNER_TYPE_ID": 3, "OWNER_ID": contact, "SUBJECT": "Call"});
    let with = |comms: serde_json::Value| {
        let mut fields = base.clone();
        fields["COMMUNICATIONS"] = comms;
        json!({"fields": fields})
    };

    let none = portal
        .call("crm.activity.add", with(json!([{"VALUE": ""}])))
        .await;
    let email_only = portal
        .call(
            "crm.activity.add",
            with(json!([{"VALUE": "a@b.c", "TYPE": "EMAIL"}])),
        )
        .await;
    let two = portal
        .call(
            "crm.activity.add",
            with(json!([{"VALUE": "+1"}, {"VALUE": "+2"}])),
        )
        .await;
    let one = portal
        .call("crm.activity.add", with(json!([{"VALUE": "+1"}])))
        .await;

    assert_eq!(
        none.text(),
        "The field COMMUNICATIONS is not defined or invalid."
    );
    assert_eq!(
        email_only.text(),
        "The field COMMUNICATIONS is not defined or invalid."
    );
    assert_eq!(
        two.text(),
        "The only one communication is allowed for activity of specified type."
    );
    let id = one.result().as_u64().unwrap();
    let activity = portal.ok("crm.activity.get", json!({"id": id})).await;
    assert_eq!(activity["COMMUNICATIONS"][0]["TYPE"], "PHONE");
    assert_eq!(
        activity["COMMUNICATIONS"][0]["ENTITY_ID"],
        json!(contact.to_string())
    );
    assert_eq!(activity["RESPONSIBLE_ID"], "1");
}

#[tokio::test]
async fn meeting_on_a_deal_binds_the_contact_and_stores_files_on_drive() {
    let portal = Portal::start().await;
    let contact = portal.contact("Ann").await;
    let deal = portal.deal(json!({"TITLE": "D"})).await;

    let id = portal
        .ok(
            "crm.activity.add",
            json!({"fields": {"TYPE_ID": 1, "OWNER_TYPE_ID": 2,
            "OWNER_ID": deal, "SUBJECT": "Meet", "START_TIME": "2024-05-01T10:00:00+03:00",
            "COMMUNICATIONS": [{"VALUE": "Ann", "ENTITY_TYPE_ID": 3, "ENTITY_ID": contact}],
            "FILES": [{"fileData": ["scan.png", PNG]}]}}),
        )
        .await;
    let activity = portal.ok("crm.activity.get", json!({"id": id})).await;
    let file_id = activity["FILES"][0]["id"].as_u64().unwrap();
    let file = portal.ok("disk.file.get", json!({"id": file_id})).await;

    assert_eq!(activity["BINDINGS"].as_array().unwrap().len(), 2);
    assert_eq!(activity["START_TIME"], "2024-05-01T10:00:00+03:00");
    assert_eq!(file["NAME"], "scan.png");
    assert_eq!(file["SIZE"], "8");
}

#[tokio::test]
async fn completed_outgoing_email_on_add_is_recorded_as_sent() {
    let portal = Portal::start().await;
    let contact = portal.contact("Ann").await;
    let email = |completed: &str| {
        json!({"fields": {"TYPE_ID": 4, "OWNER_TYPE_ID": 3, "OWNER_ID": contact,
            "SUBJECT": "Hi", "DIRECTION": 2, "COMPLETED": completed,
            "COMMUNICATIONS": [{"VALUE": "ann@example.com"}]}})
    };

    let history = portal.ok("crm.activity.add", email("N")).await;
    let sent = portal.ok("crm.activity.add", email("Y")).await;
    let state = portal.sandbox.control().state();

    assert_eq!(state["sent_emails"], json!([sent]));
    assert_ne!(history, sent);
}

#[tokio::test]
async fn todo_add_needs_owner_and_deadline() {
    let portal = Portal::start().await;
    let deal = portal.deal(json!({"TITLE": "D"})).await;

    let ok = portal
        .ok(
            "crm.activity.todo.add",
            json!({"ownerTypeId": 2, "ownerId": deal,
            "deadline": "2024-06-01T12:00:00+03:00", "title": "Call back"}),
        )
        .await;
    let missing = portal
        .call("crm.activity.todo.add", json!({"ownerTypeId": 2}))
        .await;
    let orphan = portal
        .call(
            "crm.activity.todo.add",
            json!({"ownerTypeId": 2, "ownerId": 999,
            "deadline": "2024-06-01"}),
        )
        .await;

    assert!(ok["id"].is_u64());
    assert_eq!(missing.code(), "100");
    assert_eq!(orphan.code(), "OWNER_NOT_FOUND");
}

#[tokio::test]
async fn timeline_comment_with_files_and_lower_case_fields_only() {
    let portal = Portal::start().await;
    let deal = portal.deal(json!({"TITLE": "D"})).await;

    let id = portal
        .ok(
            "crm.timeline.comment.add",
            json!({"fields": {"ENTITY_ID": deal,
            "ENTITY_TYPE": "deal", "COMMENT": "From amoCRM", "FILES": [["note.txt", "aGk="]]}}),
        )
        .await;
    let upper = portal
        .call(
            "crm.timeline.comment.add",
            json!({"FIELDS": {"ENTITY_ID": deal,
            "ENTITY_TYPE": "deal", "COMMENT": "x"}}),
        )
        .await;
    let empty = portal
        .call(
            "crm.timeline.comment.add",
            json!({"fields": {"ENTITY_ID": deal,
            "ENTITY_TYPE": "deal", "COMMENT": " "}}),
        )
        .await;
    let orphan = portal
        .call(
            "crm.timeline.comment.add",
            json!({"fields": {"ENTITY_ID": 404,
            "ENTITY_TYPE": "deal", "COMMENT": "x"}}),
        )
        .await;
    let comment = portal
        .ok("crm.timeline.comment.get", json!({"id": id}))
        .await;

    assert_eq!(comment["AUTHOR_ID"], "1");
    assert_eq!(comment["COMMENT"], "From amoCRM");
    assert_eq!(comment["FILES"].as_object().unwrap().len(), 1);
    assert_eq!(upper.code(), "100");
    assert_eq!(empty.code(), "INVALID_ARG_VALUE");
    assert_eq!(orphan.code(), "OWNER_NOT_FOUND");
}

#[tokio::test]
async fn deleting_a_contact_deletes_its_activities() {
    let portal = Portal::start().await;
    let contact = portal.contact("Ann").await;
    portal
        .ok(
            "crm.activity.add",
            json!({"fields": {"TYPE_ID": 2, "OWNER_TYPE_ID": 3,
            "OWNER_ID": contact, "SUBJECT": "Call", "COMMUNICATIONS": [{"VALUE": "+1"}]}}),
        )
        .await;

    portal
        .ok("crm.contact.delete", json!({"id": contact}))
        .await;
    let left = portal.ok("crm.activity.list", json!({})).await;

    assert_eq!(left, json!([]));
}
