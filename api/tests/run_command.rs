//! `migrator run`, `resume` and `rollback` as a user calls them: against both simulators,
//! on a SQLite store, with the secret key given by environment.

mod support;

use std::process::Output;

use support::{Services, json, output, run_id};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_then_resume_then_rollback_keep_their_output_contract() {
    let services = Services::start(200, None).await;
    let token = services.amo.access_token();

    let run = services.output(&services.run_args(&["--json"])).await;

    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let id = run_id(stderr.lines().next().unwrap_or_default());
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

    let resumed = services.output(&["resume", &id, "--json"]).await;
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

    let rolled_back = services.output(&["rollback", &id, "--json"]).await;
    assert!(
        rolled_back.status.success(),
        "{}",
        String::from_utf8_lossy(&rolled_back.stderr)
    );
    assert_eq!(json(&rolled_back)["status"], "rolled_back");
    assert_eq!(
        services.portal("companies").len(),
        0,
        "the rollback deleted every company it created"
    );
}

#[tokio::test]
async fn a_run_refused_for_its_options_says_which_option_and_writes_nothing() {
    let folder = tempfile::tempdir().expect("a folder");
    let store = format!("sqlite:{}", folder.path().join("m.db").display());

    let refused = output(
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
    let services = Services::start(100, None).await;
    let run = services
        .output(&services.run_args(&["--entities", "companies"]))
        .await;
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let id = run_id(stderr.lines().next().unwrap_or_default());
    let confirmations = |history: &Output| {
        String::from_utf8_lossy(&history.stdout)
            .lines()
            .filter(|line| line.contains("MigrationConfirmed"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };

    let due = services.output(&["confirm-due"]).await;

    assert!(due.status.success());
    assert!(due.stdout.is_empty(), "a run finished just now is not due");
    let history = services.output(&["history", &id]).await;
    assert!(confirmations(&history).is_empty());

    let confirmed = services.output(&["confirm", &id]).await;

    assert!(
        confirmed.status.success(),
        "{}",
        String::from_utf8_lossy(&confirmed.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&confirmed.stdout).trim(),
        format!("migration {id} confirmed")
    );
    let history = services.output(&["history", &id]).await;
    let lines = confirmations(&history);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("\"automatically\":false"), "{}", lines[0]);

    let again = services.output(&["confirm", &id]).await;

    assert!(!again.status.success(), "a confirmed run is confirmed once");
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(
        said.contains("confirm"),
        "the refusal names the action: {said}"
    );
}
