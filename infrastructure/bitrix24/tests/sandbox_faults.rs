//! The client against the Bitrix24 simulator: every fault the migration must survive or stop
//! on, produced by the simulator's own limits and modes where it has them, and by its fault
//! injection otherwise.

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use migrator_bitrix24::{
    B24Error, B24Result, ClientConfig, CrmEntity, MemoryTokenStore, OperatingConfig, ShaperConfig,
    TokenPair, TokenStore,
};
use migrator_sandbox_bitrix24::{Fault, SandboxConfig};
use secrecy::ExposeSecret;
use serde_json::json;
use support::sandbox::{app_client, installed_store, sandbox, webhook_client};

fn refusals(calls: &[migrator_sandbox_bitrix24::CallRecord], status: u16) -> usize {
    calls.iter().filter(|call| call.status == status).count()
}

#[tokio::test]
async fn the_shaper_keeps_a_burst_under_the_portals_bucket() {
    let portal = sandbox(SandboxConfig::default()).await;
    let (client, clock) = webhook_client(&portal, ClientConfig::default());

    for _ in 0..120 {
        client
            .call("crm.deal.list", json!({"select": ["ID"]}))
            .await
            .unwrap();
    }

    let calls = portal.control().calls();
    assert_eq!(
        refusals(&calls, 503),
        0,
        "the shaper let the bucket overflow"
    );
    assert_eq!(calls.len(), 120);
    let waited = clock.total_slept().as_secs_f64();
    assert!(
        (30.0..=40.0).contains(&waited),
        "120 calls took {waited} s of portal time"
    );
}

#[tokio::test]
async fn clients_sharing_limits_stay_under_the_portals_bucket_together() {
    let portal = sandbox(SandboxConfig::default()).await;
    let (first, _clock) = webhook_client(&portal, ClientConfig::default());
    let hook = migrator_bitrix24::Webhook::parse(&portal.webhook_url()).unwrap();
    let second = migrator_bitrix24::B24Client::builder(migrator_bitrix24::Access::Webhook(hook))
        .clock(first.clock().clone())
        .share_limits_with(&first)
        .build()
        .unwrap();

    for _ in 0..60 {
        first.call("crm.deal.list", json!({})).await.unwrap();
        second.call("crm.deal.list", json!({})).await.unwrap();
    }

    let calls = portal.control().calls();
    assert_eq!(
        refusals(&calls, 503),
        0,
        "two clients overflowed the shared bucket"
    );
    assert_eq!(calls.len(), 120);
}

#[tokio::test]
async fn a_bucket_overflow_slows_the_shaper_down_and_every_call_still_succeeds() {
    let portal = sandbox(SandboxConfig::default()).await;
    let too_eager = ClientConfig {
        shaper: ShaperConfig {
            capacity: 80.0,
            drain_per_second: 4.0,
            headroom: 0.0,
        },
        ..ClientConfig::default()
    };
    let (client, _clock) = webhook_client(&portal, too_eager);

    for _ in 0..150 {
        client
            .call("crm.deal.list", json!({"select": ["ID"]}))
            .await
            .unwrap();
    }

    let calls = portal.control().calls();
    let refused = refusals(&calls, 503);
    assert!(
        refused > 0,
        "the portal never refused, the test proves nothing"
    );
    assert!(
        refused < 25,
        "{refused} refusals: the shaper did not slow down"
    );
    assert!(client.shaper().slowdown() < 1.0);
    assert_eq!(calls.len() - refused, 150);
}

fn operating_portal() -> SandboxConfig {
    SandboxConfig {
        operating_limit_secs: 10.0,
        method_costs: BTreeMap::from([("crm.deal.list".to_owned(), 3.0)]),
        ..SandboxConfig::default()
    }
}

#[tokio::test]
async fn the_operating_budget_is_respected_before_the_portal_answers_429() {
    let portal = sandbox(operating_portal()).await;
    let config = ClientConfig {
        operating: OperatingConfig {
            limit_seconds: 10.0,
            headroom_seconds: 1.0,
            ..OperatingConfig::default()
        },
        ..ClientConfig::default()
    };
    let (client, clock) = webhook_client(&portal, config);

    for _ in 0..8 {
        client.call("crm.deal.list", json!({})).await.unwrap();
    }

    let calls = portal.control().calls();
    assert_eq!(
        refusals(&calls, 429),
        0,
        "the guard let the method hit its limit"
    );
    assert_eq!(calls.len(), 8);
    assert!(
        clock.total_slept().as_secs() >= 60,
        "the guard never waited for the window"
    );
}

