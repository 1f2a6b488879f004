//! Events (D7): notes of deals, contacts and companies become CRM activities through
//! `map_note`, chunk by chunk, in `batch` calls of 50, adopted by origin when a batch is in
//! doubt.
//!
//! A chunk of notes holds amoCRM note ids only; amoCRM numbers notes across its three note
//! collections, so the engine asks each collection for the chunk's ids in turn. The names of
//! the moved records the notes were written on are read too: a meeting names its record.
//!
//! E-mails are added open (the portal would send a completed outgoing one) and completed in
//! a second batch; an adopted e-mail is completed again, which changes nothing if it was.
//!
//! With files chosen (B4), an attachment note's file and a call's recording are downloaded
//! and sent in the activity's `FILES` (see `files`); the call's description keeps the
//! recording's link as well.

use std::collections::{BTreeMap, BTreeSet};

use futures::TryStreamExt;
use migrator_amocrm::ListQuery;
use migrator_amocrm::models::common::EntityKind;
use migrator_amocrm::models::notes::{CallStatus, Note, NoteKind};
use migrator_bitrix24::{B24Error, Batch};
use migrator_domain::chunk::{FailureCode, RecordOutcome};
use migrator_domain::mapping::activity::{AmoNote, map_note};
use migrator_domain::mapping::{AmoEntity, Fields};
use migrator_domain::{Entity, Migration, Period, RecordKind};
use serde_json::{Value, json};

use super::files::{self, ToCreate};
use super::walk::{Mover, Sent, walk};
use super::{Context, Pass};
use crate::chunks::{chunk_count, load_all, numeric_portal_ids};
use crate::error::RunnerError;
use crate::runner::Drive;

/// amoCRM ids per listing request when fetching a chunk's notes.
const IDS_PER_REQUEST: usize = 250;

/// One note, ready to send or already decided.
enum Prepared {
    /// Fields for `crm.activity.add`, whether the activity is completed after the add, and
    /// the files to download into its `FILES`.
    Create { record: ToCreate, complete: bool },
    /// An outcome without a call: failed, or outside the period.
    Settled(RecordOutcome),
}

/// Adds the portal ids of the run's moved deals to `context` (the CRM pass needs only
/// companies and contacts; activities and tasks are bound to deals too).
pub(super) async fn with_deals(
    drive: &Drive<'_>,
    migration: &Migration,
    context: &mut Context,
) -> Result<(), RunnerError> {
    let total = migration
        .counts()
        .get(&Entity::Deals)
        .map_or(0, |count| count.total);
    let store = drive.runner.store();

    let chunks = load_all(store, drive.id, RecordKind::Deal, chunk_count(total)).await?;
    context.mapping.ids.deals = numeric_portal_ids(&chunks);
    Ok(())
}

/// Moves the pending notes, chunk by chunk.
pub(crate) async fn run(
    drive: &Drive<'_>,
    migration: &Migration,
    context: &Context,
) -> Result<Pass, RunnerError> {
    walk(drive, migration, Entity::Events, &NoteMover { context }).await
}

/// Notes, as [`walk`] moves them.
struct NoteMover<'a> {
    context: &'a Context,
}

impl Mover for NoteMover<'_> {
    type Prepared = BTreeMap<u64, Prepared>;

    async fn prepare(
        &self,
        drive: &Drive<'_>,
        pending: &[u64],
        period: Option<Period>,
    ) -> Result<Self::Prepared, RunnerError> {
        if pending.is_empty() {
            return Ok(BTreeMap::new());
        }
        prepare(drive, pending, period, self.context).await
    }

    async fn send(
        &self,
        drive: &Drive<'_>,
        batch: &[u64],
        prepared: &mut Self::Prepared,
        in_doubt: &mut bool,
    ) -> Result<Sent, RunnerError> {
        send(drive, batch, prepared, self.context, in_doubt).await
    }
}

