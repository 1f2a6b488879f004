//! Checklist "Domain change mode": calls to the old host get a 302 to the new host; the new
//! host serves the same portal (same `member_id`).

mod common;

use common::Portal;
use serde_json::json;

#[tokio::test]
async fn domain_change_redirects_old_host_with_location_on_new_host() {
    let portal = Portal::start().await;
    let port = portal.sandbox.port();
    portal.company("Before the move").await;
    portal
        .sandbox
        .control()
        .change_domain(&format!("localhost:{port}"));

    let old = portal
        .http
        .post(format!(
            "{}crm.company.get?id=1",
            portal.sandbox.webhook_url()
        ))
        .send()
        .await
        .unwrap();
    let location = old.headers()["location"].to_str().unwrap().to_string();
    let new = portal.http.post(&location).send().await.unwrap();
    let body: serde_json::Value = new.json().await.unwrap();

    assert_eq!(old.status(), 302);
    assert!(
        location.starts_with(&format!("http://localhost:{port}/rest/1/")),
        "{location}"
    );
    assert!(location.ends_with("crm.company.get?id=1"));
    assert_eq!(body["result"]["TITLE"], "Before the move");
}

#[tokio::test]
async fn domain_change_keeps_member_id_and_moves_client_endpoint() {
    let portal = Portal::start().await;
    let port = portal.sandbox.port();
    let before = portal.sandbox.control().install_app(1);

    portal
        .sandbox
        .control()
        .change_domain(&format!("localhost:{port}"));
    let after = portal.sandbox.control().install_app(1);
    let state = portal.sandbox.control().state();

    assert_eq!(before.member_id, after.member_id);
    assert_eq!(
        after.client_endpoint,
        format!("http://localhost:{port}/rest/")
    );
    assert_eq!(state["domain"], json!(format!("localhost:{port}")));
}