#[tokio::test]
async fn an_operating_limit_refusal_is_waited_out_and_retried() {
    let portal = sandbox(operating_portal()).await;
    let (client, clock) = webhook_client(&portal, ClientConfig::default());

    for _ in 0..6 {
        client.call("crm.deal.list", json!({})).await.unwrap();
    }

    let calls = portal.control().calls();
    assert!(
        refusals(&calls, 429) >= 1,
        "the portal never refused, the test proves nothing"
    );
    assert_eq!(calls.iter().filter(|call| call.status == 200).count(), 6);
    assert!(clock.total_slept().as_secs() >= 60);
}

#[tokio::test]
async fn a_batch_command_over_its_budget_is_retryable_and_holds_the_method_back() {
    let portal = sandbox(operating_portal()).await;
    let (client, clock) = webhook_client(&portal, ClientConfig::default());

    let mut batch = migrator_bitrix24::Batch::new();
    for index in 0..6 {
        batch
            .push(format!("l{index}"), "crm.deal.list", json!({}))
            .unwrap();
    }
    let outcome = client.batch(&batch).await.unwrap();
    let blocked: Vec<&str> = outcome.failed().collect();
    client.call("crm.deal.list", json!({})).await.unwrap();

    assert!(
        !blocked.is_empty(),
        "the portal never refused, the test proves nothing"
    );
    let failure = outcome.failure(blocked[0]).unwrap();
    assert!(
        matches!(failure, B24Error::OperatingLimit { .. }),
        "{failure}"
    );
    assert!(failure.is_retryable());
    assert!(
        clock.total_slept().as_secs() >= 60,
        "the next call did not wait for the window"
    );
    let last = portal.control().calls().last().cloned().unwrap();
    assert_eq!((last.method.as_str(), last.status), ("crm.deal.list", 200));
}

#[tokio::test]
async fn a_domain_change_stops_the_run_and_names_the_new_address() {
    let portal = sandbox(SandboxConfig::default()).await;
    let (client, _clock) = webhook_client(&portal, ClientConfig::default());
    let new_host = format!("localhost:{}", portal.port());
    portal.control().change_domain(&new_host);

    let error = client
        .crm_add(CrmEntity::Company, &json!({"TITLE": "A"}))
        .await
        .unwrap_err();

    let B24Error::DomainChanged { new_base, .. } = &error else {
        panic!("expected a domain change, got {error}");
    };
    assert_eq!(new_base, &format!("http://{new_host}"));
    assert!(error.stops_run());
    let companies = portal.control().state()["companies"].clone();
    assert!(companies.is_object(), "the simulator's state changed shape");
    assert_eq!(companies.as_object().map(serde_json::Map::len), Some(0));
}

#[tokio::test]
async fn a_removed_app_stops_the_run() {
    let portal = sandbox(SandboxConfig::default()).await;
    let store = installed_store(&portal);
    let (client, _clock) = app_client(&portal, store).await;
    client.profile().await.unwrap();

    portal.control().remove_app();
    let error = client.call("crm.deal.list", json!({})).await.unwrap_err();

    assert!(matches!(error, B24Error::AppRemoved { .. }), "{error}");
    assert!(error.stops_run() && !error.is_retryable());
}

/// A store that notes in a journal when a pair is saved, with the refresh token saved.
#[derive(Default)]
struct JournalStore {
    inner: MemoryTokenStore,
    saved: Mutex<Vec<String>>,
}

impl TokenStore for JournalStore {
    fn load(&self) -> BoxFuture<'_, B24Result<Option<TokenPair>>> {
        self.inner.load()
    }

    fn save<'a>(&'a self, pair: &'a TokenPair) -> BoxFuture<'a, B24Result<()>> {
        let refresh = pair.refresh_token.expose_secret().to_owned();
        self.saved.lock().expect("journal lock").push(refresh);
        self.inner.save(pair)
    }
}

