//! The portal's plan and its pipeline limit (B5, B6): parsing `app.info`'s `LICENSE` and
//! refusing pipeline choices over the limit before anything is written.

use migrator_domain::PipelineTarget;
use migrator_domain::plan::{PipelineLimit, Plan, PlanError, Tier, check_pipeline_targets};

fn news(count: usize) -> Vec<PipelineTarget> {
    vec![PipelineTarget::New; count]
}

#[test]
fn b6_every_license_code_of_the_reference_is_known() {
    let known = [
        ("ru_project", Tier::Free),
        ("ru_tf", Tier::ProjectPlus),
        ("ru_tasks", Tier::TasksPlus),
        ("ru_basic", Tier::Basic),
        ("ru_start", Tier::StartPlus),
        ("ru_team", Tier::Team),
        ("ru_crm", Tier::CrmPlus),
        ("ru_std", Tier::Standard),
        ("ru_company", Tier::Company),
        ("ru_company2", Tier::Company),
        ("ru_company3", Tier::Company),
        ("ru_pro", Tier::Professional),
        ("ru_pro100", Tier::Professional),
        ("ru_ent", Tier::Enterprise),
        ("ru_ent250", Tier::Enterprise),
        ("ru_ent500", Tier::Enterprise),
        ("en_ent10000", Tier::Enterprise),
        ("ru_corporation", Tier::Corporation),
        ("ru_demo", Tier::Demo),
        ("ru_nfr", Tier::Nfr),
        ("ru_selfhosted", Tier::SelfHosted),
    ];

    for (license, tier) in known {
        assert_eq!(Plan::from_license(license).tier, tier, "{license}");
    }
}

#[test]
fn b6_limits_follow_the_manual() {
    let limit = |license: &str| Plan::from_license(license).pipeline_limit();

    assert_eq!(limit("ru_project"), PipelineLimit::Total(1));
    assert_eq!(limit("ru_tasks"), PipelineLimit::Total(1));
    assert_eq!(limit("ru_start"), PipelineLimit::Total(2));
    assert_eq!(limit("ru_team"), PipelineLimit::Total(10));
    assert_eq!(limit("ru_crm"), PipelineLimit::Total(10));
    assert_eq!(limit("ru_demo"), PipelineLimit::Unlimited);
    assert_eq!(limit("ru_company"), PipelineLimit::Unlimited);
    assert_eq!(limit("ru_pro100"), PipelineLimit::Unlimited);
    assert_eq!(limit("ru_ent250"), PipelineLimit::Unlimited);
}

#[test]
fn b6_unknown_codes_get_the_strictest_limit_and_say_so() {
    let plan = Plan::from_license("ru_galaxy42");

    assert_eq!(plan.tier, Tier::Unknown);
    assert_eq!(plan.pipeline_limit(), PipelineLimit::Total(1));
    let error = check_pipeline_targets(&plan, &[0], news(1)).expect_err("refused");
    let message = error.to_string();
    assert!(message.contains("ru_galaxy42"), "{message}");
    assert!(message.contains("does not know"), "{message}");
}

#[test]
fn b6_free_plan_allows_main_only() {
    let plan = Plan::from_license("ru_project");

    assert_eq!(
        check_pipeline_targets(&plan, &[0], [PipelineTarget::Main, PipelineTarget::Main]),
        Ok(())
    );
    let error = check_pipeline_targets(&plan, &[0], news(1)).expect_err("refused");
    assert!(matches!(
        error,
        PlanError::TooManyNewPipelines {
            room: 0,
            requested: 1,
            ..
        }
    ));
}

#[test]
fn b6_tasks_plus_allows_main_only() {
    let plan = Plan::from_license("ru_tasks");

    assert!(check_pipeline_targets(&plan, &[], news(1)).is_err());
    assert!(check_pipeline_targets(&plan, &[], [PipelineTarget::Main]).is_ok());
}

#[test]
fn b6_start_plus_allows_one_new_pipeline() {
    let plan = Plan::from_license("ru_start");

    assert_eq!(check_pipeline_targets(&plan, &[0], news(1)), Ok(()));
    assert!(check_pipeline_targets(&plan, &[0], news(2)).is_err());
}

#[test]
fn b6_start_plus_counts_pipelines_the_portal_already_has() {
    let plan = Plan::from_license("ru_start");

    let error = check_pipeline_targets(&plan, &[0, 4], news(1)).expect_err("refused");

    assert!(matches!(
        error,
        PlanError::TooManyNewPipelines {
            existing: 2,
            room: 0,
            requested: 1,
            ..
        }
    ));
    assert_eq!(
        check_pipeline_targets(&plan, &[0, 4], [PipelineTarget::Existing(4)]),
        Ok(())
    );
}

#[test]
fn b6_team_and_crm_plus_allow_nine_new_pipelines() {
    for license in ["ru_team", "ru_crm"] {
        let plan = Plan::from_license(license);

        assert_eq!(
            check_pipeline_targets(&plan, &[0], news(9)),
            Ok(()),
            "{license}"
        );
        assert!(
            check_pipeline_targets(&plan, &[0], news(10)).is_err(),
            "{license}"
        );
    }
}

#[test]
fn b6_demo_company_and_above_have_no_limit() {
    for license in ["ru_demo", "ru_company", "ru_pro100", "ru_ent1000"] {
        let plan = Plan::from_license(license);

        assert_eq!(
            check_pipeline_targets(&plan, &[0], news(40)),
            Ok(()),
            "{license}"
        );
    }
}

#[test]
fn b6_the_refusal_names_the_plan_the_limit_and_the_count_asked_for() {
    let plan = Plan::from_license("ru_start");

    let message = check_pipeline_targets(&plan, &[0], news(3))
        .expect_err("refused")
        .to_string();

    assert!(message.contains("«Старт+»"), "{message}");
    assert!(message.contains("ru_start"), "{message}");
    assert!(
        message.contains("the main pipeline and 1 more pipeline (2 in all)"),
        "{message}"
    );
    assert!(message.contains("3 new pipelines"), "{message}");
    assert!(
        message.contains("one more pipeline can be created"),
        "{message}"
    );
}

#[test]
fn b5_a_target_pipeline_the_portal_does_not_have_is_refused() {
    let plan = Plan::from_license("ru_ent250");

    let error =
        check_pipeline_targets(&plan, &[0, 3], [PipelineTarget::Existing(8)]).expect_err("no 8");

    assert_eq!(error, PlanError::UnknownTargetPipeline { category_id: 8 });
    assert!(error.to_string().contains("pipeline 8"));
}

#[test]
fn b6_a_demo_warns_about_the_plan_it_returns_to() {
    let plan = Plan::from_app_info("ru_demo", Some("ru_start"));

    assert_eq!(plan.pipeline_limit(), PipelineLimit::Unlimited);
    assert_eq!(plan.after_demo, Some(Tier::StartPlus));
    let caution = plan.caution().expect("a caution");
    assert!(caution.contains("«Старт+»"), "{caution}");
    assert_eq!(
        Plan::from_app_info("ru_team", Some("ru_start")).after_demo,
        None
    );
}
