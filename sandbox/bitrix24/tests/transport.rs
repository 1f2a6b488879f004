//! Checklist "Transport and auth": paths, method names, token places, parameter parsing,
//! HTTPS switch, REST-disabled and deleted-portal modes.

mod common;

use common::Portal;
use migrator_sandbox_bitrix24::SandboxConfig;
use serde_json::json;

#[tokio::test]
async fn transport_webhook_path_accepts_json_suffix_and_any_case() {
    let portal = Portal::start().await;

    let plain = portal
        .call("crm.company.add", json!({"fields": {"TITLE": "Acme"}}))
        .await;
    let suffixed = portal
        .call("CRM.Company.Add.json", json!({"fields": {"TITLE": "Beta"}}))
        .await;

    assert_eq!(plain.result(), &json!(1));
    assert_eq!(suffixed.result(), &json!(2));
}

#[tokio::test]
async fn transport_unknown_method_is_404_method_not_found() {
    let portal = Portal::start().await;

    let reply = portal.call("crm.deal.frobnicate", json!({})).await;

    assert_eq!(reply.status, 404);
    assert_eq!(reply.code(), "ERROR_METHOD_NOT_FOUND");
    assert_eq!(reply.text(), "Method not found!");
}

#[tokio::test]
async fn transport_token_is_read_from_bearer_auth_and_access_token() {
    let portal = Portal::start().await;
    let grant = portal.sandbox.control().install_app(1);
    let url = format!("{}/rest/profile", portal.sandbox.url());

    let bearer = portal
        .http
        .post(&url)
        .bearer_auth(&grant.access_token)
        .send()
        .await
        .unwrap();
    let by_auth = portal
        .http
        .get(format!("{url}?auth={}", grant.access_token))
        .send()
        .await
        .unwrap();
    let by_access = portal
        .http
        .post(&url)
        .form(&[("access_token", grant.access_token.as_str())])
        .send()
        .await
        .unwrap();

    assert_eq!(bearer.status(), 200);
    assert_eq!(by_auth.status(), 200);
    assert_eq!(by_access.status(), 200);
}

#[tokio::test]
async fn transport_body_wins_over_query_and_php_form_arrays_parse() {
    let portal = Portal::start().await;
    let path = format!(
        "{}crm.contact.add?fields[NAME]=FromQuery",
        portal
            .sandbox
            .webhook_url()
            .trim_start_matches(&portal.sandbox.url())
    );

    let reply = portal
        .post_form(
            &path,
            concat!(
                "fields[NAME]=FromBody&fields[PHONE][0][VALUE]=%2B7900",
                "&fields[PHONE][0][VALUE_TYPE]=MOBILE"
            ),
        )
        .await;
    let id = reply.result().as_u64().unwrap();
    let contact = portal.ok("crm.contact.get", json!({"id": id})).await;

    assert_eq!(contact["NAME"], "FromBody");
    assert_eq!(contact["PHONE"][0]["VALUE"], "+7900");
    assert_eq!(contact["PHONE"][0]["VALUE_TYPE"], "MOBILE");
}

#[tokio::test]
async fn transport_invalid_json_body_is_treated_as_empty_params() {
    let portal = Portal::start().await;
    let url = format!("{}crm.deal.add", portal.sandbox.webhook_url());

    let response = portal
        .http
        .post(url)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap();

    assert_eq!(status, 400);
    assert_eq!(body["error"], "");
    assert_eq!(
        body["error_description"],
        "Parameter 'fields' must be array."
    );
}

#[tokio::test]
async fn transport_https_switch_answers_invalid_request() {
    let config = SandboxConfig {
        require_https: true,
        ..SandboxConfig::default()
    };
    let portal = Portal::start_with(config).await;

    let reply = portal.call("profile", json!({})).await;

    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "INVALID_REQUEST");
    assert_eq!(reply.text(), "Https required");
}

#[tokio::test]
async fn transport_rest_disabled_and_portal_deleted_modes() {
    let portal = Portal::start().await;

    portal.sandbox.control().set_rest_disabled(true);
    let disabled = portal.call("profile", json!({})).await;
    portal.sandbox.control().set_rest_disabled(false);
    portal.sandbox.control().set_portal_deleted(Some(410));
    let deleted = portal.call("profile", json!({})).await;

    assert_eq!(disabled.status, 403);
    assert_eq!(disabled.code(), "ACCESS_DENIED");
    assert_eq!(
        disabled.text(),
        "REST API is available only on commercial plans"
    );
    assert_eq!(deleted.status, 410);
    assert_eq!(deleted.code(), "PORTAL_DELETED");
}

#[tokio::test]
async fn transport_wrong_webhook_code_is_no_auth_found() {
    let portal = Portal::start().await;
    let url = format!("{}/rest/1/wrongcode/profile", portal.sandbox.url());

    let response = portal.http.post(url).send().await.unwrap();
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap();

    assert_eq!(status, 401);
    assert_eq!(body["error"], "NO_AUTH_FOUND");
}

#[tokio::test]
async fn transport_summary_names_the_base_url_and_a_working_webhook() {
    let portal = Portal::start().await;

    let summary = portal.sandbox.summary();
    let webhook = summary["webhook"].as_str().unwrap();
    let reply = portal
        .http
        .post(format!("{webhook}profile"))
        .send()
        .await
        .unwrap();

    assert_eq!(summary["url"], json!(portal.sandbox.url()));
    assert!(webhook.starts_with(&format!("{}/rest/1/", portal.sandbox.url())));
    assert_eq!(reply.status(), 200);
}
