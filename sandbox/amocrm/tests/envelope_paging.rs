//! Checklist: HAL envelope (`_page`, `_links`, `_embedded`), 1-based pages, default
//! limit 50, per-endpoint maxima (250, events 100), over-limit fallback knob, `next` on
//! full pages, 204 past the end / for unknown ids, totals only where the API has them,
//! 404 "Cannot GET" for unknown routes and 405 for wrong methods.

mod common;

use common::{get, get_json, items, start, unlimited};
use migrator_sandbox_amocrm::generator::EntityKind;
use migrator_sandbox_amocrm::{OverLimit, SandboxConfig};
use serde_json::Value;

#[tokio::test]
async fn hal_envelope_has_page_links_and_embedded_without_totals_on_leads() {
    let sandbox = start(unlimited(1_000)).await;
    let body = get_json(&sandbox, "/api/v4/leads?page=2&limit=2").await;
    assert_eq!(body["_page"], 2);
    let base = sandbox.url();
    assert_eq!(
        body["_links"]["self"]["href"],
        format!("{base}/api/v4/leads?page=2&limit=2")
    );
    assert_eq!(
        body["_links"]["next"]["href"],
        format!("{base}/api/v4/leads?page=3&limit=2")
    );
    assert_eq!(
        body["_links"]["prev"]["href"],
        format!("{base}/api/v4/leads?page=1&limit=2")
    );
    assert_eq!(
        body["_links"]["first"]["href"],
        format!("{base}/api/v4/leads?page=1&limit=2")
    );
    assert!(body.get("_total_items").is_none());
    assert!(body.get("_page_count").is_none());
    let leads = items(&body, "leads");
    assert_eq!(leads.len(), 2);
    let account = sandbox.control().account();
    assert_eq!(leads[0]["id"], account.id_of(EntityKind::Leads, 2));
    assert!(
        leads[0]["_links"]["self"]["href"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/api/v4/leads/{}", leads[0]["id"]))
    );
}

#[tokio::test]
async fn paging_default_limit_is_50_and_max_is_250() {
    let sandbox = start(unlimited(2_000)).await;
    let body = get_json(&sandbox, "/api/v4/leads").await;
    assert_eq!(items(&body, "leads").len(), 50);
    let body = get_json(&sandbox, "/api/v4/leads?limit=250").await;
    assert_eq!(items(&body, "leads").len(), 250);
}

#[tokio::test]
async fn paging_over_limit_falls_back_to_50_by_default() {
    let sandbox = start(unlimited(2_000)).await;
    let leads = get_json(&sandbox, "/api/v4/leads?limit=400").await;
    assert_eq!(items(&leads, "leads").len(), 50);
    let events = get_json(&sandbox, "/api/v4/events?limit=250").await;
    assert_eq!(items(&events, "events").len(), 50);
    let events = get_json(&sandbox, "/api/v4/events?limit=100").await;
    assert_eq!(items(&events, "events").len(), 100);
}

#[tokio::test]
async fn paging_over_limit_knobs_clamp_or_reject() {
    let sandbox = start(SandboxConfig {
        over_limit: OverLimit::Clamp,
        ..unlimited(2_000)
    })
    .await;
    let body = get_json(&sandbox, "/api/v4/leads?limit=400").await;
    assert_eq!(items(&body, "leads").len(), 250);

    let sandbox = start(SandboxConfig {
        over_limit: OverLimit::Reject,
        ..unlimited(2_000)
    })
    .await;
    let response = get(&sandbox, "/api/v4/leads?limit=400").await;
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["detail"], "Limit 250 per page");
}

