//! Benchmark of the event store and the projector, on SQLite and on PostgreSQL.
//!
//! Appends `BENCH_EVENTS` (default 1,000,000) per-record events to one run through chunk
//! commands of 50 records, as the runner does (one command per Bitrix24 batch, chunks of
//! 1,000 records), and prints the cost of one command around 10k, 100k and 1M stored events
//! (it must stay flat: every command loads only its own chunk), the events written per
//! second, and the rebuild speed of every view. Run it with `scripts/bench.sh store`.

use std::time::{Duration, Instant};

use chrono::Utc;
use migrator_domain::chunk::RecordOutcome;
use migrator_domain::{ChunkCommand, ChunkId, RecordKind};
use migrator_projections::View;
use migrator_tests::{Kind, TestStore, scenario};

/// Records per command: one Bitrix24 batch.
const BATCH: u64 = 50;

/// Commands timed before each mark.
const WINDOW: usize = 200;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let events: u64 = std::env::var("BENCH_EVENTS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(1_000_000);
    let kinds: Vec<Kind> = match std::env::var("BENCH_STORES").as_deref() {
        Ok("sqlite") => vec![Kind::Sqlite],
        Ok("postgres") => vec![Kind::Postgres],
        _ => vec![Kind::Sqlite, Kind::Postgres],
    };

    println!("store benchmark: {events} per-record events in commands of {BATCH}");
    for kind in kinds {
        bench(kind, events).await;
    }
}

async fn bench(kind: Kind, events: u64) {
    let test = TestStore::new(kind).await;
    let id = scenario::start_run(&test.store, events).await;
    let marks: Vec<u64> = [10_000, 100_000, 1_000_000, events]
        .into_iter()
        .filter(|mark| *mark <= events)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();

    println!("\n## {kind}");
    println!("| events stored | command mean (ms) | command p95 (ms) |");
    println!("|---:|---:|---:|");

    let started = Instant::now();
    let mut latencies: Vec<Duration> = Vec::with_capacity(WINDOW);
    let mut written = 0u64;
    while written < events {
        let first = written + 1;
        let count = BATCH.min(events - written);
        let command = ChunkCommand::RecordBatch {
            migration_id: id,
            kind: RecordKind::Company,
            outcomes: (first..first + count).map(transferred).collect(),
            at: Utc::now(),
        };
        let chunk = ChunkId::new(id, RecordKind::Company, scenario::chunk_index(first));

        let sent = Instant::now();
        test.store
            .chunk(chunk, command)
            .await
            .expect("the chunk accepts the batch");
        if latencies.len() == WINDOW {
            latencies.remove(0);
        }
        latencies.push(sent.elapsed());
        written += count;

        if marks.contains(&written) {
            let (mean, p95) = summary(&latencies);
            println!("| {written} | {mean:.2} | {p95:.2} |");
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "\nwrote {written} events in {elapsed:.1} s: {:.0} events/s, {:.1} commands/s",
        written as f64 / elapsed,
        (written / BATCH) as f64 / elapsed
    );

    println!("\n| view | rebuild (s) | events/s |");
    println!("|---|---:|---:|");
    let projector = test.projector();
    let total = test.event_count().await as f64;
    for view in View::ALL {
        projector.reset(view).await.expect("reset");
        let started = Instant::now();
        projector.catch_up_view(view).await.expect("rebuild");
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "| {} | {seconds:.1} | {:.0} |",
            view.name(),
            total / seconds
        );
    }
}

fn transferred(amo_id: u64) -> RecordOutcome {
    RecordOutcome::Transferred {
        amo_id,
        b24_id: (amo_id + 500_000).to_string(),
        created: true,
    }
}

/// Mean and 95th percentile, in milliseconds.
fn summary(latencies: &[Duration]) -> (f64, f64) {
    let mut millis: Vec<f64> = latencies
        .iter()
        .map(|d| d.as_secs_f64() * 1_000.0)
        .collect();
    millis.sort_by(f64::total_cmp);
    let mean = millis.iter().sum::<f64>() / millis.len().max(1) as f64;
    let p95 = millis[(millis.len() * 95 / 100).min(millis.len().saturating_sub(1))];
    (mean, p95)
}
