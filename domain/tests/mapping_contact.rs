//! Contacts (D3): names, position, multifields, the linked company, invalid e-mails (D4).

use chrono::FixedOffset;
use migrator_domain::chunk::FailureCode;
use migrator_domain::mapping::contact::{AmoContact, map_contact};
use migrator_domain::mapping::{
    CustomFieldValue, FieldMap, IdMap, MappingContext, Origin, UserMap,
};
use serde_json::{Value, json};
use uuid::Uuid;

fn context() -> MappingContext {
    let mut ids = IdMap::default();
    ids.companies.insert(901, 31);
    MappingContext {
        origin: Origin::new(5, Uuid::nil()),
        users: UserMap::new(1),
        ids,
        utc_offset: FixedOffset::east_opt(0).expect("offset"),
        files: true,
        currency: "RUB".into(),
    }
}

fn value(code: &str, field_type: &str, values: Value) -> CustomFieldValue {
    serde_json::from_value(json!({
        "field_id": 1,
        "field_name": code,
        "field_code": code,
        "field_type": field_type,
        "values": values,
    }))
    .expect("a custom field value")
}

fn contact() -> AmoContact {
    AmoContact {
        id: 7140816,
        name: "Иван Петров".into(),
        first_name: "Иван".into(),
        last_name: "Петров".into(),
        responsible_user_id: Some(0),
        company_id: Some(901),
        custom_fields_values: vec![
            value("POSITION", "text", json!([{"value": "Директор"}])),
            value(
                "PHONE",
                "multitext",
                json!([{"value": "+79120000001", "enum_code": "WORKDD"},
                       {"value": "+79120000002", "enum_code": "HOME"}]),
            ),
            value(
                "EMAIL",
                "multitext",
                json!([{"value": "ivan@example.com", "enum_code": "WORK"},
                       {"value": "ivan@", "enum_code": "PRIV"}]),
            ),
            value(
                "IM",
                "multitext",
                json!([{"value": "ivan.p", "enum_code": "SKYPE"}]),
            ),
        ],
    }
}

#[test]
fn d3_last_name_first_name_and_position_move() {
    let mapped = map_contact(&contact(), &context(), &FieldMap::new());

    assert_eq!(mapped.fields["NAME"], "Иван");
    assert_eq!(mapped.fields["LAST_NAME"], "Петров");
    assert_eq!(mapped.fields["POST"], "Директор");
    assert_eq!(mapped.fields["ASSIGNED_BY_ID"], 1);
    assert_eq!(mapped.fields["ORIGIN_ID"], "contact:7140816");
}

#[test]
fn d3_phones_emails_and_messengers_are_multifields_with_value_types() {
    let mapped = map_contact(&contact(), &context(), &FieldMap::new());

    assert_eq!(
        mapped.fields["PHONE"],
        json!([{"VALUE": "+79120000001", "VALUE_TYPE": "WORK"},
               {"VALUE": "+79120000002", "VALUE_TYPE": "HOME"}])
    );
    assert_eq!(
        mapped.fields["EMAIL"],
        json!([{"VALUE": "ivan@example.com", "VALUE_TYPE": "WORK"}])
    );
    assert_eq!(
        mapped.fields["IM"],
        json!([{"VALUE": "ivan.p", "VALUE_TYPE": "SKYPE"}])
    );
}

#[test]
fn d4_invalid_email_goes_to_the_contacts_comment() {
    let mapped = map_contact(&contact(), &context(), &FieldMap::new());

    assert_eq!(mapped.fields["COMMENTS"], "Некорректный email: ivan@");
}

#[test]
fn d3_the_linked_company_is_the_moved_one() {
    let mapped = map_contact(&contact(), &context(), &FieldMap::new());

    assert_eq!(mapped.fields["COMPANY_ID"], 31);
    assert_eq!(mapped.fields["COMPANY_IDS"], json!([31]));
}

#[test]
fn d3_a_company_not_moved_leaves_the_link_behind_with_a_note() {
    let mut contact = contact();
    contact.company_id = Some(404);

    let mapped = map_contact(&contact, &context(), &FieldMap::new());

    assert!(!mapped.fields.contains_key("COMPANY_ID"));
    assert_eq!(mapped.skipped.len(), 1);
    assert_eq!(mapped.skipped[0].code, FailureCode::ParentNotMoved);
    assert!(mapped.skipped[0].message.contains("404"));
}

#[test]
fn d3_a_contact_with_only_a_full_name_gets_it_as_first_name() {
    let mut contact = contact();
    contact.first_name.clear();
    contact.last_name.clear();

    let mapped = map_contact(&contact, &context(), &FieldMap::new());

    assert_eq!(mapped.fields["NAME"], "Иван Петров");
    assert!(!mapped.fields.contains_key("LAST_NAME"));
}

#[test]
fn d3_a_contact_without_any_name_still_has_one_bitrix24_accepts() {
    let mut contact = contact();
    contact.first_name.clear();
    contact.last_name.clear();
    contact.name.clear();

    let mapped = map_contact(&contact, &context(), &FieldMap::new());

    assert_eq!(mapped.fields["NAME"], "Контакт amoCRM #7140816");
}

#[test]
fn d3_a_contact_with_only_a_last_name_sends_no_empty_first_name() {
    let mut contact = contact();
    contact.first_name.clear();

    let mapped = map_contact(&contact, &context(), &FieldMap::new());

    assert!(!mapped.fields.contains_key("NAME"));
    assert_eq!(mapped.fields["LAST_NAME"], "Петров");
}
