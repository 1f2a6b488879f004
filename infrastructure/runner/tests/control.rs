//! Controlling a run, end to end on both stores: a pause stops between batches and resume
//! doubles and skips nothing, a cancel stops for good and a rollback then deletes only what
//! the run moved (E3); a finished run lists its failures with reasons (F4); a changed portal
//! domain or a removed app stops the run, keeps its history and says so (G1); and the views
//! rebuilt from the events alone equal the views kept live (H1).

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use migrator_bitrix24::B24Client;
use migrator_domain::Entity;
use migrator_domain::migration::Interruption;
use migrator_runner::{Runner, RunnerError, Stop};
use migrator_tests::{Kind, on_both_stores};
use serde_json::json;
use support::World;
use tokio::task::JoinHandle;
use uuid::Uuid;

const CORE: [Entity; 5] = [
    Entity::Users,
    Entity::Companies,
    Entity::Contacts,
    Entity::Pipelines,
    Entity::Deals,
];

/// How many records of each CRM kind the portal holds.
fn portal_counts(world: &World) -> [usize; 3] {
    ["companies", "contacts", "deals"].map(|key| world.portal(key).len())
}

/// Starts the run in the background, every portal batch answered 40 ms late so that it lasts,
/// and waits until the portal holds more than `companies_before` companies.
async fn start_slowly(
    world: &World,
    runner: Runner,
    entities: &[Entity],
    companies_before: usize,
) -> (Uuid, JoinHandle<Result<Stop, RunnerError>>) {
    world
        .b24
        .control()
        .slow_down("batch", Duration::from_millis(40));
    let request = world.request(entities);
    let id = request.migration_id;
    let run = tokio::spawn(async move { runner.start(request).await });
    for _ in 0..2_000 {
        if world.portal("companies").len() > companies_before {
            return (id, run);
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("no company reached the portal");
}

/// Each origin on the portal once, and as many records as the summary says moved.
async fn once_each(world: &World, runner: &Runner, id: Uuid) {
    let summary = runner.summary(id).await.expect("summary");
    for key in ["companies", "contacts", "deals"] {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for record in world.portal(key) {
            let origin = record["ORIGIN_ID"].as_str().unwrap_or_default().to_owned();
            *seen.entry(origin).or_default() += 1;
        }
        let twice: Vec<_> = seen.iter().filter(|(_, count)| **count > 1).collect();
        assert!(twice.is_empty(), "{key} moved twice: {twice:?}");
        let line = &summary.entities[key];
        assert_eq!(seen.len() as u64, line.transferred, "{key}: {line:?}");
        assert_eq!(
            line.transferred + line.failed,
            line.counted,
            "{key} skipped: {line:?}"
        );
    }
}

on_both_stores!(e3_a_pause_stops_between_batches_and_resume_moves_the_rest_once);

async fn e3_a_pause_stops_between_batches_and_resume_moves_the_rest_once(kind: Kind) {
    let world = World::with_amo_rate(kind, 300, 50).await;
    let other = world.runner().await;
    let (id, run) = start_slowly(&world, world.runner().await, &CORE, 0).await;

    other.pause(id).await.expect("paused");
    let stop = run.await.expect("the run's task").expect("stops cleanly");

    assert_eq!(stop, Stop::Paused);
    let held = portal_counts(&world);
    let summary = runner_summary(&other, id).await;
    assert_eq!(summary.status, "paused");
    let moved: u64 = ["companies", "contacts", "deals"]
        .iter()
        .map(|key| summary.entities[*key].transferred)
        .sum();
    assert_eq!(
        held.iter().sum::<usize>() as u64,
        moved,
        "every record on the portal has its outcome: the pause came between batches"
    );
    let total: u64 = ["companies", "contacts", "deals"]
        .iter()
        .map(|key| summary.entities[*key].counted)
        .sum();
    assert!(moved < total, "the pause came before the end: {held:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(portal_counts(&world), held, "nothing moves while paused");

    let stop = other.resume(id).await.expect("resumes");

    assert_eq!(stop, Stop::Finished);
    once_each(&world, &other, id).await;
    let history = world.history(id).await;
    let paused = history
        .iter()
        .position(|(event, _)| event == "MigrationPaused");
    let resumed = history
        .iter()
        .position(|(event, _)| event == "MigrationResumed");
    assert!(
        matches!((paused, resumed), (Some(paused), Some(resumed)) if paused < resumed),
        "the history shows the pause, then the resume"
    );
}

async fn runner_summary(runner: &Runner, id: Uuid) -> migrator_runner::Summary {
    runner.summary(id).await.expect("summary")
}

on_both_stores!(e3_a_cancel_stops_for_good_and_a_rollback_deletes_only_what_was_moved);

async fn e3_a_cancel_stops_for_good_and_a_rollback_deletes_only_what_was_moved(kind: Kind) {
    let world = World::with_amo_rate(kind, 300, 50).await;
    let b24 = B24Client::from_webhook_url(&world.b24.webhook_url()).expect("client");
    let own = b24
        .call(
            "crm.company.add",
            json!({"fields": {"TITLE": "Своя компания"}}),
        )
        .await
        .expect("a company of the portal's own")
        .result;
    // The portal answers the new id as a number (or, like PHP at times, as a string).
    let own = own.as_str().map_or_else(|| own.to_string(), str::to_owned);
    let categories_before = world.portal("categories").len();
    let users_before = world.portal("users").len();
    let other = world.runner().await;
    let (id, run) = start_slowly(&world, world.runner().await, &CORE, 1).await;

    other.cancel(id).await.expect("cancelled");
    let stop = run.await.expect("the run's task").expect("stops cleanly");

    assert_eq!(stop, Stop::Cancelled);
    let held = portal_counts(&world);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(other.resume(id).await.expect("answers"), Stop::Cancelled);
    assert_eq!(
        portal_counts(&world),
        held,
        "a cancelled run moves nothing more"
    );
    assert!(held[0] > 1, "the run had moved companies: {held:?}");

    let stop = other.rollback(id).await.expect("rolled back");

    assert_eq!(stop, Stop::RolledBack);
    let companies = world.portal("companies");
    let left: Vec<&str> = companies.iter().filter_map(|c| c["ID"].as_str()).collect();
    assert_eq!(
        left,
        [own.as_str()],
        "only the portal's own company is left"
    );
    assert!(world.portal("contacts").is_empty() && world.portal("deals").is_empty());
    assert_eq!(world.portal("categories").len(), categories_before);
    assert!(world.portal("users").len() >= users_before, "users stay");
    assert_eq!(runner_summary(&other, id).await.status, "rolled_back");
}

on_both_stores!(f4_a_finished_run_lists_every_record_it_could_not_move_with_the_reason);

async fn f4_a_finished_run_lists_every_record_it_could_not_move_with_the_reason(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    let runner = world.runner().await;
    let request = world.request(&Entity::ALL);
    let id = request.migration_id;

    let stop = runner.start(request).await.expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    let summary = runner.summary(id).await.expect("summary");
    let failures = world.failures(id).await;
    let mut failed_total = 0;
    for (entity, line) in &summary.entities {
        let listed = failures
            .iter()
            .filter(|(kind, _, _, _)| kind == entity)
            .count() as u64;
        assert_eq!(
            line.failed, listed,
            "{entity}: every failed record is listed, once"
        );
        failed_total += line.failed;
    }
    assert!(failed_total > 0, "the account has records that cannot move");
    for (kind, amo_id, code, reason) in &failures {
        assert!(*amo_id > 0, "{kind}: the record is named");
        assert!(
            !code.is_empty() && reason.len() > 20,
            "{kind} {amo_id}: {code} {reason}"
        );
    }
    let mut keys: Vec<(&str, i64)> = failures.iter().map(|f| (f.0.as_str(), f.1)).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), failures.len(), "a record is listed once");
}

on_both_stores!(g1_a_changed_portal_domain_stops_the_run_keeps_its_history_and_says_so);

async fn g1_a_changed_portal_domain_stops_the_run_keeps_its_history_and_says_so(kind: Kind) {
    let world = World::with_amo_rate(kind, 300, 50).await;
    let runner = world.runner().await;
    let other = world.runner().await;
    let (id, run) = start_slowly(&world, runner, &CORE, 0).await;
    let port = world
        .b24
        .url()
        .rsplit(':')
        .next()
        .expect("a port")
        .to_owned();
    let new_host = format!("localhost:{port}");

    world.b24.control().change_domain(&new_host);
    let stop = run.await.expect("the run's task").expect("stops cleanly");

    let Stop::Interrupted(Interruption::DomainChanged { new_domain }) = stop else {
        panic!("a changed domain must stop the run, got {stop:?}");
    };
    assert!(
        new_domain
            .as_deref()
            .is_some_and(|domain| domain.contains(&new_host)),
        "{new_domain:?}"
    );
    stopped_and_kept(&world, &other, id, "domain_changed").await;
    let summary = runner_summary(&other, id).await;
    let said = summary.interruption.expect("the summary says why");
    assert!(
        said.contains("moved to") && said.contains(&new_host),
        "{said}"
    );
}

on_both_stores!(g1_a_removed_app_stops_the_run_keeps_its_history_and_says_so);

async fn g1_a_removed_app_stops_the_run_keeps_its_history_and_says_so(kind: Kind) {
    let world = World::with_amo_rate(kind, 300, 50).await;
    let runner = world.app_runner().await;
    let other = world.runner().await;
    let (id, run) = start_slowly(&world, runner, &CORE, 0).await;

    world.b24.control().remove_app();
    let stop = run.await.expect("the run's task").expect("stops cleanly");

    assert_eq!(stop, Stop::Interrupted(Interruption::AppRemoved));
    stopped_and_kept(&world, &other, id, "app_removed").await;
    let summary = runner_summary(&other, id).await;
    assert_eq!(
        summary.interruption.as_deref(),
        Some("the app was removed from the portal")
    );
}

/// The run rests interrupted for `reason`, its history whole, what it moved still on the
/// portal and nothing moving any more.
async fn stopped_and_kept(world: &World, runner: &Runner, id: Uuid, reason: &str) {
    let summary = runner_summary(runner, id).await;
    assert_eq!(summary.status, "interrupted");
    let held = portal_counts(world);
    let moved: u64 = ["companies", "contacts", "deals"]
        .iter()
        .map(|key| summary.entities[*key].transferred)
        .sum();
    assert!(moved > 0, "the run had moved records");
    assert_eq!(
        held.iter().sum::<usize>() as u64,
        moved,
        "what moved stays on the portal"
    );
    let history = world.history(id).await;
    let events: Vec<&str> = history.iter().map(|(event, _)| event.as_str()).collect();
    for kept in ["MigrationConfigured", "CountingFinished", "TransferStarted"] {
        assert!(events.contains(&kept), "{kept} is gone from the history");
    }
    let (last, payload) = history.last().expect("events");
    assert_eq!(last, "MigrationInterrupted");
    assert_eq!(payload["reason"]["kind"], reason, "{payload}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(portal_counts(world), held, "nothing moves after the stop");
}

on_both_stores!(h1_views_rebuilt_from_the_events_alone_equal_the_live_views);

async fn h1_views_rebuilt_from_the_events_alone_equal_the_live_views(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    let other = world.runner().await;
    // A run that pauses, resumes, fails some records and finishes: every kind of event.
    let (id, run) = start_slowly(&world, world.runner().await, &Entity::ALL, 0).await;
    other.pause(id).await.expect("paused");
    assert_eq!(run.await.expect("task").expect("stops"), Stop::Paused);
    assert_eq!(other.resume(id).await.expect("resumes"), Stop::Finished);

    let projector = world.test.projector();
    let read = world.test.read();
    let every_view = || async {
        (
            read.migration(id).await.expect("run"),
            read.progress(id).await.expect("progress"),
            read.failures(id, 0, 1_000_000).await.expect("failures"),
            read.history(id, 0, 1_000_000).await.expect("history"),
            read.created_newest_first(id, i64::MAX, 1_000_000)
                .await
                .expect("id map"),
        )
    };
    projector.catch_up().await.expect("live views");
    let live = every_view().await;

    projector.rebuild().await.expect("rebuilt");

    let rebuilt = every_view().await;
    assert_eq!(rebuilt.0, live.0, "view_migrations");
    assert_eq!(rebuilt.1, live.1, "view_progress");
    assert_eq!(rebuilt.2, live.2, "view_failures");
    assert_eq!(rebuilt.3, live.3, "view_history");
    assert_eq!(rebuilt.4, live.4, "view_id_map");

    // Every state change is an event: the views, built from events alone, hold the run's state.
    let row = live.0.expect("the run is listed");
    assert_eq!(row.status, "awaiting_confirmation");
    assert_eq!(
        live.3.len() as i64,
        world.test.event_count().await,
        "one entry per event"
    );
    let summary = other.summary(id).await.expect("summary");
    for (entity, line) in &summary.entities {
        let progress = live
            .1
            .iter()
            .find(|row| &row.kind == entity)
            .expect("a row");
        let view = [progress.counted, progress.transferred, progress.failed];
        let state = [line.counted, line.transferred, line.failed].map(|n| n as i64);
        assert_eq!(view, state, "{entity}");
    }
    let created = live
        .4
        .iter()
        .filter(|entry| entry.kind == "companies")
        .count();
    assert_eq!(
        created,
        world.portal("companies").len(),
        "the id map holds what was created"
    );
}
