//! Checklist "CRM" (companies, contacts, deals): field handling, silent coercions, defaults,
//! multifields with e-mail validation, origin fields, filters and select.

mod common;

use common::Portal;
use serde_json::{Value, json};

#[tokio::test]
async fn contact_add_needs_name_or_last_name() {
    let portal = Portal::start().await;

    let nameless = portal
        .call("crm.contact.add", json!({"fields": {"POST": "CEO"}}))
        .await;
    let last_only = portal
        .call("crm.contact.add", json!({"fields": {"LAST_NAME": "Smith"}}))
        .await;

    assert_eq!(nameless.status, 400);
    assert_eq!(nameless.code(), "ERROR_CORE");
    assert_eq!(last_only.result(), &json!(1));
}

#[tokio::test]
async fn multifield_invalid_email_fails_the_whole_add() {
    let portal = Portal::start().await;

    let reply = portal
        .call(
            "crm.contact.add",
            json!({"fields": {"NAME": "Ann",
            "EMAIL": [{"VALUE": "ann@example.com"}, {"VALUE": "not-an-address"}]}}),
        )
        .await;
    let list = portal.ok("crm.contact.list", json!({})).await;

    assert_eq!(reply.code(), "ERROR_CORE");
    assert!(reply.text().contains("invalid address"));
    assert_eq!(list, json!([]));
}

#[tokio::test]
async fn multifield_update_adds_changes_and_deletes_by_id() {
    let portal = Portal::start().await;
    let id = portal
        .ok(
            "crm.contact.add",
            json!({"fields": {"NAME": "Ann",
            "PHONE": [{"VALUE": "+111", "VALUE_TYPE": "WORK"}, {"VALUE": "+222"}],
            "WEB": [{"VALUE": "ann.example", "VALUE_TYPE": "NOPE"}]}}),
        )
        .await;
    let before = portal.ok("crm.contact.get", json!({"id": id})).await;
    let first = before["PHONE"][0]["ID"].clone();
    let second = before["PHONE"][1]["ID"].clone();

    portal
        .ok(
            "crm.contact.update",
            json!({"id": id, "fields": {"PHONE": [
            {"ID": first, "VALUE": "+111-changed"},
            {"ID": second, "DELETE": "Y"},
            {"VALUE": "+333", "VALUE_TYPE": "MOBILE"}]}}),
        )
        .await;
    let after = portal.ok("crm.contact.get", json!({"id": id})).await;

    assert_eq!(
        before["PHONE"][1]["VALUE_TYPE"], "WORK",
        "default VALUE_TYPE"
    );
    assert_eq!(
        before["WEB"][0]["VALUE_TYPE"], "WORK",
        "unknown VALUE_TYPE falls back"
    );
    assert_eq!(before["HAS_PHONE"], "Y");
    assert_eq!(before["HAS_EMAIL"], "N");
    let values: Vec<&Value> = after["PHONE"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["VALUE"])
        .collect();
    assert_eq!(values, [&json!("+111-changed"), &json!("+333")]);
    assert_eq!(after["PHONE"][0]["TYPE_ID"], "PHONE");
}

#[tokio::test]
async fn deal_defaults_and_silent_coercions() {
    let portal = Portal::start().await;

    let id = portal
        .deal(
            json!({"CATEGORY_ID": 42, "STAGE_ID": "C9:WON", "BEGINDATE": "not a date",
            "NO_SUCH_FIELD": "x", "DATE_CREATE": "2001-01-01T00:00:00+03:00"}),
        )
        .await;
    let deal = portal.ok("crm.deal.get", json!({"id": id})).await;
    let today = portal.ok("server.time", json!({})).await;

    assert_eq!(deal["TITLE"], format!("Deal #{id}"));
    assert_eq!(deal["CATEGORY_ID"], "0");
    assert_eq!(deal["STAGE_ID"], "NEW");
    assert_eq!(deal["IS_NEW"], "Y");
    assert_eq!(deal["STAGE_SEMANTIC_ID"], "P");
    assert_eq!(deal["CURRENCY_ID"], "RUB");
    assert_eq!(deal["OPENED"], "Y");
    assert_eq!(
        &deal["BEGINDATE"].as_str().unwrap()[..10],
        &today.as_str().unwrap()[..10]
    );
    assert_ne!(deal["CLOSEDATE"], deal["BEGINDATE"]);
    assert!(deal.get("NO_SUCH_FIELD").is_none());
    assert!(!deal["DATE_CREATE"].as_str().unwrap().starts_with("2001"));
}

