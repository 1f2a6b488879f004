//! Events and tasks (D7, D8) against both simulators, on SQLite and on PostgreSQL: all seven
//! entities move and balance, every activity sits on the portal record its note was written on and
//! starts when the note was made, e-mails are completed and never sent, a note of a deal that was
//! not moved fails with its reason, tasks carry «Отчёт», a period keeps older events and tasks in
//! amoCRM (C1), a rollback removes activities and tasks and counts ones already gone as done, and a
//! run killed while moving events or tasks creates nothing twice (H2).

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use migrator_domain::mapping::{company, contact, deal};
use migrator_domain::{Entity, Period, Settings};
use migrator_runner::Stop;
use migrator_sandbox_amocrm::generator::{EntityKind, NoteBody};
use migrator_tests::{Kind, on_both_stores};
use serde_json::Value;
use support::{World, text};

const ALL: [Entity; 7] = Entity::ALL;

/// The portal records of one CRM type by their portal id.
fn by_id(world: &World, key: &str) -> BTreeMap<String, Value> {
    world
        .portal(key)
        .into_iter()
        .map(|record| (text(&record, "ID"), record))
        .collect()
}

/// How often each `ORIGIN_ID` appears among the portal's activities.
fn activity_origins(world: &World) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    for activity in world.portal("activities") {
        *seen.entry(text(&activity, "ORIGIN_ID")).or_default() += 1;
    }
    seen
}

on_both_stores!(d7_d8_all_seven_entities_move_balance_and_bind_to_their_records);

async fn d7_d8_all_seven_entities_move_balance_and_bind_to_their_records(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    let runner = world.runner().await;
    let request = world.request(&ALL);
    let id = request.migration_id;

    let stop = runner.start(request).await.expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    let summary = runner.summary(id).await.expect("summary");
    assert_eq!(summary.entities.len(), 7, "{:?}", summary.entities.keys());
    for (entity, line) in &summary.entities {
        assert!(line.balanced, "{entity}: {line:?}");
        assert!(line.counted > 0, "{entity} has records in the account");
    }
    let events = &summary.entities["events"];
    let activities = world.portal("activities");
    assert!(events.transferred > 0, "{events:?}");
    assert_eq!(activities.len() as u64, events.transferred);
    assert_eq!(
        activity_origins(&world).len(),
        activities.len(),
        "every activity has its own origin"
    );

    // Each activity sits on the portal record made from the amoCRM record of its note.
    let account = world.amo.control().account();
    let owners = [
        ("2", by_id(&world, "deals"), deal::ORIGIN_KIND),
        ("3", by_id(&world, "contacts"), contact::ORIGIN_KIND),
        ("4", by_id(&world, "companies"), company::ORIGIN_KIND),
    ];
    for activity in &activities {
        let origin = text(activity, "ORIGIN_ID");
        let note_id: u64 = origin
            .rsplit(':')
            .next()
            .and_then(|id| id.parse().ok())
            .expect(&origin);
        let index = account
            .index_of(EntityKind::Notes, note_id)
            .expect("a note");
        let note = account.note(index);
        let owner_type = text(activity, "OWNER_TYPE_ID");
        let (_, records, kind) = owners
            .iter()
            .find(|(type_id, _, _)| *type_id == owner_type)
            .expect("a deal, contact or company owner");
        let owner = &records[&text(activity, "OWNER_ID")];
        assert_eq!(
            text(owner, "ORIGIN_ID"),
            format!("{kind}:{}", note.entity_id),
            "activity {origin} is bound to the record its note was written on"
        );

        if owner_type == "2" && text(activity, "TYPE_ID") == "1" {
            let named = &activity["COMMUNICATIONS"][0]["VALUE"];
            assert_eq!(named, &owner["TITLE"], "{origin}: a meeting names its deal");
        }

        let start = chrono::DateTime::parse_from_rfc3339(&text(activity, "START_TIME"))
            .expect("a start time");
        assert_eq!(
            start.timestamp(),
            note.created_at,
            "{origin} starts when the note was made"
        );
        if let NoteBody::Call {
            has_recording: true,
            ..
        } = note.body
        {
            let link = format!("/recordings/{note_id}.mp3");
            assert!(
                text(activity, "DESCRIPTION").contains(&link),
                "{origin} keeps its recording"
            );
        }
    }

    // E-mails are history: completed on the portal, never sent by it.
    let mails: Vec<_> = activities
        .iter()
        .filter(|activity| text(activity, "TYPE_ID") == "4")
        .collect();
    assert!(!mails.is_empty(), "the account has e-mails");
    assert!(mails.iter().all(|mail| text(mail, "COMPLETED") == "Y"));
    let state = world.b24.control().state();
    assert_eq!(
        state["sent_emails"],
        serde_json::json!([]),
        "no e-mail was sent"
    );
    assert!(
        activities
            .iter()
            .any(|activity| text(activity, "TYPE_ID") == "2")
    );

    // Tasks: one per moved amoCRM task, each with its report heading, some bound to CRM.
    let tasks = world.portal("tasks");
    assert_eq!(tasks.len() as u64, summary.entities["tasks"].transferred);
    assert!(!tasks.is_empty());
    for task in &tasks {
        let description = text(task, "description");
        assert!(description.contains("Отчёт:"), "{description}");
        assert!(
            description.contains(&format!("amocrm:{}:{id}", account.account_id())),
            "the task carries the run's marker: {description}"
        );
    }
    let bound = tasks
        .iter()
        .filter(|task| {
            task["ufCrmTask"]
                .as_array()
                .is_some_and(|links| !links.is_empty())
        })
        .count();
    assert!(bound > 0, "tasks keep their links to moved records");
}

