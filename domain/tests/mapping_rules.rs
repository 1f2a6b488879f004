//! The small rules every mapping uses: e-mail validation (D4), user matching and the default
//! responsible (D1), the origin format (H2), dates and truncation.

use chrono::FixedOffset;
use migrator_domain::chunk::FailureCode;
use migrator_domain::mapping::email::{invalid_email_comment, is_valid_email};
use migrator_domain::mapping::required::{PortalFieldRule, check_required};
use migrator_domain::mapping::text::{self, MAX_TITLE_CHARS};
use migrator_domain::mapping::users::{AmoUser, UserAction, decide_user, match_by_email};
use migrator_domain::mapping::{AmoEntity, Fields, Origin, UserMap};
use serde_json::json;
use uuid::Uuid;

#[test]
fn d4_valid_emails_pass() {
    for email in [
        "a@b.ru",
        "ivan.petrov+crm@mail.example.com",
        "o'brien@example.org",
        "  spaced@example.com  ",
        "user@почта.рф",
        "x_y-z@sub-domain.co",
    ] {
        assert!(is_valid_email(email), "{email}");
    }
}

#[test]
fn d4_invalid_emails_fail() {
    for email in [
        "",
        "plain",
        "a@b",
        "@example.com",
        "a@@example.com",
        "a@b@example.com",
        "a b@example.com",
        ".a@example.com",
        "a..b@example.com",
        "a@-example.com",
        "a@example.c",
        "a@example.123",
        "a@example..com",
        "a,b@example.com",
    ] {
        assert!(!is_valid_email(email), "{email}");
    }
}

#[test]
fn d4_the_comment_line_has_the_manuals_wording() {
    assert_eq!(invalid_email_comment(" bad@ "), "Некорректный email: bad@");
}

#[test]
fn d1_users_match_by_email_whatever_the_case() {
    let portal = [(3, "Boss@Firm.ru"), (4, "sales@firm.ru")];

    assert_eq!(match_by_email(" boss@firm.RU ", portal), Some(3));
    assert_eq!(match_by_email("nobody@firm.ru", portal), None);
    assert_eq!(match_by_email("", [(5, "")]), None);
}

#[test]
fn d1_records_of_unmatched_or_system_users_get_the_default_responsible() {
    let mut users = UserMap::new(1);
    users.matched.insert(500, 7);

    assert_eq!(users.responsible(Some(500)), 7);
    assert_eq!(users.responsible(Some(0)), 1);
    assert_eq!(users.responsible(Some(999)), 1);
    assert_eq!(users.responsible(None), 1);
    assert!(users.is_matched(500));
}

#[test]
fn h2_the_origin_names_the_account_the_run_and_the_record() {
    let run = Uuid::from_u128(7);
    let origin = Origin::new(32067039, run);

    assert_eq!(origin.originator_id(), format!("amocrm:32067039:{run}"));
    assert_eq!(Origin::origin_id("lead", 5), "lead:5");
    assert_eq!(
        origin.marker("task", 9),
        format!("[amocrm:32067039:{run} task:9]")
    );
    assert_ne!(
        Origin::new(32067039, Uuid::from_u128(8)).originator_id(),
        origin.originator_id(),
        "another run on the same account must not adopt this run's records"
    );
}

#[test]
fn dates_are_taken_in_the_accounts_time_zone() {
    let moscow = FixedOffset::east_opt(3 * 3600).expect("offset");
    let utc = FixedOffset::east_opt(0).expect("offset");
    // 2024-03-04 22:30 UTC.
    let late_evening = 1709591400;

    assert_eq!(
        text::iso_date(late_evening, utc).as_deref(),
        Some("2024-03-04")
    );
    assert_eq!(
        text::iso_date(late_evening, moscow).as_deref(),
        Some("2024-03-05")
    );
    assert_eq!(
        text::iso_datetime(late_evening, moscow).as_deref(),
        Some("2024-03-05T01:30:00+03:00")
    );
}

