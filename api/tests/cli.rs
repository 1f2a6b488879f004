//! The `migrator` command line against real stores: `history`, `failures` and
//! `rebuild-projections`, on SQLite and PostgreSQL.

use std::process::Output;

use migrator_projections::View;
use migrator_tests::scenario;
use migrator_tests::{Kind, TestStore, on_both_stores};
use serde_json::Value;

on_both_stores!(
    history_prints_every_event_oldest_first_as_json_lines,
    failures_print_every_failed_record_with_its_reason_as_json,
    failures_print_as_csv_with_a_header,
    an_unknown_migration_is_named_in_the_error,
    rebuilding_through_the_environment_store_gives_the_same_views,
);

async fn migrator(args: &[&str], store: Option<&str>) -> Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_migrator"));
    command.args(args).env_remove("MIGRATOR_STORE");
    if let Some(store) = store {
        command.env("MIGRATOR_STORE", store);
    }
    command.output().await.expect("the binary runs")
}

fn url(test: &TestStore) -> String {
    match &test.url {
        migrator_store::StoreUrl::Sqlite(path) => format!("sqlite:{}", path.display()),
        migrator_store::StoreUrl::Postgres(url) => url.clone(),
    }
}

/// A finished run of 300 companies, 30 of which failed.
async fn finished_run(test: &TestStore) -> uuid::Uuid {
    let id = scenario::start_run(&test.store, 300).await;
    scenario::record_companies(&test.store, id, 1, 300).await;
    scenario::finish_run(&test.store, id, 300).await;
    id
}

async fn history_prints_every_event_oldest_first_as_json_lines(kind: Kind) {
    let test = TestStore::new(kind).await;
    let id = finished_run(&test).await;

    let output = migrator(&["history", &id.to_string(), "--store", &url(&test)], None).await;

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len() as i64, test.event_count().await);
    assert_eq!(lines[0]["event_type"], "MigrationConfigured");
    assert_eq!(
        lines.last().expect("lines")["event_type"],
        "TransferFinished"
    );
    let ordinals: Vec<i64> = lines
        .iter()
        .map(|line| line["ordinal"].as_i64().expect("n"))
        .collect();
    assert!(
        ordinals.windows(2).all(|pair| pair[0] < pair[1]),
        "oldest first"
    );
    assert!(lines[0]["payload"]["MigrationConfigured"]["settings"].is_object());
}

async fn failures_print_every_failed_record_with_its_reason_as_json(kind: Kind) {
    let test = TestStore::new(kind).await;
    let id = finished_run(&test).await;

    let output = migrator(
        &[
            "failures",
            &id.to_string(),
            "--format",
            "json",
            "--store",
            &url(&test),
        ],
        None,
    )
    .await;

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let failures: Vec<Value> = serde_json::from_slice(&output.stdout).expect("a JSON array");
    assert_eq!(failures.len() as u64, scenario::expected_outcomes(300).1);
    assert_eq!(failures[0]["entity"], "companies");
    assert_eq!(failures[0]["amo_id"], 10);
    assert_eq!(failures[0]["reason"], "Некорректный email: broken10@");
    assert_eq!(failures[0]["code"], "invalid_value");
}

async fn failures_print_as_csv_with_a_header(kind: Kind) {
    let test = TestStore::new(kind).await;
    let id = finished_run(&test).await;

    let output = migrator(
        &[
            "failures",
            &id.to_string(),
            "--format",
            "csv",
            "--store",
            &url(&test),
        ],
        None,
    )
    .await;

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("utf-8");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("entity,amo_id,code,reason,failed_at"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len() as u64, scenario::expected_outcomes(300).1);
    assert!(rows[0].starts_with("companies,10,invalid_value,Некорректный email: broken10@,"));
}

async fn an_unknown_migration_is_named_in_the_error(kind: Kind) {
    let test = TestStore::new(kind).await;
    let unknown = uuid::Uuid::new_v4();

    let output = migrator(
        &["history", &unknown.to_string(), "--store", &url(&test)],
        None,
    )
    .await;

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("no migration {unknown}")),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

async fn rebuilding_through_the_environment_store_gives_the_same_views(kind: Kind) {
    let test = TestStore::new(kind).await;
    let id = finished_run(&test).await;
    scenario::roll_back_companies(&test.store, id, &[1, 2, 3, 4]).await;
    test.projector().catch_up().await.expect("live views");
    let mut live = Vec::new();
    for view in View::ALL {
        live.push(test.read().dump(view).await.expect("dump"));
    }

    let output = migrator(&["rebuild-projections"], Some(&url(&test))).await;

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("rebuilt 5 views from"), "{stderr}");
    let mut rebuilt = Vec::new();
    for view in View::ALL {
        rebuilt.push(test.read().dump(view).await.expect("dump"));
    }
    assert_eq!(rebuilt, live);
}

#[tokio::test]
async fn a_store_url_of_another_kind_is_refused_with_the_forms_it_takes() {
    let output = migrator(
        &["rebuild-projections", "--store", "mysql://u:pw@h/db"],
        None,
    )
    .await;

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("sqlite:PATH or postgres://"), "{stderr}");
    assert!(
        !stderr.contains("pw@"),
        "the password must not be echoed: {stderr}"
    );
}
