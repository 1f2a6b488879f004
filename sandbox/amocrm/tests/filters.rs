//! Checklist: filters (`id` scalar and array, created_at/updated_at/closed_at ranges,
//! responsible, pipeline, statuses, tasks/notes/events filters), the knob that ignores
//! filters, the single-timestamp `updated_at` knob, and `order`.

mod common;

use common::{get, get_json, items, start, unlimited};
use migrator_sandbox_amocrm::SandboxConfig;
use migrator_sandbox_amocrm::generator::EntityKind;
use serde_json::Value;

fn ids(body: &Value, key: &str) -> Vec<u64> {
    items(body, key)
        .iter()
        .map(|item| item["id"].as_u64().expect("numeric id"))
        .collect()
}

#[tokio::test]
async fn filter_id_accepts_scalar_and_array_forms() {
    let sandbox = start(unlimited(1_000)).await;
    let account = sandbox.control().account();
    let a = account.id_of(EntityKind::Leads, 7);
    let b = account.id_of(EntityKind::Leads, 3);
    let body = get_json(&sandbox, &format!("/api/v4/leads?filter[id]={a}")).await;
    assert_eq!(ids(&body, "leads"), vec![a]);
    let body = get_json(
        &sandbox,
        &format!("/api/v4/leads?filter[id][]={a}&filter[id][]={b}"),
    )
    .await;
    assert_eq!(ids(&body, "leads"), vec![b, a]);
    let body = get_json(
        &sandbox,
        &format!("/api/v4/leads?filter[id][0]={a}&filter[id][1]={b}"),
    )
    .await;
    assert_eq!(ids(&body, "leads"), vec![b, a]);
}

#[tokio::test]
async fn filter_created_at_range_is_inclusive_and_matches_the_generator() {
    let sandbox = start(unlimited(5_000)).await;
    let account = sandbox.control().account();
    let from = account.created_at(EntityKind::Contacts, 100);
    let to = account.created_at(EntityKind::Contacts, 140);
    let body = get_json(
        &sandbox,
        &format!(
            "/api/v4/contacts?limit=250&filter[created_at][from]={from}&filter[created_at][to]={to}"
        ),
    )
    .await;
    let got = ids(&body, "contacts");
    let expected: Vec<u64> = account
        .created_range(EntityKind::Contacts, Some(from), Some(to))
        .map(|i| account.id_of(EntityKind::Contacts, i))
        .collect();
    assert_eq!(got, expected);
    assert!(got.contains(&account.id_of(EntityKind::Contacts, 100)));
    assert!(got.contains(&account.id_of(EntityKind::Contacts, 140)));
    for contact in items(&body, "contacts") {
        let at = contact["created_at"].as_i64().unwrap();
        assert!(at >= from && at <= to);
    }
}

#[tokio::test]
async fn filter_updated_at_range_returns_exactly_the_records_updated_inside() {
    let sandbox = start(unlimited(2_000)).await;
    let account = sandbox.control().account();
    let from = account.lead(50).updated_at;
    let to = from + 30 * 86_400;
    let body = get_json(
        &sandbox,
        &format!(
            "/api/v4/leads?limit=250&filter[updated_at][from]={from}&filter[updated_at][to]={to}"
        ),
    )
    .await;
    let got = ids(&body, "leads");
    let expected: Vec<u64> = (0..account.count(EntityKind::Leads))
        .map(|i| account.lead(i))
        .filter(|lead| lead.updated_at >= from && lead.updated_at <= to)
        .map(|lead| lead.id)
        .take(250)
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
}

#[tokio::test]
async fn filter_responsible_pipeline_statuses_and_closed_at_on_leads() {
    let sandbox = start(unlimited(2_000)).await;
    let account = sandbox.control().account();
    let lead = account.lead(10);
    let body = get_json(
        &sandbox,
        &format!(
            "/api/v4/leads?limit=250&filter[responsible_user_id]={}",
            lead.responsible_user_id
        ),
    )
    .await;
    assert!(
        items(&body, "leads")
            .iter()
            .all(|l| l["responsible_user_id"] == lead.responsible_user_id)
    );
    assert!(ids(&body, "leads").contains(&lead.id));

    let pipeline = account.pipelines()[1].id;
    let body = get_json(
        &sandbox,
        &format!("/api/v4/leads?limit=250&filter[pipeline_id][]={pipeline}"),
    )
    .await;
    assert!(
        items(&body, "leads")
            .iter()
            .all(|l| l["pipeline_id"] == pipeline)
    );

    let main = account.pipelines()[0].id;
    let path = format!(
        "/api/v4/leads?limit=250&filter[statuses][0][pipeline_id]={main}\
         &filter[statuses][0][status_id]=142"
    );
    let body = get_json(&sandbox, &path).await;
    let won = items(&body, "leads");
    assert!(!won.is_empty());
    assert!(
        won.iter()
            .all(|l| l["status_id"] == 142 && l["pipeline_id"] == main)
    );

    let closed = account
        .lead(won[0]["id"].as_u64().unwrap() - account.id_of(EntityKind::Leads, 0))
        .closed_at
        .unwrap();
    let body = get_json(
        &sandbox,
        &format!("/api/v4/leads?filter[closed_at][from]={closed}&filter[closed_at][to]={closed}"),
    )
    .await;
    assert!(
        items(&body, "leads")
            .iter()
            .all(|l| l["closed_at"] == closed)
    );
}