#[tokio::test]
async fn deal_stage_in_pipeline_and_immutable_category_on_update() {
    let portal = Portal::start().await;
    portal
        .ok(
            "crm.category.add",
            json!({"entityTypeId": 2, "fields": {"name": "B2B"}}),
        )
        .await;

    let id = portal
        .deal(
            json!({"TITLE": "Won", "CATEGORY_ID": 1, "STAGE_ID": "C1:WON",
        "BEGINDATE": "2024-05-01"}),
        )
        .await;
    portal
        .ok(
            "crm.deal.update",
            json!({"id": id, "fields": {"CATEGORY_ID": 0, "STAGE_ID": "NEW"}}),
        )
        .await;
    let deal = portal.ok("crm.deal.get", json!({"id": id})).await;

    assert_eq!(deal["CATEGORY_ID"], "1");
    assert_eq!(deal["STAGE_ID"], "C1:WON");
    assert_eq!(deal["STAGE_SEMANTIC_ID"], "S");
    assert_eq!(deal["CLOSED"], "Y");
    assert_eq!(deal["BEGINDATE"], "2024-05-01T00:00:00+03:00");
}

#[tokio::test]
async fn origin_fields_are_stored_and_filterable() {
    let portal = Portal::start().await;
    portal
        .ok(
            "crm.company.add",
            json!({"fields": {"TITLE": "A", "ORIGINATOR_ID": "amocrm",
        "ORIGIN_ID": "101"}}),
        )
        .await;
    portal
        .ok(
            "crm.company.add",
            json!({"fields": {"TITLE": "B", "ORIGINATOR_ID": "amocrm",
        "ORIGIN_ID": "102"}}),
        )
        .await;

    let found = portal
        .ok(
            "crm.company.list",
            json!({"filter": {"ORIGINATOR_ID": "amocrm", "ORIGIN_ID": "102"},
            "select": ["ID", "TITLE", "ORIGIN_ID"]}),
        )
        .await;

    assert_eq!(
        found,
        json!([{"ID": "2", "TITLE": "B", "ORIGIN_ID": "102"}])
    );
}

#[tokio::test]
async fn list_filters_order_and_select_rules() {
    let portal = Portal::start().await;
    for (title, revenue, email) in [
        ("Alpha", 10, "a@x.io"),
        ("Beta", 20, "b@x.io"),
        ("Gamma", 30, "c@x.io"),
    ] {
        portal
            .ok(
                "crm.company.add",
                json!({"fields": {"TITLE": title, "REVENUE": revenue,
            "EMAIL": [{"VALUE": email}]}}),
            )
            .await;
    }

    let ranged = portal
        .ok(
            "crm.company.list",
            json!({"filter": {">=REVENUE": 20}, "order": {"REVENUE": "DESC"},
            "select": ["TITLE"]}),
        )
        .await;
    let like = portal
        .ok("crm.company.list", json!({"filter": {"%TITLE": "mm"}}))
        .await;
    let by_email = portal
        .ok(
            "crm.company.list",
            json!({"filter": {"EMAIL": "b@x.io"}, "select": ["*", "EMAIL"]}),
        )
        .await;
    let partial_email = portal
        .ok("crm.company.list", json!({"filter": {"EMAIL": "b@x"}}))
        .await;
    let star = portal
        .ok("crm.company.list", json!({"select": ["*"]}))
        .await;
    let bad_order = portal
        .call("crm.company.list", json!({"order": "TITLE"}))
        .await;

    assert_eq!(
        ranged,
        json!([{"ID": "3", "TITLE": "Gamma"}, {"ID": "2", "TITLE": "Beta"}])
    );
    assert_eq!(like[0]["TITLE"], "Gamma");
    assert_eq!(by_email[0]["EMAIL"][0]["VALUE"], "b@x.io");
    assert_eq!(partial_email, json!([]), "multifield filters match exactly");
    assert!(star[0].get("EMAIL").is_none(), "* leaves out multifields");
    assert_eq!(bad_order.text(), "Parameter 'order' must be array.");
}

#[tokio::test]
async fn company_title_is_required() {
    let portal = Portal::start().await;

    let reply = portal
        .call(
            "crm.company.add",
            json!({"fields": {"COMMENTS": "untitled"}}),
        )
        .await;

    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "ERROR_CORE");
}

#[tokio::test]
async fn import_mode_keeps_creation_dates_for_contacts_but_not_for_deals() {
    let portal = Portal::start().await;
    let old = "2019-03-04T05:06:07+03:00";

    let imported = portal
        .ok(
            "crm.contact.add",
            json!({"fields": {"NAME": "Ann", "DATE_CREATE": old,
            "CREATED_BY_ID": 1}, "params": {"IMPORT": "Y"}}),
        )
        .await;
    let plain = portal
        .ok(
            "crm.contact.add",
            json!({"fields": {"NAME": "Bob", "DATE_CREATE": old}}),
        )
        .await;
    let deal = portal
        .ok(
            "crm.deal.add",
            json!({"fields": {"TITLE": "D", "DATE_CREATE": old},
            "params": {"IMPORT": "Y"}}),
        )
        .await;

    let imported = portal.ok("crm.contact.get", json!({"id": imported})).await;
    let plain = portal.ok("crm.contact.get", json!({"id": plain})).await;
    let deal = portal.ok("crm.deal.get", json!({"id": deal})).await;
    assert_eq!(imported["DATE_CREATE"], old);
    assert_ne!(plain["DATE_CREATE"], old);
    assert_ne!(deal["DATE_CREATE"], old);
}
