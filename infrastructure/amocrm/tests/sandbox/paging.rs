//! Streaming every entity: completeness, stable order, page counts, period filters
//! (also when the account ignores API filters), and every record typed.

use std::collections::HashSet;

use chrono::{TimeZone, Utc};
use migrator_amocrm::models::common::EntityKind as Kind;
use migrator_amocrm::models::notes::NoteKind;
use migrator_amocrm::{ListQuery, Period};
use migrator_sandbox_amocrm::SandboxConfig;
use migrator_sandbox_amocrm::generator::EntityKind;

use crate::helpers::{calls_to, collect, fast_config, long_lived, sandbox, sandbox_with};

/// The middle third of the account's lead creation times.
fn middle_period(sandbox: &migrator_sandbox_amocrm::AmoSandbox) -> Period {
    let account = sandbox.control().account();
    let count = account.count(EntityKind::Leads);
    let from = account.created_at(EntityKind::Leads, count / 3);
    let to = account.created_at(EntityKind::Leads, 2 * count / 3);
    Period::new(
        Utc.timestamp_opt(from, 0).single().expect("from"),
        Utc.timestamp_opt(to, 0).single().expect("to"),
    )
}

/// How many leads of the account lie in `period`.
fn leads_in(sandbox: &migrator_sandbox_amocrm::AmoSandbox, period: Period) -> usize {
    let account = sandbox.control().account();
    (0..account.count(EntityKind::Leads))
        .filter(|&index| period.contains(account.created_at(EntityKind::Leads, index)))
        .count()
}

#[tokio::test]
async fn every_lead_comes_once_in_id_order_with_full_pages() {
    let sandbox = sandbox(4_000).await;
    let client = long_lived(&sandbox, fast_config());
    let expected = sandbox.control().account().count(EntityKind::Leads) as usize;

    let leads = collect(client.leads(ListQuery::new())).await;

    assert_eq!(leads.len(), expected);
    assert!(leads.windows(2).all(|pair| pair[0].id < pair[1].id));
    let pages = calls_to(&sandbox, "/api/v4/leads");
    let full_pages = expected / 250;
    assert!(
        (full_pages + 1..=full_pages + fast_config().read_ahead).contains(&pages.len()),
        "full pages of 250, then a short one or 204, plus pages read ahead: {}",
        pages.len()
    );
    assert!(pages.iter().all(|call| call.query.contains("limit=250")));
}

#[tokio::test]
async fn a_period_keeps_exactly_the_records_created_inside_it() {
    let sandbox = sandbox(3_000).await;
    let client = long_lived(&sandbox, fast_config());
    let period = middle_period(&sandbox);

    let leads = collect(client.leads(ListQuery::new().created_in(period))).await;

    assert_eq!(leads.len(), leads_in(&sandbox, period));
    assert!(
        leads
            .iter()
            .all(|lead| period.contains(lead.created_at.unwrap_or_default()))
    );
    let first = &calls_to(&sandbox, "/api/v4/leads")[0];
    assert!(
        first.query.contains("filter%5Bcreated_at%5D%5Bfrom%5D"),
        "{}",
        first.query
    );
}

#[tokio::test]
async fn a_period_still_holds_when_the_account_ignores_api_filters() {
    let sandbox = sandbox_with(SandboxConfig {
        size: 3_000,
        rate_limit_rps: 0,
        api_filters_enabled: false,
        ..SandboxConfig::default()
    })
    .await;
    let client = long_lived(&sandbox, fast_config());
    let period = middle_period(&sandbox);

    let leads = collect(client.leads(ListQuery::new().created_in(period))).await;

    assert_eq!(leads.len(), leads_in(&sandbox, period));
}

#[tokio::test]
async fn contacts_companies_tasks_and_events_are_read_completely() {
    let sandbox = sandbox(3_000).await;
    let client = long_lived(&sandbox, fast_config());
    let account = sandbox.control().account();

    let contacts = collect(client.contacts(ListQuery::new())).await;
    let companies = collect(client.companies(ListQuery::new())).await;
    let tasks = collect(client.tasks(ListQuery::new())).await;
    let events = collect(client.events(ListQuery::new())).await;

    assert_eq!(contacts.len() as u64, account.count(EntityKind::Contacts));
    assert_eq!(companies.len() as u64, account.count(EntityKind::Companies));
    assert_eq!(tasks.len() as u64, account.count(EntityKind::Tasks));
    assert_eq!(events.len() as u64, account.count(EntityKind::Events));
    let ids: HashSet<_> = events.iter().map(|event| event.id.clone()).collect();
    assert_eq!(ids.len(), events.len(), "event ids are unique");
    assert!(
        calls_to(&sandbox, "/api/v4/events")
            .iter()
            .all(|c| c.query.contains("limit=100"))
    );
}

