//! Memory check: starts a sandbox (1,000,000 records unless a size is given as the first
//! argument) and pages through every lead over HTTP with `limit=250`, then prints how
//! many came back.
//!
//! Build with `cargo build -p migrator-sandbox-amocrm --example page_through`, run
//! `/usr/bin/time -v target/debug/examples/page_through [SIZE]` and read "Maximum
//! resident set size"; compare a small size with 1,000,000.

use migrator_sandbox_amocrm::{AmoSandbox, SandboxConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let size = std::env::args().nth(1).and_then(|size| size.parse().ok());
    let config = SandboxConfig {
        size: size.unwrap_or(1_000_000),
        rate_limit_rps: 0,
        ..SandboxConfig::default()
    };
    let sandbox = AmoSandbox::start(config).await?;
    let client = reqwest::Client::new();
    let token = sandbox.access_token();

    let mut page = 1;
    let mut seen = 0usize;
    loop {
        let url = format!("{}/api/v4/leads?limit=250&page={page}", sandbox.url());
        let response = client.get(url).bearer_auth(&token).send().await?;
        if response.status() == reqwest::StatusCode::NO_CONTENT {
            break;
        }
        let body: serde_json::Value = response.error_for_status()?.json().await?;
        let items = body["_embedded"]["leads"].as_array().map_or(0, Vec::len);
        seen += items;
        if items < 250 {
            break;
        }
        page += 1;
    }

    let expected = sandbox
        .control()
        .account()
        .count(migrator_sandbox_amocrm::generator::EntityKind::Leads);
    println!("leads paged: {seen} of {expected} in {page} pages");
    sandbox.shutdown().await;
    Ok(())
}
