//! Checklist: drift during paging — records deleted from the middle and appended at the
//! end while a client pages with offset paging, as on a live account (§3.2, §8.10).

mod common;

use common::{get, get_json, items, start, unlimited};
use migrator_sandbox_amocrm::generator::EntityKind;
use serde_json::Value;

fn ids(body: &Value) -> Vec<u64> {
    items(body, "leads")
        .iter()
        .map(|lead| lead["id"].as_u64().expect("numeric id"))
        .collect()
}

#[tokio::test]
async fn deleting_a_record_on_an_earlier_page_shifts_the_next_page_and_skips_one() {
    let sandbox = start(unlimited(1_000)).await;
    let control = sandbox.control();
    let account = control.account();
    let first = ids(&get_json(&sandbox, "/api/v4/leads?limit=50&page=1").await);
    assert_eq!(first.len(), 50);

    assert!(control.delete_record(EntityKind::Leads, first[10]));
    assert!(
        !control.delete_record(EntityKind::Leads, first[10]),
        "already gone"
    );
    let second = ids(&get_json(&sandbox, "/api/v4/leads?limit=50&page=2").await);
    assert_eq!(
        second[0],
        account.id_of(EntityKind::Leads, 51),
        "the lead at index 50 was skipped"
    );
    assert_eq!(
        get(&sandbox, &format!("/api/v4/leads/{}", first[10]))
            .await
            .status(),
        204
    );
}

#[tokio::test]
async fn appended_records_appear_after_the_last_page_and_by_id() {
    let sandbox = start(unlimited(1_000)).await;
    let control = sandbox.control();
    let count = control.account().count(EntityKind::Leads);
    let added = control.append_records(EntityKind::Leads, 3);
    assert_eq!(added[0], control.account().id_of(EntityKind::Leads, count));

    let last = ids(&get_json(
        &sandbox,
        &format!("/api/v4/leads?limit=50&page={}", count / 50 + 1),
    )
    .await);
    assert_eq!(last, added);
    let one = get_json(&sandbox, &format!("/api/v4/leads/{}", added[2])).await;
    assert_eq!(one["id"], added[2]);
    let newest = control.account().lead(count + 2).created_at;
    let recent = get_json(
        &sandbox,
        &format!("/api/v4/leads?filter[created_at][from]={newest}"),
    )
    .await;
    assert_eq!(ids(&recent), vec![added[2]]);
    let state: Value = reqwest::get(format!("{}/__sandbox/state", sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["drift"]["appended"], 3);
}