/// Fetches the chunk's pending notes from the three note collections, and the names of the
/// records they were written on, and maps each note.
async fn prepare(
    drive: &Drive<'_>,
    pending: &[u64],
    period: Option<Period>,
    context: &Context,
) -> Result<BTreeMap<u64, Prepared>, RunnerError> {
    let amo = &drive.runner.services.amo;
    let mut notes = BTreeMap::new();

    for ids in pending.chunks(IDS_PER_REQUEST) {
        for collection in [
            EntityKind::Leads,
            EntityKind::Contacts,
            EntityKind::Companies,
        ] {
            let missing: Vec<u64> = ids
                .iter()
                .copied()
                .filter(|id| !notes.contains_key(id))
                .collect();
            if missing.is_empty() {
                break;
            }
            let query = missing.iter().fold(ListQuery::new(), |query, id| {
                query.param("filter[id][]", &id.to_string())
            });
            let fetched: Vec<Note> = amo.notes(collection, query).try_collect().await?;
            for note in fetched {
                if let Some(input) = amo_note(&note, collection) {
                    notes.insert(input.id, input);
                }
            }
        }
    }

    let names = owner_names(drive, notes.values(), context).await?;
    Ok(notes
        .values()
        .map(|note| {
            let name = names
                .get(&(note.entity, note.entity_id))
                .map_or("", String::as_str);
            (note.id, decide(note, name, period, context))
        })
        .collect())
}

/// The names of the moved records these notes were written on; meetings name their owner
/// with it.
async fn owner_names<'a>(
    drive: &Drive<'_>,
    notes: impl Iterator<Item = &'a AmoNote>,
    context: &Context,
) -> Result<BTreeMap<(AmoEntity, u64), String>, RunnerError> {
    let amo = &drive.runner.services.amo;
    let mut owners: BTreeMap<AmoEntity, BTreeSet<u64>> = BTreeMap::new();
    for note in notes {
        if context
            .mapping
            .ids
            .portal_id(note.entity, note.entity_id)
            .is_some()
        {
            owners
                .entry(note.entity)
                .or_default()
                .insert(note.entity_id);
        }
    }

    let mut names = BTreeMap::new();
    for (entity, ids) in owners {
        let ids: Vec<u64> = ids.into_iter().collect();
        for part in ids.chunks(IDS_PER_REQUEST) {
            let query = part.iter().fold(ListQuery::new(), |query, id| {
                query.param("filter[id][]", &id.to_string())
            });
            let found: Vec<(i64, String)> = match entity {
                AmoEntity::Lead => {
                    amo.leads(query)
                        .map_ok(|lead| (lead.id, lead.name))
                        .try_collect()
                        .await?
                }
                AmoEntity::Contact => {
                    amo.contacts(query)
                        .map_ok(|contact| (contact.id, contact.name))
                        .try_collect()
                        .await?
                }
                AmoEntity::Company => {
                    amo.companies(query)
                        .map_ok(|company| (company.id, company.name))
                        .try_collect()
                        .await?
                }
                AmoEntity::Customer => Vec::new(),
            };
            for (id, name) in found {
                names.insert((entity, crate::source::id(id)), name);
            }
        }
    }
    Ok(names)
}

/// Decides a fetched note: outside the period, failed to map, or to create.
fn decide(note: &AmoNote, owner_name: &str, period: Option<Period>, context: &Context) -> Prepared {
    let inside = period.is_none_or(|period| {
        chrono::DateTime::from_timestamp(note.created_at, 0)
            .is_some_and(|created| period.contains(created))
    });
    if !inside {
        return Prepared::Settled(RecordOutcome::OutsidePeriod { amo_id: note.id });
    }

    let mapped = match map_note(note, owner_name, &context.mapping) {
        Ok(mapped) => mapped,
        Err(failure) => {
            return Prepared::Settled(RecordOutcome::Failed {
                amo_id: note.id,
                code: failure.code,
                message: failure.message,
            });
        }
    };

    let record = ToCreate {
        amo_id: note.id,
        fields: mapped.mapped.fields,
        files: mapped.mapped.files,
    };
    Prepared::Create {
        record,
        complete: mapped.complete_after_add,
    }
}

