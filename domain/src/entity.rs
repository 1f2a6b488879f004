//! The entities a user chooses (B1) and the kinds of record a run creates on the portal.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One kind of data the user can choose to move, as the settings screen lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    /// amoCRM users, matched to portal users by e-mail or invited.
    Users,
    /// Companies.
    Companies,
    /// Contacts.
    Contacts,
    /// Sales pipelines with their stages.
    Pipelines,
    /// Deals (amoCRM leads).
    Deals,
    /// Notes, attached files, e-mails and calls; they become CRM activities.
    Events,
    /// Tasks.
    Tasks,
}

impl Entity {
    /// Every entity, in the order a run moves them: nothing comes before what it depends on.
    pub const ALL: [Entity; 7] = [
        Entity::Users,
        Entity::Companies,
        Entity::Contacts,
        Entity::Pipelines,
        Entity::Deals,
        Entity::Events,
        Entity::Tasks,
    ];

    /// The name used in settings, events, views and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Users => "users",
            Entity::Companies => "companies",
            Entity::Contacts => "contacts",
            Entity::Pipelines => "pipelines",
            Entity::Deals => "deals",
            Entity::Events => "events",
            Entity::Tasks => "tasks",
        }
    }

    /// What this entity cannot be moved without, each with the reason shown to the user (B2).
    pub fn dependencies(self) -> &'static [(Entity, &'static str)] {
        match self {
            Entity::Users | Entity::Companies | Entity::Pipelines => &[],
            Entity::Contacts => &[(Entity::Companies, "contacts are linked to their companies")],
            Entity::Deals => &[
                (
                    Entity::Pipelines,
                    "every deal sits on a stage of a pipeline",
                ),
                (Entity::Contacts, "deals are linked to their contacts"),
                (Entity::Companies, "deals are linked to their company"),
            ],
            Entity::Events => &[
                (
                    Entity::Companies,
                    "events belong to the companies they were written on",
                ),
                (
                    Entity::Contacts,
                    "events belong to the contacts they were written on",
                ),
                (
                    Entity::Deals,
                    "events belong to the deals they were written on",
                ),
            ],
            Entity::Tasks => &[
                (Entity::Companies, "tasks keep their links to companies"),
                (Entity::Contacts, "tasks keep their links to contacts"),
                (Entity::Deals, "tasks keep their links to deals"),
            ],
        }
    }

    /// The kind of record that stands for one record of this entity in its counts.
    pub fn primary_kind(self) -> RecordKind {
        match self {
            Entity::Users => RecordKind::User,
            Entity::Companies => RecordKind::Company,
            Entity::Contacts => RecordKind::Contact,
            Entity::Pipelines => RecordKind::Pipeline,
            Entity::Deals => RecordKind::Deal,
            Entity::Events => RecordKind::Note,
            Entity::Tasks => RecordKind::Task,
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for an entity name that is not one of the seven.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown entity {0:?}: expected one of users, companies, contacts, pipelines, deals, \
     events, tasks"
)]
pub struct UnknownEntity(pub String);

impl FromStr for Entity {
    type Err = UnknownEntity;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Entity::ALL
            .into_iter()
            .find(|entity| entity.as_str() == name.trim())
            .ok_or_else(|| UnknownEntity(name.to_owned()))
    }
}

/// One kind of record a run reads from the account and creates on the portal.
///
/// The seven primary kinds are what the counts count (one per entity). The secondary kinds are
/// things a run creates along the way and must delete on rollback: stages, user fields and
/// uploaded files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A user, matched or invited.
    #[serde(rename = "users")]
    User,
    /// A company.
    #[serde(rename = "companies")]
    Company,
    /// A contact.
    #[serde(rename = "contacts")]
    Contact,
    /// A pipeline (a Bitrix24 deal category).
    #[serde(rename = "pipelines")]
    Pipeline,
    /// A stage of a pipeline.
    #[serde(rename = "stages")]
    Stage,
    /// A custom field definition, created as a portal user field.
    #[serde(rename = "custom_fields")]
    CustomField,
    /// A deal.
    #[serde(rename = "deals")]
    Deal,
    /// A note, e-mail or call, created as an activity.
    #[serde(rename = "events")]
    Note,
    /// A file uploaded to the portal's drive.
    #[serde(rename = "files")]
    File,
    /// A task.
    #[serde(rename = "tasks")]
    Task,
}

impl RecordKind {
    /// Every kind, in the order a run creates them.
    pub const ALL: [RecordKind; 10] = [
        RecordKind::User,
        RecordKind::CustomField,
        RecordKind::Company,
        RecordKind::Contact,
        RecordKind::Pipeline,
        RecordKind::Stage,
        RecordKind::Deal,
        RecordKind::File,
        RecordKind::Note,
        RecordKind::Task,
    ];

    /// The name used in events, views and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::User => "users",
            RecordKind::Company => "companies",
            RecordKind::Contact => "contacts",
            RecordKind::Pipeline => "pipelines",
            RecordKind::Stage => "stages",
            RecordKind::CustomField => "custom_fields",
            RecordKind::Deal => "deals",
            RecordKind::Note => "events",
            RecordKind::File => "files",
            RecordKind::Task => "tasks",
        }
    }

    /// The entity whose counts this kind adds to, if it is a primary kind.
    pub fn counted_entity(self) -> Option<Entity> {
        Entity::ALL
            .into_iter()
            .find(|entity| entity.primary_kind() == self)
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a record kind name that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown record kind {0:?}")]
pub struct UnknownRecordKind(pub String);

impl FromStr for RecordKind {
    type Err = UnknownRecordKind;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        RecordKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name.trim())
            .ok_or_else(|| UnknownRecordKind(name.to_owned()))
    }
}
