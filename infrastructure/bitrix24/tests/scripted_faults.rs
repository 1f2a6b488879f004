//! Fault handling of the call loop against a scripted portal: every refusal the reference
//! lists as "slow down", "wait", "refresh", "retry" or "stop" produces that behaviour.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use futures::future::BoxFuture;
use migrator_bitrix24::{
    Access, B24Client, B24Error, B24Result, ClientConfig, ManualClock, MemoryTokenStore, OAuthApp,
    OAuthSession, TokenPair, TokenStore, Webhook,
};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use support::{Reply, Script};

const START: i64 = 1_800_000_000;

fn clock() -> ManualClock {
    ManualClock::starting_at(
        Utc.timestamp_opt(START, 0)
            .single()
            .expect("valid start time"),
    )
}

async fn webhook_client(config: ClientConfig) -> (B24Client, Arc<Script>, ManualClock) {
    let script = Arc::new(Script::default());
    let base = support::start(script.clone()).await;
    let clock = clock();
    let hook = Webhook::parse(&format!("{base}rest/1/hookcode/")).expect("test set-up");
    let client = B24Client::builder(Access::Webhook(hook))
        .config(config)
        .clock(Arc::new(clock.clone()))
        .build()
        .expect("test set-up");
    (client, script, clock)
}

#[tokio::test]
async fn a_rate_limit_refusal_slows_the_shaper_and_the_call_is_retried() {
    let (client, script, clock) = webhook_client(ClientConfig::default()).await;
    script.push(Reply::error(
        503,
        "QUERY_LIMIT_EXCEEDED",
        "Too many requests",
    ));
    script.push(Reply::ok(json!({"result": 58943})));

    let id = client
        .crm_add(
            migrator_bitrix24::CrmEntity::Company,
            &json!({"TITLE": "A"}),
        )
        .await;

    assert_eq!(id.unwrap(), 58943);
    assert_eq!(script.received().len(), 2);
    assert!(client.shaper().slowdown() < 1.0);
    assert!(
        clock.total_slept() >= Duration::from_millis(500),
        "retried without waiting"
    );
}

#[tokio::test]
async fn the_operating_budget_is_respected_before_the_portal_refuses() {
    let (client, script, clock) = webhook_client(ClientConfig::default()).await;
    let near_limit = json!({"result": [], "total": 0,
        "time": {"operating": 470.0, "operating_reset_at": START + 42}});
    script.push(Reply::ok(near_limit));
    script.push(Reply::ok(json!({"result": [], "total": 0})));

    client.call("crm.deal.list", json!({})).await.unwrap();
    client.call("crm.deal.list", json!({})).await.unwrap();

    assert_eq!(clock.total_slept(), Duration::from_secs(42));
    assert_eq!(
        script.received().len(),
        2,
        "no call was refused, so none was repeated"
    );
}

#[tokio::test]
async fn an_operating_limit_refusal_waits_out_the_window_and_retries() {
    let (client, script, clock) = webhook_client(ClientConfig::default()).await;
    script.push(Reply::error(
        429,
        "OPERATION_TIME_LIMIT",
        "Method is blocked",
    ));
    script.push(Reply::ok(json!({"result": true})));

    client
        .call("crm.deal.update", json!({"id": 1}))
        .await
        .unwrap();

    assert_eq!(script.received().len(), 2);
    assert!(clock.total_slept() >= Duration::from_secs(60));
}

#[tokio::test]
async fn a_domain_change_stops_with_the_new_origin_and_never_leaks_the_code() {
    let (client, script, _clock) = webhook_client(ClientConfig::default()).await;
    script.push(Reply::redirect(
        "https://new.bitrix24.ru/rest/1/hookcode/crm.deal.add",
    ));

    let error = client
        .call("crm.deal.add", json!({"fields": {}}))
        .await
        .unwrap_err();

    let B24Error::DomainChanged { new_base, .. } = &error else {
        panic!("expected a domain change, got {error}");
    };
    assert_eq!(new_base, "https://new.bitrix24.ru");
    assert!(!error.to_string().contains("hookcode"));
    assert!(error.stops_run() && !error.is_retryable());
    assert_eq!(script.received().len(), 1);
}

#[tokio::test]
async fn a_removed_application_stops_the_run() {
    let (client, script, _clock) = webhook_client(ClientConfig::default()).await;
    script.push(Reply::error(
        401,
        "APPLICATION_NOT_FOUND",
        "Application not found",
    ));

    let error = client.call("crm.deal.list", json!({})).await.unwrap_err();

    assert!(matches!(error, B24Error::AppRemoved { .. }), "{error}");
    assert!(error.stops_run());
    assert_eq!(script.received().len(), 1);
}

