//! Benchmark of the engine against both simulators at their real default limits: amoCRM at 7
//! requests/s, a Bitrix24 portal on a standard plan (a bucket of 50 draining 2 requests/s).
//!
//! Moves a generated account of `BENCH_RECORDS` records (default 20,000; the CRM core of it:
//! users, companies, contacts, pipelines, deals) on a SQLite store, and prints the records
//! moved per second while moving, the Bitrix24 requests sent, and the ratio of the records
//! moved to the most the portal's bucket lets through in the same time (50 records per batch
//! request, C + R·T requests in T seconds). Run it with `scripts/bench.sh engine`.
//!
//! With `BENCH_LIMITS=lifted` the same account moves with every limit lifted: amoCRM's rate,
//! the portal's bucket and its per-method time budget, on the simulators and in both clients.
//! The engine, the store and the simulators on two cores are then all that bounds the run;
//! it prints the records per second and the process's peak memory (the simulators run in the
//! same process, so the figure covers them too).

use std::sync::{Arc, Mutex};
use std::time::Instant;

use migrator_amocrm::{AccountAddress, AmoClient, ClientConfig};
use migrator_bitrix24::shaper::ShaperConfig;
use migrator_bitrix24::webhook::Webhook;
use migrator_bitrix24::{Access, B24Client};
use migrator_domain::{Entity, Settings};
use migrator_runner::{Progress, RunRequest, Runner, Services};
use migrator_sandbox_amocrm::{AmoSandbox, SandboxConfig as AmoConfig};
use migrator_sandbox_bitrix24::config::plan_key;
use migrator_sandbox_bitrix24::{B24Sandbox, PlanLimits, SandboxConfig as B24Config};
use migrator_tests::{Kind, TestStore};
use secrecy::SecretString;

/// The bucket of a standard plan: capacity and drain per second.
const CAPACITY: f64 = 50.0;
const DRAIN: f64 = 2.0;

/// Remembers when moving began.
#[derive(Default)]
struct Clock {
    moving_since: Mutex<Option<Instant>>,
}

impl Progress for Clock {
    fn phase(&self, name: &str, _total: u64) {
        if name.starts_with("moving") {
            let mut since = self
                .moving_since
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            since.get_or_insert_with(Instant::now);
        }
    }

    fn advance(&self, _records: u64) {}
}

