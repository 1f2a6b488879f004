//! Checklist "Record every call ... fault injection" and the brief's control surface: faults
//! per method and by chance, the call log, the clock, the state dump and the `/__sandbox/`
//! HTTP mirror.

mod common;

use common::Portal;
use migrator_sandbox_bitrix24::{Chaos, Fault};
use serde_json::{Value, json};

#[tokio::test]
async fn fault_injected_per_method_fails_exactly_n_times() {
    let portal = Portal::start().await;
    portal.sandbox.control().inject_fault(Fault::from_code(
        "crm.deal.add",
        "QUERY_LIMIT_EXCEEDED",
        2,
    ));

    let first = portal.call("crm.deal.add", json!({"fields": {}})).await;
    let other = portal.call("crm.company.list", json!({})).await;
    let second = portal.call("crm.deal.add", json!({"fields": {}})).await;
    let third = portal.call("crm.deal.add", json!({"fields": {}})).await;

    assert_eq!((first.status, first.code()), (503, "QUERY_LIMIT_EXCEEDED"));
    assert_eq!(other.status, 200);
    assert_eq!(second.status, 503);
    assert_eq!(third.result(), &json!(1));
}

#[tokio::test]
async fn fault_inside_batch_lands_in_result_error() {
    let portal = Portal::start().await;
    portal
        .sandbox
        .control()
        .inject_fault(Fault::from_code("crm.deal.list", "expired_token", 1));

    let reply = portal
        .ok(
            "batch",
            json!({"cmd": {"a": "crm.deal.list", "b": "crm.deal.list"}}),
        )
        .await;

    assert_eq!(reply["result_error"]["a"]["error"], "expired_token");
    assert_eq!(reply["result"]["b"], json!([]));
}

#[tokio::test]
async fn a_fault_for_batch_refuses_the_whole_request_before_any_command_runs() {
    let portal = Portal::start().await;
    portal
        .sandbox
        .control()
        .inject_fault(Fault::from_code("batch", "QUERY_LIMIT_EXCEEDED", 1));
    let add = json!({"cmd": {"a": "crm.company.add?fields[TITLE]=Acme"}});

    let refused = portal.call("batch", add.clone()).await;
    let state = portal.sandbox.control().state();
    let accepted = portal.call("batch", add).await;

    assert_eq!(
        (refused.status, refused.code()),
        (503, "QUERY_LIMIT_EXCEEDED")
    );
    let companies = &state["companies"];
    let held = companies.as_object().map(|rows| rows.len());
    assert_eq!(held.or(companies.as_array().map(Vec::len)), Some(0));
    assert_eq!(accepted.status, 200);
    assert!(accepted.result()["result"]["a"].as_u64().is_some());
}

async fn chaos_run(seed: u64) -> Vec<u16> {
    let portal = Portal::start().await;
    portal.sandbox.control().set_chaos(Some(Chaos {
        probability: 0.5,
        seed,
        codes: vec![
            "INTERNAL_SERVER_ERROR".to_string(),
            "QUERY_LIMIT_EXCEEDED".to_string(),
        ],
    }));
    let mut statuses = Vec::new();
    for _ in 0..30 {
        statuses.push(portal.call("server.time", json!({})).await.status);
    }
    statuses
}

#[tokio::test]
async fn chaos_is_random_but_reproducible_by_seed() {
    let first = chaos_run(7).await;
    let again = chaos_run(7).await;
    let other = chaos_run(8).await;

    assert_eq!(first, again);
    assert_ne!(first, other);
    assert!(first.contains(&200));
    assert!(first.iter().any(|s| *s == 500 || *s == 503));
}

#[tokio::test]
async fn call_log_records_method_params_auth_and_outcome_without_secrets() {
    let portal = Portal::start().await;
    let grant = portal.sandbox.control().install_app(1);
    portal
        .call("crm.company.add", json!({"fields": {"TITLE": "Acme"}}))
        .await;
    portal
        .call_with_token(&grant.access_token, "crm.deal.get", json!({"id": 5}))
        .await;
    portal
        .ok("batch", json!({"cmd": {"x": "server.time"}}))
        .await;

    let calls = portal.sandbox.control().calls();
    let over_http = portal.get("/__sandbox/calls").await;

    assert_eq!(calls[0].method, "crm.company.add");
    assert_eq!(calls[0].auth, "webhook:1");
    assert_eq!(calls[0].params["fields"]["TITLE"], "Acme");
    assert_eq!(calls[1].auth, "app:1");
    assert_eq!(calls[1].error.as_deref(), Some(""));
    assert_eq!(calls[1].status, 400);
    assert!(calls[1].params.get("auth").is_none());
    assert!(calls[2].in_batch);
    assert_eq!(calls[3].method, "batch");
    assert_eq!(over_http.body.as_array().unwrap().len(), 4);
    assert!(!over_http.body.to_string().contains(&grant.access_token));
}

