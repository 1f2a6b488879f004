//! Where amoCRM's data lands on the portal, end to end on both stores: users matched by e-mail
//! or invited, the rest of the records going to the default responsible (D1); system stages
//! on the portal's system stages, unsorted deals in the first stage and created pipelines
//! without the default stages nothing uses (D5); every field of a deal the manual lists (D6);
//! and what cannot be moved in the failure list, not guessed (D9).

mod support;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset};
use migrator_bitrix24::B24Client;
use migrator_domain::Entity;
use migrator_runner::Stop;
use migrator_sandbox_amocrm::generator::{EntityKind, StatusKind};
use migrator_sandbox_bitrix24::NewUser;
use migrator_tests::{Kind, on_both_stores};
use serde_json::Value;
use support::World;

const CORE: [Entity; 5] = [
    Entity::Users,
    Entity::Companies,
    Entity::Contacts,
    Entity::Pipelines,
    Entity::Deals,
];

/// The names amoCRM gives its system stages, which never become portal stages.
const AMO_SYSTEM_STAGES: [&str; 4] = [
    "Неразобранное",
    "Первичный контакт",
    "Успешно реализовано",
    "Закрыто и не реализовано",
];

/// The portal user the run acts as: the default responsible.
async fn default_responsible(world: &World) -> u64 {
    let b24 = B24Client::from_webhook_url(&world.b24.webhook_url()).expect("client");
    b24.profile().await.expect("profile").id
}

/// Portal user id by e-mail, compared without case and outer spaces.
fn portal_users(world: &World) -> BTreeMap<String, Vec<u64>> {
    let mut users: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for user in world.portal("users") {
        let email = user["email"]
            .as_str()
            .unwrap_or_default()
            .trim()
            .to_lowercase();
        users
            .entry(email)
            .or_default()
            .push(user["id"].as_u64().expect("an id"));
    }
    users
}

/// The portal user an amoCRM user's records must carry: theirs, found by e-mail, else the
/// default responsible.
fn responsible_of(world: &World, amo_user: u64, default: u64) -> u64 {
    let users = portal_users(world);
    world
        .amo
        .control()
        .account()
        .users()
        .iter()
        .find(|user| user.id == amo_user)
        .and_then(|user| users.get(&user.email.to_lowercase()))
        .and_then(|ids| ids.first().copied())
        .unwrap_or(default)
}

/// The portal id of the record whose origin is `origin` (`company:<id>`), if it moved.
fn portal_id(world: &World, key: &str, origin: &str) -> Option<String> {
    world
        .portal(key)
        .iter()
        .find(|record| record["ORIGIN_ID"] == origin)
        .map(|record| record["ID"].as_str().expect("an id").to_owned())
}

fn amo_id(record: &Value, prefix: &str) -> u64 {
    let origin = record["ORIGIN_ID"].as_str().expect("an origin");
    origin
        .strip_prefix(prefix)
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{origin} is not {prefix}<id>"))
}

on_both_stores!(d1_users_are_matched_by_email_whatever_its_case_or_invited_else_default);