#[tokio::test]
async fn paging_past_the_end_is_204_with_empty_body_after_a_full_last_page() {
    let sandbox = start(unlimited(1_000)).await;
    let leads = sandbox.control().account().count(EntityKind::Leads);
    assert_eq!(leads, 200);
    let body = get_json(&sandbox, "/api/v4/leads?limit=100&page=2").await;
    assert_eq!(items(&body, "leads").len(), 100);
    assert!(
        body["_links"]["next"].is_object(),
        "a full page always links to the next one"
    );
    let past = get(&sandbox, "/api/v4/leads?limit=100&page=3").await;
    assert_eq!(past.status(), 204);
    assert!(past.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn paging_short_page_has_no_next_unless_the_knob_says_so() {
    let sandbox = start(unlimited(1_000)).await;
    let body = get_json(&sandbox, "/api/v4/leads?limit=150&page=2").await;
    assert_eq!(items(&body, "leads").len(), 50);
    assert!(body["_links"].get("next").is_none());

    let sandbox = start(SandboxConfig {
        next_on_short_pages: true,
        ..unlimited(1_000)
    })
    .await;
    let body = get_json(&sandbox, "/api/v4/leads?limit=150&page=2").await;
    assert!(body["_links"]["next"].is_object());
}

#[tokio::test]
async fn paging_walks_every_lead_exactly_once() {
    let sandbox = start(unlimited(3_000)).await;
    let mut ids = Vec::new();
    for page in 1.. {
        let response = get(&sandbox, &format!("/api/v4/leads?limit=250&page={page}")).await;
        if response.status() == 204 {
            break;
        }
        let body: Value = response.json().await.unwrap();
        ids.extend(
            items(&body, "leads")
                .iter()
                .map(|lead| lead["id"].as_u64().unwrap()),
        );
    }
    let account = sandbox.control().account();
    let expected: Vec<u64> = (0..account.count(EntityKind::Leads))
        .map(|i| account.id_of(EntityKind::Leads, i))
        .collect();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn get_by_unknown_or_trashed_id_is_204() {
    let sandbox = start(unlimited(1_000)).await;
    let account = sandbox.control().account();
    assert_eq!(get(&sandbox, "/api/v4/leads/1").await.status(), 204);
    let trashed = account.deleted_id(EntityKind::Contacts, 0);
    assert_eq!(
        get(&sandbox, &format!("/api/v4/contacts/{trashed}"))
            .await
            .status(),
        204
    );
    let live = account.id_of(EntityKind::Contacts, 5);
    let body = get_json(&sandbox, &format!("/api/v4/contacts/{live}")).await;
    assert_eq!(body["id"], live);
}

#[tokio::test]
async fn empty_filter_result_is_204() {
    let sandbox = start(unlimited(1_000)).await;
    let response = get(
        &sandbox,
        "/api/v4/leads?filter[created_at][from]=1000&filter[created_at][to]=2000",
    )
    .await;
    assert_eq!(response.status(), 204);
}

#[tokio::test]
async fn totals_appear_on_users_and_custom_fields_with_page_count_and_last() {
    let sandbox = start(unlimited(1_000)).await;
    let users = get_json(&sandbox, "/api/v4/users").await;
    assert!(users["_total_items"].as_u64().unwrap() > 0);
    assert_eq!(users["_page_count"], 1);
    assert!(users["_links"]["last"].is_object());
    let fields = get_json(&sandbox, "/api/v4/leads/custom_fields?limit=5").await;
    let total = fields["_total_items"].as_u64().unwrap();
    assert_eq!(fields["_page_count"], total.div_ceil(5));
    let pipelines = get_json(&sandbox, "/api/v4/leads/pipelines").await;
    assert_eq!(pipelines["_total_items"], 4);
}

#[tokio::test]
async fn unknown_route_is_404_cannot_get_and_wrong_method_is_405() {
    let sandbox = start(unlimited(200)).await;
    let response = get(&sandbox, "/api/v4/notes").await;
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["title"], "Not Found");
    assert_eq!(
        problem["detail"],
        format!("Cannot GET {}/api/v4/notes", sandbox.url())
    );

    let response = reqwest::Client::new()
        .delete(format!("{}/api/v4/leads", sandbox.url()))
        .bearer_auth(sandbox.access_token())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
}

#[tokio::test]
async fn success_is_hal_json_and_carries_a_request_id() {
    let sandbox = start(unlimited(200)).await;
    let response = get(&sandbox, "/api/v4/account").await;
    assert_eq!(response.headers()["content-type"], "application/hal+json");
    assert!(response.headers().contains_key("x-request-id"));
}

#[tokio::test]
async fn www_host_is_rejected() {
    let sandbox = start(unlimited(200)).await;
    let response = reqwest::Client::new()
        .get(format!("{}/api/v4/account", sandbox.url()))
        .header("host", "www.amocrm.ru")
        .bearer_auth(sandbox.access_token())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}
