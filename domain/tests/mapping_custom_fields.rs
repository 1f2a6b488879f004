//! Custom fields: every amoCRM type → a Bitrix24 user field type (D4: date-time becomes date),
//! types that cannot move give a reason (D9), and values land in the created fields.

use std::collections::BTreeMap;

use chrono::FixedOffset;
use migrator_domain::chunk::FailureCode;
use migrator_domain::mapping::custom_fields::{AmoFieldDef, amo_enum_id_of, option_xml_id};
use migrator_domain::mapping::deal::{AmoDeal, map_deal};
use migrator_domain::mapping::multifield::StandardField;
use migrator_domain::mapping::pipeline::{StageMap, StagePlan};
use migrator_domain::mapping::{
    AmoEntity, FieldMap, FieldTarget, FileSource, IdMap, Mapped, MappingContext, Origin,
    PortalUserField, UserFieldSpec, UserFieldType, UserMap, plan_user_field,
};
use serde_json::{Value, json};
use uuid::Uuid;

fn def(id: u64, field_type: &str, code: Option<&str>, entity: AmoEntity) -> AmoFieldDef {
    AmoFieldDef {
        id,
        name: format!("Поле {id}"),
        code: code.map(str::to_owned),
        field_type: field_type.into(),
        entity,
        sort: 500,
        enums: Vec::new(),
        currency: None,
    }
}

fn spec_of(field_type: &str) -> UserFieldSpec {
    match plan_user_field(&def(1, field_type, None, AmoEntity::Lead)) {
        FieldTarget::UserField(spec) => spec,
        other => panic!("{field_type} should become a user field, got {other:?}"),
    }
}

#[test]
fn every_movable_amocrm_type_gets_a_bitrix24_user_field_type() {
    let expected = [
        ("text", UserFieldType::String, false),
        ("textarea", UserFieldType::String, false),
        ("streetaddress", UserFieldType::String, false),
        ("tracking_data", UserFieldType::String, false),
        ("smart_address", UserFieldType::String, false),
        ("legal_entity", UserFieldType::String, true),
        ("multitext", UserFieldType::String, true),
        ("numeric", UserFieldType::Double, false),
        ("monetary", UserFieldType::Money, false),
        ("checkbox", UserFieldType::Boolean, false),
        ("select", UserFieldType::Enumeration, false),
        ("radiobutton", UserFieldType::Enumeration, false),
        ("multiselect", UserFieldType::Enumeration, true),
        ("date", UserFieldType::Date, false),
        ("birthday", UserFieldType::Date, false),
        ("url", UserFieldType::Url, false),
        ("file", UserFieldType::File, true),
    ];

    for (amo_type, user_type, multiple) in expected {
        let spec = spec_of(amo_type);
        assert_eq!(
            (spec.user_type, spec.multiple),
            (user_type, multiple),
            "{amo_type}"
        );
    }
}

#[test]
fn d4_a_date_time_field_becomes_a_date_field() {
    let spec = spec_of("date_time");

    assert_eq!(spec.user_type, UserFieldType::Date);
    assert_eq!(spec.to_fields()["USER_TYPE_ID"], "date");
}

#[test]
fn d9_types_that_cannot_move_say_why() {
    for amo_type in [
        "linked_entity",
        "chained_list",
        "items",
        "payer",
        "hologram",
    ] {
        let target = plan_user_field(&def(9, amo_type, None, AmoEntity::Contact));

        let FieldTarget::NotMoved(failure) = target else {
            panic!("{amo_type} should not move");
        };
        assert_eq!(failure.code, FailureCode::UnsupportedValue);
        assert!(failure.message.contains(amo_type), "{}", failure.message);
        assert!(failure.message.contains("Поле 9"), "{}", failure.message);
    }
}

#[test]
fn predefined_contact_fields_land_in_standard_fields() {
    let target = plan_user_field(&def(3, "multitext", Some("PHONE"), AmoEntity::Contact));
    assert_eq!(target, FieldTarget::Standard(StandardField::Phone));

    let target = plan_user_field(&def(4, "text", Some("POSITION"), AmoEntity::Contact));
    assert_eq!(target, FieldTarget::Standard(StandardField::Position));
}

