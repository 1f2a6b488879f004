//! Helpers shared by the HTTP contract tests: start a sandbox on port 0, call it.

#![allow(dead_code)]

use migrator_sandbox_amocrm::{AmoSandbox, SandboxConfig};
use serde_json::Value;

/// A config with the rate limiter off, for tests about something else.
pub fn unlimited(size: u64) -> SandboxConfig {
    SandboxConfig {
        size,
        rate_limit_rps: 0,
        ..SandboxConfig::default()
    }
}

/// Starts a sandbox.
pub async fn start(config: SandboxConfig) -> AmoSandbox {
    AmoSandbox::start(config)
        .await
        .expect("sandbox starts on port 0")
}

/// GET `path` with the long-lived token.
pub async fn get(sandbox: &AmoSandbox, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}{path}", sandbox.url()))
        .bearer_auth(sandbox.access_token())
        .send()
        .await
        .expect("request reaches the sandbox")
}

/// GET `path` and parse a 200 JSON body.
pub async fn get_json(sandbox: &AmoSandbox, path: &str) -> Value {
    let response = get(sandbox, path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.expect("JSON body")
}

/// The `_embedded.{key}` array of a list body.
pub fn items<'a>(body: &'a Value, key: &str) -> &'a Vec<Value> {
    body["_embedded"][key].as_array().expect("embedded array")
}