async fn d1_users_are_matched_by_email_whatever_its_case_or_invited_else_default(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    let users = world.amo.control().account().users().to_vec();
    // Every other active user is on the portal already, their e-mail in capitals.
    let mut already: BTreeMap<u64, u64> = BTreeMap::new();
    for user in users
        .iter()
        .filter(|user| user.is_active && !user.is_deleted)
        .step_by(2)
    {
        let shouted = user.email.to_uppercase();
        let id = world
            .b24
            .control()
            .add_user(NewUser::employee(&shouted, "Есть", "Уже"));
        already.insert(user.id, id);
    }
    let default = default_responsible(&world).await;
    let runner = world.runner().await;
    let request = world.request(&CORE);
    let id = request.migration_id;

    let stop = runner.start(request).await.expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    let portal = portal_users(&world);
    let invitations: BTreeSet<String> = world.b24.control().state()["invitations"]
        .as_array()
        .expect("invitations")
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_lowercase)
        .collect();
    let failures = world.failures(id).await;
    let mut unmatched = Vec::new();
    for user in users.iter().filter(|user| !user.is_deleted) {
        let email = user.email.to_lowercase();
        let on_portal = portal.get(&email).map_or(0, Vec::len);
        if let Some(portal_id) = already.get(&user.id) {
            assert_eq!(
                portal[&email],
                [*portal_id],
                "{email} matched, not duplicated"
            );
            assert!(
                !invitations.contains(&email),
                "{email} was invited though on the portal"
            );
        } else if user.is_active {
            assert_eq!(on_portal, 1, "{email} was invited once");
            assert!(invitations.contains(&email), "{email} was not invited");
        } else {
            assert_eq!(
                on_portal, 0,
                "a deactivated amoCRM user was invited: {email}"
            );
            let failure = failures
                .iter()
                .find(|(kind, amo_id, _, _)| kind == "users" && *amo_id as u64 == user.id)
                .unwrap_or_else(|| panic!("{email} is not in the failure list"));
            assert!(failure.3.contains("default responsible"), "{failure:?}");
            unmatched.push(user.id);
        }
    }
    assert!(
        !unmatched.is_empty(),
        "the account has a deactivated user to test"
    );

    let account = world.amo.control().account();
    let (mut to_default, mut to_existing) = (0, 0);
    for company in world.portal("companies") {
        let amo_id = amo_id(&company, "company:");
        let index = account
            .index_of(EntityKind::Companies, amo_id)
            .expect("generated");
        let responsible = account.company(index).responsible_user_id;
        let expected = match already.get(&responsible) {
            Some(portal_id) => {
                to_existing += 1;
                *portal_id
            }
            None => responsible_of(&world, responsible, default),
        };
        if unmatched.contains(&responsible) || expected == default {
            to_default += 1;
        }
        assert_eq!(
            company["ASSIGNED_BY_ID"],
            expected.to_string(),
            "company {amo_id} of amoCRM user {responsible}"
        );
    }
    assert!(
        to_existing > 0,
        "no company went to a user who was on the portal already"
    );
    assert!(to_default > 0, "no company went to the default responsible");
}

on_both_stores!(d5_system_stages_land_on_the_portals_and_unsorted_deals_in_the_first_stage);

async fn d5_system_stages_land_on_the_portals_and_unsorted_deals_in_the_first_stage(kind: Kind) {
    let world = World::with_amo_rate(kind, 300, 50).await;
    let system_names = |world: &World| -> BTreeMap<String, String> {
        world
            .portal("statuses")
            .iter()
            .filter(|stage| stage["entity_id"] == "DEAL_STAGE" && stage["system"] == true)
            .map(|stage| {
                let code = stage["status_id"].as_str().unwrap_or_default().to_owned();
                (code, stage["name"].as_str().unwrap_or_default().to_owned())
            })
            .collect()
    };
    let before = system_names(&world);
    let runner = world.runner().await;

    let stop = runner
        .start(world.request(&CORE))
        .await
        .expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    assert_eq!(
        system_names(&world),
        before,
        "the portal's system stages keep their names"
    );
    for stage in world.portal("statuses") {
        let name = stage["name"].as_str().unwrap_or_default();
        assert!(
            !AMO_SYSTEM_STAGES.contains(&name),
            "a stage named «{name}» was created"
        );
    }
    // A pipeline the run created loses the default stages no status uses; the main one,
    // merged, loses nothing.
    let unused = [
        "PREPARATION",
        "PREPAYMENT_INVOICE",
        "EXECUTING",
        "FINAL_INVOICE",
        "APOLOGY",
    ];
    let stages: BTreeSet<String> = world
        .portal("statuses")
        .iter()
        .filter_map(|stage| stage["status_id"].as_str().map(str::to_owned))
        .collect();
    let created = world.portal("categories");
    assert!(!created.is_empty(), "the run created pipelines");
    for category in &created {
        let id = category["id"].as_u64().expect("an id");
        for code in unused {
            assert!(
                !stages.contains(&format!("C{id}:{code}")),
                "C{id}:{code} stayed"
            );
        }
    }
    for code in unused {
        assert!(stages.contains(code), "the main pipeline lost {code}");
    }
    let account = world.amo.control().account();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for deal in world.portal("deals") {
        let amo_id = amo_id(&deal, "lead:");
        let lead = account.lead(
            account
                .index_of(EntityKind::Leads, amo_id)
                .expect("generated"),
        );
        let status = account
            .pipelines()
            .iter()
            .find(|pipeline| pipeline.id == lead.pipeline_id)
            .and_then(|pipeline| pipeline.statuses.iter().find(|s| s.id == lead.status_id))
            .expect("the deal's status");
        let (code, case) = match status.kind {
            StatusKind::Unsorted => ("NEW".to_owned(), "unsorted"),
            StatusKind::Won => ("WON".to_owned(), "won"),
            StatusKind::Lost => ("LOSE".to_owned(), "lost"),
            StatusKind::Custom if status.name == "Первичный контакт" => {
                ("NEW".to_owned(), "first contact")
            }
            StatusKind::Custom => (format!("AMO{}", status.id), "own stage"),
        };
        let category = deal["CATEGORY_ID"].as_str().expect("a pipeline");
        let expected = match category {
            "0" => code,
            other => format!("C{other}:{code}"),
        };
        assert_eq!(
            deal["STAGE_ID"],
            expected.as_str(),
            "deal {amo_id} in «{}»",
            status.name
        );
        seen.insert(case);
    }
    assert_eq!(
        seen,
        ["first contact", "lost", "own stage", "unsorted", "won"].into(),
        "the account's deals cover every kind of stage"
    );
}

