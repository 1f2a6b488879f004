//! Notes → activities (D7): meetings for notes and files with the original date as start,
//! e-mail activities that are not sent, calls with direction, duration and recording, and
//! notes that cannot move.

use chrono::FixedOffset;
use migrator_domain::chunk::FailureCode;
use migrator_domain::mapping::activity::{AmoNote, MAIL_EXCERPT_NOTE, map_note};
use migrator_domain::mapping::text::{CUT_MARK, MAX_TEXT_BYTES};
use migrator_domain::mapping::{AmoEntity, FileSource, IdMap, MappingContext, Origin, UserMap};
use serde_json::{Value, json};
use uuid::Uuid;

// 2024-03-04 19:16:03 UTC = 22:16:03 in Moscow.
const CREATED: i64 = 1709579763;

fn context(files: bool) -> MappingContext {
    let mut ids = IdMap::default();
    ids.deals.insert(5765922, 812);
    ids.contacts.insert(7140816, 313);
    let mut users = UserMap::new(1);
    users.matched.insert(104717, 9);
    MappingContext {
        origin: Origin::new(32067039, Uuid::nil()),
        users,
        ids,
        utc_offset: FixedOffset::east_opt(3 * 3600).expect("offset"),
        files,
        currency: "RUB".into(),
    }
}

fn note(note_type: &str, params: Value) -> AmoNote {
    AmoNote {
        id: 118,
        entity: AmoEntity::Lead,
        entity_id: 5765922,
        note_type: note_type.into(),
        params,
        created_at: CREATED,
        responsible_user_id: Some(104717),
    }
}

#[test]
fn d7_a_note_becomes_a_meeting_started_at_its_original_date() {
    let common = note("common", json!({"text": "Клиент просил перезвонить"}));

    let activity = map_note(&common, "Order #12", &context(true)).expect("moves");
    let fields = &activity.mapped.fields;

    assert_eq!(fields["TYPE_ID"], 1);
    assert_eq!(fields["SUBJECT"], "Примечание");
    assert_eq!(fields["DESCRIPTION"], "Клиент просил перезвонить");
    assert_eq!(fields["START_TIME"], "2024-03-04T22:16:03+03:00");
    assert_eq!(fields["COMPLETED"], "Y");
    assert_eq!(fields["OWNER_TYPE_ID"], 2);
    assert_eq!(fields["OWNER_ID"], 812);
    assert_eq!(fields["RESPONSIBLE_ID"], 9);
    assert_eq!(fields["COMMUNICATIONS"][0]["VALUE"], "Order #12");
    assert_eq!(fields["ORIGIN_ID"], "note:leads:118");
    assert!(!activity.complete_after_add);
}

#[test]
fn d7_an_attached_file_becomes_a_meeting_with_the_file_to_upload() {
    let attachment = note(
        "attachment",
        json!({"file_uuid": "u-1", "version_uuid": "v-1", "file_name": "x.pdf",
               "original_name": "Договор.pdf", "text": "", "is_drive_attachment": true}),
    );

    let activity = map_note(&attachment, "", &context(true)).expect("moves");

    assert_eq!(activity.mapped.fields["TYPE_ID"], 1);
    assert_eq!(activity.mapped.fields["SUBJECT"], "Файл: Договор.pdf");
    assert_eq!(activity.mapped.files.len(), 1);
    assert_eq!(activity.mapped.files[0].target, "FILES");
    assert_eq!(activity.mapped.files[0].name, "Договор.pdf");
    assert_eq!(
        activity.mapped.files[0].source,
        FileSource::Drive {
            file_uuid: "u-1".into(),
            version_uuid: Some("v-1".into())
        }
    );
}

#[test]
fn b4_with_files_off_the_meeting_says_the_file_stayed_behind() {
    let attachment = note(
        "attachment",
        json!({"attachment": "abc.bin", "original_name": "Скан.jpg"}),
    );

    let activity = map_note(&attachment, "", &context(false)).expect("moves");

    assert!(activity.mapped.files.is_empty());
    let description = activity.mapped.fields["DESCRIPTION"]
        .as_str()
        .expect("text");
    assert!(description.contains("Скан.jpg"), "{description}");
    assert!(description.contains("выключен"), "{description}");
}

#[test]
fn d7_a_call_becomes_a_call_activity_with_direction_duration_and_recording() {
    let call = note(
        "call_in",
        json!({"uniq": "c-1", "duration": "125", "source": "Mango", "phone": "+79120000001",
               "link": "https://rec.example/1.mp3", "call_status": 4,
               "call_result": "Договорились"}),
    );

    let activity = map_note(&call, "Order #12", &context(true)).expect("moves");
    let fields = &activity.mapped.fields;

    assert_eq!(fields["TYPE_ID"], 2);
    assert_eq!(fields["DIRECTION"], 1);
    assert_eq!(fields["SUBJECT"], "Входящий звонок");
    assert_eq!(fields["START_TIME"], "2024-03-04T22:16:03+03:00");
    assert_eq!(fields["END_TIME"], "2024-03-04T22:18:08+03:00");
    assert_eq!(
        fields["COMMUNICATIONS"][0],
        json!({"VALUE": "+79120000001", "TYPE": "PHONE", "ENTITY_TYPE_ID": 2, "ENTITY_ID": 812})
    );
    let description = fields["DESCRIPTION"].as_str().expect("text");
    assert!(description.contains("разговор состоялся"), "{description}");
    assert!(
        description.contains("https://rec.example/1.mp3"),
        "{description}"
    );
    assert_eq!(
        activity.mapped.files[0].source,
        FileSource::Url {
            url: "https://rec.example/1.mp3".into()
        }
    );
}

