//! The client's logs name hosts, paths and statuses, never a token, secret or code.

use std::io::Write;
use std::sync::{Arc, Mutex};

use migrator_amocrm::ListQuery;
use secrecy::ExposeSecret;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::helpers::{SpyStore, address, app, collect, fast_config, sandbox};

/// A log sink the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut buffer = self.0.lock().unwrap_or_else(|p| p.into_inner());
        buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn a_connection_with_refresh_and_faults_logs_no_secret() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new("migrator_amocrm=trace"))
        .with_writer(logs.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let sandbox = sandbox(600).await;
    let code = sandbox.control().issue_code();

    let (client, store) = connected_with(&sandbox, &code).await;
    sandbox.control().advance_clock(86_400 + 60);
    sandbox.control().inject_fault(
        "/api/v4/leads",
        migrator_sandbox_amocrm::FaultKind::Status { status: 500 },
        1,
    );
    collect(client.leads(ListQuery::new())).await;

    let text = String::from_utf8(logs.0.lock().expect("logs").clone()).expect("utf-8");
    assert!(
        text.contains("refreshing"),
        "the refresh was logged: {text}"
    );
    let pair = store.current().expect("stored");
    for secret in [
        code,
        sandbox.control().client_secret(),
        pair.access_token.expose_secret().to_owned(),
        pair.refresh_token.expose_secret().to_owned(),
    ] {
        assert!(!text.contains(&secret), "a secret reached the logs");
    }
}

/// Connects with `code` (the helper issues its own; this test needs to know it).
async fn connected_with(
    sandbox: &migrator_sandbox_amocrm::AmoSandbox,
    code: &str,
) -> (migrator_amocrm::AmoClient, Arc<SpyStore>) {
    let store = Arc::new(SpyStore::default());
    let client = migrator_amocrm::AmoClient::connect_with_code(
        address(sandbox),
        app(sandbox),
        secrecy::SecretString::from(code.to_owned()),
        store.clone(),
        fast_config(),
    )
    .await
    .expect("connected");
    (client, store)
}
