//! Tasks (D8): title, description with «Отчёт» added, deadline, responsible, status, the
//! creation date as the start, and CRM links.

use chrono::FixedOffset;
use migrator_domain::chunk::FailureCode;
use migrator_domain::mapping::task::{AmoTask, map_task};
use migrator_domain::mapping::{AmoEntity, IdMap, MappingContext, Origin, UserMap};
use serde_json::json;
use uuid::Uuid;

fn context() -> MappingContext {
    let mut ids = IdMap::default();
    ids.deals.insert(5765922, 812);
    ids.companies.insert(77, 31);
    let mut users = UserMap::new(1);
    users.matched.insert(104717, 9);
    MappingContext {
        origin: Origin::new(32067039, Uuid::nil()),
        users,
        ids,
        utc_offset: FixedOffset::east_opt(3 * 3600).expect("offset"),
        files: true,
        currency: "RUB".into(),
    }
}

fn task() -> AmoTask {
    AmoTask {
        id: 3001,
        text: "Уточнить адрес доставки\nи время".into(),
        task_type_id: Some(1),
        task_type_name: None,
        responsible_user_id: Some(104717),
        entity: Some(AmoEntity::Lead),
        entity_id: Some(5765922),
        is_completed: true,
        // 2024-03-10 12:00 UTC.
        complete_till: Some(1710072000),
        // 2024-03-04 19:16:03 UTC.
        created_at: 1709579763,
        result: Some("Адрес уточнён".into()),
    }
}

#[test]
fn d8_title_comes_from_the_type_and_the_first_line() {
    let mapped = map_task(&task(), &context());

    assert_eq!(mapped.fields["TITLE"], "Связаться: Уточнить адрес доставки");
}

#[test]
fn d8_the_description_gets_the_report_added() {
    let mapped = map_task(&task(), &context());

    let description = mapped.fields["DESCRIPTION"].as_str().expect("text");
    assert!(
        description.starts_with("Уточнить адрес доставки\nи время\n\nОтчёт: Адрес уточнён"),
        "{description}"
    );
    assert!(description.ends_with(&format!("[amocrm:32067039:{} task:3001]", Uuid::nil())));
}

#[test]
fn d8_a_task_without_a_result_still_gets_the_report_line() {
    let mut task = task();
    task.result = None;
    task.text.clear();

    let mapped = map_task(&task, &context());

    assert_eq!(mapped.fields["TITLE"], "Связаться");
    let description = mapped.fields["DESCRIPTION"].as_str().expect("text");
    assert!(description.starts_with("Отчёт: \n\n"), "{description}");
}

#[test]
fn d8_deadline_start_responsible_and_status_move() {
    let mapped = map_task(&task(), &context());
    let fields = &mapped.fields;

    assert_eq!(fields["DEADLINE"], "2024-03-10T15:00:00+03:00");
    assert_eq!(fields["START_DATE_PLAN"], "2024-03-04T22:16:03+03:00");
    assert_eq!(fields["END_DATE_PLAN"], "2024-03-10T15:00:00+03:00");
    assert_eq!(fields["RESPONSIBLE_ID"], 9);
    assert_eq!(fields["STATUS"], 5);
}

#[test]
fn d8_an_open_task_is_pending_and_a_past_deadline_keeps_the_plan_dates_in_order() {
    let mut task = task();
    task.is_completed = false;
    task.complete_till = Some(task.created_at - 3600);

    let mapped = map_task(&task, &context());

    assert_eq!(mapped.fields["STATUS"], 2);
    assert_eq!(
        mapped.fields["END_DATE_PLAN"],
        mapped.fields["START_DATE_PLAN"]
    );
}

#[test]
fn d8_links_to_moved_crm_records_use_their_prefixes() {
    let mapped = map_task(&task(), &context());
    assert_eq!(mapped.fields["UF_CRM_TASK"], json!(["D_812"]));

    let mut task = task();
    task.entity = Some(AmoEntity::Company);
    task.entity_id = Some(77);
    let mapped = map_task(&task, &context());
    assert_eq!(mapped.fields["UF_CRM_TASK"], json!(["CO_31"]));
}

#[test]
fn d8_a_task_of_a_deal_not_moved_moves_without_its_link() {
    let mut task = task();
    task.entity_id = Some(404);

    let mapped = map_task(&task, &context());

    assert!(!mapped.fields.contains_key("UF_CRM_TASK"));
    assert_eq!(mapped.skipped[0].code, FailureCode::ParentNotMoved);
    assert!(mapped.skipped[0].message.contains("404"));
}

#[test]
fn d8_an_accounts_own_task_type_names_the_title() {
    let mut task = task();
    task.task_type_id = Some(2087);
    task.task_type_name = Some("Отправить КП".into());

    let mapped = map_task(&task, &context());

    assert_eq!(
        mapped.fields["TITLE"],
        "Отправить КП: Уточнить адрес доставки"
    );
}