/// Sends one batch and returns the outcome of every note in it, but for the notes whose files
/// did not fit the batch's byte budget (they stay in `prepared`).
async fn send(
    drive: &Drive<'_>,
    batch: &[u64],
    prepared: &mut BTreeMap<u64, Prepared>,
    context: &Context,
    in_doubt: &mut bool,
) -> Result<Sent, RunnerError> {
    let b24 = &drive.runner.services.b24;
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut to_create = Vec::new();
    let mut completed_after_add = BTreeSet::new();

    for amo_id in batch {
        match prepared.remove(amo_id) {
            Some(Prepared::Settled(outcome)) => outcomes.push(outcome),
            Some(Prepared::Create { record, complete }) => {
                if complete {
                    completed_after_add.insert(*amo_id);
                }
                to_create.push(record);
            }
            None => outcomes.push(RecordOutcome::Failed {
                amo_id: *amo_id,
                code: FailureCode::MissingReference,
                message: format!(
                    "amoCRM note {amo_id} was counted but is gone from the account (deleted \
                     during the migration)"
                ),
            }),
        }
    }

    // After a restart or a write whose answer was lost, what this batch would create may be
    // on the portal already: adopt it instead of creating it again.
    let mut to_complete = Vec::new();
    if *in_doubt && !to_create.is_empty() {
        let origins: Vec<(u64, String)> = to_create
            .iter()
            .map(|record| (record.amo_id, text_field(&record.fields, "ORIGIN_ID")))
            .collect();
        let found = find_by_origin(drive, &origins).await?;
        to_create.retain(|record| {
            let amo_id = record.amo_id;
            let Some(b24_id) = found.get(&amo_id) else {
                return true;
            };
            tracing::info!(migration = %drive.id, amo_id, b24_id, "adopted an activity");
            if completed_after_add.contains(&amo_id) {
                to_complete.push(*b24_id);
            }
            outcomes.push(transferred(amo_id, *b24_id));
            false
        });
    }

    let deferred = files::attach_within_budget(drive, context, &mut to_create, "DESCRIPTION")
        .await?
        .into_iter()
        .map(|record| {
            let amo_id = record.amo_id;
            let complete = completed_after_add.contains(&amo_id);
            prepared.insert(amo_id, Prepared::Create { record, complete });
            amo_id
        })
        .collect();
    if !to_create.is_empty() {
        let mut request = Batch::new();
        for record in &to_create {
            let params = json!({"fields": record.fields});
            request.push(format!("a{}", record.amo_id), "crm.activity.add", params)?;
        }
        let answer = match b24.batch(&request).await {
            Ok(answer) => answer,
            Err(error) => {
                *in_doubt = matches!(error, B24Error::OutcomeUnknown { .. });
                return Err(error.into());
            }
        };

        for ToCreate { amo_id, .. } in to_create {
            let key = format!("a{amo_id}");
            if let Some(error) = answer.failure(&key) {
                if error.leaves_record_pending() {
                    // The whole batch is retried after the interruption; what was created is
                    // adopted by origin then.
                    *in_doubt = true;
                    return Err(error.into());
                }
                outcomes.push(RecordOutcome::Failed {
                    amo_id,
                    code: FailureCode::RejectedByPortal,
                    message: error.to_string(),
                });
                continue;
            }
            let b24_id = answer.result(&key).and_then(numeric_id).unwrap_or_default();
            if completed_after_add.contains(&amo_id) {
                to_complete.push(b24_id);
            }
            outcomes.push(transferred(amo_id, b24_id));
        }
    }

    // E-mails were added open so that the portal does not send them; completing one twice
    // changes nothing, so adopted ones are completed again.
    if let Err(error) = complete(drive, &to_complete).await {
        *in_doubt = true;
        return Err(error);
    }
    *in_doubt = false;
    Ok(Sent { outcomes, deferred })
}

/// Sets `COMPLETED = Y` on these activities, in one batch.
async fn complete(drive: &Drive<'_>, ids: &[u64]) -> Result<(), RunnerError> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut request = Batch::new();
    for id in ids {
        let params = json!({"id": id, "fields": {"COMPLETED": "Y"}});
        request.push(format!("c{id}"), "crm.activity.update", params)?;
    }

    let answer = drive.runner.services.b24.batch(&request).await?;
    for id in ids {
        if let Some(error) = answer.failure(&format!("c{id}")) {
            return Err(error.into());
        }
    }
    Ok(())
}

