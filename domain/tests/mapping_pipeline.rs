//! Pipelines and stages (D5): system stage names, unsorted deals, stage id rules for the main
//! and other pipelines, merging into existing pipelines and the new pipeline's fields.

use migrator_domain::chunk::FailureCode;
use migrator_domain::mapping::Origin;
use migrator_domain::mapping::pipeline::{
    AmoPipeline, AmoStatus, PortalStage, Semantics, StageMap, new_pipeline_fields, plan_stages,
    stage_entity_id, stage_id,
};
use uuid::Uuid;

fn status(id: u64, name: &str, sort: i64, kind: i64) -> AmoStatus {
    AmoStatus {
        id,
        name: name.into(),
        sort,
        kind,
        color: Some("#99ccff".into()),
    }
}

fn amo_pipeline() -> AmoPipeline {
    AmoPipeline {
        id: 7810667,
        name: "Продажи".into(),
        sort: 1,
        is_main: true,
        statuses: vec![
            status(55, "Неразобранное", 10, 1),
            status(56, "Первичный контакт", 20, 0),
            status(57, "Переговоры", 30, 0),
            status(58, "Принимают решение", 40, 0),
            status(142, "Успешно реализовано", 10000, 0),
            status(143, "Закрыто и не реализовано", 11000, 0),
        ],
    }
}

fn stage(
    status_id: &str,
    name: &str,
    sort: i64,
    semantics: Semantics,
    system: bool,
) -> PortalStage {
    PortalStage {
        status_id: status_id.into(),
        name: name.into(),
        sort,
        semantics,
        system,
    }
}

/// The stages Bitrix24 gives a pipeline, with `prefix` (`""` for the main one, `C7:` else).
fn default_stages(prefix: &str) -> Vec<PortalStage> {
    let id = |code: &str| format!("{prefix}{code}");
    vec![
        stage(&id("NEW"), "Новая", 10, Semantics::Process, true),
        stage(
            &id("PREPARATION"),
            "Подготовка документов",
            20,
            Semantics::Process,
            false,
        ),
        stage(
            &id("PREPAYMENT_INVOICE"),
            "Счёт на предоплату",
            30,
            Semantics::Process,
            false,
        ),
        stage(&id("EXECUTING"), "В работе", 40, Semantics::Process, false),
        stage(
            &id("FINAL_INVOICE"),
            "Финальный счёт",
            50,
            Semantics::Process,
            false,
        ),
        stage(&id("WON"), "Сделка успешна", 60, Semantics::Success, true),
        stage(
            &id("LOSE"),
            "Сделка провалена",
            70,
            Semantics::Failure,
            true,
        ),
        stage(
            &id("APOLOGY"),
            "Анализ причины провала",
            80,
            Semantics::Failure,
            false,
        ),
    ]
}

#[test]
fn d5_system_stages_take_the_bitrix24_system_stages() {
    let plan = plan_stages(&amo_pipeline(), 7, true, &default_stages("C7:")).expect("a plan");

    assert_eq!(plan.by_amo_status[&56], "C7:NEW");
    assert_eq!(plan.by_amo_status[&142], "C7:WON");
    assert_eq!(plan.by_amo_status[&143], "C7:LOSE");
    assert!(
        plan.create
            .iter()
            .all(|stage| !["Первичный контакт", "Успешно реализовано"]
                .contains(&stage.name.as_str()))
    );
}

#[test]
fn d5_unsorted_deals_land_in_the_first_stage() {
    let plan = plan_stages(&amo_pipeline(), 7, true, &default_stages("C7:")).expect("a plan");

    assert_eq!(plan.by_amo_status[&55], "C7:NEW");
}

#[test]
fn d5_a_new_pipeline_gets_prefixed_stage_ids_and_loses_unused_defaults() {
    let plan = plan_stages(&amo_pipeline(), 7, true, &default_stages("C7:")).expect("a plan");

    assert_eq!(plan.entity_id, "DEAL_STAGE_7");
    let created: Vec<(&str, &str, i64)> = plan
        .create
        .iter()
        .map(|stage| (stage.status_id.as_str(), stage.name.as_str(), stage.sort))
        .collect();
    assert_eq!(
        created,
        [
            ("C7:AMO57", "Переговоры", 20),
            ("C7:AMO58", "Принимают решение", 30)
        ]
    );
    assert_eq!(
        plan.delete,
        [
            "C7:PREPARATION",
            "C7:PREPAYMENT_INVOICE",
            "C7:EXECUTING",
            "C7:FINAL_INVOICE",
            "C7:APOLOGY"
        ]
    );
    assert!(plan.resorts.is_empty());
    let fields = plan.create_fields(&plan.create[0]);
    assert_eq!(fields["ENTITY_ID"], "DEAL_STAGE_7");
    assert_eq!(fields["STATUS_ID"], "C7:AMO57");
    assert_eq!(fields["COLOR"], "#99ccff");
}

