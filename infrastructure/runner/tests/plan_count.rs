//! Choosing what to move and counting it, end to end on both stores: a chosen entity brings
//! what it depends on (B2), the period limits what moves but not what is counted (B3), pipeline
//! targets send deals where the user said (B5), counting counts every chosen entity as events
//! of the history (C1), cannot be stopped (C2), and must run again once the settings change
//! (C3).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use migrator_bitrix24::B24Client;
use migrator_domain::{Entity, MigrationCommand, Period, PipelineTarget, Settings, Status};
use migrator_runner::{RunRequest, Stop};
use migrator_sandbox_amocrm::FaultKind;
use migrator_sandbox_amocrm::generator::EntityKind;
use migrator_tests::{Kind, on_both_stores};
use serde_json::Value;
use support::World;
use uuid::Uuid;

const CORE: [Entity; 5] = [
    Entity::Users,
    Entity::Companies,
    Entity::Contacts,
    Entity::Pipelines,
    Entity::Deals,
];

fn request(world: &World, settings: Settings) -> RunRequest {
    RunRequest {
        migration_id: Uuid::new_v4(),
        portal: world.b24.url(),
        settings,
        requested_by: "test".to_owned(),
    }
}

fn settings(
    chosen: &[Entity],
    period: Option<Period>,
    pipelines: BTreeMap<u64, PipelineTarget>,
) -> Settings {
    Settings::new(chosen.iter().copied(), period, false, pipelines)
        .expect("valid settings")
        .0
}

/// The day (UTC, as the period reads it) amoCRM created the record of `kind` at `index`.
fn created_day(world: &World, kind: EntityKind, index: u64) -> NaiveDate {
    let seconds = world.amo.control().account().created_at(kind, index);
    DateTime::<Utc>::from_timestamp(seconds, 0)
        .expect("a valid instant")
        .date_naive()
}

/// A period from the day the deal at a quarter of the list was created to the day the one at
/// half of it was, and the ids of the deals created inside it (both days included).
fn middle_period(world: &World) -> (Period, BTreeSet<u64>) {
    let account = world.amo.control().account();
    let deals = account.count(EntityKind::Leads);
    let (first, last) = (deals / 4, deals / 2);
    let from = created_day(world, EntityKind::Leads, first);
    let to = created_day(world, EntityKind::Leads, last);
    assert!(
        created_day(world, EntityKind::Leads, first - 1) < from
            && created_day(world, EntityKind::Leads, last + 1) > to,
        "the generated deals around the period's ends must fall outside it"
    );
    let inside = (0..deals)
        .filter(|index| (from..=to).contains(&created_day(world, EntityKind::Leads, *index)))
        .map(|index| account.id_of(EntityKind::Leads, index))
        .collect();
    (Period::new(from, to).expect("a valid period"), inside)
}

/// The amoCRM ids behind the portal's records of one kind (`lead:<id>` → id).
fn origin_ids(world: &World, key: &str) -> Vec<u64> {
    world
        .portal(key)
        .iter()
        .filter_map(|record| record["ORIGIN_ID"].as_str())
        .filter_map(|origin| origin.rsplit(':').next()?.parse().ok())
        .collect()
}

