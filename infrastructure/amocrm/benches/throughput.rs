//! Read throughput against the simulator with its real default limits (7 requests/s per
//! account, 250 records a page).
//!
//! Reads leads, then contacts, then companies through one client for `BENCH_SECONDS`
//! (default 120) and prints records/s, requests/s, their ratio to the ceiling of
//! 7 × 250 = 1,750 records/s (goal ≥ 0.95), and how many 429s the simulator answered.
//! `BENCH_READ_AHEAD` overrides the client's read-ahead.
//! Run with `cargo bench -p migrator-amocrm --bench throughput`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use migrator_amocrm::{
    AccountAddress, AmoClient, ClientConfig, ListQuery, MemoryTokenStore, OAuthApp,
};
use migrator_sandbox_amocrm::{AmoSandbox, SandboxConfig};
use secrecy::SecretString;

/// amoCRM's documented ceiling: 7 requests a second, 250 records a page.
const CEILING_RECORDS_PER_SECOND: f64 = 7.0 * 250.0;

#[tokio::main]
async fn main() {
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(120);
    let budget = Duration::from_secs(seconds);

    let sandbox = AmoSandbox::start(SandboxConfig {
        size: 1_000_000,
        ..SandboxConfig::default()
    })
    .await
    .expect("the simulator starts");
    let client = connect(&sandbox).await;
    sandbox.control().clear_calls();

    let started = Instant::now();
    let mut records: u64 = 0;
    let mut failures: u64 = 0;
    'entities: for entity in ["leads", "contacts", "companies"] {
        let mut stream = match entity {
            "leads" => client
                .leads(ListQuery::new())
                .map(|r| r.map(|_| ()))
                .boxed(),
            "contacts" => client
                .contacts(ListQuery::new())
                .map(|r| r.map(|_| ()))
                .boxed(),
            _ => client
                .companies(ListQuery::new())
                .map(|r| r.map(|_| ()))
                .boxed(),
        };
        while let Some(record) = stream.next().await {
            match record {
                Ok(()) => records += 1,
                Err(error) => {
                    failures += 1;
                    eprintln!("read failed: {error}");
                    if !error.is_retryable() {
                        break 'entities;
                    }
                }
            }
            if started.elapsed() >= budget {
                break 'entities;
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();

    let calls = sandbox.control().calls();
    let requests = calls
        .iter()
        .filter(|c| c.path.starts_with("/api/v4/"))
        .count();
    let limited = calls.iter().filter(|c| c.status == 429).count();
    let records_per_second = records as f64 / elapsed;
    println!("duration_s      {elapsed:.1}");
    println!("records         {records}");
    println!("requests        {requests}");
    println!("records_per_s   {records_per_second:.1}");
    println!("requests_per_s  {:.2}", requests as f64 / elapsed);
    println!(
        "ratio_to_1750   {:.3} (goal >= 0.95)",
        records_per_second / CEILING_RECORDS_PER_SECOND
    );
    println!("http_429        {limited}");
    println!("failed_reads    {failures}");

    sandbox.shutdown().await;
}

/// The default client settings, with `BENCH_READ_AHEAD` applied if set.
fn config() -> ClientConfig {
    let mut config = ClientConfig::default();
    if let Some(read_ahead) = std::env::var("BENCH_READ_AHEAD")
        .ok()
        .and_then(|value| value.parse().ok())
    {
        config.read_ahead = read_ahead;
    }
    println!("read_ahead      {}", config.read_ahead);
    config
}

/// Connects through the OAuth code exchange, like a real account.
async fn connect(sandbox: &AmoSandbox) -> AmoClient {
    let control = sandbox.control();
    let app = OAuthApp {
        client_id: control.client_id(),
        client_secret: SecretString::from(control.client_secret()),
        redirect_uri: control.redirect_uri(),
    };
    let address = AccountAddress::from_base_url(&sandbox.url()).expect("a base URL");
    let code = SecretString::from(control.issue_code());

    AmoClient::connect_with_code(
        address,
        app,
        code,
        Arc::new(MemoryTokenStore::default()),
        config(),
    )
    .await
    .expect("connected")
}
