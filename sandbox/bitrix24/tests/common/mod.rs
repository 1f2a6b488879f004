//! Helpers shared by the contract tests: start a portal on port 0 and call it over real HTTP.
#![allow(dead_code)]

use migrator_sandbox_bitrix24::{B24Sandbox, SandboxConfig};
use serde_json::{Value, json};

/// A running sandbox plus an HTTP client.
pub struct Portal {
    /// The sandbox under test.
    pub sandbox: B24Sandbox,
    /// A client that does not follow redirects (302 must be visible).
    pub http: reqwest::Client,
}

/// A reply: HTTP status and JSON body (`Null` when the body is not JSON).
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    /// The `error` code.
    pub fn code(&self) -> &str {
        self.body["error"].as_str().unwrap_or("<none>")
    }

    /// The `error_description` text.
    pub fn text(&self) -> &str {
        self.body["error_description"].as_str().unwrap_or("<none>")
    }

    /// The `result`, after asserting success.
    pub fn result(&self) -> &Value {
        assert_eq!(self.status, 200, "expected success, got {}", self.body);
        &self.body["result"]
    }
}

impl Portal {
    /// A portal with the default configuration.
    pub async fn start() -> Portal {
        Portal::start_with(SandboxConfig::default()).await
    }

    /// A portal with `config`.
    pub async fn start_with(config: SandboxConfig) -> Portal {
        let sandbox = B24Sandbox::start(config).await.expect("sandbox starts");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client builds");
        Portal { sandbox, http }
    }

    async fn reply(response: reqwest::Response) -> Reply {
        let status = response.status().as_u16();
        let text = response.text().await.expect("body reads");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, body }
    }

    /// POSTs JSON params to a webhook method.
    pub async fn call(&self, method: &str, params: Value) -> Reply {
        let url = format!("{}{method}", self.sandbox.webhook_url());
        Self::reply(
            self.http
                .post(url)
                .json(&params)
                .send()
                .await
                .expect("request sends"),
        )
        .await
    }

    /// Calls and returns the `result`, asserting success.
    pub async fn ok(&self, method: &str, params: Value) -> Value {
        self.call(method, params).await.result().clone()
    }

    /// POSTs JSON params with an OAuth token in `auth`.
    pub async fn call_with_token(&self, token: &str, method: &str, params: Value) -> Reply {
        let mut params = params;
        params["auth"] = json!(token);
        let url = format!("{}/rest/{method}", self.sandbox.url());
        Self::reply(
            self.http
                .post(url)
                .json(&params)
                .send()
                .await
                .expect("request sends"),
        )
        .await
    }

    /// POSTs a form body to any path of the portal.
    pub async fn post_form(&self, path: &str, form: &str) -> Reply {
        let url = format!("{}{path}", self.sandbox.url());
        let response = self
            .http
            .post(url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form.to_string())
            .send()
            .await
            .expect("request sends");
        Self::reply(response).await
    }

    /// GETs any path of the portal.
    pub async fn get(&self, path: &str) -> Reply {
        let url = format!("{}{path}", self.sandbox.url());
        Self::reply(self.http.get(url).send().await.expect("request sends")).await
    }

    /// Adds a deal-pipeline-free company and returns its id.
    pub async fn company(&self, title: &str) -> u64 {
        let id = self
            .ok("crm.company.add", json!({"fields": {"TITLE": title}}))
            .await;
        id.as_u64().expect("integer id")
    }

    /// Adds a contact and returns its id.
    pub async fn contact(&self, name: &str) -> u64 {
        let id = self
            .ok("crm.contact.add", json!({"fields": {"NAME": name}}))
            .await;
        id.as_u64().expect("integer id")
    }

    /// Adds a deal and returns its id.
    pub async fn deal(&self, fields: Value) -> u64 {
        let id = self.ok("crm.deal.add", json!({"fields": fields})).await;
        id.as_u64().expect("integer id")
    }
}
