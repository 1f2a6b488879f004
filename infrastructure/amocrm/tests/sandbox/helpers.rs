//! Starting a simulator and building clients for it with fast retries.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use futures::TryStreamExt;
use migrator_amocrm::{
    AccountAddress, AmoClient, ClientConfig, MemoryTokenStore, OAuthApp, RecordStream, RetryPolicy,
    TokenPair, TokenStore,
};
use migrator_sandbox_amocrm::{AmoSandbox, CallRecord, SandboxConfig};
use secrecy::SecretString;

/// A simulator with `size` records and no rate limit (tests that need one set it).
pub async fn sandbox(size: u64) -> AmoSandbox {
    sandbox_with(SandboxConfig {
        size,
        rate_limit_rps: 0,
        ..SandboxConfig::default()
    })
    .await
}

/// A simulator with `config`.
pub async fn sandbox_with(config: SandboxConfig) -> AmoSandbox {
    AmoSandbox::start(config).await.expect("the sandbox starts")
}

/// Client settings with millisecond backoffs and no practical rate limit.
pub fn fast_config() -> ClientConfig {
    ClientConfig {
        requests_per_second: 1_000,
        retry: RetryPolicy {
            max_attempts: 4,
            max_rate_limited_attempts: 4,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(40),
        },
        request_timeout: Duration::from_secs(5),
        ..ClientConfig::default()
    }
}

/// The simulator's address as a client address.
pub fn address(sandbox: &AmoSandbox) -> AccountAddress {
    AccountAddress::from_base_url(&sandbox.url()).expect("a base URL")
}

/// The simulator's integration.
pub fn app(sandbox: &AmoSandbox) -> OAuthApp {
    let control = sandbox.control();
    OAuthApp {
        client_id: control.client_id(),
        client_secret: SecretString::from(control.client_secret()),
        redirect_uri: control.redirect_uri(),
    }
}

/// A client connected with a fresh authorisation code, and its token store.
pub async fn connected(sandbox: &AmoSandbox, config: ClientConfig) -> (AmoClient, Arc<SpyStore>) {
    let store = Arc::new(SpyStore::default());
    let code = SecretString::from(sandbox.control().issue_code());
    let client =
        AmoClient::connect_with_code(address(sandbox), app(sandbox), code, store.clone(), config)
            .await
            .expect("the code is exchanged");
    (client, store)
}

/// A client using the simulator's long-lived token.
pub fn long_lived(sandbox: &AmoSandbox, config: ClientConfig) -> AmoClient {
    let token = SecretString::from(sandbox.access_token());
    AmoClient::with_long_lived_token(address(sandbox), token, config).expect("a client")
}

/// Collects a stream, failing the test on the first error.
pub async fn collect<T>(stream: RecordStream<T>) -> Vec<T> {
    stream.try_collect().await.expect("the listing completes")
}

/// Calls received on paths starting with `prefix`.
pub fn calls_to(sandbox: &AmoSandbox, prefix: &str) -> Vec<CallRecord> {
    sandbox
        .control()
        .calls()
        .into_iter()
        .filter(|call| call.path.starts_with(prefix))
        .collect()
}

/// A token store that counts saves and can be told to fail them.
#[derive(Debug, Default)]
pub struct SpyStore {
    inner: MemoryTokenStore,
    pub saves: AtomicUsize,
    pub fail_saves: AtomicBool,
}

impl SpyStore {
    /// The pair saved last.
    pub fn current(&self) -> Option<TokenPair> {
        self.inner.current()
    }

    /// How many saves succeeded.
    pub fn save_count(&self) -> usize {
        self.saves.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl TokenStore for SpyStore {
    async fn load(&self) -> Result<Option<TokenPair>, String> {
        self.inner.load().await
    }

    async fn save(&self, pair: &TokenPair) -> Result<(), String> {
        if self.fail_saves.load(Ordering::SeqCst) {
            return Err("disk full".to_owned());
        }
        self.saves.fetch_add(1, Ordering::SeqCst);
        self.inner.save(pair).await
    }
}
