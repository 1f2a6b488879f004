//! The HTTP server: route table, start on 127.0.0.1 and graceful shutdown.

mod api;
mod drive;
mod gate;
mod oauth;
mod paging;
mod problem;
mod query;
mod render;
mod sandbox_api;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::Uri;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use secrecy::ExposeSecret;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth::AuthState;
use crate::calls::CallLog;
use crate::clock::SandboxClock;
use crate::config::SandboxConfig;
use crate::control::{Control, Shared, Standing, lock};
use crate::drift::Drift;
use crate::error::SandboxError;
use crate::faults::Faults;
use crate::generator::Account;
use crate::limiter::RateLimiter;

/// A running amoCRM simulator.
pub struct AmoSandbox {
    address: SocketAddr,
    control: Control,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for AmoSandbox {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AmoSandbox")
            .field("address", &self.address)
            .finish()
    }
}

impl AmoSandbox {
    /// Generates the account and serves it on 127.0.0.1 (`config.port`, 0 = any free port).
    pub async fn start(config: SandboxConfig) -> Result<AmoSandbox, SandboxError> {
        let port = config.port;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|source| SandboxError::Bind { port, source })?;
        let address = listener.local_addr().map_err(SandboxError::LocalAddress)?;
        let base_url = format!("http://{address}");

        let account = Account::new(config.seed, config.size);
        let clock = SandboxClock::default();
        let now = clock.now();
        let auth = AuthState::new(
            config.seed,
            account.account_id(),
            now,
            now + config.long_lived_token_lifetime,
        );
        let shared = Arc::new(Shared {
            calls: Mutex::new(CallLog::new(config.call_log_capacity)),
            standing: Mutex::new(Standing {
                subdomain: config.subdomain.clone(),
                subscription_expired_at: None,
            }),
            config,
            account,
            base_url,
            clock,
            auth: Mutex::new(auth),
            faults: Mutex::new(Faults::default()),
            limiter: Mutex::new(RateLimiter::default()),
            drift: Mutex::new(Drift::default()),
        });

        let router = router(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serving = axum::serve(listener, router).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = serving.await {
                tracing::error!(%error, "amoCRM sandbox server stopped with an error");
            }
        });
        tracing::info!(%address, "amoCRM sandbox listening");
        Ok(AmoSandbox {
            address,
            control: Control { shared },
            stop: Some(stop),
            task,
        })
    }

    /// The account base URL, `http://127.0.0.1:PORT` (what `https://x.amocrm.ru` is live).
    pub fn url(&self) -> String {
        self.control.shared.base_url.clone()
    }

    /// The port the sandbox listens on.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// A valid long-lived access token (expires years from now unless revoked).
    pub fn access_token(&self) -> String {
        lock(&self.control.shared.auth)
            .long_lived()
            .expose_secret()
            .to_string()
    }

    /// The control handle: faults, clock, OAuth codes, call log, state.
    pub fn control(&self) -> &Control {
        &self.control
    }

    /// Stops serving and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Serves until the process receives Ctrl-C (for the `migrator sandbox amo` command).
    pub async fn wait_for_ctrl_c(self) {
        let _ = tokio::signal::ctrl_c().await;
        self.shutdown().await;
    }
}

/// Starts a sandbox and returns it with the JSON line a command prints:
/// `{"url": ..., "token": ...}`.
pub async fn run_standalone(
    config: SandboxConfig,
) -> Result<(AmoSandbox, serde_json::Value), SandboxError> {
    let sandbox = AmoSandbox::start(config).await?;
    let line = serde_json::json!({"url": sandbox.url(), "token": sandbox.access_token()});
    Ok((sandbox, line))
}

fn router(shared: Arc<Shared>) -> Router {
    let fallback_state = shared.clone();
    Router::new()
        .route("/oauth2/access_token", post(oauth::token))
        .route("/oauth2/account/current/subdomain", get(oauth::subdomain))
        .route("/oauth2/exchange_api_key", post(oauth::exchange_api_key))
        .route("/private/api/auth.php", post(oauth::legacy_login))
        .route("/api/v4/{*rest}", get(api::dispatch))
        .route("/drive/v1.0/files", get(drive::list))
        .route("/drive/v1.0/files/{uuid}", get(drive::file))
        .route("/drive/download/{*rest}", get(drive::download))
        .route("/download/{attachment}", get(drive::legacy))
        .route("/recordings/{file}", get(drive::recording))
        .nest("/__sandbox", sandbox_api::router())
        .fallback(move |method: axum::http::Method, uri: Uri| {
            let base = fallback_state.base_url.clone();
            async move { problem::not_found(method.as_str(), &format!("{base}{}", uri.path())) }
        })
        .method_not_allowed_fallback(|| async { problem::method_not_allowed() })
        .layer(from_fn_with_state(shared.clone(), gate::gate))
        .with_state(shared)
}
