//! The engine's guarantees, each against both simulators and on both stores (SQLite and
//! PostgreSQL): a rollback leaves the portal as it found it (E4, E5), a run killed at any instant
//! resumes and moves nothing twice (H2), a required portal field interrupts and resume continues
//! (D4), a pipeline choice over the plan's limit is refused before anything is written (B6), a
//! finished run resumed changes nothing, and faults of every passing class, injected at random by
//! both simulators, lose and double nothing (F5, H3).

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use migrator_amocrm::RetryPolicy as AmoRetry;
use migrator_bitrix24::{OperatingConfig, RetryPolicy as B24Retry};
use migrator_domain::migration::Interruption;
use migrator_domain::{Entity, Status};
use migrator_runner::{RunnerError, Stop};
use migrator_sandbox_amocrm::{ChaosMode, RateLimitBody, SandboxConfig as AmoConfig};
use migrator_sandbox_bitrix24::{Chaos, SandboxConfig as B24Config};
use migrator_tests::{Kind, on_both_stores};
use serde_json::Value;
use support::World;

const ALL: [Entity; 7] = Entity::ALL;

const CORE: [Entity; 5] = [
    Entity::Users,
    Entity::Companies,
    Entity::Contacts,
    Entity::Pipelines,
    Entity::Deals,
];

/// The origins of every record of one kind on the portal, with how often each appears.
fn origins(world: &World, key: &str) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    for record in world.portal(key) {
        if let Some(origin) = record["ORIGIN_ID"].as_str() {
            *seen.entry(origin.to_owned()).or_default() += 1;
        }
    }
    seen
}

fn categories(world: &World) -> usize {
    world.portal("categories").len()
}

on_both_stores!(e4_e5_a_rollback_deletes_what_the_run_created_and_leaves_the_rest);

async fn e4_e5_a_rollback_deletes_what_the_run_created_and_leaves_the_rest(kind: Kind) {
    // amoCRM's pace (7 requests a second) is not this test's subject.
    let world = World::with_amo_rate(kind, 200, 50).await;
    let categories_before = categories(&world);
    let stages_before = world.portal("statuses").len();
    let fields_before = world.portal("user_fields").len();
    let runner = world.runner().await;
    let request = world.request(&CORE);
    let id = request.migration_id;
    assert_eq!(runner.start(request).await.expect("moved"), Stop::Finished);
    assert!(
        categories(&world) > categories_before,
        "new pipelines were created"
    );
    assert!(
        world.portal("statuses").len() > stages_before,
        "new stages were created"
    );
    assert!(
        world.portal("user_fields").len() > fields_before,
        "user fields were created"
    );

    let stop = runner.rollback(id).await.expect("rolled back");

    assert_eq!(stop, Stop::RolledBack);
    for key in ["companies", "contacts", "deals"] {
        assert!(
            world.portal(key).is_empty(),
            "{key} remain after the rollback"
        );
    }
    assert_eq!(
        categories(&world),
        categories_before,
        "created pipelines are deleted"
    );
    assert_eq!(
        world.portal("statuses").len(),
        stages_before,
        "created stages are deleted"
    );
    assert_eq!(
        world.portal("user_fields").len(),
        fields_before,
        "created fields are deleted"
    );
    let summary = runner.summary(id).await.expect("summary");
    assert_eq!(summary.status, "rolled_back");
    assert!(
        summary.entities["users"].transferred > 0,
        "users stay on the portal"
    );
}

on_both_stores!(h2_a_run_killed_twenty_times_while_moving_moves_every_record_exactly_once);

