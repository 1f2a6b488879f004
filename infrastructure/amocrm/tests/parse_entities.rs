//! Parsing of leads, contacts, tasks, events, pipelines, the account, users, field
//! definitions and links from hand-written fixtures shaped like the reference (§5).

use migrator_amocrm::models::account::Account;
use migrator_amocrm::models::contacts::Contact;
use migrator_amocrm::models::custom_fields::{CustomFieldDefinition, FieldType};
use migrator_amocrm::models::events::{Event, EventValue};
use migrator_amocrm::models::leads::Lead;
use migrator_amocrm::models::links::EntityLink;
use migrator_amocrm::models::pipelines::Pipeline;
use migrator_amocrm::models::tasks::Task;
use migrator_amocrm::models::users::User;
use serde_json::Value;

fn misc(key: &str) -> Value {
    let all: Value = serde_json::from_str(include_str!("fixtures/task_event_misc.json"))
        .expect("the fixture parses");
    all[key].clone()
}

#[test]
fn leads_read_nullable_fields_string_prices_and_both_loss_reason_forms() {
    let page: Value = serde_json::from_str(include_str!("fixtures/leads_page.json")).expect("page");
    let leads: Vec<Lead> =
        serde_json::from_value(page["_embedded"]["leads"].clone()).expect("leads");

    let lost = &leads[0];
    assert_eq!(lost.created_by, Some(0));
    assert_eq!(lost.closed_at, Some(1_709_739_580));
    assert_eq!(lost.embedded.contacts[0].is_main, Some(true));
    assert_eq!(lost.embedded.loss_reason[0].name, "Too expensive");
    assert_eq!(lost.custom_fields_values.len(), 1);

    let robot = &leads[1];
    assert_eq!(robot.price, Some(1500));
    assert_eq!(robot.responsible_user_id, None);
    assert_eq!(robot.closed_at, None);
    assert!(robot.custom_fields_values.is_empty());
    assert_eq!(robot.embedded.companies[0].id, 3);
    assert_eq!(robot.embedded.loss_reason[0].id, 1);
}

#[test]
fn contacts_expose_phones_and_emails_with_their_kinds() {
    let contact: Contact =
        serde_json::from_str(include_str!("fixtures/contact.json")).expect("contact");

    assert_eq!(
        contact.phones(),
        vec![
            ("+79120000000", Some("MOB")),
            ("+74950000000", Some("WORKDD"))
        ]
    );
    assert_eq!(contact.emails(), vec![("ivan@example.org", Some("PRIV"))]);
    assert_eq!(contact.embedded.companies[0].id, 901);
}

#[test]
fn task_results_are_none_for_an_empty_array_and_text_for_an_object() {
    let tasks: Vec<Task> = serde_json::from_value(misc("tasks")).expect("tasks");

    assert_eq!(tasks[0].result, None);
    assert_eq!(tasks[0].entity_type.as_deref(), Some("leads"));
    assert_eq!(tasks[1].result.as_deref(), Some("Met, signed"));
    assert_eq!(tasks[1].entity_id, None);
    assert!(tasks[1].is_completed);
}

#[test]
fn events_keep_string_ids_and_type_their_payloads() {
    let events: Vec<Event> = serde_json::from_value(misc("events")).expect("events");

    assert_eq!(events[0].id.as_deref(), Some("01pz58t6p04ymgsgfbmfyfy1mf"));
    assert_eq!(
        events[0].value_after,
        vec![EventValue::LeadStatus {
            id: 142,
            pipeline_id: Some(7)
        }]
    );
    assert_eq!(
        events[1].value_after,
        vec![EventValue::Message {
            id: "c0ffee".into()
        }]
    );
    assert_eq!(
        events[2].value_after,
        vec![EventValue::ResponsibleUser { id: 6 }]
    );
    assert_eq!(events[3].value_after, vec![EventValue::Note { id: 42 }]);
    assert!(matches!(events[4].value_after[0], EventValue::Other(_)));
}

#[test]
fn pipelines_recognise_unsorted_won_and_lost_statuses() {
    let pipelines: Vec<Pipeline> = serde_json::from_value(misc("pipelines")).expect("pipelines");
    let statuses = pipelines[0].statuses();

    assert!(statuses[0].is_unsorted());
    assert!(!statuses[1].is_unsorted());
    assert!(statuses[2].is_won());
    assert!(statuses[3].is_lost());
}

#[test]
fn the_account_reads_currency_time_zone_drive_and_the_misspelt_date_format() {
    let account: Account = serde_json::from_value(misc("account")).expect("account");

    assert_eq!(account.currency.as_deref(), Some("RUB"));
    assert_eq!(
        account.drive_url.as_deref(),
        Some("https://drive-b.amocrm.ru")
    );
    let settings = account.embedded.datetime_settings.expect("settings");
    assert_eq!(settings.timezone.as_deref(), Some("Europe/Moscow"));
    assert_eq!(settings.date_format.as_deref(), Some("d.m.Y"));
    assert_eq!(
        account.embedded.task_types[0].code.as_deref(),
        Some("FOLLOW_UP")
    );
}

#[test]
fn users_deactivated_users_and_field_definitions_and_links_are_read() {
    let users: Vec<User> = serde_json::from_value(misc("users")).expect("users");
    assert!(users[0].rights.is_admin);
    assert!(!users[1].is_active());

    let definitions: Vec<CustomFieldDefinition> =
        serde_json::from_value(misc("custom_field_definitions")).expect("definitions");
    assert_eq!(definitions[0].field_type, FieldType::Multitext);
    assert_eq!(definitions[0].enums.len(), 2);
    assert!(definitions[0].required_statuses.is_empty());
    assert_eq!(definitions[1].currency.as_deref(), Some("EUR"));
    assert_eq!(definitions[1].required_statuses[0].status_id, Some(71));

    let links: Vec<EntityLink> = serde_json::from_value(misc("links")).expect("links");
    assert_eq!(
        links[0].metadata.as_ref().and_then(|m| m.main_contact),
        Some(true)
    );
    assert_eq!(
        links[1].metadata.as_ref().and_then(|m| m.quantity),
        Some(2.0)
    );
}