on_both_stores!(d6_a_deal_carries_name_responsible_stage_amount_links_and_start_date);

async fn d6_a_deal_carries_name_responsible_stage_amount_links_and_start_date(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    let default = default_responsible(&world).await;
    let runner = world.runner().await;

    let stop = runner
        .start(world.request(&CORE))
        .await
        .expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    let account = world.amo.control().account();
    let moscow = FixedOffset::east_opt(3 * 3600).expect("an offset");
    let links = world.b24.control().state()["deal_contacts"].clone();
    let (mut with_contacts, mut with_company, mut creator_elsewhere) = (0, 0, 0);
    for deal in world.portal("deals") {
        let amo_id = amo_id(&deal, "lead:");
        let lead = account.lead(
            account
                .index_of(EntityKind::Leads, amo_id)
                .expect("generated"),
        );
        assert_eq!(deal["TITLE"], lead.name.as_str(), "deal {amo_id}");
        let amount: f64 = deal["OPPORTUNITY"]
            .as_str()
            .expect("amount")
            .parse()
            .expect("number");
        assert_eq!(amount, lead.price as f64, "deal {amo_id}");
        let responsible = responsible_of(&world, lead.responsible_user_id, default);
        assert_eq!(
            deal["ASSIGNED_BY_ID"],
            responsible.to_string(),
            "deal {amo_id}"
        );
        let begin = DateTime::from_timestamp(lead.created_at, 0).expect("instant");
        let day = begin.with_timezone(&moscow).format("%Y-%m-%d").to_string();
        let begindate = deal["BEGINDATE"].as_str().expect("BEGINDATE");
        assert!(
            begindate.starts_with(&day),
            "deal {amo_id}: {begindate}, created {day}"
        );
        // The creator is not moved: the portal names the user who ran the migration.
        assert_eq!(deal["CREATED_BY_ID"], default.to_string(), "deal {amo_id}");
        if responsible_of(&world, lead.created_by, default) != default {
            creator_elsewhere += 1;
        }

        let company = lead
            .company_id
            .and_then(|company| portal_id(&world, "companies", &format!("company:{company}")));
        assert_eq!(
            deal["COMPANY_ID"],
            company.clone().unwrap_or_else(|| "0".to_owned()),
            "deal {amo_id}"
        );
        with_company += usize::from(company.is_some());
        let expected: BTreeSet<u64> = lead
            .contacts
            .iter()
            .filter_map(|(contact, _)| portal_id(&world, "contacts", &format!("contact:{contact}")))
            .map(|id| id.parse().expect("an id"))
            .collect();
        let deal_id: u64 = deal["ID"].as_str().expect("an id").parse().expect("an id");
        let linked: BTreeSet<u64> = links
            .as_array()
            .expect("links")
            .iter()
            .filter(|link| link["owner"] == deal_id)
            .filter_map(|link| link["contact"].as_u64())
            .collect();
        assert_eq!(linked, expected, "deal {amo_id}'s contacts");
        with_contacts += usize::from(!expected.is_empty());
    }
    assert!(
        with_company > 0 && with_contacts > 0,
        "no deal had links to check"
    );
    assert!(
        creator_elsewhere > 0,
        "no deal had a creator the portal knows"
    );
}

