//! Checklist: per-account rate limit (7 rps default) with 429 (HTML or JSON body) and
//! escalation to a persistent 403 HTML block; 402 for an unpaid account (writes at once,
//! reads after the grace period); injected 5xx, non-JSON bodies, slow answers; chaos mode,
//! whose faults the call log names.

mod common;

use common::{get, start, unlimited};
use migrator_sandbox_amocrm::{ChaosMode, FaultKind, RateLimitBody, SandboxConfig};
use serde_json::Value;

#[tokio::test]
async fn rate_limit_answers_429_html_beyond_7_requests_per_second() {
    let sandbox = start(SandboxConfig {
        size: 200,
        block_after_violations: 0,
        ..SandboxConfig::default()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..10 {
        statuses.push(get(&sandbox, "/api/v4/account").await);
    }
    let ok = statuses.iter().filter(|r| r.status() == 200).count();
    assert!(ok <= 7, "at most 7 answered within the burst, got {ok}");
    let limited = statuses
        .into_iter()
        .find(|r| r.status() == 429)
        .expect("a 429");
    assert_eq!(limited.headers()["content-type"], "text/html");
    assert!(
        limited
            .text()
            .await
            .unwrap()
            .contains("429 Too Many Requests")
    );
}

#[tokio::test]
async fn rate_limit_json_body_carries_retry_after() {
    let sandbox = start(SandboxConfig {
        size: 200,
        rate_limit_rps: 1,
        block_after_violations: 0,
        rate_limit_body: RateLimitBody::Json,
        ..SandboxConfig::default()
    })
    .await;
    let _ = get(&sandbox, "/api/v4/account").await;
    let limited = get(&sandbox, "/api/v4/account").await;
    assert_eq!(limited.status(), 429);
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["title"], "Too Many Requests");
    assert_eq!(body["retry_after"], 300);
}

#[tokio::test]
async fn repeated_violations_block_the_account_with_403_html_until_unblocked() {
    let sandbox = start(SandboxConfig {
        size: 200,
        rate_limit_rps: 1,
        block_after_violations: 3,
        ..SandboxConfig::default()
    })
    .await;
    for _ in 0..5 {
        let _ = get(&sandbox, "/api/v4/account").await;
    }
    assert!(sandbox.control().is_blocked());
    let blocked = get(&sandbox, "/api/v4/account").await;
    assert_eq!(blocked.status(), 403);
    assert!(blocked.text().await.unwrap().contains("403 Forbidden"));
    sandbox.control().unblock();
    assert!(!sandbox.control().is_blocked());
}

#[tokio::test]
async fn unpaid_account_gets_402_on_writes_at_once_and_on_reads_after_grace() {
    let sandbox = start(unlimited(200)).await;
    let control = sandbox.control();
    control.set_subscription_expired_at(Some(control.now() - 1));
    let write = reqwest::Client::new()
        .post(format!("{}/api/v4/leads", sandbox.url()))
        .bearer_auth(sandbox.access_token())
        .body("[]")
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), 402);
    let body: Value = write.json().await.unwrap();
    assert_eq!(body["title"], "Payment Required");
    assert_eq!(get(&sandbox, "/api/v4/leads").await.status(), 200);
    control.advance_clock(31 * 86_400);
    assert_eq!(get(&sandbox, "/api/v4/leads").await.status(), 402);
}

#[tokio::test]
async fn injected_statuses_hit_n_times_under_a_path_prefix_with_the_usual_bodies() {
    let sandbox = start(unlimited(200)).await;
    let control = sandbox.control();
    control.inject_fault("/api/v4/leads", FaultKind::Status { status: 500 }, 1);
    control.inject_fault("/api/v4/leads", FaultKind::Status { status: 504 }, 1);
    let first = get(&sandbox, "/api/v4/leads").await;
    assert_eq!(first.status(), 500);
    let body: Value = first.json().await.unwrap();
    assert_eq!(body["title"], "ErrInternalServer");
    assert!(body["trace_id"].is_string());
    let second = get(&sandbox, "/api/v4/leads").await;
    assert_eq!(second.status(), 504);
    assert!(second.text().await.unwrap().contains("<html>"));
    assert_eq!(
        get(&sandbox, "/api/v4/contacts").await.status(),
        200,
        "other prefixes unaffected"
    );
    assert_eq!(
        get(&sandbox, "/api/v4/leads").await.status(),
        200,
        "faults are used up"
    );
}

#[tokio::test]
async fn injected_non_json_body_and_402_403_429() {
    let sandbox = start(unlimited(200)).await;
    let control = sandbox.control();
    control.inject_fault("/api/v4/account", FaultKind::NonJson { status: 200 }, 1);
    let garbage = get(&sandbox, "/api/v4/account").await;
    assert_eq!(garbage.status(), 200);
    assert!(serde_json::from_str::<Value>(&garbage.text().await.unwrap()).is_err());
    for status in [402u16, 403, 429, 502, 503] {
        control.inject_fault("/api/v4/account", FaultKind::Status { status }, 1);
        assert_eq!(get(&sandbox, "/api/v4/account").await.status(), status);
    }
}

#[tokio::test]
async fn injected_slow_answer_still_succeeds() {
    let sandbox = start(unlimited(200)).await;
    sandbox
        .control()
        .inject_fault("/api/v4/account", FaultKind::Slow { delay_ms: 50 }, 1);
    let started = std::time::Instant::now();
    assert_eq!(get(&sandbox, "/api/v4/account").await.status(), 200);
    assert!(started.elapsed() >= std::time::Duration::from_millis(50));
}

#[tokio::test]
async fn chaos_mode_is_seeded_and_fails_about_the_asked_share() {
    let sandbox = start(unlimited(200)).await;
    sandbox.control().set_chaos(Some(ChaosMode {
        probability: 0.5,
        seed: 9,
    }));
    let mut failures = 0;
    for _ in 0..60 {
        let response = get(&sandbox, "/api/v4/account").await;
        let json = response
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap().contains("json"));
        if response.status() != 200 || !json {
            failures += 1;
        }
    }
    assert!(
        (15..=45).contains(&failures),
        "about half failed, got {failures}"
    );
    let logged: Vec<FaultKind> = sandbox
        .control()
        .calls()
        .into_iter()
        .filter_map(|call| call.fault)
        .collect();
    assert_eq!(
        logged.len(),
        failures,
        "the call log names every injected fault"
    );
    sandbox.control().set_chaos(None);
    assert_eq!(get(&sandbox, "/api/v4/account").await.status(), 200);
}
