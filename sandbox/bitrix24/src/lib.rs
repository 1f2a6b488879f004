//! A simulated Bitrix24 portal for tests: a real HTTP server on 127.0.0.1 that answers REST
//! calls the way a cloud portal does (envelopes, PHP JSON quirks, paging, `batch`, rate and
//! operating limits, OAuth tokens, plan limits, CRM, tasks, users, Drive), records every call,
//! and lets tests inject faults, move the clock and read the whole state.
//!
//! Layout:
//! - [`config`]: [`SandboxConfig`] and the per-plan limits.
//! - `server`, `request`, `pipeline`, `batch`, `envelope`: the HTTP path of a REST call;
//!   `transfers`: Drive downloads and upload URLs.
//! - `auth`: webhook, OAuth tokens, the fake auth server, install/uninstall deliveries.
//! - `limits`: the leaky bucket and the operating budget.
//! - `methods`: one module per REST area; `portal`: the data they work on.
//! - [`Control`] and `control_http`: the test's handle and its `/__sandbox/` mirror.
//!
//! ```no_run
//! # async fn demo() -> Result<(), migrator_sandbox_bitrix24::SandboxError> {
//! use migrator_sandbox_bitrix24::{B24Sandbox, SandboxConfig};
//! let sandbox = B24Sandbox::start(SandboxConfig::default()).await?;
//! println!("{}", sandbox.webhook_url()); // http://127.0.0.1:PORT/rest/1/<code>/
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

mod api_error;
mod auth;
mod batch;
mod calllog;
mod clock;
pub mod config;
mod control;
mod control_http;
mod envelope;
mod error;
mod faults;
mod limits;
mod methods;
mod php;
mod pipeline;
mod portal;
mod request;
mod rng;
mod server;
mod transfers;
mod world;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use api_error::ApiError;
pub use auth::install::InstallGrant;
pub use calllog::CallRecord;
pub use config::{PlanLimits, SandboxConfig};
pub use control::{Control, NewUser};
pub use error::SandboxError;
pub use faults::{Chaos, Fault, known_error};
pub use portal::UserKind;

/// A running simulated portal. Its `Debug` output shows the address only (the webhook path
/// holds a secret code).
pub struct B24Sandbox {
    address: SocketAddr,
    control: Control,
    webhook_path: String,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for B24Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("B24Sandbox")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl B24Sandbox {
    /// Starts a portal on `127.0.0.1:{config.port}` (0 picks a free port).
    ///
    /// # Errors
    /// [`SandboxError::Bind`] when the port cannot be bound.
    pub async fn start(config: SandboxConfig) -> Result<B24Sandbox, SandboxError> {
        let port = config.port;
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|source| SandboxError::Bind { port, source })?;
        let address = listener
            .local_addr()
            .map_err(|source| SandboxError::Bind { port, source })?;

        let world = world::World::new(config, address.to_string());
        let webhook_path = format!(
            "/rest/{}/{}/",
            world.auth.webhook_user,
            secrecy::ExposeSecret::expose_secret(&world.auth.webhook_code)
        );
        let world = Arc::new(Mutex::new(world));
        let app = server::router(world.clone()).into_make_service_with_connect_info::<SocketAddr>();

        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(error) = served {
                tracing::error!(%error, "bitrix24 sandbox server stopped");
            }
        });
        tracing::info!(%address, "bitrix24 sandbox listening");

        Ok(B24Sandbox {
            address,
            control: Control::new(world),
            webhook_path,
            stop: Some(stop),
            task,
        })
    }

    /// Portal base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The working incoming webhook, `http://127.0.0.1:PORT/rest/1/<code>/`.
    pub fn webhook_url(&self) -> String {
        format!("{}{}", self.url(), self.webhook_path)
    }

    /// `{"url": ..., "webhook": ...}`, what `migrator sandbox b24` prints.
    pub fn summary(&self) -> serde_json::Value {
        serde_json::json!({"url": self.url(), "webhook": self.webhook_url()})
    }

    /// The port the portal listens on.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// The control handle.
    pub fn control(&self) -> &Control {
        &self.control
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}