#[tokio::test]
async fn access_and_plan_refusals_are_typed() {
    let (client, script, _clock) = webhook_client(ClientConfig::default()).await;
    script.push(Reply::error(
        403,
        "ACCESS_DENIED",
        "Access denied! Application context required",
    ));
    script.push(Reply::error(
        400,
        "",
        "Your tariff does not allow more pipelines",
    ));

    let denied = client.app_info().await.unwrap_err();
    let plan = client.add_deal_category("Sales", 100).await.unwrap_err();

    assert!(matches!(denied, B24Error::AccessDenied { .. }), "{denied}");
    assert!(matches!(plan, B24Error::PlanLimit { .. }), "{plan}");
    assert!(plan.to_string().contains("crm.category.add"));
}

#[tokio::test]
async fn server_failures_are_retried_on_reads_with_back_off() {
    let (client, script, clock) = webhook_client(ClientConfig::default()).await;
    script.push(Reply::error(500, "INTERNAL_SERVER_ERROR", "oops"));
    script.push(Reply::status(502, json!({})));
    script.push(Reply::ok(json!({"result": [{"ID": "7"}], "total": 1})));

    let rows = client.list_all("crm.deal.list", json!({})).await.unwrap();

    assert_eq!(rows.len(), 1);
    assert_eq!(script.received().len(), 3);
    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_secs(1), Duration::from_secs(2)]
    );
}

#[tokio::test]
async fn a_server_failure_on_a_write_is_reported_as_possibly_applied() {
    let (client, script, _clock) = webhook_client(ClientConfig::default()).await;
    script.push(Reply::error(500, "INTERNAL_SERVER_ERROR", "oops"));

    let error = client
        .call("crm.deal.add", json!({"fields": {}}))
        .await
        .unwrap_err();

    assert!(matches!(error, B24Error::OutcomeUnknown { .. }), "{error}");
    assert!(error.to_string().contains("may have been applied"));
    assert_eq!(
        script.received().len(),
        1,
        "a write must not be repeated blindly"
    );
}

#[tokio::test]
async fn a_timed_out_write_is_reported_as_possibly_applied_and_a_read_is_retried() {
    let config = ClientConfig {
        request_timeout: Duration::from_millis(200),
        ..ClientConfig::default()
    };
    let (client, script, _clock) = webhook_client(config).await;
    script.push(Reply::ok(json!({"result": 1})).after(Duration::from_millis(600)));
    script.push(Reply::ok(json!({"result": []})).after(Duration::from_millis(600)));
    script.push(Reply::ok(json!({"result": [{"ID": "1"}]})));

    let write = client
        .call("crm.deal.add", json!({"fields": {}}))
        .await
        .unwrap_err();
    let read = client.call("crm.deal.list", json!({})).await.unwrap();

    assert!(matches!(write, B24Error::OutcomeUnknown { .. }), "{write}");
    assert_eq!(read.result, json!([{"ID": "1"}]));
}

/// A token store that writes into the fake portal's journal, so that the order of "saved"
/// and "used" can be checked, and that can be told to fail.
struct JournalStore {
    inner: MemoryTokenStore,
    journal: Arc<Mutex<Vec<String>>>,
    failures_left: Mutex<u32>,
}

impl TokenStore for JournalStore {
    fn load(&self) -> BoxFuture<'_, B24Result<Option<TokenPair>>> {
        self.inner.load()
    }

    fn save<'a>(&'a self, pair: &'a TokenPair) -> BoxFuture<'a, B24Result<()>> {
        Box::pin(async move {
            let fail = {
                let mut failures = self.failures_left.lock().expect("test set-up");
                let fail = *failures > 0;
                *failures = failures.saturating_sub(1);
                fail
            };
            if fail {
                self.journal
                    .lock()
                    .expect("test set-up")
                    .push("save failed".to_owned());
                return Err(B24Error::TokenStore {
                    attempted: "saving",
                    detail: "disk full".to_owned(),
                });
            }

            let refresh = pair.refresh_token.expose_secret().to_owned();
            self.journal
                .lock()
                .expect("test set-up")
                .push(format!("save {refresh}"));
            self.inner.save(pair).await
        })
    }
}