#[test]
fn a_user_field_definition_is_named_after_the_amocrm_field_and_not_mandatory() {
    let mut select = def(747664, "select", None, AmoEntity::Lead);
    select.enums = vec![
        serde_json::from_value(json!({"id": 2, "value": "B", "sort": 20})).expect("enum"),
        serde_json::from_value(json!({"id": 1, "value": "A", "sort": 10})).expect("enum"),
    ];
    let FieldTarget::UserField(spec) = plan_user_field(&select) else {
        panic!("a select moves");
    };

    let fields = spec.to_fields();

    assert_eq!(fields["FIELD_NAME"], "UF_CRM_AMO_747664");
    assert_eq!(fields["LABEL"], "Поле 747664");
    assert_eq!(fields["MANDATORY"], "N");
    assert_eq!(fields["MULTIPLE"], "N");
    assert_eq!(
        fields["LIST"],
        json!([
            {"VALUE": "A", "SORT": 10, "DEF": "N", "XML_ID": "AMO_1"},
            {"VALUE": "B", "SORT": 20, "DEF": "N", "XML_ID": "AMO_2"}
        ])
    );
    assert_eq!(amo_enum_id_of(&option_xml_id(656296)), Some(656296));
    assert_eq!(amo_enum_id_of("OTHER_1"), None);
}

fn context(files: bool) -> MappingContext {
    MappingContext {
        origin: Origin::new(1, Uuid::nil()),
        users: UserMap::new(1),
        ids: IdMap::default(),
        utc_offset: FixedOffset::east_opt(3 * 3600).expect("offset"),
        files,
        currency: "EUR".into(),
    }
}

fn portal_field(id: u64, user_type: UserFieldType, multiple: bool) -> PortalUserField {
    let options: BTreeMap<u64, u64> = [(656296, 44), (656297, 45)].into();
    PortalUserField {
        field_name: format!("UF_CRM_AMO_{id}"),
        user_type,
        multiple,
        options,
        currency: None,
    }
}

/// One pipeline (amoCRM 1) whose status 5 lands in the main pipeline's `NEW`.
fn stages() -> StageMap {
    let plan = StagePlan {
        category_id: 0,
        entity_id: "DEAL_STAGE".into(),
        resorts: Vec::new(),
        create: Vec::new(),
        delete: Vec::new(),
        by_amo_status: [(5, "NEW".to_owned())].into(),
        skipped: Vec::new(),
    };
    let mut stages = StageMap::new();
    stages.add_plan(1, &plan);
    stages
}

/// Maps a deal holding one value of one field and returns what came out.
fn map_value(field_type: &str, field: PortalUserField, values: Value, files: bool) -> Mapped {
    let deal = AmoDeal {
        id: 1,
        name: "deal".into(),
        pipeline_id: 1,
        status_id: 5,
        created_at: 0,
        custom_fields_values: vec![
            serde_json::from_value(json!({
                "field_id": 100, "field_name": "Поле", "field_code": null,
                "field_type": field_type, "values": values,
            }))
            .expect("a value"),
        ],
        ..AmoDeal::default()
    };
    let fields: FieldMap = [(100, field)].into();
    map_deal(&deal, &context(files), &stages(), &fields).expect("moves")
}

#[test]
fn d4_a_date_time_value_is_written_as_the_day_in_the_accounts_time_zone() {
    let field = portal_field(100, UserFieldType::Date, false);

    // 2025-05-03 21:30 UTC is already 2025-05-04 00:30 in Moscow (+03:00).
    let mapped = map_value("date_time", field, json!([{"value": 1746307800}]), true);

    assert_eq!(mapped.fields["UF_CRM_AMO_100"], "2025-05-04");
}

#[test]
fn select_values_become_the_portals_option_ids() {
    let single = portal_field(100, UserFieldType::Enumeration, false);
    let mapped = map_value(
        "select",
        single,
        json!([{"value": "Course A", "enum_id": 656296, "enum_code": null}]),
        true,
    );
    assert_eq!(mapped.fields["UF_CRM_AMO_100"], 44);

    let multiple = portal_field(100, UserFieldType::Enumeration, true);
    let mapped = map_value(
        "multiselect",
        multiple,
        json!([{"value": "A", "enum_id": 656296}, {"value": "B", "enum_id": 656297}]),
        true,
    );
    assert_eq!(mapped.fields["UF_CRM_AMO_100"], json!([44, 45]));
}

