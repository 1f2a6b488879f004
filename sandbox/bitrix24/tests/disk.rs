//! Checklist "Tasks, users, disk" (Drive): app storage, inline and `uploadUrl` uploads,
//! Base64 validation, file ids usable in activities, file delete.

mod common;

use common::Portal;
use serde_json::json;

#[tokio::test]
async fn storage_for_app_needs_application_context() {
    let portal = Portal::start().await;
    let grant = portal.sandbox.control().install_app(1);

    let hook = portal.call("disk.storage.getforapp", json!({})).await;
    let app = portal
        .call_with_token(&grant.access_token, "disk.storage.getforapp", json!({}))
        .await;

    assert_eq!(hook.status, 403);
    assert_eq!(hook.text(), "Access denied! Application context required");
    assert!(app.result()["ROOT_OBJECT_ID"].is_string());
}

#[tokio::test]
async fn folder_upload_inline_then_use_the_file_in_an_activity() {
    let portal = Portal::start().await;
    let grant = portal.sandbox.control().install_app(1);
    let storage = portal
        .call_with_token(&grant.access_token, "disk.storage.getforapp", json!({}))
        .await;
    let root = storage.result()["ROOT_OBJECT_ID"].clone();

    let folder = portal
        .ok(
            "disk.folder.addsubfolder",
            json!({"id": root, "data": {"NAME": "amoCRM"}}),
        )
        .await;
    let file = portal
        .ok(
            "disk.folder.uploadfile",
            json!({"id": folder["ID"], "data": {"NAME": "a.txt"},
            "fileContent": ["a.txt", "aGVsbG8="]}),
        )
        .await;
    let contact = portal.contact("Ann").await;
    let activity = portal
        .ok(
            "crm.activity.add",
            json!({"fields": {"TYPE_ID": 1, "OWNER_TYPE_ID": 3,
            "OWNER_ID": contact, "SUBJECT": "Meet", "COMMUNICATIONS": [{"VALUE": "Ann"}],
            "FILES": [{"id": file["ID"]}]}}),
        )
        .await;
    let stored = portal.ok("crm.activity.get", json!({"id": activity})).await;
    let bytes = portal
        .http
        .get(file["DOWNLOAD_URL"].as_str().unwrap())
        .send()
        .await
        .unwrap();

    assert_eq!(file["TYPE"], "file");
    assert_eq!(file["SIZE"], "5");
    assert_eq!(file["PARENT_ID"], folder["ID"]);
    assert_eq!(
        stored["FILES"][0]["id"].to_string(),
        file["ID"].as_str().unwrap()
    );
    assert_eq!(bytes.text().await.unwrap(), "hello");
}

#[tokio::test]
async fn upload_rejects_invalid_base64_and_duplicate_names() {
    let portal = Portal::start().await;
    let grant = portal.sandbox.control().install_app(1);
    let storage = portal
        .call_with_token(&grant.access_token, "disk.storage.getforapp", json!({}))
        .await;
    let root = storage.result()["ROOT_OBJECT_ID"].clone();

    let invalid = portal
        .call(
            "disk.folder.uploadfile",
            json!({"id": root, "fileContent": ["a.txt", "@@@"]}),
        )
        .await;
    let empty = portal
        .call(
            "disk.folder.uploadfile",
            json!({"id": root, "fileContent": ["a.txt", ""]}),
        )
        .await;
    portal
        .ok(
            "disk.folder.uploadfile",
            json!({"id": root, "fileContent": ["a.txt", "aGk="]}),
        )
        .await;
    let clash = portal
        .call(
            "disk.folder.uploadfile",
            json!({"id": root, "fileContent": ["a.txt", "aGk="]}),
        )
        .await;
    let unique = portal
        .call(
            "disk.folder.uploadfile",
            json!({"id": root, "fileContent": ["a.txt", "aGk="],
            "generateUniqueName": true}),
        )
        .await;

    assert_eq!(invalid.status, 400);
    assert_eq!(invalid.code(), "ERROR_ARGUMENT");
    assert_eq!(empty.status, 400);
    assert_eq!(clash.status, 400);
    assert_ne!(unique.result()["NAME"], "a.txt");
}

#[tokio::test]
async fn upload_url_flow_takes_a_multipart_post() {
    let portal = Portal::start().await;
    let grant = portal.sandbox.control().install_app(1);
    let storage = portal
        .call_with_token(&grant.access_token, "disk.storage.getforapp", json!({}))
        .await;
    let root = storage.result()["ROOT_OBJECT_ID"].clone();

    let step_one = portal
        .ok("disk.folder.uploadfile", json!({"id": root}))
        .await;
    let body = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\
        Content-Type: application/octet-stream\r\n\r\nbig file\r\n--XyZ--\r\n";
    let response = portal
        .http
        .post(step_one["uploadUrl"].as_str().unwrap())
        .header("Content-Type", "multipart/form-data; boundary=XyZ")
        .body(body)
        .send()
        .await
        .unwrap();
    let uploaded: serde_json::Value = response.json().await.unwrap();

    assert_eq!(step_one["field"], "file");
    assert_eq!(uploaded["result"]["NAME"], "big.bin");
    assert_eq!(uploaded["result"]["SIZE"], "8");
}