/// A rate no run of this size comes near: the limit is lifted.
const LIFTED: f64 = 1.0e9;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let records: u64 = std::env::var("BENCH_RECORDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(20_000);
    let lifted = std::env::var("BENCH_LIMITS").is_ok_and(|limits| limits == "lifted");

    let mut amo_config = AmoConfig {
        size: records,
        ..AmoConfig::default()
    };
    let mut b24_config = B24Config::default();
    let mut amo_client_config = ClientConfig::default();
    let mut b24_client_config = migrator_bitrix24::ClientConfig::default();
    if lifted {
        amo_config.rate_limit_rps = 1_000_000;
        amo_client_config.requests_per_second = 1_000_000;
        let key = plan_key(&b24_config.plan).to_owned();
        b24_config.plan_limits.insert(
            key,
            PlanLimits {
                bucket_capacity: LIFTED,
                bucket_drain_per_sec: LIFTED,
                deal_category_limit: 0,
                user_limit: 0,
            },
        );
        b24_config.operating_limit_secs = LIFTED;
        b24_client_config.shaper = ShaperConfig {
            capacity: LIFTED,
            drain_per_second: LIFTED,
            headroom: 0.0,
        };
        b24_client_config.follow_plan = false;
        b24_client_config.operating.limit_seconds = LIFTED;
    }
    let amo = AmoSandbox::start(amo_config).await.expect("amoCRM sandbox");
    let b24 = B24Sandbox::start(b24_config)
        .await
        .expect("Bitrix24 sandbox");
    let test = TestStore::new(Kind::Sqlite).await;

    let address = AccountAddress::from_base_url(&amo.url()).expect("address");
    let token = SecretString::from(amo.access_token());
    let amo_client =
        AmoClient::with_long_lived_token(address, token, amo_client_config).expect("amo");
    let webhook = Webhook::parse(&b24.webhook_url()).expect("webhook");
    let b24_client = B24Client::builder(Access::Webhook(webhook))
        .config(b24_client_config)
        .build()
        .expect("b24");
    let services = Services {
        store: test.store.clone(),
        amo: amo_client,
        b24: b24_client,
    };
    let clock = Arc::new(Clock::default());
    let runner = Runner::new(services, "bench", clock.clone())
        .await
        .expect("runner");

    let entities = [
        Entity::Users,
        Entity::Companies,
        Entity::Contacts,
        Entity::Pipelines,
        Entity::Deals,
    ];
    let settings = Settings::new(entities, None, false, Default::default())
        .expect("ok")
        .0;
    let request = RunRequest {
        migration_id: uuid::Uuid::new_v4(),
        portal: b24.url(),
        settings,
        requested_by: "bench".to_owned(),
    };
    let id = request.migration_id;

    let limits = if lifted {
        "every limit lifted"
    } else {
        "real default limits"
    };
    println!("engine benchmark: a generated account of {records} records, {limits}");
    let started = Instant::now();
    let calls_before = b24.control().calls().len();
    let stop = runner.start(request).await.expect("the run completes");
    let finished = Instant::now();

    let moving_since = clock.moving_since.lock().map(|since| *since).ok().flatten();
    let moving = finished
        .duration_since(moving_since.unwrap_or(started))
        .as_secs_f64();
    let summary = runner.summary(id).await.expect("summary");
    let moved: u64 = summary.entities.values().map(|line| line.transferred).sum();
    let counted: u64 = summary.entities.values().map(|line| line.counted).sum();
    let requests = (b24
        .control()
        .calls()
        .iter()
        .filter(|call| !call.in_batch)
        .count()
        - calls_before) as f64;
    let allowed_requests = CAPACITY + DRAIN * moving;
    let bound = 50.0 * allowed_requests;

    println!("stopped: {stop:?}");
    println!("| measure | value |");
    println!("|---|---:|");
    println!("| records counted (CRM core) | {counted} |");
    println!("| records moved | {moved} |");
    println!(
        "| whole run (counting included) | {:.1} s |",
        finished.duration_since(started).as_secs_f64()
    );
    println!("| moving | {moving:.1} s |");
    println!("| records/s while moving | {:.1} |", moved as f64 / moving);
    println!("| Bitrix24 requests (batch = 1) | {requests:.0} |");
    if !lifted {
        println!("| requests the bucket allows in that time (C + R·T) | {allowed_requests:.0} |");
        println!(
            "| request utilisation | {:.3} |",
            requests / allowed_requests
        );
        println!("| bound: 50 records per allowed request | {bound:.0} records |");
        println!(
            "| ratio of records moved to the bound | {:.3} |",
            moved as f64 / bound
        );
    }
    println!(
        "| peak memory of the process (engine, store and both simulators) | {} |",
        peak_memory()
    );
    print_breakdown(&b24.control().calls()[calls_before..]);
}

/// The process's peak resident memory (`VmHWM`), as Linux reports it.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .map(|value| value.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Prints the requests by kind: a method called alone, or a batch named by its first
/// command's method, with how many commands the batches of that kind carried. The portal logs
/// a batch after the commands it ran.
fn print_breakdown(calls: &[migrator_sandbox_bitrix24::CallRecord]) {
    let mut kinds: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
    let mut inside: Vec<&str> = Vec::new();
    for call in calls {
        if call.in_batch {
            inside.push(&call.method);
            continue;
        }
        let kind = if call.method == "batch" {
            format!("batch[{}]", inside.first().copied().unwrap_or("empty"))
        } else {
            call.method.clone()
        };
        let entry = kinds.entry(kind).or_default();
        entry.0 += 1;
        entry.1 += inside.len() as u64;
        inside.clear();
    }

    println!();
    println!("| request | sent | commands inside |");
    println!("|---|---:|---:|");
    for (kind, (sent, commands)) in kinds {
        println!("| {kind} | {sent} | {commands} |");
    }
}
