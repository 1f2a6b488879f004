//! Checklist "Plan and app info": `app.info` with LICENSE, the webhook variant, the demo
//! `LICENSE_PREVIOUS`, pipeline limits per plan, and the small info methods.

mod common;

use common::Portal;
use migrator_sandbox_bitrix24::SandboxConfig;
use serde_json::json;

async fn add_pipelines(portal: &Portal, count: usize) -> Vec<common::Reply> {
    let mut replies = Vec::new();
    for i in 0..count {
        let reply = portal
            .call(
                "crm.category.add",
                json!({"entityTypeId": 2, "fields": {"name": format!("P{i}")}}),
            )
            .await;
        replies.push(reply);
    }
    replies
}

#[tokio::test]
async fn app_info_reports_license_type_and_family_for_apps() {
    let config = SandboxConfig {
        plan: "ru_pro100".to_string(),
        ..SandboxConfig::default()
    };
    let portal = Portal::start_with(config).await;
    let grant = portal.sandbox.control().install_app(1);

    let reply = portal
        .call_with_token(&grant.access_token, "app.info", json!({}))
        .await;

    let info = reply.result();
    assert_eq!(info["LICENSE"], "ru_pro100");
    assert_eq!(info["LICENSE_TYPE"], "pro100");
    assert_eq!(info["LICENSE_FAMILY"], "pro");
    assert_eq!(info["STATUS"], "P");
    assert_eq!(info["PAYMENT_EXPIRED"], "N");
    assert!(info.get("LICENSE_PREVIOUS").is_none());
}

#[tokio::test]
async fn app_info_webhook_variant_has_only_scope_and_license() {
    let portal = Portal::start().await;

    let info = portal.ok("app.info", json!({})).await;

    assert_eq!(
        info,
        json!({"SCOPE": ["crm", "user", "task", "disk"], "LICENSE": "ru_std"})
    );
}

#[tokio::test]
async fn app_info_demo_keeps_the_previous_license() {
    let portal = Portal::start().await;
    let grant = portal.sandbox.control().install_app(1);

    portal.sandbox.control().set_plan("ru_demo");
    let info = portal
        .call_with_token(&grant.access_token, "app.info", json!({}))
        .await;

    assert_eq!(info.result()["LICENSE"], "ru_demo");
    assert_eq!(info.result()["LICENSE_PREVIOUS"], "ru_std");
}

#[tokio::test]
async fn pipeline_limit_basic_plan_allows_only_the_main_pipeline() {
    let config = SandboxConfig {
        plan: "ru_basic".to_string(),
        ..SandboxConfig::default()
    };
    let portal = Portal::start_with(config).await;

    let replies = add_pipelines(&portal, 1).await;
    let old_api = portal
        .call("crm.dealcategory.add", json!({"fields": {"NAME": "Old"}}))
        .await;

    assert_eq!(replies[0].status, 400);
    assert_eq!(replies[0].code(), "");
    assert!(
        replies[0].text().contains("tariff plan"),
        "{}",
        replies[0].text()
    );
    assert_eq!(old_api.status, 400);
}

#[tokio::test]
async fn pipeline_limit_counts_the_main_pipeline_and_follows_plan_changes() {
    let portal = Portal::start().await;

    let replies = add_pipelines(&portal, 10).await;
    portal.sandbox.control().set_plan("ru_ent250");
    let unlimited = add_pipelines(&portal, 1).await;

    assert!(
        replies[..9].iter().all(|r| r.status == 200),
        "std allows 10 incl. the main one"
    );
    assert_eq!(replies[9].status, 400);
    assert_eq!(unlimited[0].status, 200);
}

#[tokio::test]
async fn info_methods_profile_admin_scope_time_feature() {
    let portal = Portal::start().await;

    let profile = portal.ok("profile", json!({})).await;
    let admin = portal.ok("user.admin", json!({})).await;
    let scope = portal.ok("scope", json!({})).await;
    let time = portal.ok("server.time", json!({})).await;
    let feature = portal
        .ok("feature.get", json!({"CODE": "rest_offline_extended"}))
        .await;
    let methods = portal.ok("methods", json!({})).await;

    assert_eq!(profile["ID"], "1");
    assert_eq!(profile["ADMIN"], true);
    assert_eq!(admin, json!(true));
    assert_eq!(scope, json!(["crm", "user", "task", "disk"]));
    assert!(time.as_str().unwrap().ends_with("+03:00"));
    assert_eq!(feature, json!({"value": "Y"}));
    assert!(methods.as_array().unwrap().contains(&json!("crm.deal.add")));
}
