//! Checklist: OAuth code exchange (JSON and form), single-use codes expiring after
//! 20 minutes and burnt by every attempt, rotating refresh tokens, access-token
//! lifetime, JWT claims, long-lived tokens, revocation, subdomain discovery, legacy auth.

mod common;

use common::{start, unlimited};
use migrator_sandbox_amocrm::{AmoSandbox, Control};
use serde_json::{Value, json};

async fn exchange(sandbox: &AmoSandbox, body: Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/oauth2/access_token", sandbox.url()))
        .json(&body)
        .send()
        .await
        .expect("token endpoint answers")
}

fn code_body(control: &Control, code: &str) -> Value {
    json!({"client_id": control.client_id(), "client_secret": control.client_secret(),
           "grant_type": "authorization_code", "code": code,
           "redirect_uri": control.redirect_uri()})
}

fn refresh_body(control: &Control, refresh: &str) -> Value {
    json!({"client_id": control.client_id(), "client_secret": control.client_secret(),
           "grant_type": "refresh_token", "refresh_token": refresh,
           "redirect_uri": control.redirect_uri()})
}

async fn leads_status(sandbox: &AmoSandbox, token: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{}/api/v4/leads", sandbox.url()))
        .bearer_auth(token)
        .send()
        .await
        .expect("api answers")
        .status()
        .as_u16()
}

#[tokio::test]
async fn oauth_code_exchange_returns_bearer_pair_that_opens_the_api() {
    let sandbox = start(unlimited(200)).await;
    let control = sandbox.control();
    let response = exchange(&sandbox, code_body(control, &control.issue_code())).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 86_400);
    let access = body["access_token"].as_str().unwrap();
    assert!(body["refresh_token"].as_str().unwrap().len() > 20);
    assert_eq!(leads_status(&sandbox, access).await, 200);
}

#[tokio::test]
async fn oauth_access_token_is_a_jwt_with_exp_account_and_api_domain() {
    let sandbox = start(unlimited(200)).await;
    let control = sandbox.control();
    let body: Value = exchange(&sandbox, code_body(control, &control.issue_code()))
        .await
        .json()
        .await
        .unwrap();
    let token = body["access_token"].as_str().unwrap();
    let claims = token.split('.').nth(1).unwrap();
    let decoded = decode_base64url(claims);
    let claims: Value = serde_json::from_slice(&decoded).unwrap();
    assert!(claims["exp"].as_i64().unwrap() > control.now());
    assert_eq!(claims["account_id"], control.account().account_id());
    assert_eq!(claims["api_domain"], "api-b.amocrm.ru");
    assert_eq!(claims["base_domain"], "amocrm.ru");
    assert!(claims["scopes"].as_array().unwrap().contains(&json!("crm")));
}

fn decode_base64url(text: &str) -> Vec<u8> {
    let table = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in text.bytes() {
        let value = table
            .iter()
            .position(|c| *c == byte)
            .expect("base64url digit") as u32;
        bits = bits << 6 | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

#[tokio::test]
async fn oauth_form_encoded_exchange_is_accepted() {
    let sandbox = start(unlimited(200)).await;
    let control = sandbox.control();
    let code = control.issue_code();
    let client_id = control.client_id();
    let secret = control.client_secret();
    let redirect = control.redirect_uri();
    let form = [
        ("client_id", client_id.as_str()),
        ("client_secret", secret.as_str()),
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", redirect.as_str()),
    ];
    let body = form
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace(':', "%3A").replace('/', "%2F")))
        .collect::<Vec<_>>()
        .join("&");
    let response = reqwest::Client::new()
        .post(format!("{}/oauth2/access_token", sandbox.url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn oauth_code_is_single_use_and_burnt_by_a_failed_attempt() {
    let sandbox = start(unlimited(200)).await;
    let control = sandbox.control();
    let code = control.issue_code();

    let mut wrong = code_body(control, &code);
    wrong["client_secret"] = json!("not-the-secret");
    let response = exchange(&sandbox, wrong).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["hint"], "Check the `client_secret` parameter");
    assert_eq!(body["title"], "Некорректный запрос");
    assert_eq!(
        body["type"],
        "https://developers.amocrm.ru/v3/errors/OAuthProblemJson"
    );
    assert_eq!(body["status"], 400);

    let again = exchange(&sandbox, code_body(control, &code)).await;
    assert_eq!(again.status(), 400);
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["hint"], "Authorization code has been revoked");
}

#[tokio::test]
async fn oauth_code_expires_after_twenty_minutes_of_sandbox_clock() {
    let sandbox = start(unlimited(200)).await;
    let control = sandbox.control();
    let code = control.issue_code();
    control.advance_clock(20 * 60 + 1);
    let response = exchange(&sandbox, code_body(control, &code)).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["hint"], "Authorization code has expired");
}

