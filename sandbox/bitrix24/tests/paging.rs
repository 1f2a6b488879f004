//! Checklist "Paging": 50 rows per page, `start`, `total`, `next`, and `start=-1`.

mod common;

use common::Portal;
use serde_json::{Map, Value, json};

/// Adds `count` companies through batches (each batch is one request for the bucket).
async fn companies(portal: &Portal, count: usize) {
    let mut done = 0;
    while done < count {
        let mut cmd = Map::new();
        for i in done..(done + 50).min(count) {
            cmd.insert(
                format!("c{i}"),
                json!(format!("crm.company.add?fields[TITLE]=Co{i}")),
            );
        }
        done += cmd.len();
        let reply = portal.ok("batch", json!({"cmd": Value::Object(cmd)})).await;
        assert_eq!(reply["result_error"], json!([]));
    }
}

#[tokio::test]
async fn paging_fifty_per_page_with_total_and_next() {
    let portal = Portal::start().await;
    companies(&portal, 120).await;

    let first = portal
        .call("crm.company.list", json!({"order": {"ID": "ASC"}}))
        .await;
    let last = portal.call("crm.company.list", json!({"start": 100})).await;

    assert_eq!(first.result().as_array().unwrap().len(), 50);
    assert_eq!(first.body["total"], 120);
    assert_eq!(first.body["next"], 50);
    assert_eq!(first.result()[0]["ID"], "1");
    assert_eq!(last.result().as_array().unwrap().len(), 20);
    assert_eq!(last.body["total"], 120);
    assert!(last.body.get("next").is_none());
}

#[tokio::test]
async fn paging_start_minus_one_skips_count_and_next() {
    let portal = Portal::start().await;
    companies(&portal, 60).await;

    let fast = portal
        .call(
            "crm.company.list",
            json!({"start": -1, "filter": {">ID": 5}, "order": {"ID": "ASC"}, "select": ["ID"]}),
        )
        .await;

    assert_eq!(fast.result().as_array().unwrap().len(), 50);
    assert_eq!(fast.result()[0], json!({"ID": "6"}));
    assert!(fast.body.get("total").is_none());
    assert!(fast.body.get("next").is_none());
}
