//! Checklist "Limits": the leaky bucket per plan (503 `QUERY_LIMIT_EXCEEDED`) and the
//! per-method operating budget (429 `OPERATION_TIME_LIMIT`, `time.operating`).

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::Portal;
use migrator_sandbox_bitrix24::SandboxConfig;
use serde_json::json;

fn test_clock_config(plan: &str) -> SandboxConfig {
    SandboxConfig {
        plan: plan.to_string(),
        bucket_on_test_clock: true,
        ..SandboxConfig::default()
    }
}

#[tokio::test]
async fn leaky_bucket_fifty_then_503_then_drains_two_per_second() {
    let portal = Portal::start_with(test_clock_config("ru_std")).await;

    for i in 0..50 {
        assert_eq!(
            portal.call("server.time", json!({})).await.status,
            200,
            "call {i}"
        );
    }
    let overflow = portal.call("server.time", json!({})).await;
    portal
        .sandbox
        .control()
        .advance_clock(Duration::from_secs(1));
    let drained_1 = portal.call("server.time", json!({})).await;
    let drained_2 = portal.call("server.time", json!({})).await;
    let full_again = portal.call("server.time", json!({})).await;

    assert_eq!(overflow.status, 503);
    assert_eq!(overflow.code(), "QUERY_LIMIT_EXCEEDED");
    assert_eq!(overflow.text(), "Too many requests");
    assert_eq!(drained_1.status, 200);
    assert_eq!(drained_2.status, 200);
    assert_eq!(full_again.status, 503);
}

#[tokio::test]
async fn leaky_bucket_enterprise_plan_allows_a_burst_of_250() {
    let portal = Portal::start_with(test_clock_config("ru_ent250")).await;

    let mut statuses = Vec::new();
    for _ in 0..251 {
        statuses.push(portal.call("server.time", json!({})).await.status);
    }

    assert!(statuses[..250].iter().all(|s| *s == 200));
    assert_eq!(statuses[250], 503);
}

#[tokio::test]
async fn leaky_bucket_counts_a_batch_as_one_request() {
    let portal = Portal::start_with(test_clock_config("ru_std")).await;
    let cmd: serde_json::Map<String, serde_json::Value> = (0..50)
        .map(|i| (format!("k{i:02}"), json!("server.time")))
        .collect();

    for _ in 0..50 {
        let reply = portal.call("batch", json!({"cmd": cmd.clone()})).await;
        assert_eq!(reply.status, 200);
    }
    let overflow = portal.call("batch", json!({"cmd": cmd})).await;

    assert_eq!(overflow.status, 503);
}

#[tokio::test]
async fn operating_limit_refuses_after_the_crossing_call_and_resets() {
    let config = SandboxConfig {
        method_costs: BTreeMap::from([("crm.deal.list".to_string(), 100.0)]),
        ..SandboxConfig::default()
    };
    let portal = Portal::start_with(config).await;

    let mut reported = Vec::new();
    for _ in 0..5 {
        let reply = portal.call("crm.deal.list", json!({})).await;
        assert_eq!(reply.status, 200);
        reported.push(reply.body["time"]["operating"].as_f64().unwrap());
    }
    let blocked = portal.call("crm.deal.list", json!({})).await;
    let other_method = portal.call("crm.company.list", json!({})).await;
    portal
        .sandbox
        .control()
        .advance_clock(Duration::from_secs(601));
    let after_window = portal.call("crm.deal.list", json!({})).await;

    assert_eq!(reported, vec![100.0, 200.0, 300.0, 400.0, 500.0]);
    assert_eq!(blocked.status, 429);
    assert_eq!(blocked.code(), "OPERATION_TIME_LIMIT");
    assert_eq!(
        blocked.text(),
        "Method is blocked due to operation time limit."
    );
    assert_eq!(other_method.status, 200);
    assert_eq!(after_window.status, 200);
}

#[tokio::test]
async fn operating_limit_counts_batch_sub_calls_not_the_batch() {
    let config = SandboxConfig {
        method_costs: BTreeMap::from([("crm.deal.list".to_string(), 250.0)]),
        ..SandboxConfig::default()
    };
    let portal = Portal::start_with(config).await;

    let reply = portal
        .ok(
            "batch",
            json!({"cmd": {"a": "crm.deal.list", "b": "crm.deal.list",
            "c": "crm.deal.list"}}),
        )
        .await;

    assert_eq!(reply["result_time"]["b"]["operating"], 500.0);
    assert_eq!(reply["result_error"]["c"]["error"], "OPERATION_TIME_LIMIT");
    let reset_at = reply["result_time"]["a"]["operating_reset_at"]
        .as_i64()
        .unwrap();
    let start = reply["result_time"]["a"]["start"].as_f64().unwrap() as i64;
    assert!(
        reset_at > start && reset_at <= start + 600,
        "reset within ten minutes"
    );
}

#[tokio::test]
async fn a_short_operating_window_reports_its_reset_and_forgets_after_it() {
    let config = SandboxConfig {
        method_costs: BTreeMap::from([("crm.deal.list".to_string(), 500.0)]),
        operating_window: Duration::from_secs(2),
        ..SandboxConfig::default()
    };
    let portal = Portal::start_with(config).await;

    let spent = portal.call("crm.deal.list", json!({})).await;
    let blocked = portal.call("crm.deal.list", json!({})).await;
    portal
        .sandbox
        .control()
        .advance_clock(Duration::from_secs(3));
    let after_window = portal.call("crm.deal.list", json!({})).await;

    let started = spent.body["time"]["start"].as_f64().unwrap();
    let reset_at = spent.body["time"]["operating_reset_at"].as_i64().unwrap();
    assert!(
        (started..=started + 3.0).contains(&(reset_at as f64)),
        "the reset lies within the two-second window (rounded up): {started} -> {reset_at}"
    );
    assert_eq!(blocked.code(), "OPERATION_TIME_LIMIT");
    assert_eq!(after_window.status, 200);
}
