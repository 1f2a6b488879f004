//! `migrator demo`: the whole product on one machine. Starts the amoCRM sandbox with a
//! generated account and an empty Bitrix24 sandbox portal, moves the account on the store
//! (SQLite under `./data` by default) with the progress bar, prints the summary and how to
//! read the history and the failures; with `--rollback`, deletes what it moved afterwards.

use migrator_sandbox_amocrm::{AmoSandbox, SandboxConfig as AmoConfig};
use migrator_sandbox_bitrix24::{B24Sandbox, SandboxConfig as B24Config};
use migrator_store::StoreUrl;

use super::run;
use crate::cli::RunArgs;
use crate::error::CliError;

/// Runs the demo.
pub async fn run(store: &StoreUrl, size: u64, rollback: bool) -> Result<(), CliError> {
    let amo = AmoSandbox::start(AmoConfig {
        size,
        ..AmoConfig::default()
    })
    .await
    .map_err(|error| CliError::Sandbox {
        service: "amoCRM",
        message: error.to_string(),
    })?;
    let b24 = B24Sandbox::start(B24Config::default())
        .await
        .map_err(|error| CliError::Sandbox {
            service: "Bitrix24",
            message: error.to_string(),
        })?;
    eprintln!(
        "sandbox amoCRM account at {} ({size} generated records), sandbox portal at {}",
        amo.url(),
        b24.url()
    );

    let args = RunArgs {
        amo_url: amo.url(),
        amo_token: amo.access_token(),
        b24_webhook: b24.webhook_url(),
        entities: Vec::new(),
        from: None,
        to: None,
        no_files: false,
        pipelines: Vec::new(),
        json: false,
    };
    let moved = run::start_returning_id(store, args).await;

    if let Ok(migration_id) = &moved {
        let portal = b24.control().state();
        let count = |key: &str| match &portal[key] {
            serde_json::Value::Array(rows) => rows.len(),
            serde_json::Value::Object(rows) => rows.len(),
            _ => 0,
        };
        eprintln!(
            "the portal now holds {} companies, {} contacts, {} deals, {} activities, {} tasks \
             and {} files",
            count("companies"),
            count("contacts"),
            count("deals"),
            count("activities"),
            count("tasks"),
            count("files")
        );
        eprintln!("read the run any time later (the store keeps it):");
        eprintln!("  migrator history {migration_id} --store {store}");
        eprintln!("  migrator failures {migration_id} --store {store}");
        if rollback {
            eprintln!("\nrolling back, newest first:");
            run::rollback(store, *migration_id, false).await?;
        } else {
            eprintln!("see a rollback too: migrator demo --rollback");
        }
    }

    amo.shutdown().await;
    b24.shutdown().await;
    moved.map(|_| ())
}
