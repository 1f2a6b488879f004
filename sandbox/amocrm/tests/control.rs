//! Checklist: the control surface — OAuth codes, faults, clock, call log (never tokens)
//! and `GET /__sandbox/state` (counts and config, not records), via the Rust handle and
//! the private HTTP endpoints; `run_standalone` prints the url and token line.

mod common;

use common::{get, start, unlimited};
use migrator_sandbox_amocrm::generator::EntityKind;
use migrator_sandbox_amocrm::{SandboxConfig, run_standalone};
use serde_json::{Value, json};

#[tokio::test]
async fn call_log_records_method_path_query_status_and_never_tokens() {
    let sandbox = start(unlimited(200)).await;
    let _ = get(&sandbox, "/api/v4/leads?limit=5&page=2").await;
    let _ = get(&sandbox, "/api/v4/nothing").await;
    let _ = reqwest::Client::new()
        .post(format!("{}/oauth2/access_token", sandbox.url()))
        .json(&json!({"grant_type": "refresh_token", "refresh_token": "secret-refresh"}))
        .send()
        .await
        .unwrap();
    let calls = sandbox.control().calls();
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[0].method, "GET");
    assert_eq!(calls[0].path, "/api/v4/leads");
    assert_eq!(calls[0].query, "limit=5&page=2");
    assert_eq!(calls[0].status, 200);
    assert_eq!(calls[1].status, 404);
    let dump = serde_json::to_string(&calls).unwrap();
    assert!(!dump.contains(&sandbox.access_token()));
    assert!(!dump.contains("secret-refresh"));

    let over_http: Vec<Value> = reqwest::get(format!("{}/__sandbox/calls", sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(over_http.len(), 3, "control calls are not logged");
}

#[tokio::test]
async fn state_endpoint_reports_counts_and_config_not_records() {
    let sandbox = start(SandboxConfig {
        size: 1_000_000,
        ..unlimited(0)
    })
    .await;
    let response = reqwest::get(format!("{}/__sandbox/state", sandbox.url()))
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    assert!(
        text.len() < 10_000,
        "state is small even for a million records"
    );
    let state: Value = serde_json::from_str(&text).unwrap();
    let account = sandbox.control().account();
    assert_eq!(state["counts"]["leads"], account.count(EntityKind::Leads));
    assert_eq!(state["config"]["size"], 1_000_000);
    let total: u64 = EntityKind::ALL.iter().map(|k| account.count(*k)).sum();
    assert_eq!(total, 1_000_000);
    assert!(!text.contains(&sandbox.access_token()));
    assert!(!text.contains(&sandbox.control().client_secret()));
}

#[tokio::test]
async fn http_controls_issue_codes_inject_faults_and_move_the_clock() {
    let sandbox = start(unlimited(200)).await;
    let client = reqwest::Client::new();
    let base = sandbox.url();

    let code: Value = client
        .post(format!("{base}/__sandbox/oauth/code"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = code["code"].as_str().unwrap().to_string();

    let fault =
        json!({"path_prefix": "/api/v4/users", "kind": "status", "status": 503, "times": 2});
    assert_eq!(
        client
            .post(format!("{base}/__sandbox/faults"))
            .json(&fault)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(get(&sandbox, "/api/v4/users").await.status(), 503);
    assert_eq!(get(&sandbox, "/api/v4/users").await.status(), 503);
    assert_eq!(get(&sandbox, "/api/v4/users").await.status(), 200);

    let before = sandbox.control().now();
    let moved: Value = client
        .post(format!("{base}/__sandbox/clock"))
        .json(&json!({"advance_secs": 1_300}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(moved["now"].as_i64().unwrap() >= before + 1_300);

    let control = sandbox.control();
    let exchange = client
        .post(format!("{base}/oauth2/access_token"))
        .json(
            &json!({"client_id": control.client_id(), "client_secret": control.client_secret(),
                      "grant_type": "authorization_code", "code": code,
                      "redirect_uri": control.redirect_uri()}),
        )
        .send()
        .await
        .unwrap();
    let body: Value = exchange.json().await.unwrap();
    assert_eq!(body["hint"], "Authorization code has expired");

    let chaos = json!({"probability": 1.0, "seed": 3});
    client
        .post(format!("{base}/__sandbox/faults/random"))
        .json(&chaos)
        .send()
        .await
        .unwrap();
    let failing = get(&sandbox, "/api/v4/account").await;
    let ok_json =
        failing.status() == 200 && failing.headers()["content-type"] == "application/hal+json";
    assert!(!ok_json);
    client
        .delete(format!("{base}/__sandbox/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(get(&sandbox, "/api/v4/account").await.status(), 200);
}

#[tokio::test]
async fn http_controls_revoke_subscription_and_subdomain() {
    let sandbox = start(unlimited(200)).await;
    let client = reqwest::Client::new();
    let base = sandbox.url();
    let now = sandbox.control().now();
    client
        .post(format!("{base}/__sandbox/subscription"))
        .json(&json!({"expired_at": now - 40 * 86_400}))
        .send()
        .await
        .unwrap();
    assert_eq!(get(&sandbox, "/api/v4/leads").await.status(), 402);
    client
        .post(format!("{base}/__sandbox/subscription"))
        .json(&json!({"expired_at": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(get(&sandbox, "/api/v4/leads").await.status(), 200);

    client
        .post(format!("{base}/__sandbox/subdomain"))
        .json(&json!({"subdomain": "new-name"}))
        .send()
        .await
        .unwrap();
    let account: Value = get(&sandbox, "/api/v4/account").await.json().await.unwrap();
    assert_eq!(account["subdomain"], "new-name");

    client
        .post(format!("{base}/__sandbox/revoke"))
        .send()
        .await
        .unwrap();
    assert_eq!(get(&sandbox, "/api/v4/leads").await.status(), 401);
}

#[tokio::test]
async fn run_standalone_gives_the_line_the_cli_prints() {
    let (sandbox, line) = run_standalone(unlimited(200)).await.unwrap();
    assert_eq!(line["url"], sandbox.url());
    assert_eq!(line["token"], sandbox.access_token());
    let response = reqwest::Client::new()
        .get(format!("{}/api/v4/account", line["url"].as_str().unwrap()))
        .bearer_auth(line["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_given_port_is_used() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let sandbox = start(SandboxConfig {
        port,
        ..unlimited(200)
    })
    .await;
    assert_eq!(sandbox.url(), format!("http://127.0.0.1:{port}"));
}
