//! `migrator run`, `migrator resume ID` and `migrator rollback ID`: the engine on the command
//! line, with a progress bar on stderr and a summary at the end.
//!
//! `run` keeps the amoCRM token and the Bitrix24 webhook in the store, encrypted (see
//! `docs/decisions/0004-secrets.md`), so that `resume` and `rollback` need only the run's id.

use std::collections::BTreeMap;
use std::sync::Arc;

use migrator_amocrm::{AccountAddress, AmoClient, ClientConfig};
use migrator_bitrix24::B24Client;
use migrator_domain::{Entity, Period, PipelineTarget, Settings};
use migrator_projections::{Failure, Projector, ReadModels};
use migrator_runner::{RunRequest, Runner, Services, Stop, Summary};
use migrator_store::{Store, StoreUrl, Vault};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use uuid::Uuid;

use super::progress::Bar;
use super::view_db;
use crate::cli::RunArgs;
use crate::error::CliError;

/// The entities a run moves when `--entities` is not given: all seven.
const DEFAULT_ENTITIES: [Entity; 7] = Entity::ALL;

/// Names of the secrets kept for a run.
const AMO_URL: &str = "amo_url";
const AMO_TOKEN: &str = "amo_token";
const B24_WEBHOOK: &str = "b24_webhook";

/// Starts a run.
pub async fn start(url: &StoreUrl, args: RunArgs) -> Result<(), CliError> {
    start_returning_id(url, args).await.map(|_| ())
}

/// Starts a run and returns its id once it rests.
pub async fn start_returning_id(url: &StoreUrl, args: RunArgs) -> Result<Uuid, CliError> {
    let settings = settings(&args)?;
    let store = Arc::new(Store::open(url).await?);
    let vault = Vault::from_environment()?;
    let migration_id = Uuid::new_v4();
    super::confirm::sweep_quietly(&store).await;

    // Before anything reaches the portal: the id, so a run killed at any instant can resume.
    eprintln!("migration {migration_id}");

    let secrets = [
        (AMO_URL, args.amo_url.clone()),
        (AMO_TOKEN, args.amo_token.clone()),
        (B24_WEBHOOK, args.b24_webhook.clone()),
    ];
    for (name, value) in secrets {
        vault
            .put(
                store.backend(),
                migration_id,
                name,
                &SecretString::from(value),
            )
            .await?;
    }

    let bar = Arc::new(Bar::new());
    let runner = runner(store.clone(), &vault, migration_id, bar.clone()).await?;
    let request = RunRequest {
        migration_id,
        portal: portal_of(&args.b24_webhook),
        settings,
        requested_by: "command line".to_owned(),
    };
    let stopped = runner.start(request).await;
    bar.finish();
    finish(&runner, &store, migration_id, stopped, args.json).await?;
    Ok(migration_id)
}

/// Continues a run.
pub async fn resume(url: &StoreUrl, migration_id: Uuid, json: bool) -> Result<(), CliError> {
    let store = Arc::new(Store::open(url).await?);
    super::confirm::sweep_quietly(&store).await;
    let vault = Vault::from_environment()?;
    let bar = Arc::new(Bar::new());
    let runner = runner(store.clone(), &vault, migration_id, bar.clone()).await?;

    let stopped = runner.resume(migration_id).await;
    bar.finish();
    finish(&runner, &store, migration_id, stopped, json).await
}

/// Deletes what a run moved.
pub async fn rollback(url: &StoreUrl, migration_id: Uuid, json: bool) -> Result<(), CliError> {
    let store = Arc::new(Store::open(url).await?);
    super::confirm::sweep_quietly(&store).await;
    let vault = Vault::from_environment()?;
    let bar = Arc::new(Bar::new());
    let runner = runner(store.clone(), &vault, migration_id, bar.clone()).await?;

    let stopped = runner.rollback(migration_id).await;
    bar.finish();
    finish(&runner, &store, migration_id, stopped, json).await
}

/// A runner over the run's stored credentials.
async fn runner(
    store: Arc<Store>,
    vault: &Vault,
    migration_id: Uuid,
    bar: Arc<Bar>,
) -> Result<Runner, CliError> {
    let amo_url = secret(&store, vault, migration_id, AMO_URL).await?;
    let amo_token = secret(&store, vault, migration_id, AMO_TOKEN).await?;
    let webhook = secret(&store, vault, migration_id, B24_WEBHOOK).await?;

    let address = AccountAddress::from_base_url(amo_url.expose_secret())
        .map_err(|error| CliError::Connection(format!("--amo-url: {error}")))?;
    let amo = AmoClient::with_long_lived_token(address, amo_token, ClientConfig::default())
        .map_err(|error| CliError::Connection(format!("amoCRM: {error}")))?;
    let b24 = B24Client::from_webhook_url(webhook.expose_secret())
        .map_err(|error| CliError::Connection(format!("--b24-webhook: {error}")))?;

    let services = Services {
        store: store.clone(),
        amo,
        b24,
    };
    Ok(Runner::new(services, worker_name(), bar).await?)
}

/// One of the run's stored secrets.
async fn secret(
    store: &Store,
    vault: &Vault,
    migration_id: Uuid,
    name: &'static str,
) -> Result<SecretString, CliError> {
    vault
        .get(store.backend(), migration_id, name)
        .await?
        .ok_or_else(|| {
            CliError::Connection(format!(
                "the store holds no {name} for migration {migration_id}: it was not started from \
             this store, or its secrets were removed"
            ))
        })
}

