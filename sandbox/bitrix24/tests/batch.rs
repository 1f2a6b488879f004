//! Checklist "Paging and batch": `batch` commands, references, `halt`, the 50-command cap,
//! forbidden methods, per-command errors, and sending order.

mod common;

use common::Portal;
use serde_json::{Map, Value, json};

#[tokio::test]
async fn batch_result_references_feed_later_commands() {
    let portal = Portal::start().await;

    // Keys sort in running order because `json!` (serde_json) sorts object keys.
    let reply = portal
        .ok(
            "batch",
            json!({"halt": 0, "cmd": {
                "a_co": "crm.company.add?fields[TITLE]=Acme",
                "b_ct": "crm.contact.add?fields[NAME]=Ann&fields[COMPANY_ID]=$result[a_co]",
                "c_list": "crm.contact.list?select[]=ID&select[]=COMPANY_ID",
                "d_get": "crm.contact.get?id=$result[c_list][0][ID]",
            }}),
        )
        .await;

    assert_eq!(reply["result"]["a_co"], json!(1));
    assert_eq!(reply["result"]["b_ct"], json!(1));
    assert_eq!(reply["result"]["d_get"]["COMPANY_ID"], "1", "{reply}");
    assert_eq!(reply["result_total"]["c_list"], 1);
    assert!(reply["result_time"]["a_co"]["duration"].is_number());
}

#[tokio::test]
async fn batch_commands_run_in_sending_order_not_key_order() {
    let portal = Portal::start().await;
    let body = r#"{"cmd": {
        "z": "crm.company.add?fields[TITLE]=First",
        "a": "crm.company.add?fields[TITLE]=Second"
    }}"#;

    let url = format!("{}batch", portal.sandbox.webhook_url());
    let response = portal
        .http
        .post(url)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let reply: Value = response.json().await.unwrap();

    assert_eq!(reply["result"]["result"], json!({"z": 1, "a": 2}));
    let first = portal.ok("crm.company.get", json!({"id": 1})).await;
    assert_eq!(first["TITLE"], "First");
}

#[tokio::test]
async fn batch_halt_stops_after_the_first_failure() {
    let portal = Portal::start().await;
    let cmd = json!({
        "a": "crm.deal.get?id=77",
        "b": "crm.company.add?fields[TITLE]=Never",
    });

    let halted = portal
        .ok("batch", json!({"halt": 1, "cmd": cmd.clone()}))
        .await;
    let full = portal.ok("batch", json!({"halt": 0, "cmd": cmd})).await;

    assert_eq!(
        halted["result_error"]["a"]["error_description"],
        "Not found"
    );
    assert_eq!(halted["result"], json!([]));
    assert_eq!(full["result"]["b"], json!(1));
    assert_eq!(full["result_error"]["a"]["error"], "");
}

#[tokio::test]
async fn batch_over_fifty_commands_get_length_exceeded() {
    let portal = Portal::start().await;
    let mut cmd = Map::new();
    for i in 0..52 {
        cmd.insert(format!("k{i:02}"), json!("server.time"));
    }

    let reply = portal
        .call("batch", json!({"cmd": Value::Object(cmd)}))
        .await;

    assert_eq!(reply.status, 200);
    let result = reply.result();
    assert_eq!(result["result"].as_object().unwrap().len(), 50);
    assert_eq!(
        result["result_error"]["k50"]["error"],
        "ERROR_BATCH_LENGTH_EXCEEDED"
    );
    assert_eq!(
        result["result_error"]["k51"]["error_description"],
        "Max batch length exceeded"
    );
}

#[tokio::test]
async fn batch_nested_batch_and_uploads_are_not_allowed() {
    let portal = Portal::start().await;

    let reply = portal
        .ok(
            "batch",
            json!({"cmd": {"n": "batch?cmd[x]=server.time",
            "u": "disk.folder.uploadfile?id=1"}}),
        )
        .await;

    assert_eq!(
        reply["result_error"]["n"]["error"],
        "ERROR_BATCH_METHOD_NOT_ALLOWED"
    );
    assert_eq!(
        reply["result_error"]["u"]["error_description"],
        "Method is not allowed for batch usage"
    );
}

#[tokio::test]
async fn batch_form_encoded_request_with_embedded_reference() {
    let portal = Portal::start().await;
    let path = format!(
        "{}batch",
        portal
            .sandbox
            .webhook_url()
            .trim_start_matches(&portal.sandbox.url())
    );
    let form = "halt=0&cmd[a]=crm.company.add%3Ffields%5BTITLE%5D%3DAcme\
        &cmd[b]=crm.company.add%3Ffields%5BTITLE%5D%3DChild%2520of%2520%24result%5Ba%5D";

    let reply = portal.post_form(&path, form).await;
    let child = portal.ok("crm.company.get", json!({"id": 2})).await;

    assert_eq!(reply.result()["result"]["b"], json!(2));
    assert_eq!(child["TITLE"], "Child of 1");
}

#[tokio::test]
async fn batch_total_and_next_references_resolve() {
    let portal = Portal::start().await;
    let mut cmd = Map::new();
    for i in 0..55 {
        cmd.insert(
            format!("k{i:02}"),
            json!(format!("crm.company.add?fields[TITLE]=C{i}")),
        );
    }
    portal
        .ok("batch", json!({"cmd": Value::Object(cmd.clone())}))
        .await;
    portal.ok("batch", json!({"cmd": Value::Object(cmd)})).await;

    let reply = portal
        .ok(
            "batch",
            json!({"cmd": {
                "a_list": "crm.company.list?select[]=ID",
                "b_next": "crm.company.list?select[]=ID&start=$next[a_list]",
                "c_note": "crm.company.add?fields[TITLE]=Total $total[a_list]",
            }}),
        )
        .await;
    let note = portal
        .ok("crm.company.get", json!({"id": reply["result"]["c_note"]}))
        .await;

    assert_eq!(reply["result_next"]["a_list"], 50);
    assert_eq!(reply["result"]["b_next"][0]["ID"], "51");
    assert!(
        reply["result_next"].get("b_next").is_none(),
        "the second page is the last"
    );
    assert_eq!(note["TITLE"], "Total 100");
}
