//! Deals (D6): title, pipeline and stage, amount, `BEGINDATE` from the amoCRM creation date,
//! no creator, links, and the refusal of deals whose pipeline was not chosen.

use chrono::FixedOffset;
use migrator_domain::chunk::FailureCode;
use migrator_domain::mapping::deal::{AmoDeal, map_deal};
use migrator_domain::mapping::pipeline::{
    AmoPipeline, AmoStatus, PortalStage, Semantics, StageMap, plan_stages,
};
use migrator_domain::mapping::{FieldMap, IdMap, MappingContext, Origin, UserMap};
use serde_json::json;
use uuid::Uuid;

const PIPELINE: u64 = 7810667;

fn context() -> MappingContext {
    let mut ids = IdMap::default();
    ids.companies.insert(10, 110);
    ids.contacts.insert(20, 220);
    ids.contacts.insert(21, 221);
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

fn stages() -> StageMap {
    let status = |id: u64, name: &str, sort: i64, kind: i64| AmoStatus {
        id,
        name: name.into(),
        sort,
        kind,
        color: None,
    };
    let pipeline = AmoPipeline {
        id: PIPELINE,
        name: "Воронка".into(),
        sort: 1,
        is_main: true,
        statuses: vec![
            status(1, "Неразобранное", 10, 1),
            status(2, "Первичный контакт", 20, 0),
            status(3, "Переговоры", 30, 0),
            status(142, "Успешно реализовано", 10000, 0),
            status(143, "Закрыто и не реализовано", 11000, 0),
        ],
    };
    let portal = |id: &str, sort: i64, semantics: Semantics| PortalStage {
        status_id: id.into(),
        name: id.into(),
        sort,
        semantics,
        system: true,
    };
    let existing = [
        portal("C4:NEW", 10, Semantics::Process),
        portal("C4:WON", 60, Semantics::Success),
        portal("C4:LOSE", 70, Semantics::Failure),
    ];
    let plan = plan_stages(&pipeline, 4, true, &existing).expect("a plan");
    let mut map = StageMap::new();
    map.add_plan(PIPELINE, &plan);
    map
}

fn deal() -> AmoDeal {
    AmoDeal {
        id: 5765922,
        name: "Order #12".into(),
        price: Some(1500.5),
        responsible_user_id: Some(104717),
        pipeline_id: PIPELINE,
        status_id: 3,
        // 2024-03-04 21:30:00 UTC = 2024-03-05 00:30 in Moscow.
        created_at: 1709587800,
        closed_at: None,
        company_id: Some(10),
        contact_ids: vec![20, 21, 20],
        custom_fields_values: Vec::new(),
    }
}

#[test]
fn d6_title_stage_amount_and_responsible_move() {
    let mapped = map_deal(&deal(), &context(), &stages(), &FieldMap::new()).expect("moves");
    let fields = &mapped.fields;

    assert_eq!(fields["TITLE"], "Order #12");
    assert_eq!(fields["CATEGORY_ID"], 4);
    assert_eq!(fields["STAGE_ID"], "C4:AMO3");
    assert_eq!(fields["OPPORTUNITY"], 1500.5);
    assert_eq!(fields["CURRENCY_ID"], "RUB");
    assert_eq!(fields["ASSIGNED_BY_ID"], 9);
    assert_eq!(fields["ORIGIN_ID"], "lead:5765922");
}

#[test]
fn d6_the_creation_date_becomes_begindate_in_the_accounts_time_zone() {
    let mapped = map_deal(&deal(), &context(), &stages(), &FieldMap::new()).expect("moves");

    assert_eq!(mapped.fields["BEGINDATE"], "2024-03-05");
}

#[test]
fn d6_the_creator_is_not_moved() {
    let mapped = map_deal(&deal(), &context(), &stages(), &FieldMap::new()).expect("moves");

    assert!(!mapped.fields.contains_key("CREATED_BY_ID"));
    assert!(!mapped.fields.contains_key("DATE_CREATE"));
}

#[test]
fn d6_linked_contacts_and_company_are_the_moved_ones() {
    let mapped = map_deal(&deal(), &context(), &stages(), &FieldMap::new()).expect("moves");

    assert_eq!(mapped.fields["COMPANY_ID"], 110);
    assert_eq!(mapped.fields["CONTACT_IDS"], json!([220, 221]));
    assert!(mapped.skipped.is_empty());
}

#[test]
fn d5_an_unsorted_deal_lands_in_new() {
    let mut deal = deal();
    deal.status_id = 1;

    let mapped = map_deal(&deal, &context(), &stages(), &FieldMap::new()).expect("moves");

    assert_eq!(mapped.fields["STAGE_ID"], "C4:NEW");
}

#[test]
fn d5_a_won_deal_lands_in_the_success_stage_with_its_closing_day() {
    let mut deal = deal();
    deal.status_id = 142;
    deal.closed_at = Some(1709739580);

    let mapped = map_deal(&deal, &context(), &stages(), &FieldMap::new()).expect("moves");

    assert_eq!(mapped.fields["STAGE_ID"], "C4:WON");
    assert_eq!(mapped.fields["CLOSEDATE"], "2024-03-06");
}

#[test]
fn d6_a_deal_of_a_pipeline_not_chosen_fails_with_the_reason() {
    let mut deal = deal();
    deal.pipeline_id = 999;

    let failure = map_deal(&deal, &context(), &stages(), &FieldMap::new()).expect_err("refused");

    assert_eq!(failure.code, FailureCode::ParentNotMoved);
    assert!(
        failure.message.contains("pipeline 999"),
        "{}",
        failure.message
    );
    assert!(
        failure.message.contains("not chosen"),
        "{}",
        failure.message
    );
}

#[test]
fn d6_links_to_records_not_moved_are_left_with_notes() {
    let mut deal = deal();
    deal.company_id = Some(404);
    deal.contact_ids = vec![405];

    let mapped = map_deal(&deal, &context(), &stages(), &FieldMap::new()).expect("moves");

    assert!(!mapped.fields.contains_key("COMPANY_ID"));
    assert!(!mapped.fields.contains_key("CONTACT_IDS"));
    assert_eq!(mapped.skipped.len(), 2);
    assert!(
        mapped
            .skipped
            .iter()
            .all(|s| s.code == FailureCode::ParentNotMoved)
    );
}
