//! E3 with real processes: `migrator pause ID`, typed in another terminal while `migrator run`
//! moves, stops the run after its batch; `migrator resume ID` then finishes it with every
//! record on the portal once. `migrator cancel ID` stops a run for good, and `migrator
//! rollback ID` afterwards deletes what it had moved.

mod support;

use std::process::Output;
use std::time::Duration;

use serde_json::Value;
use support::{Services, run_id};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, ChildStderr};

/// Both simulators and a store, the portal slowed so that a run moves for seconds.
async fn slow_services() -> Services {
    let services = Services::start(600, Some(50)).await;
    services
        .b24
        .control()
        .slow_down("batch", Duration::from_millis(400));
    services
}

/// Starts `migrator run` for the CRM core; returns the process, its id and its stderr.
async fn start_run(services: &Services) -> (Child, String, BufReader<ChildStderr>) {
    let args = services.run_args(&[
        "--entities",
        "users,companies,contacts,pipelines,deals",
        // Files are not this test's subject, and each costs two amoCRM requests.
        "--no-files",
    ]);
    let mut child = services.spawn(&args);
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    stderr.read_line(&mut line).await.expect("the id line");
    (child, run_id(&line), stderr)
}

/// Sends `request` (pause or cancel) as soon as the run is moving records: the run
/// refuses both while it counts (counting cannot be stopped, C2).
async fn when_moving(services: &Services, request: &str, id: &str) -> Output {
    for _ in 0..300 {
        if !services.portal("companies").is_empty() {
            let output = services.output(&[request, id]).await;
            if output.status.success() {
                return output;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the run never moved, or never took `{request}`");
}

async fn rest_of(mut stderr: BufReader<ChildStderr>) -> String {
    let mut text = String::new();
    stderr.read_to_string(&mut text).await.expect("stderr");
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e3_pause_from_another_terminal_stops_the_run_and_resume_finishes_it_once() {
    let services = slow_services().await;
    let (mut child, id, stderr) = start_run(&services).await;

    let paused = when_moving(&services, "pause", &id).await;

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
    let moved_before = services.portal("contacts").len() + services.portal("deals").len();

    let resumed = services.output(&["resume", &id, "--json"]).await;

    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let summary: Value = serde_json::from_slice(&resumed.stdout).expect("one JSON summary");
    assert_eq!(summary["status"], "awaiting_confirmation");
    let moved_after = services.portal("contacts").len() + services.portal("deals").len();
    assert!(
        moved_before < moved_after,
        "the pause came before the end ({moved_before} of {moved_after})"
    );
    for (key, entity) in [
        ("companies", "companies"),
        ("contacts", "contacts"),
        ("deals", "deals"),
    ] {
        let seen = services.origins(key);
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
    let services = slow_services().await;
    let (mut child, id, stderr) = start_run(&services).await;

    let cancelled = when_moving(&services, "cancel", &id).await;

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
    let moved = services.portal("companies").len();
    assert!(moved > 0, "something was moved before the cancel");
    let resumed = services.output(&["resume", &id, "--json"]).await;
    let summary: Value = serde_json::from_slice(&resumed.stdout).expect("one JSON summary");
    assert_eq!(
        summary["status"], "cancelled",
        "a cancelled run stays cancelled"
    );
    assert_eq!(
        services.portal("companies").len(),
        moved,
        "resume moved nothing more"
    );

    let rolled_back = services.output(&["rollback", &id, "--json"]).await;

    assert!(
        rolled_back.status.success(),
        "{}",
        String::from_utf8_lossy(&rolled_back.stderr)
    );
    for key in ["companies", "contacts", "deals"] {
        assert!(
            services.portal(key).is_empty(),
            "{key} stayed after the rollback"
        );
    }
}
