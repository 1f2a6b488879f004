//! Both simulators, a runner over them, and readers of what the portal holds afterwards.

use std::collections::BTreeMap;
use std::sync::Arc;

use migrator_amocrm::{AccountAddress, AmoClient, ClientConfig};
use migrator_bitrix24::{Access, B24Client, ClientConfig as B24ClientConfig, Webhook};
use migrator_domain::{Entity, Settings};
use migrator_runner::{RunRequest, Runner, RunnerError, Services, Silent};
use migrator_sandbox_amocrm::{AmoSandbox, SandboxConfig as AmoConfig};
use migrator_sandbox_bitrix24::{B24Sandbox, SandboxConfig as B24Config};
use migrator_tests::TestStore;
use secrecy::SecretString;
use serde_json::Value;
use uuid::Uuid;

/// A field of a portal record as text (the portal keeps ids as strings).
// Not every test binary reads fields as text.
#[allow(dead_code)]
pub fn text(record: &Value, key: &str) -> String {
    match &record[key] {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A generated account, an empty portal and a store.
pub struct World {
    pub amo: AmoSandbox,
    pub b24: B24Sandbox,
    pub test: TestStore,
    /// Requests per second the amoCRM client may send (the account's real limit: 7).
    pub amo_rate: u32,
    /// Settings of the amoCRM client of every runner (its rate is `amo_rate`).
    pub amo_client: ClientConfig,
    /// Settings of the Bitrix24 client of every runner.
    pub b24_client: B24ClientConfig,
}

impl World {
    /// An account of `size` records at amoCRM's real pace (7 requests a second).
    // Each test binary compiles this module on its own, and not every one starts a world
    // at the real pace.
    #[allow(dead_code)]
    pub async fn new(kind: migrator_tests::Kind, size: u64) -> World {
        World::with_amo_rate(kind, size, 7).await
    }

    /// An account whose rate limit is `amo_rate` requests per second, for tests whose
    /// subject is not amoCRM's pace.
    pub async fn with_amo_rate(kind: migrator_tests::Kind, size: u64, amo_rate: u32) -> World {
        let config = AmoConfig {
            size,
            seed: 11,
            rate_limit_rps: amo_rate,
            ..AmoConfig::default()
        };
        let b24 = B24Config {
            plan: "ru_ent250".to_owned(),
            ..B24Config::default()
        };
        World::with_sandboxes(kind, config, b24).await
    }

    /// Simulators started with these settings, and clients with their defaults (the amoCRM
    /// client's rate is the account's); a test may change `amo_client` and `b24_client`
    /// before it builds runners.
    pub async fn with_sandboxes(
        kind: migrator_tests::Kind,
        amo: AmoConfig,
        b24: B24Config,
    ) -> World {
        let amo_rate = amo.rate_limit_rps;
        let amo = AmoSandbox::start(amo).await.expect("amoCRM sandbox");
        let b24 = B24Sandbox::start(b24).await.expect("Bitrix24 sandbox");
        World {
            amo,
            b24,
            test: TestStore::new(kind).await,
            amo_rate,
            amo_client: ClientConfig {
                requests_per_second: amo_rate,
                ..ClientConfig::default()
            },
            b24_client: B24ClientConfig::default(),
        }
    }

    /// A runner as a fresh process would build it.
    pub async fn runner(&self) -> Runner {
        self.try_runner().await.expect("runner")
    }

    /// A runner as a fresh process would build it, or why it could not be built (the
    /// amoCRM account read at start-up failed).
    pub async fn try_runner(&self) -> Result<Runner, RunnerError> {
        self.try_runner_reporting_to(Arc::new(Silent)).await
    }

    /// A runner that reports its phases and progress to `progress`, as the progress bar and
    /// the app's live log see them.
    pub async fn try_runner_reporting_to(
        &self,
        progress: Arc<dyn migrator_runner::Progress>,
    ) -> Result<Runner, RunnerError> {
        let address = AccountAddress::from_base_url(&self.amo.url()).expect("address");
        let token = SecretString::from(self.amo.access_token());
        let config = ClientConfig {
            requests_per_second: self.amo_rate,
            ..self.amo_client.clone()
        };
        let amo = AmoClient::with_long_lived_token(address, token, config).expect("amoCRM client");
        let hook = Webhook::parse(&self.b24.webhook_url()).expect("a webhook URL");
        let b24 = B24Client::builder(Access::Webhook(hook))
            .config(self.b24_client.clone())
            .build()
            .expect("Bitrix24 client");
        let services = Services {
            store: self.test.store.clone(),
            amo,
            b24,
        };
        Runner::new(services, "test-worker", progress).await
    }

    /// A runner that reaches the portal as its installed OAuth app (installed now, for the
    /// portal's user 1), so that removing the app reaches the run (G1).
    // Not every test binary removes the app.
    #[allow(dead_code)]
    pub async fn app_runner(&self) -> Runner {
        let control = self.b24.control();
        let grant = control.install_app(1);
        control.finish_install();
        let pair = migrator_bitrix24::TokenPair {
            access_token: SecretString::from(grant.access_token.clone()),
            refresh_token: SecretString::from(grant.refresh_token.clone()),
            expires_at: chrono::Utc::now() + chrono::Duration::seconds(grant.expires_in),
            client_endpoint: grant.client_endpoint.parse().expect("the client endpoint"),
            member_id: grant.member_id.clone(),
        };
        let (client_id, client_secret) = control.client_credentials();
        let app = migrator_bitrix24::OAuthApp {
            client_id,
            client_secret: SecretString::from(client_secret),
            auth_server: format!("{}/", self.b24.url())
                .parse()
                .expect("the auth server"),
        };
        let tokens = Arc::new(migrator_bitrix24::MemoryTokenStore::with(pair));
        let session = migrator_bitrix24::OAuthSession::open(app, tokens)
            .await
            .expect("the app's session");
        let b24 = B24Client::builder(Access::OAuth(Box::new(session)))
            .config(self.b24_client.clone())
            .build()
            .expect("Bitrix24 client");
        let address = AccountAddress::from_base_url(&self.amo.url()).expect("address");
        let token = SecretString::from(self.amo.access_token());
        let config = ClientConfig {
            requests_per_second: self.amo_rate,
            ..self.amo_client.clone()
        };
        let amo = AmoClient::with_long_lived_token(address, token, config).expect("amoCRM client");
        let services = Services {
            store: self.test.store.clone(),
            amo,
            b24,
        };
        Runner::new(services, "test-app-worker", Arc::new(Silent))
            .await
            .expect("runner")
    }

    /// A request for the CRM core of the account.
    pub fn request(&self, entities: &[Entity]) -> RunRequest {
        let settings = Settings::new(entities.iter().copied(), None, false, BTreeMap::new())
            .expect("ok")
            .0;
        RunRequest {
            migration_id: Uuid::new_v4(),
            portal: self.b24.url(),
            settings,
            requested_by: "test".to_owned(),
        }
    }

    /// The portal's records of one CRM type (`companies`, `contacts`, `deals`, ...).
    pub fn portal(&self, key: &str) -> Vec<Value> {
        let state = self.b24.control().state();
        match &state[key] {
            Value::Array(rows) => rows.clone(),
            Value::Object(rows) => rows.values().cloned().collect(),
            _ => Vec::new(),
        }
    }
}

impl World {
    /// The run's own events (the `Migration` aggregate's), oldest first, as the history view
    /// holds them once the projector caught up: (event type, payload).
    // Not every test binary reads the history.
    #[allow(dead_code)]
    pub async fn history(&self, id: Uuid) -> Vec<(String, Value)> {
        let entries = self
            .views()
            .await
            .history(id, 0, 1_000_000)
            .await
            .expect("history");
        entries
            .into_iter()
            .filter(|entry| entry.aggregate_type == "Migration")
            .map(|entry| {
                let payload: Value = serde_json::from_str(&entry.payload).expect("JSON payload");
                let inner = payload[&entry.event_type].clone();
                (entry.event_type, inner)
            })
            .collect()
    }

    /// The failure list of a run as the failures view holds it (kind, amoCRM id, code,
    /// reason).
    #[allow(dead_code)]
    pub async fn failures(&self, id: Uuid) -> Vec<(String, i64, String, String)> {
        let rows = self
            .views()
            .await
            .failures(id, 0, 1_000_000)
            .await
            .expect("failures");
        rows.into_iter()
            .map(|(_, failure)| (failure.entity, failure.amo_id, failure.code, failure.reason))
            .collect()
    }

    /// The read models, once the projector has caught up with every event.
    async fn views(&self) -> migrator_projections::ReadModels {
        self.test
            .projector()
            .catch_up()
            .await
            .expect("views caught up");
        self.test.read()
    }
}