#[test]
fn d9_an_option_the_portal_lacks_is_skipped_with_its_label() {
    let field = portal_field(100, UserFieldType::Enumeration, false);

    let mapped = map_value(
        "select",
        field,
        json!([{"value": "Gone", "enum_id": 1}]),
        true,
    );

    assert!(!mapped.fields.contains_key("UF_CRM_AMO_100"));
    assert_eq!(mapped.skipped[0].code, FailureCode::InvalidValue);
    assert!(mapped.skipped[0].message.contains("Gone"));
}

#[test]
fn numbers_money_and_checkboxes_are_written_as_bitrix24_expects() {
    let number = map_value(
        "numeric",
        portal_field(100, UserFieldType::Double, false),
        json!([{"value": "1 234,5"}]),
        true,
    );
    assert_eq!(number.fields["UF_CRM_AMO_100"], 1234.5);

    let money = map_value(
        "monetary",
        portal_field(100, UserFieldType::Money, false),
        json!([{"value": 300}]),
        true,
    );
    assert_eq!(money.fields["UF_CRM_AMO_100"], "300|EUR");

    let flag = map_value(
        "checkbox",
        portal_field(100, UserFieldType::Boolean, false),
        json!([{"value": true}]),
        true,
    );
    assert_eq!(flag.fields["UF_CRM_AMO_100"], 1);

    let bad = map_value(
        "numeric",
        portal_field(100, UserFieldType::Double, false),
        json!([{"value": "много"}]),
        true,
    );
    assert!(!bad.fields.contains_key("UF_CRM_AMO_100"));
    assert_eq!(bad.skipped[0].code, FailureCode::InvalidValue);
}

#[test]
fn a_legal_entity_is_written_as_readable_text() {
    let mapped = map_value(
        "legal_entity",
        portal_field(100, UserFieldType::String, true),
        json!([{"value": {"name": "ООО Ромашка", "vat_id": "7700000000", "kpp": null}}]),
        true,
    );

    assert_eq!(
        mapped.fields["UF_CRM_AMO_100"],
        json!(["name: ООО Ромашка; vat_id: 7700000000"])
    );
}

#[test]
fn b4_file_values_are_handed_to_the_engine_only_when_files_move() {
    let value = json!([{"value": {"file_uuid": "f-1", "version_uuid": "v-1",
                                  "file_name": "contract.pdf", "file_size": 10}}]);

    let with_files = map_value(
        "file",
        portal_field(100, UserFieldType::File, true),
        value.clone(),
        true,
    );
    let without = map_value(
        "file",
        portal_field(100, UserFieldType::File, true),
        value,
        false,
    );

    assert_eq!(with_files.files.len(), 1);
    assert_eq!(with_files.files[0].target, "UF_CRM_AMO_100");
    assert_eq!(with_files.files[0].name, "contract.pdf");
    assert_eq!(
        with_files.files[0].source,
        FileSource::Drive {
            file_uuid: "f-1".into(),
            version_uuid: Some("v-1".into())
        }
    );
    assert!(without.files.is_empty());
    assert!(without.skipped.is_empty());
}

#[test]
fn d9_a_value_of_a_field_that_was_not_created_is_skipped_with_the_reason() {
    let deal_value: Value = json!([{"value": {"entity_id": 5, "entity_type": "catalog_elements"}}]);
    let deal = AmoDeal {
        id: 1,
        pipeline_id: 1,
        status_id: 5,
        custom_fields_values: vec![
            serde_json::from_value(json!({
                "field_id": 300, "field_name": "Товар", "field_type": "linked_entity",
                "values": deal_value,
            }))
            .expect("a value"),
        ],
        ..AmoDeal::default()
    };

    let mapped = map_deal(&deal, &context(true), &stages(), &FieldMap::new()).expect("moves");

    assert_eq!(mapped.skipped.len(), 1);
    assert_eq!(mapped.skipped[0].code, FailureCode::UnsupportedValue);
    assert!(mapped.skipped[0].message.contains("Товар"));
    assert!(mapped.skipped[0].message.contains("catalog"));
}
