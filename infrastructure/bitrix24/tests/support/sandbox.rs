//! Helpers to run the client against the Bitrix24 simulator: a clock whose sleeps move the
//! simulator's clock (so waits cost no real time), and clients for its webhook and its app.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use migrator_bitrix24::clock::SleepFuture;
use migrator_bitrix24::{
    Access, B24Client, ClientConfig, Clock, MemoryTokenStore, OAuthApp, OAuthSession, TokenPair,
    TokenStore, Webhook,
};
use migrator_sandbox_bitrix24::{B24Sandbox, Control, InstallGrant, SandboxConfig};
use secrecy::SecretString;

/// A clock shared by the client and the simulator: sleeping advances both at once.
#[derive(Debug, Clone)]
pub struct PortalClock {
    control: Control,
    offset: Arc<Mutex<Duration>>,
    sleeps: Arc<Mutex<Vec<Duration>>>,
}

impl PortalClock {
    pub fn new(control: Control) -> Self {
        Self {
            control,
            offset: Arc::default(),
            sleeps: Arc::default(),
        }
    }

    /// Every sleep the client asked for.
    pub fn total_slept(&self) -> Duration {
        self.sleeps.lock().expect("clock lock").iter().sum()
    }
}

impl Clock for PortalClock {
    fn now(&self) -> DateTime<Utc> {
        let offset = *self.offset.lock().expect("clock lock");
        Utc::now() + chrono::Duration::from_std(offset).expect("offset fits")
    }

    fn sleep(&self, duration: Duration) -> SleepFuture {
        self.control.advance_clock(duration);
        *self.offset.lock().expect("clock lock") += duration;
        self.sleeps.lock().expect("clock lock").push(duration);
        Box::pin(tokio::task::yield_now())
    }
}

/// A simulator whose leaky bucket follows the test clock.
pub async fn sandbox(config: SandboxConfig) -> B24Sandbox {
    let config = SandboxConfig {
        bucket_on_test_clock: true,
        ..config
    };
    B24Sandbox::start(config)
        .await
        .expect("the simulator starts")
}

/// A webhook client on the simulator, waiting on the shared clock.
pub fn webhook_client(sandbox: &B24Sandbox, config: ClientConfig) -> (B24Client, PortalClock) {
    let clock = PortalClock::new(sandbox.control().clone());
    let hook = Webhook::parse(&sandbox.webhook_url()).expect("the simulator's webhook parses");
    let client = B24Client::builder(Access::Webhook(hook))
        .config(config)
        .clock(Arc::new(clock.clone()))
        .build()
        .expect("client builds");
    (client, clock)
}

/// The pair the simulator hands an app on install, as the client stores it.
pub fn pair_of(grant: &InstallGrant) -> TokenPair {
    TokenPair {
        access_token: SecretString::from(grant.access_token.clone()),
        refresh_token: SecretString::from(grant.refresh_token.clone()),
        expires_at: Utc::now() + chrono::Duration::seconds(grant.expires_in),
        client_endpoint: url::Url::parse(&grant.client_endpoint).expect("endpoint parses"),
        member_id: grant.member_id.clone(),
    }
}

/// Installs the app for user 1 and returns an OAuth client with its tokens in `store`.
pub async fn app_client(
    sandbox: &B24Sandbox,
    store: Arc<dyn TokenStore>,
) -> (B24Client, PortalClock) {
    let (client_id, client_secret) = sandbox.control().client_credentials();
    let app = OAuthApp {
        client_id,
        client_secret: SecretString::from(client_secret),
        auth_server: url::Url::parse(&format!("{}/", sandbox.url())).expect("url parses"),
    };

    let session = OAuthSession::open(app, store).await.expect("session opens");
    let clock = PortalClock::new(sandbox.control().clone());
    let client = B24Client::builder(Access::OAuth(Box::new(session)))
        .clock(Arc::new(clock.clone()))
        .build()
        .expect("client builds");
    (client, clock)
}

/// Installs the app for user 1 and returns a memory store holding its first pair.
pub fn installed_store(sandbox: &B24Sandbox) -> Arc<MemoryTokenStore> {
    installed_store_for(sandbox, 1)
}

/// Installs the app for `user_id` and returns a memory store holding its first pair.
pub fn installed_store_for(sandbox: &B24Sandbox, user_id: u64) -> Arc<MemoryTokenStore> {
    let grant = sandbox.control().install_app(user_id);
    sandbox.control().finish_install();
    Arc::new(MemoryTokenStore::with(pair_of(&grant)))
}
