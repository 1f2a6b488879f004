//! E3 with real processes: `migrator pause ID`, typed in another terminal while `migrator run`
//! moves, stops the run after its batch; `migrator resume ID` then finishes it with every
//! record on the portal once. `migrator cancel ID` stops a run for good, and `migrator
//! rollback ID` afterwards deletes what it had moved.

use std::collections::BTreeMap;
use std::process::Output;
use std::time::Duration;

use migrator_sandbox_amocrm::{AmoSandbox, SandboxConfig as AmoConfig};
use migrator_sandbox_bitrix24::{B24Sandbox, SandboxConfig as B24Config};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, ChildStderr, Command};

const KEY: &str = "2f3c2a1b0e9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa03";

/// Both simulators, a store, and the portal slowed so that a run moves for many seconds.
struct Setup {
    amo: AmoSandbox,
    b24: B24Sandbox,
    _folder: tempfile::TempDir,
    store: String,
}

impl Setup {
    async fn new() -> Setup {
        let amo = AmoSandbox::start(AmoConfig {
            size: 600,
            rate_limit_rps: 50,
            ..AmoConfig::default()
        })
        .await
        .expect("amo");
        let b24 = B24Sandbox::start(B24Config::default()).await.expect("b24");
        b24.control().slow_down("batch", Duration::from_millis(400));
        let folder = tempfile::tempdir().expect("a folder");
        let store = format!("sqlite:{}", folder.path().join("m.db").display());
        Setup {
            amo,
            b24,
            _folder: folder,
            store,
        }
    }

    /// Starts `migrator run` for the CRM core; returns the process, its id and its stderr.
    async fn start_run(&self) -> (Child, String, BufReader<ChildStderr>) {
        let (url, token, webhook) = (
            self.amo.url(),
            self.amo.access_token(),
            self.b24.webhook_url(),
        );
        let mut child = Command::new(env!("CARGO_BIN_EXE_migrator"))
            .args([
                "run",
                "--amo-url",
                &url,
                "--amo-token",
                &token,
                "--b24-webhook",
                &webhook,
                "--entities",
                "users,companies,contacts,pipelines,deals",
                // Files are not this test's subject, and each costs two amoCRM requests.
                "--no-files",
            ])
            .env("MIGRATOR_STORE", &self.store)
            .env("MIGRATOR_SECRET_KEY", KEY)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the binary starts");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        stderr.read_line(&mut line).await.expect("the id line");
        let id = line
            .trim()
            .strip_prefix("migration ")
            .expect("the run names itself")
            .to_owned();
        (child, id, stderr)
    }

    async fn migrator(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_migrator"))
            .args(args)
            .env("MIGRATOR_STORE", &self.store)
            .env("MIGRATOR_SECRET_KEY", KEY)
            .output()
            .await
            .expect("the binary runs")
    }

    /// Sends `request` (pause or cancel) as soon as the run is moving records: the run
    /// refuses both while it counts (counting cannot be stopped, C2).
    async fn when_moving(&self, request: &str, id: &str) -> Output {
        for _ in 0..300 {
            let companies = self.portal("companies").len();
            if companies > 0 {
                let output = self.migrator(&[request, id]).await;
                if output.status.success() {
                    return output;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the run never moved, or never took `{request}`");
    }

    fn portal(&self, key: &str) -> Vec<Value> {
        match &self.b24.control().state()[key] {
            Value::Object(rows) => rows.values().cloned().collect(),
            Value::Array(rows) => rows.clone(),
            _ => Vec::new(),
        }
    }

    /// How many portal records of `key` carry each origin.
    fn origins(&self, key: &str) -> BTreeMap<String, usize> {
        let mut seen = BTreeMap::new();
        for row in self.portal(key) {
            if let Some(origin) = row["ORIGIN_ID"].as_str() {
                *seen.entry(origin.to_owned()).or_insert(0) += 1;
            }
        }
        seen
    }
}

async fn rest_of(mut stderr: BufReader<ChildStderr>) -> String {
    let mut text = String::new();
    stderr.read_to_string(&mut text).await.expect("stderr");
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e3_pause_from_another_terminal_stops_the_run_and_resume_finishes_it_once() {
    let setup = Setup::new().await;
    let (mut child, id, stderr) = setup.start_run().await;

    let paused = setup.when_moving("pause", &id).await;

    assert_eq!(
        String::from_utf8_lossy(&paused.stdout).trim(),
        format!("migration {id} paused")
    );
    let status = child.wait().await.expect("the run process ends");
    let said = rest_of(stderr).await;
    assert!(!status.success(), "a paused run did not complete: {said}");
    assert!(
        said.contains("paused"),
        "the run says it was paused: {said}"
    );
    let moved_before = setup.portal("contacts").len() + setup.portal("deals").len();

    let resumed = setup.migrator(&["resume", &id, "--json"]).await;

    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let summary: Value = serde_json::from_slice(&resumed.stdout).expect("one JSON summary");
    assert_eq!(summary["status"], "awaiting_confirmation");
    let moved_after = setup.portal("contacts").len() + setup.portal("deals").len();
    assert!(
        moved_before < moved_after,
        "the pause came before the end ({moved_before} of {moved_after})"
    );
    for (key, entity) in [
        ("companies", "companies"),
        ("contacts", "contacts"),
        ("deals", "deals"),
    ] {
        let seen = setup.origins(key);
        let twice: Vec<_> = seen.iter().filter(|(_, count)| **count > 1).collect();
        assert!(twice.is_empty(), "{key} created twice: {twice:?}");
        assert_eq!(
            seen.len() as u64,
            summary["entities"][entity]["transferred"]
                .as_u64()
                .unwrap_or_default(),
            "{key}: every moved record is on the portal"
        );
        assert_eq!(
            summary["entities"][entity]["counted"], summary["entities"][entity]["transferred"],
            "{key}: nothing was skipped"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e3_e4_cancel_stops_the_run_for_good_and_a_rollback_deletes_what_it_moved() {
    let setup = Setup::new().await;
    let (mut child, id, stderr) = setup.start_run().await;

    let cancelled = setup.when_moving("cancel", &id).await;

    assert_eq!(
        String::from_utf8_lossy(&cancelled.stdout).trim(),
        format!("migration {id} cancelled")
    );
    let status = child.wait().await.expect("the run process ends");
    let said = rest_of(stderr).await;
    assert!(
        !status.success(),
        "a cancelled run did not complete: {said}"
    );
    let moved = setup.portal("companies").len();
    assert!(moved > 0, "something was moved before the cancel");
    let resumed = setup.migrator(&["resume", &id, "--json"]).await;
    let summary: Value = serde_json::from_slice(&resumed.stdout).expect("one JSON summary");
    assert_eq!(
        summary["status"], "cancelled",
        "a cancelled run stays cancelled"
    );
    assert_eq!(
        setup.portal("companies").len(),
        moved,
        "resume moved nothing more"
    );

    let rolled_back = setup.migrator(&["rollback", &id, "--json"]).await;

    assert!(
        rolled_back.status.success(),
        "{}",
        String::from_utf8_lossy(&rolled_back.stderr)
    );
    for key in ["companies", "contacts", "deals"] {
        assert!(
            setup.portal(key).is_empty(),
            "{key} stayed after the rollback"
        );
    }
}
