//! Checklist "CRM" (user fields): FIELD_NAME normalisation and validation, enumeration
//! options, the MANDATORY flag and the portal option that enforces it on REST adds.

mod common;

use common::Portal;
use serde_json::json;

#[tokio::test]
async fn userfield_name_is_normalised_and_validated() {
    let portal = Portal::start().await;

    let plain = portal
        .ok(
            "crm.deal.userfield.add",
            json!({"fields": {"FIELD_NAME": "amo_id",
            "USER_TYPE_ID": "string"}}),
        )
        .await;
    let uf = portal
        .ok(
            "crm.deal.userfield.add",
            json!({"fields": {"FIELD_NAME": "UF_SOURCE",
            "USER_TYPE_ID": "string"}}),
        )
        .await;
    let bad_chars = portal
        .call(
            "crm.deal.userfield.add",
            json!({"fields": {"FIELD_NAME": "сумма",
            "USER_TYPE_ID": "string"}}),
        )
        .await;
    let too_long = portal
        .call(
            "crm.deal.userfield.add",
            json!({"fields": {"FIELD_NAME": "X".repeat(44),
            "USER_TYPE_ID": "string"}}),
        )
        .await;
    let no_type = portal
        .call(
            "crm.deal.userfield.add",
            json!({"fields": {"FIELD_NAME": "Y"}}),
        )
        .await;
    let bad_type = portal
        .call(
            "crm.deal.userfield.add",
            json!({"fields": {"FIELD_NAME": "Z",
            "USER_TYPE_ID": "rocket"}}),
        )
        .await;
    let duplicate = portal
        .call(
            "crm.deal.userfield.add",
            json!({"fields": {"FIELD_NAME": "UF_CRM_AMO_ID",
            "USER_TYPE_ID": "string"}}),
        )
        .await;

    let first = portal
        .ok("crm.deal.userfield.get", json!({"id": plain}))
        .await;
    let second = portal.ok("crm.deal.userfield.get", json!({"id": uf})).await;
    assert_eq!(first["FIELD_NAME"], "UF_CRM_AMO_ID");
    assert_eq!(first["MANDATORY"], "N");
    assert_eq!(second["FIELD_NAME"], "UF_CRM_SOURCE");
    assert_eq!(bad_chars.code(), "ERROR_CORE");
    assert_eq!(
        too_long.text(),
        "Field name is too long (more than 50 characters)."
    );
    assert_eq!(no_type.text(), "The 'USER_TYPE_ID' field is not found.");
    assert_eq!(bad_type.text(), "Incorrect custom type specified.");
    assert_eq!(duplicate.code(), "ERROR_CORE");
}

#[tokio::test]
async fn userfield_enumeration_options_get_ids_and_values_are_stored() {
    let portal = Portal::start().await;
    let field = portal
        .ok(
            "crm.deal.userfield.add",
            json!({"fields": {"FIELD_NAME": "SIZE",
            "USER_TYPE_ID": "enumeration", "LABEL": "Size",
            "LIST": [{"VALUE": "Small"}, {"VALUE": ""}, {"VALUE": "Large", "XML_ID": "L"}]}}),
        )
        .await;
    let definition = portal
        .ok("crm.deal.userfield.get", json!({"id": field}))
        .await;
    let large = definition["LIST"][1]["ID"].clone();

    let deal = portal
        .deal(json!({"TITLE": "With UF", "UF_CRM_SIZE": large}))
        .await;
    let row = portal.ok("crm.deal.get", json!({"id": deal})).await;
    let listed = portal
        .ok(
            "crm.deal.list",
            json!({"select": ["UF_*"], "filter": {"UF_CRM_SIZE": large}}),
        )
        .await;
    let described = portal.ok("crm.deal.fields", json!({})).await;

    assert_eq!(
        definition["LIST"].as_array().unwrap().len(),
        2,
        "empty VALUE is ignored"
    );
    assert_eq!(definition["LIST"][1]["XML_ID"], "L");
    assert_eq!(row["UF_CRM_SIZE"], large);
    assert_eq!(listed[0]["UF_CRM_SIZE"], large);
    assert_eq!(described["UF_CRM_SIZE"]["isDynamic"], true);
    assert_eq!(described["UF_CRM_SIZE"]["type"], "enumeration");
}

#[tokio::test]
async fn mandatory_userfield_is_not_enforced_unless_the_portal_option_is_on() {
    let portal = Portal::start().await;
    let control = portal.sandbox.control();
    portal
        .ok(
            "crm.contact.userfield.add",
            json!({"fields": {"FIELD_NAME": "PASSPORT",
            "USER_TYPE_ID": "string", "LABEL": "Passport"}}),
        )
        .await;
    control
        .set_user_field_mandatory("contact", "PASSPORT", true)
        .unwrap();

    let lenient = portal
        .call("crm.contact.add", json!({"fields": {"NAME": "Ann"}}))
        .await;
    control.set_enforce_mandatory_user_fields(true);
    let strict = portal
        .call("crm.contact.add", json!({"fields": {"NAME": "Bob"}}))
        .await;
    let filled = portal
        .call(
            "crm.contact.add",
            json!({"fields": {"NAME": "Cid", "UF_CRM_PASSPORT": "123"}}),
        )
        .await;
    let definition = portal.ok("crm.contact.userfield.list", json!({})).await;

    assert_eq!(lenient.status, 200);
    assert_eq!(strict.status, 400);
    assert_eq!(strict.code(), "ERROR_CORE");
    assert!(strict.text().contains("Passport"), "{}", strict.text());
    assert_eq!(filled.status, 200);
    assert_eq!(definition[0]["MANDATORY"], "Y");
}

#[tokio::test]
async fn mandatory_flag_can_be_set_through_the_api_and_deleted_fields_vanish() {
    let portal = Portal::start().await;
    portal
        .sandbox
        .control()
        .set_enforce_mandatory_user_fields(true);
    let field = portal
        .ok(
            "crm.company.userfield.add",
            json!({"fields": {"FIELD_NAME": "INN",
            "USER_TYPE_ID": "string", "MANDATORY": "Y"}}),
        )
        .await;

    let refused = portal
        .call("crm.company.add", json!({"fields": {"TITLE": "Acme"}}))
        .await;
    portal
        .ok("crm.company.userfield.delete", json!({"id": field}))
        .await;
    let accepted = portal
        .call("crm.company.add", json!({"fields": {"TITLE": "Acme"}}))
        .await;
    let again = portal
        .call("crm.company.userfield.delete", json!({"id": field}))
        .await;

    assert_eq!(refused.status, 400);
    assert_eq!(accepted.status, 200);
    assert_eq!(again.status, 400);
}

#[tokio::test]
async fn userfield_types_lists_what_add_accepts() {
    let portal = Portal::start().await;

    let types = portal.ok("crm.userfield.types", json!({})).await;

    let ids: Vec<&str> = types
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["ID"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"enumeration"));
    assert!(ids.contains(&"crm"));
    assert!(!ids.contains(&"rocket"));
}
