//! Checklist "Transport and auth" (token lifecycle, fake auth server, install simulation) and
//! "app removal": OAuth application access end to end.

mod common;

use std::time::Duration;

use axum::Router;
use axum::extract::RawQuery;
use axum::routing::post;
use common::Portal;
use migrator_sandbox_bitrix24::{NewUser, SandboxConfig, UserKind};
use serde_json::{Value, json};
use tokio::sync::mpsc;

async fn token_call(portal: &Portal, query: &str) -> (u16, Value) {
    let url = format!("{}/oauth/token/?{query}", portal.sandbox.url());
    let response = portal.http.get(url).send().await.expect("token call sends");
    (
        response.status().as_u16(),
        response.json().await.expect("token reply is JSON"),
    )
}

fn refresh_query(portal: &Portal, refresh: &str) -> String {
    let (id, secret) = portal.sandbox.control().client_credentials();
    format!(
        "grant_type=refresh_token&client_id={id}&client_secret={secret}&refresh_token={refresh}"
    )
}

#[tokio::test]
async fn token_lifecycle_access_token_expires_after_an_hour() {
    let portal = Portal::start().await;
    let grant = portal.sandbox.control().install_app(1);

    let fresh = portal
        .call_with_token(&grant.access_token, "profile", json!({}))
        .await;
    portal
        .sandbox
        .control()
        .advance_clock(Duration::from_secs(3601));
    let stale = portal
        .call_with_token(&grant.access_token, "profile", json!({}))
        .await;

    assert_eq!(fresh.result()["ID"], "1");
    assert_eq!(grant.expires_in, 3600);
    assert_eq!(stale.status, 401);
    assert_eq!(stale.code(), "expired_token");
}

#[tokio::test]
async fn token_lifecycle_unknown_and_missing_tokens() {
    let portal = Portal::start().await;
    let url = format!("{}/rest/profile", portal.sandbox.url());

    let unknown = portal
        .call_with_token("deadbeef", "profile", json!({}))
        .await;
    let missing = portal.http.post(url).send().await.unwrap();

    assert_eq!(unknown.status, 401);
    assert_eq!(unknown.code(), "invalid_token");
    assert_eq!(missing.status(), 401);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"], "NO_AUTH_FOUND");
}

#[tokio::test]
async fn auth_server_refresh_rotates_and_invalidates_the_old_pair() {
    let portal = Portal::start().await;
    let grant = portal.sandbox.control().install_app(1);

    let (status, pair) = token_call(&portal, &refresh_query(&portal, &grant.refresh_token)).await;
    let (reuse_status, reuse) =
        token_call(&portal, &refresh_query(&portal, &grant.refresh_token)).await;
    let old_access = portal
        .call_with_token(&grant.access_token, "profile", json!({}))
        .await;
    let new_access = portal
        .call_with_token(pair["access_token"].as_str().unwrap(), "profile", json!({}))
        .await;

    assert_eq!(status, 200);
    assert_ne!(pair["refresh_token"], json!(grant.refresh_token));
    assert_eq!(pair["expires_in"], 3600);
    assert_eq!(pair["member_id"], json!(grant.member_id));
    assert_eq!(
        pair["client_endpoint"],
        json!(format!("{}/rest/", portal.sandbox.url()))
    );
    assert!(
        pair["server_endpoint"]
            .as_str()
            .unwrap()
            .ends_with("/oauth/rest/")
    );
    assert_eq!(reuse_status, 400);
    assert_eq!(reuse["error"], "invalid_grant");
    assert_eq!(old_access.code(), "invalid_token");
    assert_eq!(new_access.status, 200);
}

#[tokio::test]
async fn auth_server_rejects_bad_client_unpaid_app_and_expired_refresh() {
    let config = SandboxConfig {
        refresh_token_lifetime: Duration::from_secs(28 * 24 * 3600),
        ..SandboxConfig::default()
    };
    let portal = Portal::start_with(config).await;
    let control = portal.sandbox.control();
    let grant = control.install_app(1);

    let (bad_status, bad) = token_call(
        &portal,
        &format!(
            "grant_type=refresh_token&client_id=x&client_secret=y&refresh_token={}",
            grant.refresh_token
        ),
    )
    .await;
    control.set_app_paid(false);
    let (_, unpaid) = token_call(&portal, &refresh_query(&portal, &grant.refresh_token)).await;
    control.set_app_paid(true);
    control.advance_clock(Duration::from_secs(29 * 24 * 3600));
    let (_, expired) = token_call(&portal, &refresh_query(&portal, &grant.refresh_token)).await;

    assert_eq!(bad_status, 401);
    assert_eq!(bad["error"], "invalid_client");
    assert_eq!(unpaid["error"], "PAYMENT_REQUIRED");
    assert_eq!(expired["error"], "invalid_grant");
}

#[tokio::test]
async fn auth_server_authorization_code_grant_and_server_side_app_info() {
    let portal = Portal::start().await;
    let control = portal.sandbox.control();
    let (id, secret) = control.client_credentials();
    let code = control.authorization_code(1);

    let (status, pair) = token_call(
        &portal,
        &format!("grant_type=authorization_code&client_id={id}&client_secret={secret}&code={code}"),
    )
    .await;
    let info = portal
        .get(&format!(
            "/oauth/rest/app.info?auth={}",
            pair["access_token"].as_str().unwrap()
        ))
        .await;

    assert_eq!(status, 200);
    assert_eq!(info.result()["client_id"], json!(id));
    assert_eq!(info.result()["install"]["member_id"], pair["member_id"]);
    assert_eq!(info.result()["install"]["installed"], false);
}

