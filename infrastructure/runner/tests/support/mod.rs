//! Both simulators, a runner over them, and readers of what the portal holds afterwards.

use std::collections::BTreeMap;
use std::sync::Arc;

use migrator_amocrm::{AccountAddress, AmoClient, ClientConfig};
use migrator_bitrix24::B24Client;
use migrator_domain::{Entity, Settings};
use migrator_runner::{RunRequest, Runner, Services, Silent};
use migrator_sandbox_amocrm::{AmoSandbox, SandboxConfig as AmoConfig};
use migrator_sandbox_bitrix24::{B24Sandbox, SandboxConfig as B24Config};
use migrator_tests::TestStore;
use secrecy::SecretString;
use serde_json::Value;
use uuid::Uuid;

/// A generated account, an empty portal and a store.
pub struct World {
    pub amo: AmoSandbox,
    pub b24: B24Sandbox,
    pub test: TestStore,
    /// Requests per second the amoCRM client may send (the account's real limit: 7).
    pub amo_rate: u32,
}

impl World {
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
        let amo = AmoSandbox::start(config).await.expect("amoCRM sandbox");
        let config = B24Config {
            plan: "ru_ent250".to_owned(),
            ..B24Config::default()
        };
        let b24 = B24Sandbox::start(config).await.expect("Bitrix24 sandbox");
        World {
            amo,
            b24,
            test: TestStore::new(kind).await,
            amo_rate,
        }
    }

    /// A runner as a fresh process would build it.
    pub async fn runner(&self) -> Runner {
        let address = AccountAddress::from_base_url(&self.amo.url()).expect("address");
        let token = SecretString::from(self.amo.access_token());
        let config = ClientConfig {
            requests_per_second: self.amo_rate,
            ..ClientConfig::default()
        };
        let amo = AmoClient::with_long_lived_token(address, token, config).expect("amoCRM client");
        let b24 = B24Client::from_webhook_url(&self.b24.webhook_url()).expect("Bitrix24 client");
        let services = Services {
            store: self.test.store.clone(),
            amo,
            b24,
        };
        Runner::new(services, "test-worker", Arc::new(Silent))
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