#[tokio::test]
async fn notes_of_every_kind_are_typed_and_add_up_to_the_account() {
    let sandbox = sandbox(3_000).await;
    let client = long_lived(&sandbox, fast_config());

    let mut total = 0;
    let mut types = HashSet::new();
    for kind in [Kind::Leads, Kind::Contacts, Kind::Companies] {
        for note in collect(client.notes(kind, ListQuery::new())).await {
            total += 1;
            types.insert(note.kind.note_type().to_owned());
            assert!(
                !matches!(note.kind, NoteKind::Unknown { .. }),
                "{:?}",
                note.kind
            );
        }
    }

    assert_eq!(total, sandbox.control().account().count(EntityKind::Notes));
    assert!(
        types.contains("common") && types.contains("call_in"),
        "{types:?}"
    );
}

#[tokio::test]
async fn users_pipelines_and_field_definitions_are_read() {
    let sandbox = sandbox(500).await;
    let client = long_lived(&sandbox, fast_config());
    let account = sandbox.control().account();

    let users = collect(client.users()).await;
    let pipelines = client.pipelines().await.expect("pipelines");
    let fields = collect(client.custom_fields(Kind::Contacts)).await;

    let listed = account
        .users()
        .iter()
        .filter(|user| !user.is_deleted)
        .count();
    assert_eq!(users.len(), listed, "deleted users are not listed");
    assert!(
        users.iter().any(|user| !user.is_active()),
        "deactivated users are listed"
    );
    assert_eq!(pipelines.len(), account.pipelines().len());
    for pipeline in &pipelines {
        let statuses = pipeline.statuses();
        assert!(statuses.iter().any(|s| s.is_won()) && statuses.iter().any(|s| s.is_lost()));
        assert_eq!(statuses.iter().filter(|s| s.is_unsorted()).count(), 1);
    }
    assert!(
        fields
            .iter()
            .any(|field| field.code.as_deref() == Some("PHONE"))
    );
}

#[tokio::test]
async fn links_of_leads_are_read() {
    let sandbox = sandbox(500).await;
    let client = long_lived(&sandbox, fast_config());
    let leads = collect(client.leads(ListQuery::new())).await;
    let with_contacts: Vec<i64> = leads
        .iter()
        .filter(|lead| !lead.embedded.contacts.is_empty())
        .take(5)
        .map(|lead| lead.id)
        .collect();
    assert!(
        !with_contacts.is_empty(),
        "the account links leads to contacts"
    );

    let links = collect(client.links(Kind::Leads, &with_contacts)).await;

    assert!(links.iter().any(|link| link.to_entity_type == "contacts"));
    assert!(
        links
            .iter()
            .all(|link| with_contacts.contains(&link.entity_id))
    );
}

#[tokio::test]
async fn deleted_leads_are_listed_with_only_deleted() {
    let sandbox = sandbox(3_000).await;
    let client = long_lived(&sandbox, fast_config());
    let expected = sandbox.control().account().deleted_count(EntityKind::Leads);

    let deleted = collect(client.leads(ListQuery::new().with("only_deleted"))).await;

    assert_eq!(deleted.len() as u64, expected);
    assert!(deleted.iter().all(|lead| lead.is_deleted));
}

#[tokio::test]
async fn an_update_period_reaches_the_server_as_a_range() {
    let sandbox = sandbox(3_000).await;
    let client = long_lived(&sandbox, fast_config());
    let all = collect(client.leads(ListQuery::new())).await;
    let mut updated: Vec<i64> = all.iter().filter_map(|lead| lead.updated_at).collect();
    updated.sort_unstable();
    let (from, to) = (updated[updated.len() / 2], updated[updated.len() - 1]);
    let period = Period::new(
        Utc.timestamp_opt(from, 0).single().expect("from"),
        Utc.timestamp_opt(to, 0).single().expect("to"),
    );

    let delta = collect(client.leads(ListQuery::new().updated_in(period))).await;

    assert!(!delta.is_empty() && delta.len() < all.len());
    assert!(
        delta
            .iter()
            .all(|lead| lead.updated_at.unwrap_or_default() >= from - 1)
    );
}