on_both_stores!(d9_what_cannot_move_is_in_the_failure_list_with_its_reason_not_guessed);

async fn d9_what_cannot_move_is_in_the_failure_list_with_its_reason_not_guessed(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    let runner = world.runner().await;
    let request = world.request(&Entity::ALL);
    let id = request.migration_id;

    let stop = runner.start(request).await.expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    let failures = world.failures(id).await;
    let account = world.amo.control().account();
    let created_fields: BTreeSet<String> = world
        .portal("user_fields")
        .iter()
        .filter_map(|field| field["field_name"].as_str().map(str::to_owned))
        .collect();
    let not_movable = [
        "linked_entity",
        "chained_list",
        "price",
        "category",
        "items",
        "payer",
    ];
    let mut fields_checked = 0;
    for entity in [
        EntityKind::Companies,
        EntityKind::Contacts,
        EntityKind::Leads,
    ] {
        for field in account.fields(entity) {
            if !not_movable.contains(&field.field_type.as_str()) {
                continue;
            }
            fields_checked += 1;
            let failure = failures
                .iter()
                .find(|(_, amo_id, _, _)| *amo_id as u64 == field.id)
                .unwrap_or_else(|| panic!("field {} is not in the failure list", field.name));
            assert_eq!(failure.2, "unsupported_value", "{failure:?}");
            assert!(
                failure.3.contains(&field.name),
                "the reason names the field: {failure:?}"
            );
            assert!(failure.3.contains("not moved"), "{failure:?}");
            let name = format!("UF_CRM_AMO_{}", field.id);
            assert!(
                !created_fields.contains(&name),
                "{name} was created on the portal"
            );
        }
    }
    assert!(
        fields_checked > 0,
        "the account has a field that cannot move"
    );

    let no_counterpart = [
        "site_visit",
        "link_followed",
        "targeting_in",
        "targeting_out",
        "transaction",
        "zoom_meeting",
        "dropbox_attachment",
        "bill_paid",
        "ai_result",
        "chat",
    ];
    let activities: BTreeSet<String> = world
        .portal("activities")
        .iter()
        .filter_map(|activity| activity["ORIGIN_ID"].as_str().map(str::to_owned))
        .collect();
    let mut notes_checked = 0;
    for index in 0..account.count(EntityKind::Notes) {
        let note = account.note(index);
        let note_type = note.body.note_type().to_owned();
        if !no_counterpart.contains(&note_type.as_str()) {
            continue;
        }
        notes_checked += 1;
        let failure = failures
            .iter()
            .find(|(kind, amo_id, _, _)| kind == "events" && *amo_id as u64 == note.id)
            .unwrap_or_else(|| panic!("note {} ({note_type}) is not in the list", note.id));
        assert_eq!(failure.2, "unsupported_value", "{failure:?}");
        assert!(
            failure.3.contains(&note_type),
            "the reason names the type: {failure:?}"
        );
        assert!(
            !activities
                .iter()
                .any(|origin| origin.ends_with(&format!(":{}", note.id))),
            "note {} became an activity",
            note.id
        );
    }
    assert!(
        notes_checked > 0,
        "the account has a note with no counterpart"
    );
    let summary = runner.summary(id).await.expect("summary");
    let failed_events = failures
        .iter()
        .filter(|(kind, _, _, _)| kind == "events")
        .count();
    assert_eq!(summary.entities["events"].failed, failed_events as u64);
}
