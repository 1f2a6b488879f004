//! H2 with real processes: `migrator run` is killed (SIGKILL) at twenty instants while it
//! moves, `migrator resume` takes over each time, and every record ends up on the portal once.

use std::collections::BTreeMap;
use std::time::Duration;

use migrator_sandbox_amocrm::{AmoSandbox, SandboxConfig as AmoConfig};
use migrator_sandbox_bitrix24::{B24Sandbox, SandboxConfig as B24Config};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const KEY: &str = "1f3c2a1b0e9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa02";

fn migrator(args: &[&str], store: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_migrator"))
        .args(args)
        .env("MIGRATOR_STORE", store)
        .env("MIGRATOR_SECRET_KEY", KEY)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts")
}

/// How many portal records of `key` carry each origin.
fn origins(b24: &B24Sandbox, key: &str) -> BTreeMap<String, usize> {
    let state = b24.control().state();
    let rows: Vec<Value> = match &state[key] {
        Value::Object(rows) => rows.values().cloned().collect(),
        Value::Array(rows) => rows.clone(),
        _ => Vec::new(),
    };
    let mut seen = BTreeMap::new();
    for row in rows {
        let origin = row["ORIGIN_ID"]
            .as_str()
            .or_else(|| row["fields"]["ORIGIN_ID"].as_str());
        if let Some(origin) = origin {
            *seen.entry(origin.to_owned()).or_insert(0) += 1;
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn h2_a_migrator_process_killed_twenty_times_moves_every_record_once() {
    let amo = AmoSandbox::start(AmoConfig {
        size: 1_500,
        rate_limit_rps: 50,
        ..AmoConfig::default()
    })
    .await
    .expect("amo");
    let b24 = B24Sandbox::start(B24Config::default()).await.expect("b24");
    // Answers held back 80 ms after the work is done: a kill in that window leaves records
    // on the portal whose outcomes were never recorded.
    b24.control().slow_down("batch", Duration::from_millis(80));
    let folder = tempfile::tempdir().expect("a folder");
    let store = format!("sqlite:{}", folder.path().join("m.db").display());
    let (url, token, webhook) = (amo.url(), amo.access_token(), b24.webhook_url());
    let entities = "users,companies,contacts,pipelines,deals";

    let mut child = migrator(
        &[
            "run",
            "--amo-url",
            &url,
            "--amo-token",
            &token,
            "--b24-webhook",
            &webhook,
            "--entities",
            entities,
        ],
        &store,
    );
    let stderr = child.stderr.take().expect("stderr");
    let mut line = String::new();
    BufReader::new(stderr)
        .read_line(&mut line)
        .await
        .expect("the id line");
    let id = line
        .trim()
        .strip_prefix("migration ")
        .expect("the run names itself")
        .to_owned();

    let mut kills = 0;
    for attempt in 0..20u64 {
        tokio::time::sleep(Duration::from_millis(300 + (attempt * 97) % 500)).await;
        match child.try_wait().expect("status") {
            Some(_) => break,
            None => {
                child.start_kill().expect("killed");
                child.wait().await.expect("reaped");
                kills += 1;
            }
        }
        child = migrator(&["resume", &id], &store);
    }
    let status = child.wait().await.expect("the last resume ends");

    assert!(
        kills >= 20,
        "the run finished after {kills} kills; the test needs twenty"
    );
    let last = migrator(&["resume", &id], &store)
        .wait()
        .await
        .expect("resume");
    assert!(
        status.success() || last.success(),
        "the run completes after the kills"
    );
    for key in ["companies", "contacts", "deals"] {
        let seen = origins(&b24, key);
        assert!(!seen.is_empty(), "{key} reached the portal");
        let twice: Vec<_> = seen.iter().filter(|(_, count)| **count > 1).collect();
        assert!(twice.is_empty(), "{key} created twice: {twice:?}");
    }
}