/// The `EntityCounted` events of the history: (entity, total, in period), oldest first.
fn counted(history: &[(String, Value)]) -> Vec<(String, u64, u64)> {
    history
        .iter()
        .filter(|(event, _)| event == "EntityCounted")
        .map(|(_, payload)| {
            (
                payload["entity"].as_str().unwrap_or_default().to_owned(),
                payload["total"].as_u64().unwrap_or_default(),
                payload["in_period"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn position(history: &[(String, Value)], event: &str) -> usize {
    history
        .iter()
        .position(|(name, _)| name == event)
        .unwrap_or_else(|| panic!("no {event} in the history"))
}

on_both_stores!(b2_choosing_deals_brings_companies_contacts_and_pipelines_and_moves_them);

async fn b2_choosing_deals_brings_companies_contacts_and_pipelines_and_moves_them(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    let categories_before = world.portal("categories").len();
    let runner = world.runner().await;

    let (chosen, added) =
        Settings::new([Entity::Deals], None, false, BTreeMap::new()).expect("valid");
    let request = request(&world, chosen);
    let id = request.migration_id;
    let stop = runner.start(request).await.expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    let brought: BTreeSet<Entity> = added.iter().map(|dependency| dependency.entity).collect();
    let expected: BTreeSet<Entity> =
        [Entity::Companies, Entity::Contacts, Entity::Pipelines].into();
    assert_eq!(brought, expected);
    for dependency in &added {
        assert_eq!(dependency.needed_by, Entity::Deals);
        assert!(
            !dependency.reason.is_empty(),
            "the user sees why: {dependency:?}"
        );
    }
    let history = world.history(id).await;
    let configured = &history[position(&history, "MigrationConfigured")].1;
    let entities: Vec<&str> = configured["settings"]["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(entities, ["companies", "contacts", "pipelines", "deals"]);

    let summary = runner.summary(id).await.expect("summary");
    let lines: Vec<&str> = summary.entities.keys().map(String::as_str).collect();
    assert_eq!(lines, ["companies", "contacts", "deals", "pipelines"]);
    for (key, entity) in [
        ("companies", "companies"),
        ("contacts", "contacts"),
        ("deals", "deals"),
    ] {
        let line = &summary.entities[entity];
        assert!(line.transferred > 0, "{entity}: {line:?}");
        assert_eq!(world.portal(key).len() as u64, line.transferred, "{entity}");
    }
    assert!(
        world.portal("categories").len() > categories_before,
        "the deals' pipelines were created"
    );
    assert!(
        world
            .portal("deals")
            .iter()
            .any(|deal| deal["COMPANY_ID"] != "0"),
        "deals are linked to the companies moved with them"
    );
}

on_both_stores!(b3_a_period_moves_the_records_created_on_its_days_both_ends_included);

async fn b3_a_period_moves_the_records_created_on_its_days_both_ends_included(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    let (period, inside) = middle_period(&world);
    let deals = world.amo.control().account().count(EntityKind::Leads);
    let runner = world.runner().await;
    let request = request(&world, settings(&CORE, Some(period), BTreeMap::new()));
    let id = request.migration_id;

    let stop = runner.start(request).await.expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    let summary = runner.summary(id).await.expect("summary");
    let line = &summary.entities["deals"];
    assert_eq!(line.counted, deals, "counting still counts every deal");
    assert_eq!(line.in_period, inside.len() as u64);
    assert_eq!(line.outside_period, deals - inside.len() as u64);
    assert_eq!(
        line.transferred + line.failed,
        inside.len() as u64,
        "{line:?}"
    );
    assert!(line.balanced, "{line:?}");
    let moved: BTreeSet<u64> = origin_ids(&world, "deals").into_iter().collect();
    assert_eq!(moved.len() as u64, line.transferred);
    assert!(
        moved.is_subset(&inside),
        "a deal from outside the period moved"
    );
    let account = world.amo.control().account();
    let deals_count = account.count(EntityKind::Leads);
    for boundary in [deals_count / 4, deals_count / 2] {
        let amo_id = account.id_of(EntityKind::Leads, boundary);
        assert!(
            moved.contains(&amo_id),
            "the deal of a boundary day ({amo_id}) moved"
        );
    }
    let companies = &summary.entities["companies"];
    assert!(
        companies.in_period < companies.counted && companies.balanced,
        "the period applies to companies too: {companies:?}"
    );
    assert_eq!(
        world.portal("companies").len() as u64,
        companies.transferred
    );
}

on_both_stores!(b5_pipeline_targets_land_deals_in_main_new_and_an_existing_pipeline);

async fn b5_pipeline_targets_land_deals_in_main_new_and_an_existing_pipeline(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    let b24 = B24Client::from_webhook_url(&world.b24.webhook_url()).expect("client");
    let existing = b24
        .add_deal_category("Продажи (Bitrix24)", 50)
        .await
        .expect("an existing pipeline")
        .id;
    let categories_before = world.portal("categories").len();
    let pipelines = world.amo.control().account().pipelines().to_vec();
    let [main, to_existing, to_new, to_main] = [0, 1, 2, 3].map(|index| pipelines[index].id);
    let targets = BTreeMap::from([
        (to_existing, PipelineTarget::Existing(existing)),
        (to_new, PipelineTarget::New),
        (to_main, PipelineTarget::Main),
    ]);
    let runner = world.runner().await;

    let stop = runner
        .start(request(&world, settings(&CORE, None, targets)))
        .await
        .expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    let categories = world.portal("categories");
    assert_eq!(
        categories.len(),
        categories_before + 1,
        "one pipeline was created: {categories:?}"
    );
    let created = categories
        .iter()
        .find(|category| category["name"] == pipelines[2].name.as_str())
        .expect("the new pipeline carries the amoCRM name");
    let created = created["id"].as_u64().expect("an id");
    let account = world.amo.control().account();
    let mut landed: BTreeMap<u64, usize> = BTreeMap::new();
    for deal in world.portal("deals") {
        let origin = deal["ORIGIN_ID"].as_str().expect("an origin");
        let amo_id: u64 = origin.trim_start_matches("lead:").parse().expect("an id");
        let index = account
            .index_of(EntityKind::Leads, amo_id)
            .expect("a generated deal");
        let pipeline = account.lead(index).pipeline_id;
        let expected = match pipeline {
            id if id == main || id == to_main => 0,
            id if id == to_existing => existing,
            id if id == to_new => created,
            other => panic!("deal {amo_id} of an unknown pipeline {other}"),
        };
        assert_eq!(deal["CATEGORY_ID"], expected.to_string(), "deal {amo_id}");
        let stage = deal["STAGE_ID"].as_str().expect("a stage");
        if expected == 0 {
            assert!(!stage.starts_with('C'), "deal {amo_id} in {stage}");
        } else {
            assert!(
                stage.starts_with(&format!("C{expected}:")),
                "deal {amo_id} in {stage}"
            );
        }
        *landed.entry(expected).or_default() += 1;
    }
    for target in [0, existing, created] {
        assert!(
            landed.contains_key(&target),
            "no deal landed in pipeline {target}: {landed:?}"
        );
    }
}

on_both_stores!(c1_counting_records_every_chosen_entity_total_and_in_period_in_the_history);

async fn c1_counting_records_every_chosen_entity_total_and_in_period_in_the_history(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    let (period, inside) = middle_period(&world);
    let runner = world.runner().await;
    let request = request(
        &world,
        settings(&Entity::ALL, Some(period), BTreeMap::new()),
    );
    let id = request.migration_id;

    let stop = runner.start(request).await.expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    let history = world.history(id).await;
    let counts = counted(&history);
    let entities: Vec<&str> = counts
        .iter()
        .map(|(entity, _, _)| entity.as_str())
        .collect();
    assert_eq!(
        entities,
        [
            "users",
            "companies",
            "contacts",
            "pipelines",
            "deals",
            "events",
            "tasks"
        ],
        "one count per chosen entity, in the order of the run"
    );
    let finished = position(&history, "CountingFinished");
    let last_count = history
        .iter()
        .rposition(|(event, _)| event == "EntityCounted")
        .expect("counts");
    assert!(position(&history, "CountingStarted") < finished && last_count < finished);
    assert!(
        finished < position(&history, "TransferStarted"),
        "counting comes first"
    );

    let account = world.amo.control().account();
    let listed_users = account
        .users()
        .iter()
        .filter(|user| !user.is_deleted)
        .count() as u64;
    let expected_totals = [
        ("users", listed_users),
        ("companies", account.count(EntityKind::Companies)),
        ("contacts", account.count(EntityKind::Contacts)),
        ("pipelines", account.pipelines().len() as u64),
        ("deals", account.count(EntityKind::Leads)),
        ("tasks", account.count(EntityKind::Tasks)),
    ];
    let summary = runner.summary(id).await.expect("summary");
    for (entity, total, in_period) in &counts {
        if let Some((_, expected)) = expected_totals.iter().find(|(name, _)| name == entity) {
            assert_eq!(
                total, expected,
                "{entity}: every record of the account is counted"
            );
        }
        let line = &summary.entities[entity.as_str()];
        assert_eq!(
            (line.counted, line.in_period),
            (*total, *in_period),
            "{entity}"
        );
        assert!(in_period <= total, "{entity}");
    }
    let deals = counts
        .iter()
        .find(|(entity, _, _)| entity == "deals")
        .expect("deals");
    assert_eq!(deals.2, inside.len() as u64, "deals inside the period");
    for undated in ["users", "pipelines"] {
        let line = counts
            .iter()
            .find(|(entity, _, _)| entity == undated)
            .expect("counted");
        assert_eq!(
            line.1, line.2,
            "{undated} have no creation date the period could use"
        );
    }
    let progress = world.test.read().progress(id).await.expect("progress view");
    for (entity, total, in_period) in &counts {
        let row = progress
            .iter()
            .find(|row| &row.kind == entity)
            .expect("a progress row");
        assert_eq!(
            (row.counted as u64, row.in_period as u64),
            (*total, *in_period)
        );
    }
}

on_both_stores!(c2_counting_cannot_be_paused_cancelled_or_changed_and_runs_to_its_end);

async fn c2_counting_cannot_be_paused_cancelled_or_changed_and_runs_to_its_end(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    // The deals' listing answers after a second and a half: counting is under way meanwhile.
    world
        .amo
        .control()
        .inject_fault("/api/v4/leads", FaultKind::Slow { delay_ms: 1_500 }, 1);
    let runner = world.runner().await;
    let other = world.runner().await;
    let request = world.request(&CORE);
    let id = request.migration_id;
    let run = tokio::spawn(async move { runner.start(request).await });

    let mut waited = 0;
    loop {
        let migration = other.store().load_migration(id).await.expect("load");
        if migration.status() == Status::Counting && migration.counts().len() >= 3 {
            break;
        }
        assert!(waited < 2_000, "counting never got under way");
        waited += 1;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let paused = other.pause(id).await;
    let cancelled = other.cancel(id).await;
    let changed = other
        .store()
        .migration(
            id,
            MigrationCommand::ChangeSettings {
                settings: settings(&[Entity::Companies], None, BTreeMap::new()),
                at: Utc::now(),
            },
        )
        .await;

    let stop = run
        .await
        .expect("the run's task")
        .expect("the run completes");
    let paused = paused.expect_err("a pause during counting is refused");
    assert!(paused.to_string().contains("counting"), "{paused}");
    let cancelled = cancelled.expect_err("a cancel during counting is refused");
    assert!(
        cancelled.to_string().contains("counting cannot be stopped"),
        "{cancelled}"
    );
    assert!(changed.is_err(), "settings cannot change while counting");
    assert_eq!(stop, Stop::Finished);
    let history = world.history(id).await;
    let events: BTreeSet<&str> = history.iter().map(|(event, _)| event.as_str()).collect();
    for refused in ["MigrationPaused", "MigrationCancelled", "SettingsChanged"] {
        assert!(!events.contains(refused), "{refused} is in the history");
    }
    assert_eq!(
        counted(&history).len(),
        CORE.len(),
        "every entity was counted"
    );
    assert!(position(&history, "CountingFinished") < position(&history, "TransferStarted"));
}

on_both_stores!(c3_changed_settings_demand_a_new_count_under_the_new_fingerprint);

async fn c3_changed_settings_demand_a_new_count_under_the_new_fingerprint(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    // Start allows the main pipeline only: the first choice (a new pipeline for every other
    // amoCRM pipeline) is refused after counting, and the user changes the settings.
    world.b24.control().set_plan("ru_project");
    let categories_before = world.portal("categories").len();
    let runner = world.runner().await;
    let first = settings(&CORE, None, BTreeMap::new());
    let request = request(&world, first.clone());
    let id = request.migration_id;
    runner
        .start(request)
        .await
        .expect_err("too many new pipelines for the plan");
    let counted_first = runner.store().load_migration(id).await.expect("load");
    assert_eq!(counted_first.status(), Status::Counted);

    let (period, inside) = middle_period(&world);
    let all_main = world
        .amo
        .control()
        .account()
        .pipelines()
        .iter()
        .map(|pipeline| (pipeline.id, PipelineTarget::Main))
        .collect();
    let second = settings(&CORE, Some(period), all_main);
    let change = MigrationCommand::ChangeSettings {
        settings: second.clone(),
        at: Utc::now(),
    };
    runner
        .store()
        .migration(id, change)
        .await
        .expect("settings change");
    let changed = runner.store().load_migration(id).await.expect("load");
    assert_eq!(changed.status(), Status::Configured);
    assert!(
        changed.counts().is_empty(),
        "the old counts no longer apply"
    );
    let start = MigrationCommand::StartTransfer { at: Utc::now() };
    let refused = runner.store().migration(id, start).await;
    assert!(refused.is_err(), "moving without a new count is refused");

    let stop = runner.resume(id).await.expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    let history = world.history(id).await;
    let fingerprints = |event: &str| -> Vec<String> {
        history
            .iter()
            .filter(|(name, _)| name == event)
            .map(|(_, payload)| {
                payload["fingerprint"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(
        fingerprints("CountingStarted"),
        [first.fingerprint(), second.fingerprint()]
    );
    assert_eq!(
        fingerprints("CountingFinished"),
        [first.fingerprint(), second.fingerprint()]
    );
    let counts = counted(&history);
    assert_eq!(
        counts.len(),
        2 * CORE.len(),
        "every entity was counted twice"
    );
    let deals: Vec<_> = counts
        .iter()
        .filter(|(entity, _, _)| entity == "deals")
        .collect();
    assert_eq!(deals[0].1, deals[0].2, "no period at first");
    assert_eq!(
        deals[1].2,
        inside.len() as u64,
        "the new count applies the new period"
    );
    let summary = runner.summary(id).await.expect("summary");
    assert_eq!(summary.entities["deals"].in_period, inside.len() as u64);
    assert_eq!(world.portal("categories").len(), categories_before);
    assert!(
        world
            .portal("deals")
            .iter()
            .all(|deal| deal["CATEGORY_ID"] == "0"),
        "every deal landed in the main pipeline, as the new settings say"
    );
}
