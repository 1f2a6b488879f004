//! `migrator run`, `resume` and `rollback` as a user calls them: against both simulators,
//! on a SQLite store, with the secret key given by environment.

use std::process::Output;

use migrator_sandbox_amocrm::{AmoSandbox, SandboxConfig as AmoConfig};
use migrator_sandbox_bitrix24::{B24Sandbox, SandboxConfig as B24Config};
use serde_json::Value;

/// A fixed 32-byte key, hex: the runs' secrets are encrypted with it.
const KEY: &str = "7f3c2a1b0e9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa01";

async fn migrator(args: &[&str], store: &str) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_migrator"))
        .args(args)
        .env("MIGRATOR_STORE", store)
        .env("MIGRATOR_SECRET_KEY", KEY)
        .output()
        .await
        .expect("the binary runs")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "stdout is one JSON object ({error}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_then_resume_then_rollback_keep_their_output_contract() {
    let amo = AmoSandbox::start(AmoConfig {
        size: 200,
        ..AmoConfig::default()
    })
    .await
    .expect("amo");
    let b24 = B24Sandbox::start(B24Config::default()).await.expect("b24");
    let folder = tempfile::tempdir().expect("a folder");
    let store = format!("sqlite:{}", folder.path().join("m.db").display());
    let (url, token, webhook) = (amo.url(), amo.access_token(), b24.webhook_url());

    let run = migrator(
        &[
            "run",
            "--amo-url",
            &url,
            "--amo-token",
            &token,
            "--b24-webhook",
            &webhook,
            "--json",
        ],
        &store,
    )
    .await;

    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let first = stderr.lines().next().unwrap_or_default();
    let id = first
        .strip_prefix("migration ")
        .expect("the first stderr line names the run");
    let summary = json(&run);
    assert_eq!(summary["migration_id"], id);
    assert_eq!(summary["status"], "awaiting_confirmation");
    for entity in ["users", "companies", "contacts", "pipelines", "deals"] {
        let line = &summary["entities"][entity];
        for field in ["counted", "in_period", "transferred", "failed"] {
            assert!(line[field].is_u64(), "{entity}.{field} in {summary}");
        }
    }
    assert!(summary["failures"].is_array());
    assert!(
        !stderr.contains(&token),
        "the token never reaches the output"
    );

    let resumed = migrator(&["resume", id, "--json"], &store).await;
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    assert_eq!(
        json(&resumed)["entities"],
        summary["entities"],
        "nothing left to do"
    );

    let rolled_back = migrator(&["rollback", id, "--json"], &store).await;
    assert!(
        rolled_back.status.success(),
        "{}",
        String::from_utf8_lossy(&rolled_back.stderr)
    );
    assert_eq!(json(&rolled_back)["status"], "rolled_back");
    let portal = b24.control().state();
    let companies = match &portal["companies"] {
        Value::Object(rows) => rows.len(),
        Value::Array(rows) => rows.len(),
        _ => 0,
    };
    assert_eq!(
        companies, 0,
        "the rollback deleted every company it created"
    );
}

#[tokio::test]
async fn a_run_refused_for_its_options_says_which_option_and_writes_nothing() {
    let folder = tempfile::tempdir().expect("a folder");
    let store = format!("sqlite:{}", folder.path().join("m.db").display());

    let refused = migrator(
        &[
            "run",
            "--amo-url",
            "http://127.0.0.1:9",
            "--amo-token",
            "t",
            "--b24-webhook",
            "http://127.0.0.1:9/rest/1/x/",
            "--pipeline",
            "12=somewhere",
            "--json",
        ],
        &store,
    )
    .await;

    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("--pipeline 12=somewhere"), "{stderr}");
    assert!(
        !stderr.contains("migration "),
        "no run was started: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f1_f2_confirm_accepts_a_finished_run_once_and_confirm_due_leaves_a_fresh_one() {
    let amo = AmoSandbox::start(AmoConfig {
        size: 100,
        ..AmoConfig::default()
    })
    .await
    .expect("amo");
    let b24 = B24Sandbox::start(B24Config::default()).await.expect("b24");
    let folder = tempfile::tempdir().expect("a folder");
    let store = format!("sqlite:{}", folder.path().join("m.db").display());
    let (url, token, webhook) = (amo.url(), amo.access_token(), b24.webhook_url());
    let run = migrator(
        &[
            "run",
            "--amo-url",
            &url,
            "--amo-token",
            &token,
            "--b24-webhook",
            &webhook,
            "--entities",
            "companies",
        ],
        &store,
    )
    .await;
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let id = stderr
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("migration "))
        .expect("the run's id")
        .to_owned();
    let confirmations = |history: &Output| {
        String::from_utf8_lossy(&history.stdout)
            .lines()
            .filter(|line| line.contains("MigrationConfirmed"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };

    let due = migrator(&["confirm-due"], &store).await;

    assert!(due.status.success());
    assert!(due.stdout.is_empty(), "a run finished just now is not due");
    let history = migrator(&["history", &id], &store).await;
    assert!(confirmations(&history).is_empty());

    let confirmed = migrator(&["confirm", &id], &store).await;

    assert!(
        confirmed.status.success(),
        "{}",
        String::from_utf8_lossy(&confirmed.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&confirmed.stdout).trim(),
        format!("migration {id} confirmed")
    );
    let history = migrator(&["history", &id], &store).await;
    let lines = confirmations(&history);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("\"automatically\":false"), "{}", lines[0]);

    let again = migrator(&["confirm", &id], &store).await;

    assert!(!again.status.success(), "a confirmed run is confirmed once");
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(
        said.contains("confirm"),
        "the refusal names the action: {said}"
    );
}
