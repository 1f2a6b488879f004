//! The engine's guarantees, each against both simulators and on both stores (SQLite and
//! PostgreSQL): a rollback leaves the portal as it found it (E4, E5), a run killed at any instant
//! resumes and moves nothing twice (H2), a required portal field interrupts and resume continues
//! (D4), a pipeline choice over the plan's limit is refused before anything is written (B6), and a
//! finished run resumed changes nothing.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use migrator_domain::migration::Interruption;
use migrator_domain::{Entity, Status};
use migrator_runner::{RunnerError, Stop};
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
    let world = World::new(kind, 200).await;
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
    let world = World::new(kind, 200).await;
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
    let world = World::new(kind, 100).await;
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
    let world = World::new(kind, 200).await;
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

on_both_stores!(f5_h3_portal_faults_of_every_passing_kind_lose_and_double_nothing);

async fn f5_h3_portal_faults_of_every_passing_kind_lose_and_double_nothing(kind: Kind) {
    let world = World::with_amo_rate(kind, 600, 50).await;
    // OPERATION_TIME_LIMIT is left out: the client waits out the method's ten-minute window,
    // which is right for a run and too long for a test (its handling has its own test).
    // OVERLOAD_LIMIT is left out too: it blocks the portal's REST API, which stops the run
    // until a person resumes it (the client's own tests cover it as a stop).
    let codes = ["QUERY_LIMIT_EXCEEDED", "INTERNAL_SERVER_ERROR"];
    world
        .b24
        .control()
        .set_chaos(Some(migrator_sandbox_bitrix24::Chaos {
            probability: 0.03,
            seed: 5,
            codes: codes.iter().map(|code| (*code).to_owned()).collect(),
        }));
    // amoCRM's fault classes (429 with its long retry_after, 5xx, HTML bodies) are covered by
    // its client's tests; here they would only make the run wait minutes.
    let request = world.request(&ALL);
    let id = request.migration_id;

    // A person (or a supervisor) resumes whatever the faults interrupt, until the run rests.
    let runner = world
        .runner()
        .await
        .with_first_backoff(Duration::from_millis(10));
    let mut stop = runner.start(request).await;
    let mut resumes = 0;
    while !matches!(stop, Ok(Stop::Finished)) && resumes < 100 {
        resumes += 1;
        let runner = world
            .runner()
            .await
            .with_first_backoff(Duration::from_millis(10));
        stop = runner.resume(id).await;
    }

    assert!(
        matches!(stop, Ok(Stop::Finished)),
        "the run never completed: {stop:?}"
    );
    let summary = runner.summary(id).await.expect("summary");
    for (entity, line) in &summary.entities {
        assert!(line.balanced, "{entity}: {line:?}");
    }
    for key in ["companies", "contacts", "deals", "activities"] {
        let twice: Vec<_> = origins(&world, key)
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .collect();
        assert!(twice.is_empty(), "{key} created twice: {twice:?}");
    }
    let faults = world
        .b24
        .control()
        .calls()
        .iter()
        .filter(|call| call.status >= 429)
        .count();
    assert!(
        faults > 0,
        "the portal injected no fault, so the test showed nothing"
    );
}
