//! CRM activities (`crm.activity.add|list|delete`): meetings (notes), calls and e-mails.
//!
//! Rules the portal enforces (reference §5.9): only types 1 (meeting), 2 (call) and 4
//! (e-mail); `COMMUNICATIONS` must hold at least one entry, exactly one for calls and
//! meetings; a *completed outgoing* e-mail is actually **sent** on add, so history e-mails are
//! added with `COMPLETED = N` and must be completed afterwards with `crm.activity.update`.

use serde::Serialize;
use serde_json::{Value, json};

use crate::client::{B24Client, params_of};
use crate::error::B24Result;
use crate::methods::crm::{CrmEntity, CrmRecord, Origin, is_not_found, new_id};
use crate::methods::files::FileContent;

/// The activity types the classic method accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityType {
    /// `TYPE_ID = 1`.
    Meeting,
    /// `TYPE_ID = 2`.
    Call,
    /// `TYPE_ID = 4`.
    Email,
}

impl ActivityType {
    /// The portal's `TYPE_ID`.
    pub fn type_id(self) -> u32 {
        match self {
            Self::Meeting => 1,
            Self::Call => 2,
            Self::Email => 4,
        }
    }

    /// The communication `TYPE` the portal expects (`PHONE`, `EMAIL`, or none for meetings).
    fn communication_type(self) -> &'static str {
        match self {
            Self::Meeting => "",
            Self::Call => "PHONE",
            Self::Email => "EMAIL",
        }
    }
}

/// A communication of an activity: who was met, called or written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Communication {
    /// Phone number, e-mail address or (for meetings) a name.
    pub value: String,
    /// The CRM record the communication belongs to.
    pub entity: CrmEntity,
    /// Its id.
    pub entity_id: u64,
}

/// A new activity.
#[derive(Debug, Clone, PartialEq)]
pub struct NewActivity {
    /// Meeting, call or e-mail.
    pub kind: ActivityType,
    /// The record it belongs to.
    pub owner: CrmEntity,
    /// Its id.
    pub owner_id: u64,
    /// Title.
    pub subject: String,
    /// Body (plain text).
    pub description: String,
    /// Start, ISO-8601 with offset.
    pub start_time: String,
    /// End, ISO-8601 with offset (defaults to the start).
    pub end_time: Option<String>,
    /// Whether the activity is done. Ignored for outgoing e-mails (see the module doc).
    pub completed: bool,
    /// 1 incoming, 2 outgoing (calls and e-mails).
    pub direction: Option<u32>,
    /// Responsible user.
    pub responsible_id: Option<u64>,
    /// Communications; calls and meetings keep only the first.
    pub communications: Vec<Communication>,
    /// Attached files (uploaded to Drive by the portal).
    pub files: Vec<FileContent>,
    /// Source system and id.
    pub origin: Origin,
}

#[derive(Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct ActivityFields<'a> {
    type_id: u32,
    owner_type_id: u32,
    owner_id: u64,
    subject: &'a str,
    description: &'a str,
    description_type: u32,
    start_time: &'a str,
    end_time: &'a str,
    completed: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    direction: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    responsible_id: Option<u64>,
    communications: Vec<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    files: Vec<Value>,
    originator_id: &'a str,
    origin_id: &'a str,
}

/// The parameters of `crm.activity.add` for `activity`, following the portal's rules.
///
/// # Errors
/// [`crate::B24Error::InvalidRequest`] if the fields cannot be encoded.
pub fn activity_params(activity: &NewActivity) -> B24Result<Value> {
    let kind = activity.kind;
    let single = matches!(kind, ActivityType::Meeting | ActivityType::Call);
    let take = if single { 1 } else { usize::MAX };
    let communications = activity
        .communications
        .iter()
        .filter(|communication| !communication.value.trim().is_empty())
        .take(take)
        .map(|communication| {
            json!({
                "VALUE": communication.value,
                "ENTITY_TYPE_ID": communication.entity.owner_type_id(),
                "ENTITY_ID": communication.entity_id,
                "TYPE": kind.communication_type(),
            })
        })
        .collect();
    let sends_mail = kind == ActivityType::Email && activity.direction == Some(2);

    let fields = ActivityFields {
        type_id: kind.type_id(),
        owner_type_id: activity.owner.owner_type_id(),
        owner_id: activity.owner_id,
        subject: &activity.subject,
        description: &activity.description,
        description_type: 1,
        start_time: &activity.start_time,
        end_time: activity.end_time.as_deref().unwrap_or(&activity.start_time),
        completed: if activity.completed && !sends_mail {
            "Y"
        } else {
            "N"
        },
        direction: activity.direction,
        responsible_id: activity.responsible_id,
        communications,
        files: activity
            .files
            .iter()
            .map(FileContent::as_file_data)
            .collect(),
        originator_id: &activity.origin.originator_id,
        origin_id: &activity.origin.origin_id,
    };

    Ok(json!({"fields": params_of("crm.activity.add", &fields)?}))
}

impl B24Client {
    /// `crm.activity.add`: creates the activity and returns its id.
    ///
    /// # Errors
    /// Any call error (for example "The field COMMUNICATIONS is not defined or invalid.").
    pub async fn add_activity(&self, activity: &NewActivity) -> B24Result<u64> {
        let envelope = self
            .call("crm.activity.add", activity_params(activity)?)
            .await?;
        new_id("crm.activity.add", &envelope.result)
    }

    /// `crm.activity.update` with `COMPLETED = Y` (used after adding history e-mails).
    ///
    /// # Errors
    /// Any call error.
    pub async fn complete_activity(&self, id: u64) -> B24Result<()> {
        let params = json!({"id": id, "fields": {"COMPLETED": "Y"}});
        self.call("crm.activity.update", params).await.map(drop)
    }

    /// Finds the activity created from `origin`, if any.
    ///
    /// # Errors
    /// Any call error.
    pub async fn find_activity_by_origin(&self, origin: &Origin) -> B24Result<Option<u64>> {
        let params = json!({
            "filter": {"ORIGINATOR_ID": origin.originator_id, "ORIGIN_ID": origin.origin_id},
            "select": ["ID", "ORIGINATOR_ID", "ORIGIN_ID"],
        });
        let rows = self.list_all("crm.activity.list", params).await?;

        for row in rows {
            let record: CrmRecord = crate::client::decode_result("crm.activity.list", row)?;
            let same = record.originator_id.as_deref() == Some(origin.originator_id.as_str())
                && record.origin_id.as_deref() == Some(origin.origin_id.as_str());
            if same {
                return Ok(Some(record.id));
            }
        }
        Ok(None)
    }

    /// `crm.activity.delete`; an activity already gone counts as deleted.
    ///
    /// # Errors
    /// Any call error.
    pub async fn delete_activity(&self, id: u64) -> B24Result<()> {
        match self.call("crm.activity.delete", json!({"id": id})).await {
            Ok(_) => Ok(()),
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }
}
