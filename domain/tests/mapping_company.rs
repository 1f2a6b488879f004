//! Companies (D2) and what every created record shares: the origin marker (H2), the
//! responsible user (D1), multifields and invalid e-mails (D4), oversized titles.

use chrono::FixedOffset;
use migrator_domain::chunk::FailureCode;
use migrator_domain::mapping::company::{AmoCompany, map_company};
use migrator_domain::mapping::text::MAX_TITLE_CHARS;
use migrator_domain::mapping::{
    CustomFieldValue, FieldMap, IdMap, MappingContext, Origin, PortalUserField, UserFieldType,
    UserMap,
};
use serde_json::{Value, json};
use uuid::Uuid;

fn context() -> MappingContext {
    let mut users = UserMap::new(1);
    users.matched.insert(500, 7);
    MappingContext {
        origin: Origin::new(32067039, Uuid::from_u128(0xabc)),
        users,
        ids: IdMap::default(),
        utc_offset: FixedOffset::east_opt(3 * 3600).expect("offset"),
        files: true,
        currency: "RUB".into(),
    }
}

fn value(field_id: u64, code: Option<&str>, field_type: &str, values: Value) -> CustomFieldValue {
    serde_json::from_value(json!({
        "field_id": field_id,
        "field_name": format!("field {field_id}"),
        "field_code": code,
        "field_type": field_type,
        "values": values,
    }))
    .expect("a custom field value")
}

fn company() -> AmoCompany {
    AmoCompany {
        id: 901,
        name: "ООО Ромашка".into(),
        responsible_user_id: Some(500),
        custom_fields_values: vec![
            value(
                1,
                Some("PHONE"),
                "multitext",
                json!([
                    {"value": "+7 912 000-00-01", "enum_id": 11, "enum_code": "WORK"},
                    {"value": "+7 912 000-00-02", "enum_id": 12, "enum_code": "MOB"},
                    {"value": "+7 495 000-00-03", "enum": "FAX"}
                ]),
            ),
            value(
                2,
                Some("EMAIL"),
                "multitext",
                json!([
                    {"value": "office@romashka.ru", "enum_code": "WORK"},
                    {"value": "boss@romashka.ru", "enum_code": "PRIV"},
                    {"value": "not an e-mail", "enum_code": "OTHER"}
                ]),
            ),
            value(
                3,
                Some("WEB"),
                "url",
                json!([{"value": "https://romashka.ru"}]),
            ),
            value(
                4,
                Some("ADDRESS"),
                "textarea",
                json!([{"value": "Москва, ул. Ленина, 1"}]),
            ),
        ],
    }
}

#[test]
fn d2_name_responsible_address_and_multifields_move() {
    let mapped = map_company(&company(), &context(), &FieldMap::new());
    let fields = &mapped.fields;

    assert_eq!(fields["TITLE"], "ООО Ромашка");
    assert_eq!(fields["ASSIGNED_BY_ID"], 7);
    assert_eq!(fields["ADDRESS"], "Москва, ул. Ленина, 1");
    assert_eq!(
        fields["PHONE"],
        json!([
            {"VALUE": "+7 912 000-00-01", "VALUE_TYPE": "WORK"},
            {"VALUE": "+7 912 000-00-02", "VALUE_TYPE": "MOBILE"},
            {"VALUE": "+7 495 000-00-03", "VALUE_TYPE": "FAX"}
        ])
    );
    assert_eq!(
        fields["WEB"],
        json!([{"VALUE": "https://romashka.ru", "VALUE_TYPE": "WORK"}])
    );
}

#[test]
fn d4_invalid_email_goes_to_the_comment() {
    let mapped = map_company(&company(), &context(), &FieldMap::new());

    assert_eq!(
        mapped.fields["EMAIL"],
        json!([
            {"VALUE": "office@romashka.ru", "VALUE_TYPE": "WORK"},
            {"VALUE": "boss@romashka.ru", "VALUE_TYPE": "HOME"}
        ])
    );
    assert_eq!(
        mapped.fields["COMMENTS"],
        "Некорректный email: not an e-mail"
    );
}

#[test]
fn d4_every_invalid_email_gets_its_own_comment_line() {
    let mut company = company();
    company.custom_fields_values = vec![value(
        2,
        Some("EMAIL"),
        "multitext",
        json!([{"value": "a@b"}, {"value": " x@@y.ru "}, {"value": "ok@mail.ru"}]),
    )];

    let mapped = map_company(&company, &context(), &FieldMap::new());

    assert_eq!(
        mapped.fields["COMMENTS"],
        "Некорректный email: a@b\nНекорректный email: x@@y.ru"
    );
    assert_eq!(mapped.fields["EMAIL"].as_array().map(Vec::len), Some(1));
}

#[test]
fn h2_every_company_carries_the_runs_origin() {
    let mapped = map_company(&company(), &context(), &FieldMap::new());

    assert_eq!(
        mapped.fields["ORIGINATOR_ID"],
        format!("amocrm:32067039:{}", Uuid::from_u128(0xabc))
    );
    assert_eq!(mapped.fields["ORIGIN_ID"], "company:901");
}

#[test]
fn d1_a_responsible_without_match_gets_the_default_responsible() {
    let mut company = company();
    company.responsible_user_id = Some(999);

    let mapped = map_company(&company, &context(), &FieldMap::new());

    assert_eq!(mapped.fields["ASSIGNED_BY_ID"], 1);
}

#[test]
fn d2_custom_fields_move_into_their_user_fields() {
    let mut company = company();
    company.custom_fields_values.push(value(
        77,
        None,
        "text",
        json!([{"value": "ИНН 7700000000"}]),
    ));
    let mut fields = FieldMap::new();
    fields.insert(
        77,
        PortalUserField {
            field_name: "UF_CRM_AMO_77".into(),
            user_type: UserFieldType::String,
            multiple: false,
            options: Default::default(),
            currency: None,
        },
    );

    let mapped = map_company(&company, &context(), &fields);

    assert_eq!(mapped.fields["UF_CRM_AMO_77"], "ИНН 7700000000");
    assert!(mapped.skipped.is_empty(), "{:?}", mapped.skipped);
}

#[test]
fn d2_a_company_without_a_name_still_gets_a_title() {
    let mut company = company();
    company.name = "  ".into();

    let mapped = map_company(&company, &context(), &FieldMap::new());

    assert_eq!(mapped.fields["TITLE"], "Компания amoCRM #901");
}

#[test]
fn an_oversized_name_is_cut_and_the_cut_is_reported() {
    let mut company = company();
    company.name = "Я".repeat(400);

    let mapped = map_company(&company, &context(), &FieldMap::new());

    let title = mapped.fields["TITLE"].as_str().expect("a title");
    assert_eq!(title.chars().count(), MAX_TITLE_CHARS);
    assert!(title.ends_with('…'));
    assert_eq!(mapped.skipped.len(), 1);
    assert_eq!(mapped.skipped[0].code, FailureCode::TooLarge);
    assert!(mapped.skipped[0].message.contains("400 characters"));
}