on_both_stores!(d7_a_note_of_a_deal_that_was_not_moved_fails_with_its_reason);

async fn d7_a_note_of_a_deal_that_was_not_moved_fails_with_its_reason(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    let account = world.amo.control().account();
    let (lead_index, note_index) = (0..account.count(EntityKind::Leads))
        .find_map(|index| {
            let first = account.notes_of(EntityKind::Leads, index).next()?;
            Some((index, first))
        })
        .expect("a lead with notes");
    let lead_id = account.id_of(EntityKind::Leads, lead_index);
    let note_id = account.note(note_index).id;
    // The lead is gone before the run counts, so the run never moves it; its note stays.
    assert!(
        world
            .amo
            .control()
            .delete_record(EntityKind::Leads, lead_id)
    );
    let runner = world.runner().await;
    let request = world.request(&ALL);
    let id = request.migration_id;

    let stop = runner.start(request).await.expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    let origin = format!("note:leads:{note_id}");
    assert!(
        !activity_origins(&world).contains_key(&origin),
        "the note of a deal that was not moved is not moved"
    );
    world.test.projector().catch_up().await.expect("views");
    let failures = world
        .test
        .read()
        .failures(id, 0, 10_000)
        .await
        .expect("failures");
    let failure = failures
        .iter()
        .map(|(_, failure)| failure)
        .find(|failure| failure.amo_id == note_id as i64)
        .expect("the note is in the failure list");
    assert_eq!(failure.entity, "events");
    assert_eq!(failure.code, "parent_not_moved");
    assert!(
        failure.reason.contains(&lead_id.to_string()),
        "{}",
        failure.reason
    );
    let summary = runner.summary(id).await.expect("summary");
    assert!(summary.entities["events"].failed > 0);
    assert!(summary.entities["events"].balanced);
}

on_both_stores!(e4_a_rollback_removes_activities_and_tasks_and_counts_lost_ones_as_done);

async fn e4_a_rollback_removes_activities_and_tasks_and_counts_lost_ones_as_done(kind: Kind) {
    // amoCRM's pace (7 requests a second) is not this test's subject.
    let world = World::with_amo_rate(kind, 200, 50).await;
    let runner = world.runner().await;
    let request = world.request(&ALL);
    let id = request.migration_id;
    assert_eq!(runner.start(request).await.expect("moved"), Stop::Finished);
    let moved = runner.summary(id).await.expect("summary");

    // Someone deletes an activity and a task on the portal before the rollback.
    let b24 = migrator_bitrix24::B24Client::from_webhook_url(&world.b24.webhook_url()).expect("ok");
    let activity = text(&world.portal("activities")[0], "ID");
    let task = text(&world.portal("tasks")[0], "id");
    b24.delete_activity(activity.parse().expect("an id"))
        .await
        .expect("deleted");
    b24.delete_task(task.parse().expect("an id"))
        .await
        .expect("deleted");

    let stop = runner.rollback(id).await.expect("rolled back");

    assert_eq!(stop, Stop::RolledBack);
    for key in ["activities", "tasks", "deals", "contacts", "companies"] {
        assert!(
            world.portal(key).is_empty(),
            "{key} remain after the rollback"
        );
    }
    let summary = runner.summary(id).await.expect("summary");
    assert_eq!(summary.status, "rolled_back");
    for entity in ["events", "tasks"] {
        assert_eq!(
            summary.entities[entity].rolled_back, moved.entities[entity].transferred,
            "every moved {entity} record is rolled back, the lost one too"
        );
    }
}

on_both_stores!(c1_events_and_tasks_outside_the_period_stay_in_amocrm);