#[test]
fn d5_the_main_pipeline_keeps_its_stages_and_unprefixed_ids() {
    let plan = plan_stages(&amo_pipeline(), 0, false, &default_stages("")).expect("a plan");

    assert_eq!(plan.entity_id, "DEAL_STAGE");
    assert_eq!(plan.by_amo_status[&55], "NEW");
    assert_eq!(plan.by_amo_status[&57], "AMO57");
    assert!(plan.delete.is_empty(), "a merged pipeline loses nothing");
    assert_eq!(plan.create[0].sort, 60);
    assert_eq!(plan.create[1].sort, 70);
    assert_eq!(
        plan.resorts,
        [
            ("WON".to_owned(), 80),
            ("LOSE".to_owned(), 90),
            ("APOLOGY".to_owned(), 100)
        ]
    );
}

#[test]
fn b5_merging_reuses_stages_of_the_same_name() {
    let mut existing = default_stages("C3:");
    existing.push(stage(
        "C3:UC_ABCDEF",
        " переговоры ",
        45,
        Semantics::Process,
        false,
    ));

    let plan = plan_stages(&amo_pipeline(), 3, false, &existing).expect("a plan");

    assert_eq!(plan.by_amo_status[&57], "C3:UC_ABCDEF");
    assert_eq!(plan.create.len(), 1);
    assert_eq!(plan.create[0].status_id, "C3:AMO58");
}

#[test]
fn d5_a_resumed_plan_adopts_stages_it_created_before() {
    let mut existing = default_stages("C7:");
    existing.push(stage(
        "C7:AMO57",
        "Переговоры (переименована)",
        15,
        Semantics::Process,
        false,
    ));

    let plan = plan_stages(&amo_pipeline(), 7, true, &existing).expect("a plan");

    assert_eq!(plan.by_amo_status[&57], "C7:AMO57");
    assert!(!plan.delete.contains(&"C7:AMO57".to_owned()));
    assert_eq!(plan.create.len(), 1);
}

#[test]
fn d5_stage_ids_are_at_most_21_characters() {
    assert_eq!(stage_id(0, "PREPAYMENT_INVOICE"), "PREPAYMENT_INVOICE");
    assert_eq!(stage_id(10, "PREPAYMENT_INVOICE"), "C10:PREPAYMENT_INVOIC");
    assert_eq!(stage_id(12345, "AMO1234567890"), "C12345:AMO1234567890");
    assert_eq!(stage_entity_id(0), "DEAL_STAGE");
    assert_eq!(stage_entity_id(12), "DEAL_STAGE_12");
}

#[test]
fn d5_a_pipeline_without_a_success_stage_cannot_take_deals() {
    let existing: Vec<PortalStage> = default_stages("C2:")
        .into_iter()
        .filter(|stage| stage.semantics != Semantics::Success)
        .collect();

    let failure = plan_stages(&amo_pipeline(), 2, false, &existing).expect_err("no success stage");

    assert_eq!(failure.code, FailureCode::MissingReference);
    assert!(failure.message.contains("pipeline 2"));
}

#[test]
fn b5_a_new_pipeline_keeps_its_name_and_carries_the_origin() {
    let origin = Origin::new(1, Uuid::nil());
    let mut skipped = Vec::new();

    let fields = new_pipeline_fields(&amo_pipeline(), &origin, &mut skipped);

    assert_eq!(fields["name"], "Продажи");
    assert_eq!(fields["originId"], "pipeline:7810667");
    assert_eq!(fields["originatorId"], origin.originator_id());
}

#[test]
fn d5_the_stage_map_finds_each_deals_landing() {
    let plan = plan_stages(&amo_pipeline(), 7, true, &default_stages("C7:")).expect("a plan");
    let mut stages = StageMap::new();
    stages.add_plan(7810667, &plan);

    let landing = stages.landing(7810667, 142).expect("won lands");

    assert_eq!(
        (landing.category_id, landing.stage_id.as_str()),
        (7, "C7:WON")
    );
    assert!(stages.has_pipeline(7810667));
    assert!(!stages.has_pipeline(1));
    assert_eq!(Semantics::from_code(Some("F")), Semantics::Failure);
}