#[tokio::test]
async fn filters_are_silently_ignored_when_the_account_has_no_api_filtering() {
    let sandbox = start(SandboxConfig {
        api_filters_enabled: false,
        ..unlimited(1_000)
    })
    .await;
    let body = get_json(
        &sandbox,
        "/api/v4/leads?filter[created_at][from]=1000&filter[created_at][to]=2000",
    )
    .await;
    assert_eq!(
        items(&body, "leads").len(),
        50,
        "the whole list comes back unfiltered"
    );
    let account = get_json(&sandbox, "/api/v4/account?with=is_api_filter_enabled").await;
    assert_eq!(account["is_api_filter_enabled"], false);
}

#[tokio::test]
async fn single_timestamp_updated_at_on_leads_can_be_made_to_answer_204() {
    let sandbox = start(SandboxConfig {
        single_timestamp_updated_at_is_empty: true,
        ..unlimited(1_000)
    })
    .await;
    assert_eq!(
        get(&sandbox, "/api/v4/leads?filter[updated_at]=1600000000")
            .await
            .status(),
        204
    );
    let ranged = get(
        &sandbox,
        "/api/v4/leads?filter[updated_at][from]=1500000000&filter[updated_at][to]=1800000000",
    )
    .await;
    assert_eq!(ranged.status(), 200);
}

#[tokio::test]
async fn order_id_desc_returns_newest_first_and_unknown_order_fields_are_ignored() {
    let sandbox = start(unlimited(1_000)).await;
    let account = sandbox.control().account();
    let body = get_json(&sandbox, "/api/v4/leads?limit=3&order[id]=desc").await;
    let last = account.count(EntityKind::Leads) - 1;
    assert_eq!(
        ids(&body, "leads")[0],
        account.id_of(EntityKind::Leads, last)
    );
    let body = get_json(&sandbox, "/api/v4/contacts?limit=3&order[created_at]=desc").await;
    assert_eq!(
        ids(&body, "contacts")[0],
        account.id_of(EntityKind::Contacts, 0)
    );
}

#[tokio::test]
async fn task_filters_by_entity_completion_and_responsible() {
    let sandbox = start(unlimited(3_000)).await;
    let account = sandbox.control().account();
    let task = (0..account.count(EntityKind::Tasks))
        .map(|i| account.task(i))
        .find(|task| matches!(task.entity, Some((EntityKind::Leads, _))))
        .unwrap();
    let (_, lead_id) = task.entity.unwrap();
    let body = get_json(
        &sandbox,
        &format!("/api/v4/tasks?filter[entity_type]=leads&filter[entity_id][]={lead_id}"),
    )
    .await;
    assert!(ids(&body, "tasks").contains(&task.id));
    assert!(
        items(&body, "tasks")
            .iter()
            .all(|t| t["entity_id"] == lead_id && t["entity_type"] == "leads")
    );

    let open = get_json(&sandbox, "/api/v4/tasks?limit=250&filter[is_completed]=0").await;
    assert!(
        items(&open, "tasks")
            .iter()
            .all(|t| t["is_completed"] == false)
    );
    let done = get_json(&sandbox, "/api/v4/tasks?limit=250&filter[is_completed]=1").await;
    assert!(
        items(&done, "tasks")
            .iter()
            .all(|t| t["is_completed"] == true)
    );
}

#[tokio::test]
async fn note_filters_by_entity_id_and_note_type() {
    let sandbox = start(unlimited(3_000)).await;
    let account = sandbox.control().account();
    let lead = (0..account.count(EntityKind::Leads))
        .find(|i| account.notes_of(EntityKind::Leads, *i).count() > 0)
        .unwrap();
    let lead_id = account.id_of(EntityKind::Leads, lead);
    let expected: Vec<u64> = account
        .notes_of(EntityKind::Leads, lead)
        .map(|i| account.id_of(EntityKind::Notes, i))
        .collect();
    let body = get_json(
        &sandbox,
        &format!("/api/v4/leads/notes?filter[entity_id][]={lead_id}"),
    )
    .await;
    assert_eq!(ids(&body, "notes"), expected);

    let calls = get_json(
        &sandbox,
        "/api/v4/leads/notes?limit=250&filter[note_type][]=call_in",
    )
    .await;
    assert!(!items(&calls, "notes").is_empty());
    assert!(
        items(&calls, "notes")
            .iter()
            .all(|n| n["note_type"] == "call_in")
    );
}

#[tokio::test]
async fn event_filters_by_created_at_entity_and_type() {
    let sandbox = start(unlimited(3_000)).await;
    let account = sandbox.control().account();
    let from = account.created_at(EntityKind::Events, 20);
    let to = account.created_at(EntityKind::Events, 60);
    let body = get_json(
        &sandbox,
        &format!(
            "/api/v4/events?limit=100&filter[created_at][from]={from}&filter[created_at][to]={to}"
        ),
    )
    .await;
    assert_eq!(items(&body, "events").len(), 41);

    let body = get_json(
        &sandbox,
        "/api/v4/events?limit=100&filter[entity][]=contact&filter[type][]=contact_added",
    )
    .await;
    assert!(
        items(&body, "events")
            .iter()
            .all(|e| e["entity_type"] == "contact" && e["type"] == "contact_added")
    );

    let event = account.event(0);
    let body = get_json(
        &sandbox,
        &format!(
            "/api/v4/events?filter[entity][]={}&filter[entity_id][]={}",
            event.entity.singular(),
            event.entity_id
        ),
    )
    .await;
    assert!(
        items(&body, "events")
            .iter()
            .any(|e| e["id"] == event.id.as_str())
    );
}