async fn c1_events_and_tasks_outside_the_period_stay_in_amocrm(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    let runner = world.runner().await;
    let mut request = world.request(&ALL);
    let day = |year| chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("a day");
    let period = Period::new(day(2024), day(2030)).expect("a period");
    request.settings = Settings::new(ALL, Some(period), false, BTreeMap::new())
        .expect("settings")
        .0;
    let id = request.migration_id;

    let stop = runner.start(request).await.expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    let summary = runner.summary(id).await.expect("summary");
    for entity in ["events", "tasks"] {
        let line = &summary.entities[entity];
        assert!(line.balanced, "{entity}: {line:?}");
        assert!(line.outside_period > 0, "{entity}: {line:?}");
        assert!(line.in_period > 0, "{entity}: {line:?}");
        assert_eq!(
            line.outside_period,
            line.counted - line.in_period,
            "{entity}"
        );
    }
    let first_day = day(2024).and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    for activity in world.portal("activities") {
        let start = chrono::DateTime::parse_from_rfc3339(&text(&activity, "START_TIME"))
            .expect("a start time");
        assert!(start >= first_day, "{start} is inside the period");
    }
}

/// Moves `world`'s whole account in a run whose first process is killed once `before` is
/// complete, and whose later processes are killed at irregular instants until `kills` kills
/// landed while `moving` was being moved; then lets the run finish. Returns its summary.
async fn kill_while_moving(
    world: &World,
    before: Entity,
    moving: Entity,
    kills: u32,
) -> migrator_runner::Summary {
    let request = world.request(&ALL);
    let id = request.migration_id;
    // Batches are carried out at once and answered 60 ms later: a kill in that window leaves
    // records on the portal whose outcomes were never recorded.
    world
        .b24
        .control()
        .slow_down("batch", Duration::from_millis(60));

    // The first process moves what comes before undisturbed and is killed after it.
    let first = world.runner().await;
    let store = world.test.store.clone();
    let started = tokio::spawn(async move { first.start(request).await });
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let migration = store.load_migration(id).await.expect("load");
        if migration.completed().contains(&before) {
            break;
        }
        assert!(!started.is_finished(), "the run stopped before {moving}");
    }
    started.abort();
    let _ = started.await;

    // Later processes are cut off after irregular delays, between a call to the portal and
    // the command recording it too.
    let mut outcome = Err(());
    let mut landed = 0;
    for attempt in 0..400u64 {
        if matches!(outcome, Ok(Ok(Stop::Finished))) || landed >= kills {
            break;
        }
        let migration = store.load_migration(id).await.expect("load");
        let on_it =
            migration.completed().contains(&before) && !migration.completed().contains(&moving);
        if outcome.is_err() && on_it {
            landed += 1;
        }
        let runner = world.runner().await;
        let cut = Duration::from_millis(40 + (attempt * 53) % 260);
        outcome = tokio::time::timeout(cut, runner.resume(id))
            .await
            .map_err(drop);
    }
    assert!(
        landed >= kills,
        "only {landed} kills landed while moving {moving}"
    );

    let runner = world.runner().await;
    assert_eq!(runner.resume(id).await.expect("completes"), Stop::Finished);
    let summary = runner.summary(id).await.expect("summary");
    for (entity, line) in &summary.entities {
        assert!(line.balanced, "{entity}: {line:?}");
    }
    summary
}

on_both_stores!(h2_a_run_killed_while_moving_events_creates_every_activity_exactly_once);

async fn h2_a_run_killed_while_moving_events_creates_every_activity_exactly_once(kind: Kind) {
    let world = World::with_amo_rate(kind, 1_000, 50).await;

    let summary = kill_while_moving(&world, Entity::Deals, Entity::Events, 12).await;

    let seen = activity_origins(&world);
    let twice: Vec<_> = seen.iter().filter(|(_, count)| **count > 1).collect();
    assert!(twice.is_empty(), "activities created twice: {twice:?}");
    assert_eq!(seen.len() as u64, summary.entities["events"].transferred);
}

on_both_stores!(h2_a_run_killed_while_moving_tasks_creates_every_task_exactly_once);

async fn h2_a_run_killed_while_moving_tasks_creates_every_task_exactly_once(kind: Kind) {
    let world = World::with_amo_rate(kind, 3_000, 50).await;

    let summary = kill_while_moving(&world, Entity::Events, Entity::Tasks, 8).await;

    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for task in world.portal("tasks") {
        let description = text(&task, "description");
        let marker = description
            .rsplit('[')
            .next()
            .unwrap_or_default()
            .to_owned();
        *seen.entry(marker).or_default() += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, count)| **count > 1).collect();
    assert!(twice.is_empty(), "tasks created twice: {twice:?}");
    assert_eq!(seen.len() as u64, summary.entities["tasks"].transferred);
}
