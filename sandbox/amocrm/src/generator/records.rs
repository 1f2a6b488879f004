//! The typed records the generator produces; the server renders them as amoCRM JSON
//! and tests elsewhere read them to know exactly what the account holds.

use serde_json::Value;

/// The entity collections of an account that grow with its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    /// Companies (`/api/v4/companies`).
    Companies,
    /// Contacts (`/api/v4/contacts`).
    Contacts,
    /// Deals (`/api/v4/leads`).
    Leads,
    /// Tasks (`/api/v4/tasks`).
    Tasks,
    /// Notes (`/api/v4/{entity}/notes`).
    Notes,
    /// Events (`/api/v4/events`).
    Events,
}

impl EntityKind {
    /// Every kind, in the order the size is spread over them.
    pub const ALL: [EntityKind; 6] = [
        EntityKind::Companies,
        EntityKind::Contacts,
        EntityKind::Leads,
        EntityKind::Tasks,
        EntityKind::Notes,
        EntityKind::Events,
    ];

    /// The plural name used in paths and `_embedded` (`leads`, `contacts`, ...).
    pub fn plural(self) -> &'static str {
        match self {
            EntityKind::Companies => "companies",
            EntityKind::Contacts => "contacts",
            EntityKind::Leads => "leads",
            EntityKind::Tasks => "tasks",
            EntityKind::Notes => "notes",
            EntityKind::Events => "events",
        }
    }

    /// The singular name events use (`lead`, `contact`, `company`, `task`).
    pub fn singular(self) -> &'static str {
        match self {
            EntityKind::Companies => "company",
            EntityKind::Contacts => "contact",
            EntityKind::Leads => "lead",
            EntityKind::Tasks => "task",
            EntityKind::Notes => "note",
            EntityKind::Events => "event",
        }
    }

    /// The kind named by a plural path segment.
    pub fn from_plural(name: &str) -> Option<EntityKind> {
        EntityKind::ALL
            .into_iter()
            .find(|kind| kind.plural() == name)
    }
}

/// A tag on a lead, contact or company.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// Tag id.
    pub id: u64,
    /// Tag name.
    pub name: String,
    /// Colour (leads only; `None` renders as null).
    pub color: Option<String>,
}

/// A user of the account.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// User id.
    pub id: u64,
    /// Full name.
    pub name: String,
    /// Login e-mail.
    pub email: String,
    /// Interface language (`ru`, `en`).
    pub lang: String,
    /// Account administrator.
    pub is_admin: bool,
    /// Active (deactivated users stay listed with `is_active: false`).
    pub is_active: bool,
    /// Free (read-only) seat.
    pub is_free: bool,
    /// Group id (0 = default group).
    pub group_id: u64,
    /// Deleted from the account: not listed, but records still reference the id.
    pub is_deleted: bool,
    /// Whether a user with this e-mail is meant to exist on the Bitrix24 side.
    pub exists_on_portal: bool,
}

/// What a pipeline status means to the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    /// «Неразобранное», `type: 1`.
    Unsorted,
    /// A stage the account defined.
    Custom,
    /// 142 «Успешно реализовано».
    Won,
    /// 143 «Закрыто и не реализовано».
    Lost,
}

/// A stage of a pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// Status id (142 and 143 repeat in every pipeline).
    pub id: u64,
    /// Name.
    pub name: String,
    /// Sort order.
    pub sort: u64,
    /// Editable by users.
    pub is_editable: bool,
    /// Owning pipeline.
    pub pipeline_id: u64,
    /// Colour.
    pub color: String,
    /// System meaning.
    pub kind: StatusKind,
}

/// A sales pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// Pipeline id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Sort order.
    pub sort: u64,
    /// The main pipeline.
    pub is_main: bool,
    /// Unsorted enabled.
    pub is_unsorted_on: bool,
    /// Archived (still holds deals).
    pub is_archive: bool,
    /// Stages, unsorted first, 142 and 143 last.
    pub statuses: Vec<Status>,
}

/// One option of a select-like field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldEnum {
    /// Enum id.
    pub id: u64,
    /// Label (for multitext: the code such as `WORK`).
    pub value: String,
    /// Sort order.
    pub sort: u64,
}

/// A custom field definition.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    /// Field id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Code (`PHONE`, `EMAIL`, ...) or none.
    pub code: Option<String>,
    /// Sort order.
    pub sort: u64,
    /// amoCRM type name (`text`, `multitext`, `date_time`, ...).
    pub field_type: String,
    /// Entity the field belongs to.
    pub entity: EntityKind,
    /// Options of select-like fields.
    pub enums: Option<Vec<FieldEnum>>,
    /// Predefined by amoCRM.
    pub is_predefined: bool,
    /// Currency of a monetary field.
    pub currency: Option<String>,
    /// Required in these (pipeline, status) pairs.
    pub required_statuses: Vec<(u64, u64)>,
}