async fn oauth_client(save_failures: u32) -> (B24Client, Arc<Script>, Arc<JournalStore>, String) {
    let script = Arc::new(Script::default());
    let base = support::start(script.clone()).await;
    let pair = TokenPair {
        access_token: SecretString::from("old-access"),
        refresh_token: SecretString::from("old-refresh"),
        expires_at: Utc
            .timestamp_opt(START, 0)
            .single()
            .expect("valid start time"),
        client_endpoint: url::Url::parse(&format!("{base}rest/")).expect("test set-up"),
        member_id: "a223c6b3710f85df22e9377d6c4f7553".to_owned(),
    };
    let store = Arc::new(JournalStore {
        inner: MemoryTokenStore::with(pair),
        journal: script.journal.clone(),
        failures_left: Mutex::new(save_failures),
    });
    let app = OAuthApp {
        client_id: "app.test.client".to_owned(),
        client_secret: SecretString::from("client-secret"),
        auth_server: url::Url::parse(&base).expect("test set-up"),
    };

    let session = OAuthSession::open(app, store.clone())
        .await
        .expect("test set-up");
    let client = B24Client::builder(Access::OAuth(Box::new(session)))
        .clock(Arc::new(clock()))
        .build()
        .expect("test set-up");
    (client, script, store, base)
}

fn rotated(base: &str) -> Reply {
    Reply::ok(json!({
        "access_token": "new-access", "refresh_token": "new-refresh",
        "expires": START + 3600, "expires_in": 3600, "domain": "oauth.bitrix.info",
        "client_endpoint": format!("{base}rest/"), "member_id": "a223c6b3710f85df22e9377d6c4f7553",
        "status": "P", "user_id": 1
    }))
}

#[tokio::test]
async fn an_expired_token_is_rotated_and_the_new_pair_is_saved_before_it_is_used() {
    let (client, script, store, base) = oauth_client(0).await;
    script.push(Reply::error(
        401,
        "expired_token",
        "The access token provided has expired",
    ));
    script.push(rotated(&base));
    script.push(Reply::ok(json!({"result": [], "total": 0})));

    client.call("crm.deal.list", json!({})).await.unwrap();

    assert_eq!(
        script.journal(),
        [
            "request /rest/crm.deal.list auth=old-access",
            "request /oauth/token/ auth=-",
            "save new-refresh",
            "request /rest/crm.deal.list auth=new-access",
        ]
    );
    let refresh = &script.received()[1].query;
    assert!(refresh.contains("grant_type=refresh_token"));
    assert!(refresh.contains("refresh_token=old-refresh"));
    assert!(refresh.contains("client_id=app.test.client"));
    let saved = store.inner.current().unwrap();
    assert_eq!(saved.access_token.expose_secret(), "new-access");
}

#[tokio::test]
async fn a_pair_the_store_could_not_save_is_saved_before_its_first_use() {
    let (client, script, store, base) = oauth_client(1).await;
    script.push(Reply::error(
        401,
        "expired_token",
        "The access token provided has expired",
    ));
    script.push(rotated(&base));
    script.push(Reply::ok(json!({"result": [], "total": 0})));

    let first = client.call("crm.deal.list", json!({})).await.unwrap_err();
    client.call("crm.deal.list", json!({})).await.unwrap();

    assert!(matches!(first, B24Error::TokenStore { .. }) && first.is_retryable());
    assert_eq!(
        script.journal(),
        [
            "request /rest/crm.deal.list auth=old-access",
            "request /oauth/token/ auth=-",
            "save failed",
            "save new-refresh",
            "request /rest/crm.deal.list auth=new-access",
        ]
    );
    assert_eq!(
        store.inner.current().unwrap().refresh_token.expose_secret(),
        "new-refresh"
    );
}

#[tokio::test]
async fn a_used_refresh_token_asks_for_reauthorisation_and_keeps_the_stored_pair() {
    let (client, script, store, _base) = oauth_client(0).await;
    script.push(Reply::error(
        401,
        "expired_token",
        "The access token provided has expired",
    ));
    script.push(Reply::error(400, "invalid_grant", "Invalid grant"));

    let error = client.call("crm.deal.list", json!({})).await.unwrap_err();

    assert!(
        matches!(error, B24Error::ReauthorizationRequired { .. }),
        "{error}"
    );
    assert!(!error.to_string().contains("old-refresh"));
    assert_eq!(
        store.inner.current().unwrap().refresh_token.expose_secret(),
        "old-refresh"
    );
}
