//! Checklist "Tasks, users, disk" (users): `user.get` filters and hidden accounts,
//! `user.add` invitations, its errors, the plan user limit and the integrator refusal.

mod common;

use common::Portal;
use migrator_sandbox_bitrix24::{NewUser, PlanLimits, SandboxConfig, UserKind};
use serde_json::json;

#[tokio::test]
async fn user_get_filters_by_email_and_hides_integrators_and_bots() {
    let portal = Portal::start().await;
    let control = portal.sandbox.control();
    let ann = control.add_user(NewUser::employee("Ann@Example.com", "Ann", "Lee"));
    control.add_user(NewUser {
        kind: UserKind::Integrator,
        ..NewUser::employee("partner@example.com", "Part", "Ner")
    });
    control.add_user(NewUser {
        kind: UserKind::Bot,
        ..NewUser::employee("bot@x.io", "B", "")
    });
    control.add_user(NewUser {
        active: false,
        ..NewUser::employee("gone@x.io", "G", "One")
    });

    let by_email = portal
        .call("user.get", json!({"FILTER": {"EMAIL": "ann@example.com"}}))
        .await;
    let legacy = portal
        .ok("user.get", json!({"EMAIL": "Ann@Example.com"}))
        .await;
    let partner = portal
        .ok(
            "user.get",
            json!({"FILTER": {"EMAIL": "partner@example.com"}}),
        )
        .await;
    let everyone = portal.call("user.get", json!({})).await;
    let active = portal
        .ok("user.get", json!({"FILTER": {"ACTIVE": true}}))
        .await;

    assert_eq!(by_email.result()[0]["ID"], json!(ann.to_string()));
    assert_eq!(by_email.result()[0]["ACTIVE"], true);
    assert_eq!(by_email.body["total"], 1);
    assert_eq!(legacy[0]["ID"], json!(ann.to_string()));
    assert_eq!(partner, json!([]));
    assert_eq!(
        everyone.body["total"], 3,
        "admin, Ann and the inactive user"
    );
    assert_eq!(active.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn user_add_invites_and_reports_its_errors() {
    let portal = Portal::start().await;

    let id = portal
        .ok(
            "user.add",
            json!({"EMAIL": "new@x.io", "NAME": "New", "UF_DEPARTMENT": [1]}),
        )
        .await;
    let duplicate = portal
        .call(
            "user.add",
            json!({"EMAIL": "NEW@x.io", "UF_DEPARTMENT": [1]}),
        )
        .await;
    let wrong = portal
        .call("user.add", json!({"EMAIL": "nope", "UF_DEPARTMENT": [1]}))
        .await;
    let no_department = portal.call("user.add", json!({"EMAIL": "d@x.io"})).await;
    let state = portal.sandbox.control().state();

    assert!(id.is_u64());
    assert_eq!(state["invitations"], json!(["new@x.io"]));
    assert_eq!(duplicate.code(), "ERROR_ARGUMENT");
    assert_eq!(duplicate.text(), "A user with this email already exists");
    assert_eq!(wrong.text(), "wrong_email");
    assert_eq!(wrong.body["argument"], "EMAIL");
    assert_eq!(no_department.code(), "ERROR_ARGUMENT");
}

#[tokio::test]
async fn user_add_is_refused_for_integrator_accounts() {
    let portal = Portal::start().await;
    let control = portal.sandbox.control();
    let partner = control.add_user(NewUser {
        kind: UserKind::Integrator,
        ..NewUser::employee("partner@example.com", "Part", "Ner")
    });
    let grant = control.install_app(partner);

    let reply = portal
        .call_with_token(
            &grant.access_token,
            "user.add",
            json!({"EMAIL": "x@x.io", "UF_DEPARTMENT": [1]}),
        )
        .await;

    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "ERROR_CORE");
    assert_eq!(reply.text(), "access_denied");
}

#[tokio::test]
async fn user_add_stops_at_the_plan_user_limit() {
    let mut config = SandboxConfig::default();
    config.plan_limits.insert(
        "std".to_string(),
        PlanLimits {
            bucket_capacity: 50.0,
            bucket_drain_per_sec: 2.0,
            deal_category_limit: 10,
            user_limit: 2,
        },
    );
    let portal = Portal::start_with(config).await;

    let second = portal
        .call("user.add", json!({"EMAIL": "a@x.io", "UF_DEPARTMENT": [1]}))
        .await;
    let third = portal
        .call("user.add", json!({"EMAIL": "b@x.io", "UF_DEPARTMENT": [1]}))
        .await;

    assert_eq!(second.status, 200);
    assert_eq!(third.code(), "ERROR_ARGUMENT");
    assert_eq!(third.text(), "user_count_exceeded");
}