/// One value of a custom field on a record.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldValue {
    /// Definition id.
    pub field_id: u64,
    /// Definition name.
    pub field_name: String,
    /// Definition code.
    pub field_code: Option<String>,
    /// Definition type.
    pub field_type: String,
    /// The elements of `values` exactly as rendered (shape depends on the type).
    pub values: Vec<Value>,
}

/// A deal.
#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    /// Position in the generated sequence.
    pub index: u64,
    /// Lead id.
    pub id: u64,
    /// Name (sometimes very long).
    pub name: String,
    /// Price in account currency.
    pub price: i64,
    /// Responsible user (0 = nobody; may be a deleted user).
    pub responsible_user_id: u64,
    /// Group of the responsible user.
    pub group_id: u64,
    /// Status id.
    pub status_id: u64,
    /// Pipeline id.
    pub pipeline_id: u64,
    /// Loss reason (lost deals only, sometimes none).
    pub loss_reason_id: Option<u64>,
    /// Creator (0 = system).
    pub created_by: u64,
    /// Last editor.
    pub updated_by: u64,
    /// Creation time (grows with the index).
    pub created_at: i64,
    /// Last change time.
    pub updated_at: i64,
    /// Closing time (won/lost only).
    pub closed_at: Option<i64>,
    /// Labour cost in seconds, usually none.
    pub labor_cost: Option<i64>,
    /// Custom field values (empty renders as null).
    pub custom_fields: Vec<FieldValue>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Linked contacts: (id, is_main); ids may point at deleted contacts.
    pub contacts: Vec<(u64, bool)>,
    /// Linked company.
    pub company_id: Option<u64>,
}

/// A contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// Position in the generated sequence.
    pub index: u64,
    /// Contact id.
    pub id: u64,
    /// Display name.
    pub name: String,
    /// First name.
    pub first_name: String,
    /// Last name (empty for some).
    pub last_name: String,
    /// Responsible user.
    pub responsible_user_id: u64,
    /// Group id.
    pub group_id: u64,
    /// Creator.
    pub created_by: u64,
    /// Last editor.
    pub updated_by: u64,
    /// Creation time.
    pub created_at: i64,
    /// Last change time.
    pub updated_at: i64,
    /// Custom field values (phones, e-mails, position, ...).
    pub custom_fields: Vec<FieldValue>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Linked companies, the first is shown in `_embedded.companies`.
    pub company_ids: Vec<u64>,
}

/// A company.
#[derive(Debug, Clone, PartialEq)]
pub struct Company {
    /// Position in the generated sequence.
    pub index: u64,
    /// Company id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Responsible user.
    pub responsible_user_id: u64,
    /// Group id.
    pub group_id: u64,
    /// Creator.
    pub created_by: u64,
    /// Last editor.
    pub updated_by: u64,
    /// Creation time.
    pub created_at: i64,
    /// Last change time.
    pub updated_at: i64,
    /// Custom field values (phones, e-mails, web, address, ...).
    pub custom_fields: Vec<FieldValue>,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// A record in the trash (`with=only_deleted`); its id is what dangling references use.
#[derive(Debug, Clone, PartialEq)]
pub struct DeletedRecord {
    /// Entity kind.
    pub kind: EntityKind,
    /// Id.
    pub id: u64,
    /// Deletion time.
    pub updated_at: i64,
    /// Who deleted it.
    pub updated_by: u64,
}

/// A file kept on the drive host.
#[derive(Debug, Clone, PartialEq)]
pub struct DriveFile {
    /// File uuid.
    pub uuid: String,
    /// Version uuid.
    pub version_uuid: String,
    /// File name with extension.
    pub name: String,
    /// Size in bytes (the downloaded body has exactly this length).
    pub size: u64,
    /// MIME type.
    pub mime_type: String,
    /// Upload time.
    pub created_at: i64,
    /// Uploader.
    pub created_by: u64,
}

/// Direction of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallDirection {
    /// `call_in`.
    Incoming,
    /// `call_out`.
    Outgoing,
}