/// The portal ids of the activities of this run already carrying these origins, by amoCRM id.
async fn find_by_origin(
    drive: &Drive<'_>,
    origins: &[(u64, String)],
) -> Result<BTreeMap<u64, u64>, RunnerError> {
    let originator = drive.origin.originator_id();
    let mut request = Batch::new();
    for (amo_id, origin_id) in origins {
        let params = json!({
            "filter": {"ORIGINATOR_ID": originator, "ORIGIN_ID": origin_id},
            "select": ["ID", "ORIGINATOR_ID", "ORIGIN_ID"],
        });
        request.push(format!("o{amo_id}"), "crm.activity.list", params)?;
    }

    let answer = drive.runner.services.b24.batch(&request).await?;
    let mut found = BTreeMap::new();
    for (amo_id, origin_id) in origins {
        let key = format!("o{amo_id}");
        if let Some(error) = answer.failure(&key) {
            return Err(error.into());
        }
        let rows = answer.result(&key).and_then(Value::as_array);
        let hit = rows.into_iter().flatten().find(|row| {
            row["ORIGINATOR_ID"].as_str() == Some(originator.as_str())
                && row["ORIGIN_ID"].as_str() == Some(origin_id.as_str())
        });
        if let Some(b24_id) = hit.and_then(|row| numeric_id(&row["ID"])) {
            found.insert(*amo_id, b24_id);
        }
    }
    Ok(found)
}

fn transferred(amo_id: u64, b24_id: u64) -> RecordOutcome {
    RecordOutcome::Transferred {
        amo_id,
        b24_id: b24_id.to_string(),
        created: true,
    }
}

/// An id the portal returned as a number or a string.
pub(crate) fn numeric_id(value: &Value) -> Option<u64> {
    match value {
        Value::String(text) => text.parse().ok(),
        other => other.as_u64(),
    }
}