async fn h2_a_run_killed_twenty_times_while_moving_moves_every_record_exactly_once(kind: Kind) {
    let world = World::with_amo_rate(kind, 2_000, 50).await;
    let request = world.request(&CORE);
    let id = request.migration_id;
    // Batches are carried out at once and answered 60 ms later: a kill in that window leaves
    // records on the portal whose outcomes were never recorded.
    world
        .b24
        .control()
        .slow_down("batch", Duration::from_millis(60));

    // Each attempt is cut off after an irregular delay, as a kill would: the future is
    // dropped wherever it is, between a call to the portal and the command recording it too.
    let first = world.runner().await;
    let mut outcome = tokio::time::timeout(Duration::from_millis(400), first.start(request)).await;
    let mut kills_while_moving = 0;
    for attempt in 0..200u64 {
        if matches!(outcome, Ok(Ok(Stop::Finished))) || kills_while_moving >= 20 {
            break;
        }
        let status = world
            .runner()
            .await
            .store()
            .load_migration(id)
            .await
            .expect("load");
        if outcome.is_err() && status.status() == Status::Transferring {
            kills_while_moving += 1;
        }
        let runner = world.runner().await;
        let cut = Duration::from_millis(40 + (attempt * 53) % 260);
        outcome = tokio::time::timeout(cut, runner.resume(id)).await;
    }
    assert!(
        kills_while_moving >= 20,
        "only {kills_while_moving} kills landed while moving"
    );
    let runner = world.runner().await;
    assert_eq!(runner.resume(id).await.expect("completes"), Stop::Finished);

    let summary = runner.summary(id).await.expect("summary");
    for key in ["companies", "contacts", "deals"] {
        let seen = origins(&world, key);
        let twice: Vec<_> = seen.iter().filter(|(_, count)| **count > 1).collect();
        assert!(twice.is_empty(), "{key} created twice: {twice:?}");
        assert_eq!(
            seen.len() as u64,
            summary.entities[key].transferred,
            "every moved {key} is on the portal once"
        );
        assert!(
            summary.entities[key].balanced,
            "{key}: {:?}",
            summary.entities[key]
        );
    }
}

on_both_stores!(d4_a_required_portal_field_interrupts_naming_it_and_resume_continues);

async fn d4_a_required_portal_field_interrupts_naming_it_and_resume_continues(kind: Kind) {
    // amoCRM's pace (7 requests a second) is not this test's subject.
    let world = World::with_amo_rate(kind, 200, 50).await;
    let b24 = migrator_bitrix24::B24Client::from_webhook_url(&world.b24.webhook_url()).expect("ok");
    let field = serde_json::json!({"fields": {
        "FIELD_NAME": "INN", "USER_TYPE_ID": "string", "EDIT_FORM_LABEL": "ИНН", "MANDATORY": "Y"
    }});
    b24.call("crm.company.userfield.add", field)
        .await
        .expect("field added");
    let runner = world.runner().await;
    let request = world.request(&CORE);
    let id = request.migration_id;

    let stop = runner.start(request).await.expect("stops cleanly");

    let Stop::Interrupted(Interruption::RequiredField { entity, field }) = stop else {
        panic!("a required field must interrupt the run, got {stop:?}");
    };
    assert_eq!(entity, Entity::Companies);
    assert!(field.contains("UF_CRM_INN"), "{field}");
    assert!(
        world.portal("companies").is_empty(),
        "nothing was created before the check"
    );

    world
        .b24
        .control()
        .set_user_field_mandatory("company", "UF_CRM_INN", false)
        .expect("off");
    assert_eq!(runner.resume(id).await.expect("resumed"), Stop::Finished);
    assert!(!world.portal("companies").is_empty());
}

on_both_stores!(b6_new_pipelines_over_the_plan_limit_are_refused_before_anything_is_written);

async fn b6_new_pipelines_over_the_plan_limit_are_refused_before_anything_is_written(kind: Kind) {
    let world = World::new(kind, 200).await;
    world.b24.control().set_plan("ru_project");
    let runner = world.runner().await;
    let request = world.request(&CORE);
    let id = request.migration_id;

    let refused = runner.start(request).await;

    let Err(RunnerError::Plan(error)) = refused else {
        panic!("the choice must be refused for the plan, got {refused:?}");
    };
    assert!(error.to_string().contains("pipeline"), "{error}");
    assert!(world.portal("companies").is_empty());
    let migration = runner.store().load_migration(id).await.expect("load");
    assert_eq!(
        migration.status(),
        Status::Counted,
        "the run waits for other settings"
    );
}

on_both_stores!(resuming_a_finished_run_changes_nothing);

async fn resuming_a_finished_run_changes_nothing(kind: Kind) {
    // amoCRM's pace (7 requests a second) is not this test's subject.
    let world = World::with_amo_rate(kind, 100, 50).await;
    let runner = world.runner().await;
    let request = world.request(&CORE);
    let id = request.migration_id;
    runner.start(request).await.expect("moved");
    let before: Vec<Value> = world.portal("companies");
    let events = world.test.event_count().await;

    let stop = runner.resume(id).await.expect("nothing to do");

    assert_eq!(stop, Stop::Finished);
    assert_eq!(
        world.test.event_count().await,
        events,
        "no event was written"
    );
    assert_eq!(world.portal("companies"), before);
}