/// The type-specific part of a note.
#[derive(Debug, Clone, PartialEq)]
pub enum NoteBody {
    /// `common`.
    Common {
        /// Text (sometimes oversized).
        text: String,
    },
    /// `call_in` / `call_out`.
    Call {
        /// Direction.
        direction: CallDirection,
        /// Telephony call id.
        uniq: String,
        /// Duration in seconds.
        duration: i64,
        /// Telephony name.
        source: String,
        /// Other party's phone.
        phone: String,
        /// Free-text result.
        call_result: String,
        /// 1..=7.
        call_status: u8,
        /// Who answered (name or phone).
        call_responsible: String,
        /// Whether a recording is downloadable (`link` then points at the sandbox).
        has_recording: bool,
    },
    /// `service_message` / `extended_service_message`.
    Service {
        /// Extended variant.
        extended: bool,
        /// Service name.
        service: String,
        /// Text.
        text: String,
    },
    /// `message_cashier`.
    Cashier {
        /// created | shown | canceled.
        status: String,
        /// Text.
        text: String,
    },
    /// `geolocation`.
    Geolocation {
        /// Text.
        text: String,
        /// Address.
        address: String,
        /// Longitude.
        longitude: String,
        /// Latitude.
        latitude: String,
    },
    /// `sms_in` / `sms_out`.
    Sms {
        /// Incoming.
        incoming: bool,
        /// Text.
        text: String,
        /// Phone.
        phone: String,
    },
    /// `attachment` stored on the drive.
    DriveAttachment {
        /// The file.
        file: DriveFile,
    },
    /// `attachment` in the legacy form (`/download/{attachment}` on the account host).
    LegacyAttachment {
        /// Server file name.
        attachment: String,
        /// Original name.
        original_name: String,
    },
    /// `amomail_message`: metadata and a summary, never the full body.
    Mail {
        /// Thread id.
        thread_id: u64,
        /// Message id.
        message_id: u64,
        /// Private mailbox.
        private: bool,
        /// Incoming.
        income: bool,
        /// Sender (name, e-mail).
        from: (String, String),
        /// Recipient (name, e-mail).
        to: (String, String),
        /// Subject.
        subject: String,
        /// Excerpt of the body.
        content_summary: String,
        /// Number of attachments (the files are not reachable).
        attach_cnt: u64,
    },
    /// Another SDK-known type with opaque params.
    Other {
        /// Note type name.
        note_type: String,
        /// Params as rendered.
        params: Value,
    },
}

impl NoteBody {
    /// The `note_type` string.
    pub fn note_type(&self) -> &str {
        match self {
            NoteBody::Common { .. } => "common",
            NoteBody::Call {
                direction: CallDirection::Incoming,
                ..
            } => "call_in",
            NoteBody::Call {
                direction: CallDirection::Outgoing,
                ..
            } => "call_out",
            NoteBody::Service {
                extended: false, ..
            } => "service_message",
            NoteBody::Service { extended: true, .. } => "extended_service_message",
            NoteBody::Cashier { .. } => "message_cashier",
            NoteBody::Geolocation { .. } => "geolocation",
            NoteBody::Sms { incoming: true, .. } => "sms_in",
            NoteBody::Sms {
                incoming: false, ..
            } => "sms_out",
            NoteBody::DriveAttachment { .. } | NoteBody::LegacyAttachment { .. } => "attachment",
            NoteBody::Mail { .. } => "amomail_message",
            NoteBody::Other { note_type, .. } => note_type,
        }
    }
}

/// A note on a lead, contact or company.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// Position in the generated sequence.
    pub index: u64,
    /// Note id.
    pub id: u64,
    /// Parent entity kind.
    pub entity: EntityKind,
    /// Parent id.
    pub entity_id: u64,
    /// Creator.
    pub created_by: u64,
    /// Last editor.
    pub updated_by: u64,
    /// Creation time.
    pub created_at: i64,
    /// Last change time.
    pub updated_at: i64,
    /// Responsible user.
    pub responsible_user_id: u64,
    /// Group id.
    pub group_id: u64,
    /// Pinned.
    pub is_pinned: bool,
    /// Type and params.
    pub body: NoteBody,
}

/// A task.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// Position in the generated sequence.
    pub index: u64,
    /// Task id.
    pub id: u64,
    /// Creator.
    pub created_by: u64,
    /// Last editor.
    pub updated_by: u64,
    /// Creation time.
    pub created_at: i64,
    /// Last change time.
    pub updated_at: i64,
    /// Responsible user.
    pub responsible_user_id: u64,
    /// Group id.
    pub group_id: u64,
    /// Linked entity (none for free tasks).
    pub entity: Option<(EntityKind, u64)>,
    /// Finished.
    pub is_completed: bool,
    /// 1 follow-up, 2 meeting, or an account task type.
    pub task_type_id: u64,
    /// Text.
    pub text: String,
    /// Duration in seconds.
    pub duration: i64,
    /// Deadline.
    pub complete_till: i64,
    /// Result text (renders `[]` when none).
    pub result: Option<String>,
}

/// An event of the account's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Position in the generated sequence.
    pub index: u64,
    /// String id.
    pub id: String,
    /// Event type (`lead_added`, `lead_status_changed`, ...).
    pub event_type: String,
    /// Entity kind (rendered singular).
    pub entity: EntityKind,
    /// Entity id.
    pub entity_id: u64,
    /// Author (0 = system).
    pub created_by: u64,
    /// Time (grows with the index).
    pub created_at: i64,
    /// `value_before` as rendered.
    pub value_before: Value,
    /// `value_after` as rendered.
    pub value_after: Value,
}

/// A lead waiting in «Неразобранное», as `/api/v4/leads/unsorted` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnsortedItem {
    /// Unsorted uid.
    pub uid: String,
    /// sip | mail | forms | chats.
    pub category: String,
    /// The lead inside.
    pub lead: Lead,
    /// Source name.
    pub source_name: String,
    /// Category metadata as rendered.
    pub metadata: Value,
}
