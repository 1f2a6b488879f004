//! Checklist "CRM" (bindings): company↔contact links from both sides, `COMPANY_IDS`,
//! deal↔contact links with `CONTACT_IDS` and `crm.deal.contact.*`.

mod common;

use common::Portal;
use serde_json::json;

#[tokio::test]
async fn company_contact_add_first_link_is_primary_and_duplicates_return_false() {
    let portal = Portal::start().await;
    let company = portal.company("Acme").await;
    let ann = portal.contact("Ann").await;
    let bob = portal.contact("Bob").await;

    let first = portal
        .ok(
            "crm.company.contact.add",
            json!({"id": company, "fields": {"CONTACT_ID": ann}}),
        )
        .await;
    let second = portal
        .ok(
            "crm.company.contact.add",
            json!({"id": company, "fields": {"CONTACT_ID": bob}}),
        )
        .await;
    let again = portal
        .ok(
            "crm.company.contact.add",
            json!({"id": company, "fields": {"CONTACT_ID": ann}}),
        )
        .await;
    let items = portal
        .ok("crm.company.contact.items.get", json!({"id": company}))
        .await;
    let ann_row = portal.ok("crm.contact.get", json!({"id": ann})).await;

    assert_eq!(
        (first, second, again),
        (json!(true), json!(true), json!(false))
    );
    assert_eq!(
        items,
        json!([{"CONTACT_ID": ann, "SORT": 10, "ROLE_ID": 0, "IS_PRIMARY": "Y"},
            {"CONTACT_ID": bob, "SORT": 20, "ROLE_ID": 0, "IS_PRIMARY": "N"}])
    );
    assert_eq!(ann_row["COMPANY_ID"], json!(company.to_string()));
}

#[tokio::test]
async fn contact_company_ids_on_add_and_mirror_methods() {
    let portal = Portal::start().await;
    let acme = portal.company("Acme").await;
    let beta = portal.company("Beta").await;

    let contact = portal
        .ok(
            "crm.contact.add",
            json!({"fields": {"NAME": "Ann", "COMPANY_IDS": [beta, acme]}}),
        )
        .await;
    let items = portal
        .ok("crm.contact.company.items.get", json!({"id": contact}))
        .await;
    portal
        .ok(
            "crm.contact.company.delete",
            json!({"id": contact, "fields": {"COMPANY_ID": beta}}),
        )
        .await;
    let after = portal.ok("crm.contact.get", json!({"id": contact})).await;
    let bad_owner = portal
        .call("crm.contact.company.items.get", json!({"id": 0}))
        .await;

    assert_eq!(items[0]["COMPANY_ID"], json!(beta));
    assert_eq!(items[0]["IS_PRIMARY"], "Y");
    assert_eq!(after["COMPANY_ID"], json!(acme.to_string()));
    assert_eq!(
        bad_owner.text(),
        "The parameter 'ownerEntityID' is invalid or not defined."
    );
}

#[tokio::test]
async fn deal_contacts_by_contact_ids_and_deal_contact_methods() {
    let portal = Portal::start().await;
    let ann = portal.contact("Ann").await;
    let bob = portal.contact("Bob").await;
    let carl = portal.contact("Carl").await;

    let deal = portal
        .deal(json!({"TITLE": "D", "CONTACT_IDS": [ann, bob]}))
        .await;
    portal
        .ok(
            "crm.deal.contact.add",
            json!({"id": deal, "fields": {"CONTACT_ID": carl,
            "IS_PRIMARY": "Y"}}),
        )
        .await;
    let items = portal
        .ok("crm.deal.contact.items.get", json!({"id": deal}))
        .await;
    let row = portal.ok("crm.deal.get", json!({"id": deal})).await;
    portal
        .ok(
            "crm.deal.contact.items.set",
            json!({"id": deal, "items": [{"CONTACT_ID": bob}]}),
        )
        .await;
    let replaced = portal
        .ok("crm.deal.contact.items.get", json!({"id": deal}))
        .await;

    assert_eq!(items.as_array().unwrap().len(), 3);
    assert_eq!(row["CONTACT_ID"], json!(carl.to_string()));
    assert_eq!(
        replaced,
        json!([{"CONTACT_ID": bob, "SORT": 10, "ROLE_ID": 0, "IS_PRIMARY": "Y"}])
    );
}