#[test]
fn short_titles_are_kept_and_long_ones_cut_with_a_note() {
    let mut skipped = Vec::new();

    assert_eq!(text::title("  Сделка  ", "TITLE", &mut skipped), "Сделка");
    assert!(skipped.is_empty());

    let cut = text::title(&"x".repeat(MAX_TITLE_CHARS + 1), "TITLE", &mut skipped);
    assert_eq!(cut.chars().count(), MAX_TITLE_CHARS);
    assert_eq!(skipped[0].code, FailureCode::TooLarge);
    assert!(skipped[0].message.contains("TITLE"));
}

fn rule(name: &str, label: &str, mandatory: bool) -> PortalFieldRule {
    PortalFieldRule {
        field_name: name.into(),
        label: label.into(),
        mandatory,
    }
}

#[test]
fn d4_a_required_portal_field_without_a_value_stops_the_run_naming_the_field() {
    let rules = [
        rule("UF_CRM_AMO_1", "Источник", true),
        rule("UF_CRM_17000", "Отрасль", true),
        rule("UF_CRM_17001", "Заметка", false),
    ];
    let mut fields = Fields::new();
    fields.insert("UF_CRM_AMO_1".into(), json!("Сайт"));
    fields.insert("UF_CRM_17000".into(), json!("  "));

    let stop = check_required(AmoEntity::Lead, &rules, &fields).expect_err("stops");

    assert_eq!(stop.field_name, "UF_CRM_17000");
    let message = stop.to_string();
    assert!(message.contains("«Отрасль» (UF_CRM_17000)"), "{message}");
    assert!(message.contains("deals"), "{message}");
    assert!(message.contains("continue"), "{message}");
}

#[test]
fn d4_once_the_requirement_is_switched_off_the_record_passes() {
    let rules = [rule("UF_CRM_17000", "Отрасль", false)];

    assert_eq!(
        check_required(AmoEntity::Company, &rules, &Fields::new()),
        Ok(())
    );
    let filled: Fields = [("UF_CRM_17000".to_owned(), json!([3]))]
        .into_iter()
        .collect();
    let required = [rule("UF_CRM_17000", "Отрасль", true)];
    assert_eq!(
        check_required(AmoEntity::Contact, &required, &filled),
        Ok(())
    );
}

fn amo_user(email: &str, is_active: bool) -> AmoUser {
    AmoUser {
        id: 104717,
        name: "Анна Сергеевна Иванова".into(),
        email: email.into(),
        is_active,
    }
}

#[test]
fn d1_an_existing_portal_user_is_matched_not_invited_again() {
    let action = decide_user(&amo_user("anna@firm.ru", true), [(12, "ANNA@firm.ru")], 1);

    assert_eq!(action, UserAction::Match(12));
}

#[test]
fn d1_a_missing_user_is_invited_by_email_into_the_department() {
    let action = decide_user(&amo_user(" anna@firm.ru ", true), [(12, "boss@firm.ru")], 5);

    let UserAction::Invite(fields) = action else {
        panic!("should invite, got {action:?}");
    };
    assert_eq!(fields["EMAIL"], "anna@firm.ru");
    assert_eq!(fields["NAME"], "Анна");
    assert_eq!(fields["LAST_NAME"], "Сергеевна Иванова");
    assert_eq!(fields["UF_DEPARTMENT"], json!([5]));
}

#[test]
fn d1_deactivated_users_and_non_email_logins_are_not_invited() {
    let inactive = decide_user(&amo_user("old@firm.ru", false), [], 1);
    let bad_login = decide_user(&amo_user("anna", true), [], 1);

    let UserAction::Skip(skipped) = inactive else {
        panic!("a deactivated user is not invited");
    };
    assert!(skipped.message.contains("deactivated"));
    let UserAction::Skip(skipped) = bad_login else {
        panic!("a login that is not an e-mail is not invited");
    };
    assert_eq!(skipped.code, FailureCode::InvalidValue);
    assert!(skipped.message.contains("default responsible"));
}