#[tokio::test]
async fn an_expired_token_is_rotated_stored_first_and_the_call_goes_through() {
    let portal = sandbox(SandboxConfig::default()).await;
    let first = installed_store(&portal).current().unwrap();
    let store = Arc::new(JournalStore {
        inner: MemoryTokenStore::with(first.clone()),
        ..JournalStore::default()
    });
    let (client, _clock) = app_client(&portal, store.clone()).await;

    portal
        .control()
        .advance_clock(std::time::Duration::from_secs(3700));
    let profile = client.profile().await.unwrap();

    let saved = store.saved.lock().unwrap().clone();
    assert_eq!(saved.len(), 1, "exactly one refresh");
    assert_ne!(saved[0], first.refresh_token.expose_secret());
    assert_eq!(profile.id, 1);
    let calls = portal.control().calls();
    assert_eq!(
        calls.iter().filter(|call| call.method == "profile").count(),
        2
    );
    assert_eq!(calls.last().unwrap().status, 200);

    portal
        .control()
        .advance_clock(std::time::Duration::from_secs(3700));
    client.profile().await.unwrap();
    assert_eq!(
        store.saved.lock().unwrap().len(),
        2,
        "the rotated refresh token worked"
    );
}

#[tokio::test]
async fn concurrent_calls_on_an_expired_token_share_one_refresh() {
    let portal = sandbox(SandboxConfig::default()).await;
    let first = installed_store(&portal).current().unwrap();
    let store = Arc::new(JournalStore {
        inner: MemoryTokenStore::with(first),
        ..JournalStore::default()
    });
    let (client, _clock) = app_client(&portal, store.clone()).await;
    portal
        .control()
        .advance_clock(std::time::Duration::from_secs(3700));

    let calls = (0..6).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.profile().await })
    });
    let results = futures::future::join_all(calls).await;

    for result in results {
        assert_eq!(result.unwrap().unwrap().id, 1);
    }
    assert_eq!(
        store.saved.lock().unwrap().len(),
        1,
        "a used refresh token was sent again"
    );
}

#[tokio::test]
async fn an_unpaid_app_cannot_refresh_and_stops_the_run_on_the_plan() {
    let portal = sandbox(SandboxConfig::default()).await;
    let store = installed_store(&portal);
    let before = store.current().unwrap();
    let (client, _clock) = app_client(&portal, store.clone()).await;

    portal.control().set_app_paid(false);
    portal
        .control()
        .advance_clock(std::time::Duration::from_secs(3700));
    let error = client.profile().await.unwrap_err();

    assert!(matches!(error, B24Error::PlanLimit { .. }), "{error}");
    assert!(error.stops_run());
    let after = store.current().unwrap();
    assert_eq!(
        after.refresh_token.expose_secret(),
        before.refresh_token.expose_secret()
    );
}

#[tokio::test]
async fn a_server_failure_is_retried_on_a_read_and_reported_on_a_write() {
    let portal = sandbox(SandboxConfig::default()).await;
    let (client, _clock) = webhook_client(&portal, ClientConfig::default());
    portal.control().inject_fault(Fault::from_code(
        "crm.deal.list",
        "INTERNAL_SERVER_ERROR",
        2,
    ));
    portal
        .control()
        .inject_fault(Fault::from_code("crm.deal.add", "INTERNAL_SERVER_ERROR", 1));

    let read = client.list_all("crm.deal.list", json!({})).await;
    let write = client
        .crm_add(CrmEntity::Deal, &json!({"TITLE": "x"}))
        .await;

    assert!(read.is_ok(), "{read:?}");
    assert!(
        matches!(write, Err(B24Error::OutcomeUnknown { .. })),
        "{write:?}"
    );
    let calls = portal.control().calls();
    assert_eq!(
        calls
            .iter()
            .filter(|call| call.method == "crm.deal.list")
            .count(),
        3
    );
    assert_eq!(
        calls
            .iter()
            .filter(|call| call.method == "crm.deal.add")
            .count(),
        1
    );
}

#[tokio::test]
async fn plan_and_access_refusals_stop_the_run() {
    let portal = sandbox(SandboxConfig {
        plan: "ru_project".to_owned(),
        ..SandboxConfig::default()
    })
    .await;
    let (client, _clock) = webhook_client(&portal, ClientConfig::default());

    let pipeline = client.add_deal_category("Second", 100).await.unwrap_err();
    portal.control().set_rest_disabled(true);
    let rest_off = client.call("crm.deal.list", json!({})).await.unwrap_err();

    assert!(matches!(pipeline, B24Error::PlanLimit { .. }), "{pipeline}");
    assert!(pipeline.stops_run());
    assert!(
        matches!(
            rest_off,
            B24Error::PlanLimit { .. } | B24Error::AccessDenied { .. }
        ),
        "{rest_off}"
    );
    assert!(rest_off.stops_run());
}
