//! Shape tests: our own equivalents of the response shapes the reference shows (§1.4 token
//! reply, §1.5 server `app.info`, §2.5 batch reply, §4.1 `app.info`, §5.6 `crm.category.add`,
//! §5.7 status rows), compared key by key.

mod common;

use std::collections::BTreeSet;

use common::Portal;
use serde_json::{Value, json};

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

#[tokio::test]
async fn shape_oauth_token_reply() {
    let portal = Portal::start().await;
    let control = portal.sandbox.control();
    let grant = control.install_app(1);
    let (id, secret) = control.client_credentials();

    let url = format!(
        "{}/oauth/token/?grant_type=refresh_token&client_id={id}&client_secret={secret}\
         &refresh_token={}",
        portal.sandbox.url(),
        grant.refresh_token
    );
    let reply: Value = portal
        .http
        .get(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(
        keys(&reply),
        set(&[
            "access_token",
            "refresh_token",
            "expires",
            "expires_in",
            "scope",
            "domain",
            "server_endpoint",
            "client_endpoint",
            "member_id",
            "status",
            "user_id"
        ])
    );
    assert_eq!(reply["access_token"].as_str().unwrap().len(), 70);
    assert_eq!(reply["member_id"].as_str().unwrap().len(), 32);
    assert!(reply["expires"].is_i64());
    assert_eq!(reply["user_id"], 1);
}

#[tokio::test]
async fn shape_server_side_app_info() {
    let portal = Portal::start().await;
    let grant = portal.sandbox.control().install_app(1);

    let reply = portal
        .get(&format!("/oauth/rest/app.info?auth={}", grant.access_token))
        .await;

    let result = reply.result();
    assert_eq!(
        keys(result),
        set(&["client_id", "scope", "expires", "user_id", "install"])
    );
    assert_eq!(
        keys(&result["install"]),
        set(&[
            "installed",
            "version",
            "status",
            "scope",
            "domain",
            "uri",
            "client_endpoint",
            "member_id",
            "member_type"
        ])
    );
}

#[tokio::test]
async fn shape_app_info_for_an_application() {
    let portal = Portal::start().await;
    let grant = portal.sandbox.control().install_app(1);

    let reply = portal
        .call_with_token(&grant.access_token, "app.info", json!({}))
        .await;

    assert_eq!(
        keys(reply.result()),
        set(&[
            "ID",
            "CODE",
            "VERSION",
            "STATUS",
            "INSTALLED",
            "PAYMENT_EXPIRED",
            "DAYS",
            "LANGUAGE_ID",
            "LICENSE",
            "LICENSE_TYPE",
            "LICENSE_FAMILY"
        ])
    );
}

#[tokio::test]
async fn shape_batch_reply() {
    let portal = Portal::start().await;

    let reply = portal
        .call(
            "batch",
            json!({"cmd": {"a": "crm.company.add?fields[TITLE]=A",
            "b": "crm.company.list", "c": "crm.company.get?id=9"}}),
        )
        .await;

    assert_eq!(keys(&reply.body), set(&["result", "time"]));
    let result = reply.result();
    assert_eq!(
        keys(result),
        set(&[
            "result",
            "result_error",
            "result_total",
            "result_next",
            "result_time"
        ])
    );
    assert_eq!(result["result"]["a"], 1);
    assert_eq!(result["result_total"], json!({"b": 1}));
    assert_eq!(
        result["result_error"]["c"],
        json!({"error": "", "error_description": "Not found"})
    );
    assert_eq!(keys(&result["result_time"]), set(&["a", "b"]));
}

#[tokio::test]
async fn shape_category_add_and_status_row() {
    let portal = Portal::start().await;

    let added = portal
        .ok(
            "crm.category.add",
            json!({"entityTypeId": 2, "fields": {"name": "Sales B2B",
            "sort": 200}}),
        )
        .await;
    let rows = portal
        .ok(
            "crm.status.list",
            json!({"filter": {"ENTITY_ID": "DEAL_STAGE_1"}}),
        )
        .await;

    assert_eq!(
        added,
        json!({"category": {"id": 1, "name": "Sales B2B", "sort": 200, "entityTypeId": 2,
            "isDefault": "N", "originId": "", "originatorId": ""}})
    );
    assert_eq!(
        keys(&rows[0]),
        set(&[
            "ID",
            "ENTITY_ID",
            "STATUS_ID",
            "NAME",
            "NAME_INIT",
            "SORT",
            "SYSTEM",
            "CATEGORY_ID",
            "COLOR",
            "SEMANTICS",
            "EXTRA"
        ])
    );
    assert!(rows[0]["ID"].is_string());
    assert!(rows[0]["SORT"].is_string());
}

#[tokio::test]
async fn shape_list_reply_and_multifield_item() {
    let portal = Portal::start().await;
    portal
        .ok(
            "crm.contact.add",
            json!({"fields": {"NAME": "Ann",
            "PHONE": [{"VALUE": "+1", "VALUE_TYPE": "WORK"}]}}),
        )
        .await;

    let reply = portal
        .call("crm.contact.list", json!({"select": ["ID", "PHONE"]}))
        .await;

    assert_eq!(keys(&reply.body), set(&["result", "total", "time"]));
    assert_eq!(
        keys(&reply.result()[0]["PHONE"][0]),
        set(&["ID", "VALUE_TYPE", "VALUE", "TYPE_ID"])
    );
}