on_both_stores!(d2_d3_custom_field_values_land_in_user_fields_created_for_them);

async fn d2_d3_custom_field_values_land_in_user_fields_created_for_them(kind: Kind) {
    // amoCRM's pace (7 requests a second) is not this test's subject.
    let world = World::with_amo_rate(kind, 200, 50).await;
    let runner = world.runner().await;

    runner.start(world.request(&CORE)).await.expect("moved");

    let fields = world.portal("user_fields");
    let created: Vec<&str> = fields
        .iter()
        .filter_map(|field| field["field_name"].as_str())
        .filter(|name| name.starts_with("UF_CRM_AMO_"))
        .collect();
    assert!(
        !created.is_empty(),
        "no user field was created for amoCRM's custom fields"
    );
    let companies = serde_json::to_string(&world.portal("companies")).expect("JSON");
    let carried = created
        .iter()
        .filter(|name| companies.contains(*name))
        .count();
    assert!(carried > 0, "no company carries a value of {created:?}");
}

on_both_stores!(f5_h3_faults_of_every_passing_class_from_both_services_lose_and_double_nothing);

/// The Bitrix24 error classes that pass, each as the portal sends it: the leaky bucket's 503,
/// the method's operating-time 429, the support's overload block (which waits for a person),
/// and the two server failures.
const PASSING_B24: [&str; 5] = [
    "QUERY_LIMIT_EXCEEDED",
    "OPERATION_TIME_LIMIT",
    "OVERLOAD_LIMIT",
    "INTERNAL_SERVER_ERROR",
    "ERROR_UNEXPECTED_ANSWER",
];

async fn f5_h3_faults_of_every_passing_class_from_both_services_lose_and_double_nothing(
    kind: Kind,
) {
    // A small account (300 records: 30 companies, 60 contacts, 60 deals, 75 notes, 30
    // tasks...) is enough: its run makes about a thousand portal calls (every command of a
    // batch counts) and some 150 amoCRM requests, so at 2 % and 8 % each class is drawn
    // a few times. A bigger account only makes the test slower.
    let amo = AmoConfig {
        size: 300,
        seed: 11,
        rate_limit_rps: 50,
        // Kommo's JSON 429 with its retry_after, shortened from 300 s to one.
        rate_limit_body: RateLimitBody::Json,
        retry_after_secs: 1,
        ..AmoConfig::default()
    };
    let b24 = B24Config {
        plan: "ru_ent250".to_owned(),
        // The operating budget's window (ten minutes on a portal) lasts 200 ms here.
        operating_window: Duration::from_millis(200),
        ..B24Config::default()
    };
    let mut world = World::with_sandboxes(kind, amo, b24).await;
    // The clients' pauses are the real ones scaled down: back-off from 10 ms, and a method
    // refused for its operating time is held back for at most the portal's (short) window.
    world.amo_client.retry = AmoRetry {
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_secs(2),
        ..AmoRetry::default()
    };
    world.b24_client.retry = B24Retry {
        backoff_base: Duration::from_millis(10),
        backoff_cap: Duration::from_millis(200),
        ..B24Retry::default()
    };
    world.b24_client.operating = OperatingConfig {
        fallback_block: Duration::from_millis(200),
        window: Duration::from_millis(200),
        ..OperatingConfig::default()
    };
    world.b24.control().set_chaos(Some(Chaos {
        probability: 0.02,
        seed: 5,
        codes: PASSING_B24.map(str::to_owned).to_vec(),
    }));
    // amoCRM draws among all its fault kinds: 429, 500, 502, 503, 504 and an HTML page
    // answered with 200.
    world.amo.control().set_chaos(Some(ChaosMode {
        probability: 0.08,
        seed: 5,
    }));
    let request = world.request(&ALL);
    let id = request.migration_id;

    // A person (or a supervisor) resumes whatever the faults interrupt, until the run rests;
    // a process whose start-up read of the amoCRM account meets a fault is started again.
    let mut stop = None;
    let mut starts = 0;
    let mut last = None;
    while !matches!(stop, Some(Ok(Stop::Finished))) && starts < 200 {
        starts += 1;
        let Ok(runner) = world.try_runner().await else {
            continue;
        };
        let runner = runner.with_first_backoff(Duration::from_millis(10));
        stop = Some(match stop {
            None => runner.start(request.clone()).await,
            Some(_) => runner.resume(id).await,
        });
        last = Some(runner);
    }

    assert!(
        matches!(stop, Some(Ok(Stop::Finished))),
        "the run never completed: {stop:?}"
    );
    let runner = last.expect("a runner");
    let summary = runner.summary(id).await.expect("summary");
    for (entity, line) in &summary.entities {
        assert!(line.balanced, "{entity}: {line:?}");
    }
    for (key, entity) in [
        ("companies", "companies"),
        ("contacts", "contacts"),
        ("deals", "deals"),
        ("activities", "events"),
    ] {
        let seen = origins(&world, key);
        let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "{key} created twice: {twice:?}");
        assert_eq!(
            world.portal(key).len() as u64,
            summary.entities[entity].transferred,
            "every {entity} record the summary counts as moved is on the portal, once"
        );
    }
    // The account's own failures (a deactivated user, an unsupported note type...) stay;
    // none may come from a fault that passes.
    for failure in world.failures(id).await {
        let reason = &failure.3;
        let passing = PASSING_B24.iter().any(|code| reason.contains(code))
            || reason.contains("no reliable answer");
        assert!(!passing, "a passing fault failed a record: {failure:?}");
    }

    let mut portal_faults: BTreeMap<String, usize> = BTreeMap::new();
    for call in world.b24.control().calls() {
        if let Some(code) = call
            .error
            .filter(|code| PASSING_B24.contains(&code.as_str()))
        {
            *portal_faults.entry(code).or_default() += 1;
        }
    }
    let mut amo_faults: BTreeMap<String, usize> = BTreeMap::new();
    for call in world.amo.control().calls() {
        if let Some(fault) = call.fault {
            *amo_faults.entry(format!("{fault:?}")).or_default() += 1;
        }
    }
    assert!(
        portal_faults.len() > 1,
        "the portal injected too few classes: {portal_faults:?}"
    );
    assert!(
        amo_faults.len() > 1,
        "amoCRM injected too few classes: {amo_faults:?}"
    );
}