#[test]
fn d7_an_outgoing_call_is_outgoing() {
    let call = note("call_out", json!({"phone": "+7 495 000", "duration": 0}));

    let activity = map_note(&call, "", &context(true)).expect("moves");

    assert_eq!(activity.mapped.fields["DIRECTION"], 2);
    assert_eq!(activity.mapped.fields["SUBJECT"], "Исходящий звонок");
    assert!(
        activity.mapped.files.is_empty(),
        "no recording, nothing to fetch"
    );
}

#[test]
fn d7_a_call_without_a_phone_fails_with_the_reason() {
    let call = note("call_in", json!({"duration": 10}));

    let failure = map_note(&call, "", &context(true)).expect_err("no phone");

    assert_eq!(failure.code, FailureCode::InvalidValue);
    assert!(failure.message.contains("phone"));
}

#[test]
fn d7_an_email_becomes_an_email_activity_that_is_not_sent() {
    let mail = note(
        "amomail_message",
        json!({"income": false, "from": {"email": "me@firm.ru", "name": "Я"},
               "to": [{"email": "client@example.com", "name": "Клиент"}],
               "subject": "Коммерческое предложение", "content_summary": "Добрый день…",
               "attach_cnt": 1}),
    );

    let activity = map_note(&mail, "", &context(true)).expect("moves");
    let fields = &activity.mapped.fields;

    assert_eq!(fields["TYPE_ID"], 4);
    assert_eq!(fields["DIRECTION"], 2);
    assert_eq!(fields["SUBJECT"], "Коммерческое предложение");
    assert_eq!(
        fields["COMPLETED"], "N",
        "a completed outgoing e-mail would be sent"
    );
    assert!(activity.complete_after_add);
    assert_eq!(fields["COMMUNICATIONS"][0]["VALUE"], "client@example.com");
    assert_eq!(fields["COMMUNICATIONS"][0]["TYPE"], "EMAIL");
    let description = fields["DESCRIPTION"].as_str().expect("text");
    assert!(description.contains("Добрый день…"));
    assert!(description.ends_with(MAIL_EXCERPT_NOTE));
}

#[test]
fn d7_an_incoming_email_answers_to_its_sender() {
    let mail = note(
        "amomail_message",
        json!({"income": true, "from": {"email": "client@example.com"}, "to": "me@firm.ru"}),
    );

    let activity = map_note(&mail, "", &context(true)).expect("moves");

    assert_eq!(activity.mapped.fields["DIRECTION"], 1);
    assert_eq!(activity.mapped.fields["SUBJECT"], "Письмо");
    assert_eq!(
        activity.mapped.fields["COMMUNICATIONS"][0]["VALUE"],
        "client@example.com"
    );
}

#[test]
fn d7_events_of_deals_that_were_not_moved_are_not_moved() {
    let mut orphan = note("common", json!({"text": "x"}));
    orphan.entity_id = 404;

    let failure = map_note(&orphan, "", &context(true)).expect_err("parent not moved");

    assert_eq!(failure.code, FailureCode::ParentNotMoved);
    assert!(failure.message.contains("404"));
}

#[test]
fn d9_note_types_without_a_counterpart_fail_with_the_type() {
    let visit = note("site_visit", json!({}));

    let failure = map_note(&visit, "", &context(true)).expect_err("unsupported");

    assert_eq!(failure.code, FailureCode::UnsupportedValue);
    assert!(failure.message.contains("site_visit"));
}

#[test]
fn d7_a_contacts_sms_becomes_a_meeting_on_the_contact() {
    let mut sms = note(
        "sms_out",
        json!({"text": "Ваш заказ готов", "phone": "+7912"}),
    );
    sms.entity = AmoEntity::Contact;
    sms.entity_id = 7140816;

    let activity = map_note(&sms, "Иван", &context(true)).expect("moves");

    assert_eq!(activity.mapped.fields["OWNER_TYPE_ID"], 3);
    assert_eq!(activity.mapped.fields["OWNER_ID"], 313);
    assert_eq!(activity.mapped.fields["SUBJECT"], "Исходящее SMS");
    assert_eq!(activity.mapped.fields["ORIGIN_ID"], "note:contacts:118");
}

#[test]
fn an_oversized_note_is_cut_at_the_limit_and_reported() {
    let long = "ж".repeat(MAX_TEXT_BYTES);
    let common = note("common", json!({ "text": long }));

    let activity = map_note(&common, "", &context(true)).expect("moves");

    let description = activity.mapped.fields["DESCRIPTION"]
        .as_str()
        .expect("text");
    assert!(description.len() <= MAX_TEXT_BYTES);
    assert!(description.ends_with(CUT_MARK));
    assert_eq!(activity.mapped.skipped[0].code, FailureCode::TooLarge);
}
