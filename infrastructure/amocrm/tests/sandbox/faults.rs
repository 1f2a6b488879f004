//! Limits and faults: 429 with backoff, the 403 block, 402, 5xx and timeouts with
//! retries, non-JSON bodies, and the admin-only users list.

use std::time::Duration;

use futures::TryStreamExt;
use migrator_amocrm::{AmoError, ClientConfig, ListQuery, RetryPolicy};
use migrator_sandbox_amocrm::generator::EntityKind;
use migrator_sandbox_amocrm::{FaultKind, RateLimitBody, SandboxConfig};

use crate::helpers::{calls_to, collect, fast_config, long_lived, sandbox, sandbox_with};

fn status(status: u16) -> FaultKind {
    FaultKind::Status { status }
}

#[tokio::test]
async fn answers_429_are_waited_out_and_the_listing_completes() {
    let sandbox = sandbox(1_500).await;
    let client = long_lived(&sandbox, fast_config());
    sandbox
        .control()
        .inject_fault("/api/v4/contacts", status(429), 3);

    let contacts = collect(client.contacts(ListQuery::new())).await;

    let expected = sandbox.control().account().count(EntityKind::Contacts);
    assert_eq!(contacts.len() as u64, expected);
    let limited = calls_to(&sandbox, "/api/v4/contacts")
        .iter()
        .filter(|call| call.status == 429)
        .count();
    assert_eq!(limited, 3);
}

#[tokio::test]
async fn a_json_retry_after_is_honoured_up_to_the_cap() {
    let sandbox = sandbox_with(SandboxConfig {
        size: 200,
        rate_limit_rps: 0,
        rate_limit_body: RateLimitBody::Json,
        ..SandboxConfig::default()
    })
    .await;
    let client = long_lived(&sandbox, fast_config());
    sandbox
        .control()
        .inject_fault("/api/v4/account", status(429), 1);

    let started = std::time::Instant::now();
    client.account().await.expect("read after the pause");

    assert!(
        started.elapsed() >= Duration::from_millis(40),
        "paused for the capped retry_after"
    );
}