on_both_stores!(f5_h3_a_record_whose_add_fails_on_the_server_in_a_batch_is_moved_after_all);

async fn f5_h3_a_record_whose_add_fails_on_the_server_in_a_batch_is_moved_after_all(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    // One command of a batch fails on the server: it may have been applied, so it is not a
    // refusal of the record; the run interrupts, looks the batch up and sends it again.
    for (method, code) in [
        ("crm.company.add", "INTERNAL_SERVER_ERROR"),
        ("crm.deal.add", "ERROR_UNEXPECTED_ANSWER"),
        ("tasks.task.add", "INTERNAL_SERVER_ERROR"),
        ("crm.activity.add", "INTERNAL_SERVER_ERROR"),
        ("crm.contact.add", "QUERY_LIMIT_EXCEEDED"),
    ] {
        world
            .b24
            .control()
            .inject_fault(migrator_sandbox_bitrix24::Fault::from_code(method, code, 1));
    }
    let runner = world
        .runner()
        .await
        .with_first_backoff(Duration::from_millis(10));
    let request = world.request(&ALL);
    let id = request.migration_id;

    let stop = runner.start(request).await.expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    let summary = runner.summary(id).await.expect("summary");
    for (key, entity) in [
        ("companies", "companies"),
        ("contacts", "contacts"),
        ("deals", "deals"),
        ("tasks", "tasks"),
    ] {
        let line = &summary.entities[entity];
        assert_eq!(line.failed, 0, "{entity}: {line:?}");
        assert_eq!(world.portal(key).len() as u64, line.transferred, "{entity}");
    }
    // Notes fail for reasons of their own (types with no Bitrix24 counterpart); none for
    // the server's fault, and every moved note is one activity on the portal.
    let events = &summary.entities["events"];
    assert_eq!(
        world.portal("activities").len() as u64,
        events.transferred,
        "{events:?}"
    );
    for failure in world.failures(id).await {
        assert!(
            !failure.3.contains("INTERNAL_SERVER_ERROR"),
            "the server's fault failed a record: {failure:?}"
        );
    }
}
