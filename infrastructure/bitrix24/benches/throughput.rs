//! Throughput of the client against the Bitrix24 simulator with the real default limits
//! (a bucket of 50 draining 2 requests per second, on real time).
//!
//! For `BENCH_SECONDS` (default 120) two workers send batches of 50 `crm.company.add`
//! commands as fast as the shaper lets them. At the end it prints the accepted requests per
//! second, their ratio to what the portal allows in that time (`C + R·T`) and to the
//! sustained rate `R` after the opening burst, and the share of requests the portal refused
//! with 503. Run with `cargo bench -p migrator-bitrix24 --bench throughput`.

use std::time::{Duration, Instant};

use migrator_bitrix24::{B24Client, B24Error, Batch, ShaperConfig};
use migrator_sandbox_bitrix24::{B24Sandbox, SandboxConfig};
use serde_json::json;

/// Concurrent senders sharing one client (and so one shaper).
const WORKERS: usize = 2;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(120);
    let window = Duration::from_secs(seconds);

    let portal = B24Sandbox::start(SandboxConfig::default()).await?;
    let client = B24Client::from_webhook_url(&portal.webhook_url())?;
    let limits = ShaperConfig::standard();

    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..WORKERS {
        let client = client.clone();
        workers.push(tokio::spawn(async move {
            send_until(client, worker, started + window).await
        }));
    }

    let mut accepted_by_client = 0_u64;
    for worker in workers {
        accepted_by_client += worker.await??;
    }
    let elapsed = started.elapsed().as_secs_f64();

    let calls = portal.control().calls();
    let batches = calls.iter().filter(|call| call.method == "batch");
    let (accepted, refused) =
        batches.fold((0_u64, 0_u64), |(ok, refused), call| match call.status {
            200 => (ok + 1, refused),
            503 => (ok, refused + 1),
            _ => (ok, refused),
        });
    let sent = accepted + refused;

    let allowed = limits.capacity + limits.drain_per_second * elapsed;
    let burst = limits.capacity - limits.headroom;
    let sustained = (accepted as f64 - burst) / elapsed;

    println!("bitrix24 client throughput against the simulator, {elapsed:.1} s of real time");
    println!(
        "limits: bucket {} draining {}/s",
        limits.capacity, limits.drain_per_second
    );
    println!(
        "accepted requests: {accepted} (each a batch of 50 commands; client counted \
         {accepted_by_client})"
    );
    println!("requests/s: {:.3}", accepted as f64 / elapsed);
    println!(
        "ratio to the allowed C + R*T = {allowed:.1}: {:.3}",
        accepted as f64 / allowed
    );
    println!(
        "sustained rate after the opening burst of {burst}: {sustained:.3}/s, ratio to R: {:.3}",
        sustained / limits.drain_per_second
    );
    println!(
        "refused (503): {refused} of {sent} = {:.2} %",
        100.0 * refused as f64 / sent.max(1) as f64
    );

    portal.shutdown().await;
    Ok(())
}

/// Sends batches until `deadline`; returns how many the portal accepted.
async fn send_until(client: B24Client, worker: usize, deadline: Instant) -> Result<u64, B24Error> {
    let mut accepted = 0;
    let mut round = 0_u64;

    while Instant::now() < deadline {
        let mut batch = Batch::new();
        for index in 0..50 {
            let title = format!("Company {worker}-{round}-{index}");
            batch.push(
                format!("c{index}"),
                "crm.company.add",
                json!({"fields": {"TITLE": title}}),
            )?;
        }

        let outcome = client.batch(&batch).await?;
        if outcome.failed().count() > 0 {
            return Err(B24Error::InvalidRequest {
                method: "batch".to_owned(),
                detail: "the simulator refused a company".to_owned(),
            });
        }
        accepted += 1;
        round += 1;
    }

    Ok(accepted)
}