#[tokio::test]
async fn state_dump_shows_everything_the_product_left_behind() {
    let portal = Portal::start().await;
    let company = portal.company("Acme").await;
    portal
        .ok(
            "crm.contact.add",
            json!({"fields": {"NAME": "Ann", "COMPANY_ID": company}}),
        )
        .await;
    portal
        .ok(
            "crm.category.add",
            json!({"entityTypeId": 2, "fields": {"name": "B2B"}}),
        )
        .await;

    let state: Value = portal.get("/__sandbox/state").await.body;

    assert_eq!(state["companies"]["1"]["TITLE"], "Acme");
    assert_eq!(state["contacts"]["1"]["NAME"], "Ann");
    assert_eq!(state["company_contacts"][0]["owner"], 1);
    assert_eq!(state["categories"]["1"]["name"], "B2B");
    assert!(state["statuses"].as_object().unwrap().len() > 16);
    assert_eq!(state["users"]["1"]["admin"], true);
    assert_eq!(state["plan"], "ru_std");
    assert!(state["app"].get("client_secret").is_none());
}

#[tokio::test]
async fn http_control_mirror_drives_plan_users_faults_clock_and_options() {
    let portal = Portal::start().await;
    let post = |path: &'static str, body: Value| {
        let portal = &portal;
        async move {
            let url = format!("{}{path}", portal.sandbox.url());
            portal
                .http
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };

    assert_eq!(
        post("/__sandbox/plan", json!({"plan": "ru_ent250"})).await,
        200
    );
    assert_eq!(
        post("/__sandbox/users", json!({"email": "x@y.io", "name": "X"})).await,
        200
    );
    assert_eq!(
        post(
            "/__sandbox/faults",
            json!({"method": "profile", "status": 500,
            "code": "INTERNAL_SERVER_ERROR", "description": "boom", "times": 1})
        )
        .await,
        200
    );
    let faulted = portal.call("profile", json!({})).await;
    let grant: Value = portal
        .http
        .post(format!("{}/__sandbox/app/install", portal.sandbox.url()))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        post("/__sandbox/clock/advance", json!({"seconds": 3700})).await,
        200
    );
    let expired = portal
        .call_with_token(
            grant["access_token"].as_str().unwrap(),
            "profile",
            json!({}),
        )
        .await;
    assert_eq!(
        post("/__sandbox/options", json!({"rest_disabled": true})).await,
        200
    );
    let disabled = portal.call("profile", json!({})).await;

    let info = portal.get("/__sandbox/state").await.body;
    assert_eq!(info["plan"], "ru_ent250");
    assert_eq!(info["users"]["2"]["email"], "x@y.io");
    assert_eq!((faulted.status, faulted.text()), (500, "boom"));
    assert_eq!(expired.code(), "expired_token");
    assert_eq!(disabled.status, 403);
}

#[tokio::test]
async fn fault_with_latency_answers_late_but_does_not_block_the_portal() {
    let portal = Portal::start().await;
    let delay = std::time::Duration::from_millis(150);
    let fault = Fault::from_code("crm.deal.list", "INTERNAL_SERVER_ERROR", 1).delayed(delay);
    portal.sandbox.control().inject_fault(fault);

    let started = std::time::Instant::now();
    let (slow, other) = tokio::join!(
        portal.call("crm.deal.list", json!({})),
        portal.call("server.time", json!({})),
    );

    assert_eq!(slow.status, 500);
    assert!(started.elapsed() >= delay, "the faulted call waited");
    assert_eq!(other.status, 200);
    let calls = portal.sandbox.control().calls();
    assert_eq!(calls.len(), 2, "both calls were answered");
}

#[test]
fn debug_output_hides_tokens_and_secrets() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let portal = Portal::start().await;
        let grant = portal.sandbox.control().install_app(1);

        let printed = format!(
            "{:?} {:?} {:?}",
            portal.sandbox,
            portal.sandbox.control(),
            grant
        );

        assert!(!printed.contains(&grant.access_token));
        assert!(!printed.contains(&grant.refresh_token));
        assert!(!printed.contains(&grant.application_token));
        let webhook = portal.sandbox.webhook_url();
        let code = webhook.trim_end_matches('/').rsplit('/').next().unwrap();
        assert!(!printed.contains(code));
    });
}
