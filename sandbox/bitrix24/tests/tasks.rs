//! Checklist "Tasks, users, disk" (tasks): `tasks.task.*` shapes and validation, CRM links,
//! and comments posted as another user.

mod common;

use common::Portal;
use serde_json::json;

#[tokio::test]
async fn task_add_returns_the_task_in_camel_case_inside_a_wrapper() {
    let portal = Portal::start().await;
    let deal = portal.deal(json!({"TITLE": "D"})).await;

    let reply = portal
        .ok(
            "tasks.task.add",
            json!({"fields": {"TITLE": "Follow up", "RESPONSIBLE_ID": 1,
            "DEADLINE": "2024-06-01T18:00:00+03:00", "UF_CRM_TASK": [format!("D_{deal}")]}}),
        )
        .await;
    let task = &reply["task"];
    let id = task["id"].as_str().unwrap().to_string();
    let plain = portal.ok("tasks.task.get", json!({"taskId": id})).await;
    let selected = portal
        .ok(
            "tasks.task.get",
            json!({"taskId": id, "select": ["ID", "UF_CRM_TASK"]}),
        )
        .await;
    let listed = portal
        .call("tasks.task.list", json!({"filter": {"RESPONSIBLE_ID": 1}}))
        .await;

    assert_eq!(task["title"], "Follow up");
    assert_eq!(task["responsibleId"], "1");
    assert_eq!(task["status"], "2");
    assert_eq!(task["deadline"], "2024-06-01T18:00:00+03:00");
    assert!(plain["task"].get("ufCrmTask").is_none());
    assert_eq!(selected["task"]["ufCrmTask"], json!([format!("D_{deal}")]));
    assert_eq!(listed.result()["tasks"][0]["id"], json!(id));
    assert_eq!(listed.body["total"], 1);
}

#[tokio::test]
async fn task_validation_errors_are_error_core_texts() {
    let portal = Portal::start().await;
    let add = |fields: serde_json::Value| {
        let portal = &portal;
        async move {
            portal
                .call("tasks.task.add", json!({"fields": fields}))
                .await
        }
    };

    let no_title = add(json!({"RESPONSIBLE_ID": 1})).await;
    let no_responsible = add(json!({"TITLE": "T"})).await;
    let ghost = add(json!({"TITLE": "T", "RESPONSIBLE_ID": 999})).await;
    let bad_status = add(json!({"TITLE": "T", "RESPONSIBLE_ID": 1, "STATUS": 9})).await;
    let half_plan = add(json!({"TITLE": "T", "RESPONSIBLE_ID": 1,
        "START_DATE_PLAN": "2024-01-02"}))
    .await;
    let no_fields = portal.call("tasks.task.add", json!({})).await;

    assert_eq!(no_title.code(), "ERROR_CORE");
    assert_eq!(no_title.text(), "Task title is not specified<br>");
    assert_eq!(
        no_responsible.text(),
        "Responsible person not specified<br>"
    );
    assert_eq!(
        ghost.text(),
        "User specified in the \"Responsible\" field not found<br>"
    );
    assert_eq!(bad_status.text(), "Incorrect status<br>");
    assert_eq!(half_plan.code(), "ERROR_CORE");
    assert_eq!(no_fields.code(), "100");
}

#[tokio::test]
async fn task_comment_can_be_posted_as_another_user_and_task_delete() {
    let portal = Portal::start().await;
    let user = portal
        .sandbox
        .control()
        .add_user(migrator_sandbox_bitrix24::NewUser::employee(
            "m@x.io", "Max", "Doe",
        ));
    let task = portal
        .ok(
            "tasks.task.add",
            json!({"fields": {"TITLE": "T", "RESPONSIBLE_ID": 1}}),
        )
        .await;
    let task_id = task["task"]["id"].clone();

    let comment = portal
        .ok(
            "task.commentitem.add",
            json!({"TASKID": task_id, "FIELDS": {
            "POST_MESSAGE": "Imported note", "AUTHOR_ID": user}}),
        )
        .await;
    let comments = portal
        .ok("task.commentitem.getlist", json!({"TASKID": task_id}))
        .await;
    let deleted = portal
        .ok("tasks.task.delete", json!({"taskId": task_id}))
        .await;
    let again = portal
        .call("tasks.task.delete", json!({"taskId": task_id}))
        .await;

    assert!(comment.is_u64());
    assert_eq!(comments[0]["AUTHOR_ID"], json!(user.to_string()));
    assert_eq!(deleted, json!({"task": true}));
    assert_eq!(again.status, 400);
}
