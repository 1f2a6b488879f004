//! Parsing of every custom-field value shape in the reference (§5.7), from hand-written
//! fixtures in `fixtures/custom_field_values.json`.

use migrator_amocrm::models::custom_fields::FieldType;
use migrator_amocrm::models::field_values::{CustomFieldValues, FieldValue};

fn fields() -> Vec<CustomFieldValues> {
    let text = include_str!("fixtures/custom_field_values.json");
    serde_json::from_str(text).expect("the fixture parses")
}

fn values_of(fields: &[CustomFieldValues], id: i64) -> &[FieldValue] {
    &fields
        .iter()
        .find(|field| field.field_id == id)
        .expect("field present")
        .values
}

#[test]
fn text_like_numeric_flag_and_time_values_are_typed() {
    let fields = fields();

    for id in 1..=5 {
        assert!(
            matches!(values_of(&fields, id)[0], FieldValue::Text(_)),
            "{id}"
        );
    }
    assert_eq!(values_of(&fields, 6)[0].as_number(), Some(1.5));
    assert_eq!(values_of(&fields, 7)[0], FieldValue::Number("1200".into()));
    assert_eq!(values_of(&fields, 8)[0].as_number(), Some(99.9));
    assert_eq!(values_of(&fields, 9)[0], FieldValue::Flag(true));
    assert_eq!(
        values_of(&fields, 10)[0],
        FieldValue::Timestamp(1_746_338_400)
    );
    assert_eq!(
        values_of(&fields, 11)[0],
        FieldValue::Timestamp(1_746_338_400)
    );
    assert_eq!(
        values_of(&fields, 12)[0],
        FieldValue::Timestamp(946_684_800)
    );
}

#[test]
fn choices_keep_their_option_ids_and_every_selected_option() {
    let fields = fields();

    let FieldValue::Choice(select) = &values_of(&fields, 13)[0] else {
        panic!("select is a choice");
    };
    assert_eq!(select.value.as_deref(), Some("Course A"));
    assert_eq!(select.enum_id, Some(656_296));
    assert_eq!(select.enum_code, None);

    assert_eq!(values_of(&fields, 14).len(), 2);
    assert!(matches!(values_of(&fields, 15)[0], FieldValue::Choice(_)));
    assert!(matches!(values_of(&fields, 16)[0], FieldValue::Choice(_)));
}

#[test]
fn multitext_reads_both_the_current_and_the_legacy_enum_key() {
    let fields = fields();
    let phones = values_of(&fields, 17);

    let codes: Vec<Option<&str>> = phones
        .iter()
        .map(|value| match value {
            FieldValue::Multitext(item) => item.enum_code.as_deref(),
            other => panic!("not multitext: {other:?}"),
        })
        .collect();
    assert_eq!(codes, vec![Some("MOB"), Some("WORK")]);
}

#[test]
fn structured_values_keep_their_parts() {
    let fields = fields();

    let address: Vec<_> = values_of(&fields, 18)
        .iter()
        .map(|value| match value {
            FieldValue::AddressPart(part) => part.enum_code.clone().unwrap_or_default(),
            other => panic!("not an address part: {other:?}"),
        })
        .collect();
    assert_eq!(address, vec!["address_line_1", "city", "zip"]);

    let FieldValue::LegalEntity(requisites) = &values_of(&fields, 19)[0] else {
        panic!("legal entity");
    };
    assert_eq!(requisites["kpp"], "770001001");

    let FieldValue::LinkedEntity(linked) = &values_of(&fields, 20)[0] else {
        panic!("linked entity");
    };
    assert_eq!(linked.entity_id, Some(55));
    assert_eq!(linked.catalog_id, Some(7));

    assert_eq!(
        values_of(&fields, 21)[1],
        FieldValue::ChainedList {
            catalog_id: Some(8),
            catalog_element_id: Some(66)
        }
    );

    let FieldValue::File(file) = &values_of(&fields, 22)[0] else {
        panic!("file");
    };
    assert_eq!(file.file_uuid, "a1b2");
    assert_eq!(file.file_size, Some(2048));

    for id in [23, 24, 25] {
        assert!(
            matches!(values_of(&fields, id)[0], FieldValue::Structured(_)),
            "{id}"
        );
    }
}

#[test]
fn an_unknown_field_type_is_kept_not_dropped() {
    let fields = fields();
    let unknown = fields.iter().find(|f| f.field_id == 26).expect("kept");

    assert_eq!(unknown.field_type, FieldType::Other("hologram".into()));
    assert!(matches!(&unknown.values[0], FieldValue::Other(v) if v["value"]["depth"] == 3));
}

#[test]
fn a_value_that_does_not_fit_its_type_is_an_error_naming_the_field() {
    let bad = r#"{"field_id": 77, "field_type": "date", "values": [{"value": "soon"}]}"#;

    let err = serde_json::from_str::<CustomFieldValues>(bad).expect_err("must not parse");

    assert!(err.to_string().contains("field 77"), "{err}");
}