/// Starts a tiny app that forwards every POST (query, body) it receives.
async fn app_receiver() -> (String, mpsc::UnboundedReceiver<(String, String)>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let app = Router::new().route(
        "/install",
        post(move |RawQuery(query): RawQuery, body: String| {
            let sender = sender.clone();
            async move {
                let _ = sender.send((query.unwrap_or_default(), body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("receiver binds");
    let url = format!(
        "http://{}/install",
        listener.local_addr().expect("receiver address")
    );
    tokio::spawn(async move { axum::serve(listener, app).await.expect("receiver serves") });
    (url, receiver)
}

#[tokio::test]
async fn install_simulation_posts_iframe_fields_and_onappinstall() {
    let portal = Portal::start().await;
    let control = portal.sandbox.control();
    let (url, mut received) = app_receiver().await;
    let grant = control.install_app(1);

    let page_status = control.open_app_page(&url, &grant).await.unwrap();
    let (page_query, page_body) = received.recv().await.unwrap();
    let before = portal
        .call_with_token(&grant.access_token, "app.info", json!({}))
        .await;
    control.deliver_install_event(&url, &grant).await.unwrap();
    let (_, event_body) = received.recv().await.unwrap();
    let after = portal
        .call_with_token(&grant.access_token, "app.info", json!({}))
        .await;

    assert_eq!(page_status, 200);
    assert!(page_query.contains("DOMAIN=127.0.0.1"));
    assert!(page_query.contains("APP_SID="));
    assert!(page_body.contains(&format!("AUTH_ID={}", grant.access_token)));
    assert!(page_body.contains("PLACEMENT=DEFAULT"));
    assert!(page_body.contains(&format!("member_id={}", grant.member_id)));
    assert!(event_body.contains("event=ONAPPINSTALL"));
    assert!(event_body.contains(&format!("auth%5Brefresh_token%5D={}", grant.refresh_token)));
    assert!(event_body.contains("auth%5Bapplication_token%5D="));
    assert_eq!(before.result()["INSTALLED"], false);
    assert_eq!(after.result()["INSTALLED"], true);
}

#[tokio::test]
async fn app_removal_sends_onappuninstall_without_tokens_and_kills_tokens() {
    let portal = Portal::start().await;
    let control = portal.sandbox.control();
    let (url, mut received) = app_receiver().await;
    let grant = control.install_app(1);
    control.finish_install();

    control
        .remove_app_and_notify(&url, &grant, true)
        .await
        .unwrap();
    let (_, body) = received.recv().await.unwrap();
    let after = portal
        .call_with_token(&grant.access_token, "profile", json!({}))
        .await;

    assert!(body.contains("event=ONAPPUNINSTALL"));
    assert!(body.contains("data%5BCLEAN%5D=1"));
    assert!(!body.contains("access_token"));
    assert!(!body.contains("refresh_token"));
    assert_eq!(after.status, 401);
    assert_eq!(after.code(), "APPLICATION_NOT_FOUND");
}

#[tokio::test]
async fn token_lifecycle_deactivated_user_gets_authorization_error() {
    let portal = Portal::start().await;
    let control = portal.sandbox.control();
    let user = control.add_user(NewUser {
        admin: true,
        kind: UserKind::Employee,
        ..NewUser::employee("boss@example.test", "Boss", "One")
    });
    let grant = control.install_app(user);

    control.set_user_active(user, false).unwrap();
    let reply = portal
        .call_with_token(&grant.access_token, "profile", json!({}))
        .await;

    assert_eq!(reply.status, 401);
    assert_eq!(reply.code(), "authorization_error");
}

#[tokio::test]
async fn token_lifecycle_missing_scope_is_401_for_apps_and_403_for_webhooks() {
    let config = SandboxConfig {
        scopes: vec!["crm".to_string()],
        ..SandboxConfig::default()
    };
    let portal = Portal::start_with(config).await;
    let grant = portal.sandbox.control().install_app(1);

    let app = portal
        .call_with_token(&grant.access_token, "tasks.task.list", json!({}))
        .await;
    let hook = portal.call("user.get", json!({})).await;
    let batch = portal
        .call(
            "batch",
            json!({"cmd": {"t": "tasks.task.list", "c": "crm.deal.list"}}),
        )
        .await;

    assert_eq!(app.status, 401);
    assert_eq!(app.code(), "insufficient_scope");
    assert_eq!(hook.status, 403);
    assert_eq!(hook.code(), "insufficient_scope");
    assert_eq!(
        batch.result()["result_error"]["t"]["error"],
        "insufficient_scope"
    );
    assert_eq!(batch.result()["result"]["c"], json!([]));
}

#[tokio::test]
async fn app_removal_then_reinstall_leaves_old_tokens_dead() {
    let portal = Portal::start().await;
    let control = portal.sandbox.control();
    let old = control.install_app(1);

    control.remove_app();
    let new = control.install_app(1);
    let old_call = portal
        .call_with_token(&old.access_token, "profile", json!({}))
        .await;
    let (_, old_refresh) = token_call(&portal, &refresh_query(&portal, &old.refresh_token)).await;
    let new_call = portal
        .call_with_token(&new.access_token, "profile", json!({}))
        .await;

    assert_eq!(old_call.code(), "invalid_token");
    assert_eq!(old_refresh["error"], "invalid_grant");
    assert_eq!(new_call.status, 200);
    assert_eq!(old.member_id, new.member_id);
}