#[tokio::test]
async fn endless_429_ends_in_a_retryable_rate_limit_error() {
    let sandbox = sandbox(200).await;
    let client = long_lived(&sandbox, fast_config());
    sandbox
        .control()
        .inject_fault("/api/v4/account", status(429), 100);

    let err = client.account().await.expect_err("rate limited");

    assert!(
        matches!(err, AmoError::RateLimited { attempts: 4, .. }),
        "{err:?}"
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_real_rate_limit_is_respected_without_a_single_429() {
    let sandbox = sandbox_with(SandboxConfig {
        size: 200,
        rate_limit_rps: 20,
        ..SandboxConfig::default()
    })
    .await;
    let config = ClientConfig {
        requests_per_second: 15,
        ..fast_config()
    };
    let client = long_lived(&sandbox, config);

    for _ in 0..20 {
        client.pipelines().await.expect("read");
    }

    let limited = sandbox
        .control()
        .calls()
        .iter()
        .filter(|c| c.status == 429)
        .count();
    assert_eq!(limited, 0);
}

#[tokio::test]
async fn a_blocked_account_stops_at_once_and_sends_nothing_more() {
    let sandbox = sandbox(200).await;
    let client = long_lived(&sandbox, fast_config());
    sandbox
        .control()
        .inject_fault("/api/v4/leads", status(403), 1);

    let err = collect_err(client.leads(ListQuery::new())).await;
    assert!(matches!(err, AmoError::AccountBlocked { .. }), "{err:?}");
    assert!(!err.is_retryable());
    let leads_calls = calls_to(&sandbox, "/api/v4/leads");
    let refused = leads_calls.iter().filter(|call| call.status == 403).count();
    assert_eq!(refused, 1, "no retry of a 403");
    assert!(
        leads_calls.len() <= fast_config().read_ahead,
        "only pages already in flight"
    );

    let later = client.account().await.expect_err("still blocked");
    assert!(
        matches!(later, AmoError::AccountBlocked { .. }),
        "{later:?}"
    );
    assert!(
        calls_to(&sandbox, "/api/v4/account").is_empty(),
        "not sent while blocked"
    );
}

#[tokio::test]
async fn an_expired_subscription_is_a_clear_payment_error() {
    let sandbox = sandbox(200).await;
    let client = long_lived(&sandbox, fast_config());
    let now = sandbox.control().now();
    sandbox
        .control()
        .set_subscription_expired_at(Some(now - 31 * 86_400));

    let err = client.account().await.expect_err("unpaid");

    assert!(matches!(err, AmoError::PaymentRequired { .. }), "{err:?}");
    assert!(!err.is_retryable());
    assert_eq!(
        calls_to(&sandbox, "/api/v4/account").len(),
        1,
        "402 is not retried"
    );
}

#[tokio::test]
async fn server_errors_are_retried_until_an_answer_comes() {
    let sandbox = sandbox(200).await;
    let client = long_lived(&sandbox, fast_config());
    for code in [500, 502, 503] {
        sandbox
            .control()
            .inject_fault("/api/v4/account", status(code), 1);
    }

    client.account().await.expect("the fourth attempt answers");

    assert_eq!(calls_to(&sandbox, "/api/v4/account").len(), 4);
}

#[tokio::test]
async fn persistent_server_errors_end_in_a_retryable_error_naming_the_call() {
    let sandbox = sandbox(200).await;
    let client = long_lived(&sandbox, fast_config());
    sandbox
        .control()
        .inject_fault("/api/v4/account", status(504), 100);

    let err = client.account().await.expect_err("down");

    assert!(
        matches!(
            err,
            AmoError::ServerError {
                status: 504,
                attempts: 4,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert!(err.to_string().contains("GET /api/v4/account"), "{err}");
}

#[tokio::test]
async fn a_timed_out_read_is_retried() {
    let sandbox = sandbox(200).await;
    let config = ClientConfig {
        request_timeout: Duration::from_millis(200),
        ..fast_config()
    };
    let client = long_lived(&sandbox, config);
    sandbox
        .control()
        .inject_fault("/api/v4/account", FaultKind::Slow { delay_ms: 1_000 }, 1);

    client.account().await.expect("the second attempt answers");
}

#[tokio::test]
async fn timeouts_on_every_attempt_end_in_a_network_error() {
    let sandbox = sandbox(200).await;
    let config = ClientConfig {
        request_timeout: Duration::from_millis(100),
        retry: RetryPolicy {
            max_attempts: 2,
            ..fast_config().retry
        },
        ..fast_config()
    };
    let client = long_lived(&sandbox, config);
    sandbox
        .control()
        .inject_fault("/api/v4/account", FaultKind::Slow { delay_ms: 400 }, 10);

    let err = client.account().await.expect_err("no answer");

    assert!(
        matches!(err, AmoError::Network { attempts: 2, .. }),
        "{err:?}"
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_successful_answer_that_is_not_json_is_a_typed_error() {
    let sandbox = sandbox(200).await;
    let client = long_lived(&sandbox, fast_config());
    sandbox
        .control()
        .inject_fault("/api/v4/account", FaultKind::NonJson { status: 200 }, 1);

    let err = client.account().await.expect_err("garbage");

    let AmoError::NotJson {
        status,
        content_type,
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(*status, 200);
    assert!(content_type.contains("html"), "{content_type}");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_non_admin_grant_is_told_it_cannot_list_users() {
    let sandbox = sandbox_with(SandboxConfig {
        size: 200,
        rate_limit_rps: 0,
        grant_by_admin: false,
        ..SandboxConfig::default()
    })
    .await;
    let client = long_lived(&sandbox, fast_config());

    let err = collect_err(client.users()).await;

    assert!(matches!(err, AmoError::Forbidden { .. }), "{err:?}");
    assert!(err.to_string().contains("administrator"), "{err}");
}

/// The first error of a stream that must fail.
async fn collect_err<T: std::fmt::Debug>(stream: migrator_amocrm::RecordStream<T>) -> AmoError {
    stream
        .try_collect::<Vec<T>>()
        .await
        .expect_err("the listing must fail")
}