#[tokio::test]
async fn oauth_rejects_garbage_code_wrong_client_and_wrong_redirect_with_hints() {
    let sandbox = start(unlimited(200)).await;
    let control = sandbox.control();
    let garbage: Value = exchange(&sandbox, code_body(control, "garbage"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(garbage["hint"], "Cannot decrypt the authorization code");

    let mut body = code_body(control, &control.issue_code());
    body["client_id"] = json!("00000000-0000-0000-0000-000000000000");
    let answer: Value = exchange(&sandbox, body).await.json().await.unwrap();
    assert_eq!(answer["hint"], "Check the `client_id` parameter");

    let mut body = code_body(control, &control.issue_code());
    body["redirect_uri"] = json!("https://elsewhere.example/");
    let answer: Value = exchange(&sandbox, body).await.json().await.unwrap();
    assert_eq!(answer["hint"], "Redirect URI is not associated with client");
}

#[tokio::test]
async fn oauth_refresh_rotates_and_old_refresh_token_is_revoked_with_401() {
    let sandbox = start(unlimited(200)).await;
    let control = sandbox.control();
    let first: Value = exchange(&sandbox, code_body(control, &control.issue_code()))
        .await
        .json()
        .await
        .unwrap();
    let refresh = first["refresh_token"].as_str().unwrap();

    let second = exchange(&sandbox, refresh_body(control, refresh)).await;
    assert_eq!(second.status(), 200);
    let second: Value = second.json().await.unwrap();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_ne!(second["access_token"], first["access_token"]);

    let reused = exchange(&sandbox, refresh_body(control, refresh)).await;
    assert_eq!(reused.status(), 401);
    let reused: Value = reused.json().await.unwrap();
    assert_eq!(reused["hint"], "Token has been revoked");
    assert_eq!(reused["status"], 401);
}

#[tokio::test]
async fn oauth_refresh_token_expires_after_ninety_days() {
    let sandbox = start(unlimited(200)).await;
    let control = sandbox.control();
    let first: Value = exchange(&sandbox, code_body(control, &control.issue_code()))
        .await
        .json()
        .await
        .unwrap();
    control.advance_clock(91 * 86_400);
    let answer = exchange(
        &sandbox,
        refresh_body(control, first["refresh_token"].as_str().unwrap()),
    )
    .await;
    assert_eq!(answer.status(), 401);
    let answer: Value = answer.json().await.unwrap();
    assert_eq!(answer["hint"], "Token has expired");
}

#[tokio::test]
async fn oauth_access_token_expires_after_one_day_with_401_problem() {
    let sandbox = start(unlimited(200)).await;
    let control = sandbox.control();
    let body: Value = exchange(&sandbox, code_body(control, &control.issue_code()))
        .await
        .json()
        .await
        .unwrap();
    let access = body["access_token"].as_str().unwrap().to_string();
    control.advance_clock(86_400 - 60);
    assert_eq!(leads_status(&sandbox, &access).await, 200);
    control.advance_clock(120);
    let response = reqwest::Client::new()
        .get(format!("{}/api/v4/leads", sandbox.url()))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["title"], "Unauthorized");
    assert_eq!(problem["type"], "https://httpstatus.es/401");
    // The long-lived token still works a day later.
    assert_eq!(leads_status(&sandbox, &sandbox.access_token()).await, 200);
}

#[tokio::test]
async fn oauth_missing_token_is_401_and_revoking_the_integration_kills_every_token() {
    let sandbox = start(unlimited(200)).await;
    let response = reqwest::Client::new()
        .get(format!("{}/api/v4/account", sandbox.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(leads_status(&sandbox, &sandbox.access_token()).await, 200);
    sandbox.control().revoke_integration();
    assert_eq!(leads_status(&sandbox, &sandbox.access_token()).await, 401);
}

#[tokio::test]
async fn oauth_subdomain_discovery_follows_a_rename() {
    let sandbox = start(unlimited(200)).await;
    let control = sandbox.control();
    let body: Value = exchange(&sandbox, code_body(control, &control.issue_code()))
        .await
        .json()
        .await
        .unwrap();
    control.rename_subdomain("renamed");
    let response = reqwest::Client::new()
        .get(format!(
            "{}/oauth2/account/current/subdomain",
            sandbox.url()
        ))
        .header("X-Refresh-Token", body["refresh_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["subdomain"], "renamed");
    assert_eq!(answer["domain"], "renamed.amocrm.ru");
    assert_eq!(answer["top_level_domain"], "ru");
}

#[tokio::test]
async fn legacy_login_and_api_key_open_a_session_cookie_for_the_api() {
    let sandbox = start(unlimited(200)).await;
    let (login, key) = sandbox.control().legacy_credentials();
    let client = reqwest::Client::new();
    let url = format!("{}/private/api/auth.php?type=json", sandbox.url());

    let refused = client
        .post(&url)
        .json(&json!({"USER_LOGIN": login, "USER_HASH": "wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(refused["response"]["error_code"], "110");

    let accepted = client
        .post(&url)
        .json(&json!({"USER_LOGIN": login, "USER_HASH": key}))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 200);
    let cookie = accepted.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let body: Value = accepted.json().await.unwrap();
    assert_eq!(body["response"]["auth"], true);

    let leads = client
        .get(format!("{}/api/v4/leads", sandbox.url()))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(leads.status(), 200);
}

#[tokio::test]
async fn legacy_api_key_exchange_is_accepted_with_202_and_refused_with_a_wrong_key() {
    let sandbox = start(unlimited(200)).await;
    let control = sandbox.control();
    let (login, key) = control.legacy_credentials();
    let url = format!("{}/oauth2/exchange_api_key", sandbox.url());
    let body = json!({"login": login, "api_key": key, "client_uuid": control.client_id(),
                      "client_secret": control.client_secret()});
    let accepted = reqwest::Client::new()
        .post(&url)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 202);
    let mut wrong = body.clone();
    wrong["api_key"] = json!("nope");
    let refused = reqwest::Client::new()
        .post(&url)
        .json(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
}