/// A text field of mapped `fields`, empty when absent.
fn text_field(fields: &Fields, key: &str) -> String {
    fields
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// amoCRM's note as the mapping rules read it: its type's parameters back in amoCRM's shape.
fn amo_note(note: &Note, collection: EntityKind) -> Option<AmoNote> {
    let entity = AmoEntity::parse(collection.as_str())?;
    let id = |value: i64| u64::try_from(value).ok();
    Some(AmoNote {
        id: id(note.id)?,
        entity,
        entity_id: note.entity_id.and_then(id).unwrap_or_default(),
        note_type: note.kind.note_type().to_owned(),
        params: params(&note.kind),
        created_at: note.created_at.unwrap_or_default(),
        responsible_user_id: note.responsible_user_id.and_then(id).filter(|id| *id > 0),
    })
}

/// A note's typed parameters written back as amoCRM sends them.
fn params(kind: &NoteKind) -> Value {
    match kind {
        NoteKind::Common { text } => json!({"text": text}),
        NoteKind::CallIn(call) | NoteKind::CallOut(call) => json!({
            "uniq": call.uniq,
            "duration": call.duration,
            "source": call.source,
            "link": call.link,
            "phone": call.phone,
            "call_result": call.call_result,
            "call_status": call.call_status.map(call_status_code),
            "call_responsible": call.call_responsible,
        }),
        NoteKind::ServiceMessage(service)
        | NoteKind::ExtendedServiceMessage(service)
        | NoteKind::InvoicePaid(service) => json!({
            "service": service.service,
            "text": service.text,
            "icon_url": service.icon_url,
        }),
        NoteKind::MessageCashier { status, text } => json!({"status": status, "text": text}),
        NoteKind::Geolocation {
            text,
            address,
            longitude,
            latitude,
        } => json!({
            "text": text,
            "address": address,
            "longitude": longitude,
            "latitude": latitude,
        }),
        NoteKind::SmsIn(sms) | NoteKind::SmsOut(sms) => {
            json!({"text": sms.text, "phone": sms.phone})
        }
        NoteKind::Attachment(file) => json!({
            "file_uuid": file.file_uuid,
            "version_uuid": file.version_uuid,
            "file_name": file.file_name,
            "original_name": file.original_name,
            "attachment": file.attachment,
            "text": file.text,
            "is_drive_attachment": file.is_drive_attachment,
        }),
        NoteKind::Mail(mail) => json!({
            "thread_id": mail.thread_id,
            "message_id": mail.message_id,
            "private": mail.private,
            "income": mail.income,
            "from": mail.from,
            "to": mail.to,
            "subject": mail.subject,
            "content_summary": mail.content_summary,
            "attach_cnt": mail.attach_cnt,
        }),
        NoteKind::KnownOpaque { params, .. } | NoteKind::Unknown { params, .. } => params.clone(),
    }
}

/// amoCRM's code of a call status.
fn call_status_code(status: CallStatus) -> i64 {
    match status {
        CallStatus::LeftVoicemail => 1,
        CallStatus::CallBackLater => 2,
        CallStatus::NotAvailable => 3,
        CallStatus::Talked => 4,
        CallStatus::WrongNumber => 5,
        CallStatus::NoAnswer => 6,
        CallStatus::Busy => 7,
        CallStatus::Other(code) => code,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Offset, Utc};
    use migrator_domain::mapping::activity::{CALL, EMAIL, map_note};
    use migrator_domain::mapping::{IdMap, MappingContext, Origin, UserMap};
    use serde_json::json;
    use uuid::Uuid;

    use super::*;

    fn context() -> MappingContext {
        let mut ids = IdMap::default();
        ids.deals.insert(7, 70);
        ids.contacts.insert(8, 80);
        MappingContext {
            origin: Origin::new(1, Uuid::nil()),
            users: UserMap::new(1),
            ids,
            utc_offset: Utc.fix(),
            files: false,
            currency: "RUB".to_owned(),
        }
    }

    fn read(note: Value, collection: EntityKind) -> AmoNote {
        let note: Note = serde_json::from_value(note).expect("a note");
        amo_note(&note, collection).expect("an input")
    }

    #[test]
    fn a_call_keeps_its_phone_status_and_recording_through_the_typed_model() {
        let note = read(
            json!({"id": 5, "entity_id": 7, "created_at": 1_700_000_000,
                "note_type": "call_in", "params": {"phone": "+7 900 000-00-00",
                "duration": "65", "link": "https://rec.example/5.mp3", "call_status": 4}}),
            EntityKind::Leads,
        );

        let activity = map_note(&note, "Сделка", &context()).expect("mapped");

        let fields = &activity.mapped.fields;
        assert_eq!(fields["TYPE_ID"], json!(CALL));
        assert_eq!(fields["OWNER_ID"], json!(70));
        assert_eq!(
            fields["COMMUNICATIONS"][0]["VALUE"],
            json!("+7 900 000-00-00")
        );
        let description = fields["DESCRIPTION"].as_str().unwrap_or_default();
        assert!(
            description.contains("https://rec.example/5.mp3"),
            "{description}"
        );
        assert!(description.contains("разговор состоялся"), "{description}");
        assert!(description.contains("65"), "{description}");
    }

    #[test]
    fn an_incoming_mail_is_addressed_to_its_sender_and_completed_after_the_add() {
        let note = read(
            json!({"id": 6, "entity_id": 8, "created_at": 1_700_000_000,
                "note_type": "amomail_message", "params": {"income": true,
                "from": {"email": "client@example.com", "name": "Клиент"},
                "to": {"email": "sales@example.com"}, "subject": "Счёт",
                "content_summary": "Добрый день"}}),
            EntityKind::Contacts,
        );

        let activity = map_note(&note, "", &context()).expect("mapped");

        let fields = &activity.mapped.fields;
        assert_eq!(fields["TYPE_ID"], json!(EMAIL));
        assert_eq!(fields["DIRECTION"], json!(1));
        assert_eq!(fields["SUBJECT"], json!("Счёт"));
        assert_eq!(
            fields["COMMUNICATIONS"][0]["VALUE"],
            json!("client@example.com")
        );
        assert!(activity.complete_after_add);
    }

    #[test]
    fn a_note_of_a_record_that_was_not_moved_is_settled_as_failed() {
        let note = read(
            json!({"id": 9, "entity_id": 99, "created_at": 1_700_000_000,
                "note_type": "common", "params": {"text": "Позвонить"}}),
            EntityKind::Companies,
        );
        let context = Context {
            mapping: context(),
            stages: Default::default(),
            fields: Default::default(),
            drive_url: None,
        };

        let decided = decide(&note, "", None, &context);

        let Prepared::Settled(RecordOutcome::Failed { code, message, .. }) = decided else {
            panic!("the note must fail");
        };
        assert_eq!(code, FailureCode::ParentNotMoved);
        assert!(message.contains("99"), "{message}");
    }

    #[test]
    fn call_status_codes_round_trip() {
        for code in 1..=8 {
            assert_eq!(call_status_code(CallStatus::from_code(code)), code);
        }
    }
}
