//! Parsing of every note type (§5.8) from `fixtures/notes.json`: typed parameters for the
//! documented types, named opaque ones for the SDK's read-only types, and unknown types
//! kept rather than dropped.

use migrator_amocrm::models::notes::{CallStatus, Note, NoteKind};

fn notes() -> Vec<Note> {
    serde_json::from_str(include_str!("fixtures/notes.json")).expect("the fixture parses")
}

fn kind(notes: &[Note], id: i64) -> &NoteKind {
    &notes
        .iter()
        .find(|note| note.id == id)
        .expect("note present")
        .kind
}

#[test]
fn every_note_of_the_fixture_is_read_with_its_type_name() {
    let notes = notes();

    let names: Vec<&str> = notes.iter().map(|note| note.kind.note_type()).collect();

    assert_eq!(
        names,
        vec![
            "common",
            "call_in",
            "call_out",
            "service_message",
            "extended_service_message",
            "message_cashier",
            "geolocation",
            "sms_in",
            "sms_out",
            "attachment",
            "attachment",
            "amomail_message",
            "invoice_paid",
            "site_visit",
            "key_value_widget_v9",
            "common",
        ]
    );
}

#[test]
fn calls_carry_duration_status_recording_and_responsible_in_any_json_form() {
    let notes = notes();

    let NoteKind::CallIn(call) = kind(&notes, 2) else {
        panic!("call_in");
    };
    assert_eq!(call.duration, Some(60));
    assert_eq!(call.call_status, Some(CallStatus::Talked));
    assert_eq!(call.link.as_deref(), Some("https://pbx.example/rec/1.mp3"));
    assert_eq!(call.call_responsible.as_deref(), Some("5"));

    let NoteKind::CallOut(call) = kind(&notes, 3) else {
        panic!("call_out");
    };
    assert_eq!(call.uniq.as_deref(), Some("77"));
    assert_eq!(call.call_status, Some(CallStatus::NoAnswer));
}

#[test]
fn attachments_distinguish_drive_files_from_legacy_files() {
    let notes = notes();

    let NoteKind::Attachment(drive) = kind(&notes, 10) else {
        panic!("drive attachment");
    };
    assert_eq!(drive.file_uuid.as_deref(), Some("f-1"));
    assert_eq!(drive.is_drive_attachment, Some(true));

    let NoteKind::Attachment(legacy) = kind(&notes, 11) else {
        panic!("legacy attachment");
    };
    assert_eq!(legacy.file_uuid, None);
    assert_eq!(legacy.attachment.as_deref(), Some("legacy_123.doc"));
}

#[test]
fn mail_notes_carry_metadata_and_summary_only() {
    let notes = notes();

    let NoteKind::Mail(mail) = kind(&notes, 12) else {
        panic!("mail");
    };
    assert_eq!(mail.subject.as_deref(), Some("Offer"));
    assert_eq!(
        mail.content_summary.as_deref(),
        Some("Please find attached")
    );
    assert_eq!(mail.attach_cnt, Some(2));
    assert_eq!(mail.income, Some(true));
}

#[test]
fn the_remaining_documented_types_keep_their_text() {
    let notes = notes();

    assert!(matches!(kind(&notes, 1), NoteKind::Common { text } if text == "Called, no answer"));
    assert!(matches!(kind(&notes, 4), NoteKind::ServiceMessage(p) if p.text == "Lead moved"));
    assert!(
        matches!(kind(&notes, 6), NoteKind::MessageCashier { status: Some(s), .. }
        if s == "created")
    );
    assert!(
        matches!(kind(&notes, 7), NoteKind::Geolocation { latitude: Some(l), .. }
        if l == "55.7")
    );
    assert!(
        matches!(kind(&notes, 9), NoteKind::SmsOut(p) if p.phone.as_deref()
        == Some("79120000000"))
    );
    assert!(matches!(kind(&notes, 13), NoteKind::InvoicePaid(p) if p.text == "Invoice 5 paid"));
    assert!(matches!(kind(&notes, 16), NoteKind::Common { text } if text.is_empty()));
}

#[test]
fn sdk_only_and_unknown_types_keep_their_parameters() {
    let notes = notes();

    assert!(
        matches!(kind(&notes, 14), NoteKind::KnownOpaque { params, .. }
        if params["url"] == "https://shop.example")
    );
    assert!(
        matches!(kind(&notes, 15), NoteKind::Unknown { note_type, params }
        if note_type == "key_value_widget_v9" && params["anything"][2] == 3)
    );
}