/// Prints the summary (JSON on stdout with `--json`, words on stderr otherwise) and turns
/// where the run stopped into the exit status.
async fn finish(
    runner: &Runner,
    store: &Store,
    migration_id: Uuid,
    stopped: Result<Stop, migrator_runner::RunnerError>,
    json: bool,
) -> Result<(), CliError> {
    let summary = runner.summary(migration_id).await.ok();
    let failures = match failures(store, migration_id).await {
        Ok(failures) => failures,
        Err(error) => {
            eprintln!(
                "warning: the failure list could not be read ({error}); read it later with \
                 migrator failures {migration_id}"
            );
            Vec::new()
        }
    };
    let error = stopped.as_ref().err().map(ToString::to_string);

    if json {
        let object = json!({
            "migration_id": migration_id,
            "status": summary.as_ref().map(|summary| summary.status.clone()),
            "stop": stopped.as_ref().ok().map(stop_words),
            "error": error,
            "interruption": summary.as_ref().and_then(|summary| summary.interruption.clone()),
            "entities": summary.as_ref().map(|summary| &summary.entities),
            "failures": failures,
        });
        println!("{object}");
    } else {
        print_words(migration_id, summary.as_ref(), &failures, &stopped);
    }

    match stopped {
        Ok(Stop::Finished | Stop::RolledBack) => Ok(()),
        Ok(other) => Err(CliError::Incomplete(stop_words(&other))),
        Err(error) => Err(error.into()),
    }
}

fn print_words(
    migration_id: Uuid,
    summary: Option<&Summary>,
    failures: &[Failure],
    stopped: &Result<Stop, migrator_runner::RunnerError>,
) {
    if let Ok(stop) = stopped {
        eprintln!("\nmigration {migration_id}: {}", stop_words(stop));
    }
    if let Some(summary) = summary {
        eprintln!(
            "{:<12} {:>8} {:>10} {:>8} {:>7} {:>8}",
            "entity", "counted", "in period", "moved", "failed", "outside"
        );
        for (entity, line) in &summary.entities {
            eprintln!(
                "{entity:<12} {:>8} {:>10} {:>8} {:>7} {:>8}",
                line.counted, line.in_period, line.transferred, line.failed, line.outside_period
            );
        }
    }
    if !failures.is_empty() {
        eprintln!(
            "{} records could not be moved: migrator failures {migration_id}",
            failures.len()
        );
    }
    eprintln!("history:  migrator history {migration_id}");
    eprintln!("undo:     migrator rollback {migration_id}");
}

fn stop_words(stop: &Stop) -> String {
    match stop {
        Stop::Finished => "finished; every record has an outcome".to_owned(),
        Stop::Paused => "paused; resume it with migrator resume".to_owned(),
        Stop::Interrupted(reason) => format!("interrupted: {reason}"),
        Stop::Cancelled => "cancelled".to_owned(),
        Stop::RolledBack => "rolled back; what it moved is deleted".to_owned(),
        Stop::Confirmed => "confirmed; nothing is left to do".to_owned(),
    }
}

/// Every failure of the run, from the failures view (caught up first).
async fn failures(store: &Store, migration_id: Uuid) -> Result<Vec<Failure>, CliError> {
    let db = view_db(store);
    Projector::new(db.clone()).catch_up().await?;
    let read = ReadModels::new(db);
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = read.failures(migration_id, after, 1_000).await?;
        let Some((last, _)) = page.last() else { break };
        after = *last;
        all.extend(page.into_iter().map(|(_, failure)| failure));
    }
    Ok(all)
}

/// The settings the options ask for.
fn settings(args: &RunArgs) -> Result<Settings, CliError> {
    let entities: Vec<Entity> = if args.entities.is_empty() {
        DEFAULT_ENTITIES.to_vec()
    } else {
        args.entities
            .iter()
            .map(|name| {
                name.parse()
                    .map_err(|error| CliError::Usage(format!("--entities: {error}")))
            })
            .collect::<Result<_, _>>()?
    };

    let period = match (args.from, args.to) {
        (None, None) => None,
        (from, to) => {
            let from = from.unwrap_or(chrono::NaiveDate::MIN);
            let to = to.unwrap_or(chrono::NaiveDate::MAX);
            Some(Period::new(from, to).map_err(|error| CliError::Usage(error.to_string()))?)
        }
    };

    let mut pipelines = BTreeMap::new();
    for mapping in &args.pipelines {
        let usage = || {
            CliError::Usage(format!(
                "--pipeline {mapping}: expected AMO_ID=TARGET, TARGET being main, new or a \
                 Bitrix24 pipeline id"
            ))
        };
        let (amo_id, target) = mapping.split_once('=').ok_or_else(usage)?;
        let amo_id: u64 = amo_id.trim().parse().map_err(|_| usage())?;
        let target = match target.trim() {
            "main" => PipelineTarget::Main,
            "new" => PipelineTarget::New,
            id => PipelineTarget::Existing(id.parse().map_err(|_| usage())?),
        };
        pipelines.insert(amo_id, target);
    }

    let (settings, _) = Settings::new(entities, period, !args.no_files, pipelines)
        .map_err(|error| CliError::Usage(error.to_string()))?;
    Ok(settings)
}

/// The portal's identity for a webhook: its scheme, host and port.
fn portal_of(webhook: &str) -> String {
    webhook.split("/rest/").next().unwrap_or(webhook).to_owned()
}

fn worker_name() -> String {
    format!("cli-{}", std::process::id())
}
