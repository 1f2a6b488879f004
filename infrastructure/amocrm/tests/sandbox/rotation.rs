//! Token refresh and rotation: expiry in the middle of a long listing, refresh before
//! expiry, the rotated pair saved before use, one refresh for concurrent callers, and a
//! dead chain reported as needing a new authorisation.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono::Utc;
use futures::StreamExt;
use migrator_amocrm::{AmoClient, AmoError, ClientConfig, ListQuery, ManualClock};
use secrecy::ExposeSecret;

use crate::helpers::{address, app, calls_to, connected, fast_config, sandbox};

const DAY: i64 = 86_400;

#[tokio::test]
async fn a_token_expiring_in_the_middle_of_a_long_listing_is_refreshed_and_nothing_is_lost() {
    let sandbox = sandbox(10_000).await;
    let expected = sandbox
        .control()
        .account()
        .count(migrator_sandbox_amocrm::generator::EntityKind::Leads);
    let (client, store) = connected(&sandbox, fast_config()).await;
    let before = store.current().expect("stored").refresh_token;
    let mut leads = client.leads(ListQuery::new());

    let mut seen = Vec::new();
    while let Some(lead) = leads.next().await {
        seen.push(lead.expect("every lead is read").id);
        if seen.len() == 250 {
            sandbox.control().advance_clock(DAY + 60);
        }
    }

    assert_eq!(seen.len() as u64, expected);
    let unauthorized = calls_to(&sandbox, "/api/v4/leads")
        .iter()
        .filter(|call| call.status == 401)
        .count();
    // Pages read ahead may meet the expired token together; one refresh serves them all.
    let read_ahead = fast_config().read_ahead;
    assert!(
        (1..=read_ahead).contains(&unauthorized),
        "{unauthorized} answers 401"
    );
    assert_eq!(
        calls_to(&sandbox, "/oauth2/access_token").len(),
        2,
        "exchange + one refresh"
    );
    let after = store.current().expect("stored").refresh_token;
    assert_ne!(
        before.expose_secret(),
        after.expose_secret(),
        "the rotated pair was saved"
    );
}

#[tokio::test]
async fn a_token_close_to_expiry_is_refreshed_before_it_is_sent() {
    let sandbox = sandbox(200).await;
    let clock = ManualClock::new(Utc::now());
    let config = ClientConfig {
        clock: Arc::new(clock.clone()),
        ..fast_config()
    };
    let (client, store) = connected(&sandbox, config).await;

    clock.advance(chrono::Duration::seconds(DAY - 120));
    sandbox.control().advance_clock(DAY - 120);
    sandbox.control().clear_calls();
    client.account().await.expect("read with a fresh token");

    let calls = sandbox.control().calls();
    assert_eq!(
        calls[0].path, "/oauth2/access_token",
        "refresh first: {calls:?}"
    );
    assert!(calls.iter().all(|call| call.status != 401), "{calls:?}");
    assert_eq!(store.save_count(), 2);
}

#[tokio::test]
async fn a_rotated_pair_that_cannot_be_saved_is_not_used_and_is_saved_before_the_next_use() {
    let sandbox = sandbox(200).await;
    let (client, store) = connected(&sandbox, fast_config()).await;
    sandbox.control().advance_clock(DAY + 60);
    store.fail_saves.store(true, Ordering::SeqCst);
    sandbox.control().clear_calls();

    let err = client.account().await.expect_err("the store failed");
    assert!(matches!(err, AmoError::TokenStore { .. }), "{err:?}");
    assert!(err.is_retryable());
    let calls = sandbox.control().calls();
    let refresh_at = calls
        .iter()
        .position(|call| call.path == "/oauth2/access_token" && call.status == 200)
        .expect("the refresh happened");
    assert!(
        calls[refresh_at + 1..]
            .iter()
            .all(|call| !call.path.starts_with("/api/")),
        "no API call with an unsaved token: {calls:?}"
    );

    store.fail_saves.store(false, Ordering::SeqCst);
    client.account().await.expect("saved, then used");

    let refreshes = calls_to(&sandbox, "/oauth2/access_token").len();
    assert_eq!(
        refreshes, 1,
        "the rotated pair was kept, not refreshed again"
    );
    assert_eq!(store.save_count(), 2);
}

#[tokio::test]
async fn a_restarted_worker_continues_with_the_rotated_pair_from_the_store() {
    let sandbox = sandbox(200).await;
    let (client, store) = connected(&sandbox, fast_config()).await;
    sandbox.control().advance_clock(DAY + 60);
    client.account().await.expect("refreshed and read");
    drop(client);

    let restarted = AmoClient::from_store(
        address(&sandbox),
        app(&sandbox),
        store.clone(),
        fast_config(),
    )
    .expect("client");
    restarted.account().await.expect("the stored pair works");

    assert_eq!(calls_to(&sandbox, "/oauth2/access_token").len(), 2);
}

#[tokio::test]
async fn concurrent_calls_meeting_an_expired_token_refresh_once() {
    let sandbox = sandbox(200).await;
    let (client, _store) = connected(&sandbox, fast_config()).await;
    sandbox.control().advance_clock(DAY + 60);

    let calls = (0..6).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.account().await })
    });
    for call in futures::future::join_all(calls).await {
        call.expect("task").expect("every call succeeds");
    }

    let refreshes = calls_to(&sandbox, "/oauth2/access_token")
        .iter()
        .filter(|call| call.status == 200)
        .count();
    assert_eq!(refreshes, 2, "the exchange and a single refresh");
}

#[tokio::test]
async fn a_revoked_integration_is_reported_as_needing_a_new_authorisation() {
    let sandbox = sandbox(200).await;
    let (client, _store) = connected(&sandbox, fast_config()).await;

    sandbox.control().revoke_integration();
    let err = client.account().await.expect_err("revoked");

    assert!(
        matches!(err, AmoError::ReauthorizationRequired { .. }),
        "{err:?}"
    );
    assert!(err.needs_reauthorization());
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_worker_adopts_a_pair_another_worker_rotated_instead_of_burning_a_dead_token() {
    let sandbox = sandbox(200).await;
    let (first, store) = connected(&sandbox, fast_config()).await;
    let second = AmoClient::from_store(
        address(&sandbox),
        app(&sandbox),
        store.clone(),
        fast_config(),
    )
    .expect("client");
    second.account().await.expect("second worker reads");

    sandbox.control().advance_clock(DAY + 60);
    first.account().await.expect("first worker refreshes");
    second
        .account()
        .await
        .expect("second worker adopts the rotated pair");

    let refreshes = calls_to(&sandbox, "/oauth2/access_token")
        .iter()
        .filter(|call| call.path == "/oauth2/access_token")
        .count();
    assert_eq!(
        refreshes, 2,
        "exchange + one refresh; no revoked-token refresh"
    );
}
