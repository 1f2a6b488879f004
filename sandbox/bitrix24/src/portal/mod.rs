//! The portal's data: users, CRM records, pipelines, stages, user fields, activities,
//! comments, tasks and Drive files. Serialized whole by `GET /__sandbox/state`.

pub mod dates;
pub mod directories;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

/// A record kept in its REST output form (upper-case keys, ids and numbers as strings).
pub type Record = Map<String, Value>;

/// What kind of account a portal user is.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum UserKind {
    /// An ordinary intranet employee.
    Employee,
    /// An extranet user.
    Extranet,
    /// A partner integrator: admin rights, invisible to `user.get`.
    Integrator,
    /// A bot: invisible to `user.get`.
    Bot,
}

/// A portal user.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct User {
    /// User id.
    pub id: u64,
    /// Login e-mail.
    pub email: String,
    /// First name.
    pub name: String,
    /// Last name.
    pub last_name: String,
    /// Whether the account is active (deactivated users cannot call REST).
    pub active: bool,
    /// Portal administrator.
    pub admin: bool,
    /// Account kind.
    pub kind: UserKind,
    /// Departments (`UF_DEPARTMENT`).
    pub departments: Vec<u64>,
    /// Invited through `user.add` and not confirmed yet.
    pub invited: bool,
}

/// A deal pipeline (id 0 is the virtual main one and is not stored).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Category {
    /// Pipeline id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Sort weight.
    pub sort: i64,
    /// Creation time, ISO.
    pub created: String,
    /// Origin id (new API).
    pub origin_id: String,
    /// Originator id (new API).
    pub originator_id: String,
}

/// A row of a `crm.status` directory (stages, sources, types, ...).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StatusRow {
    /// Row id.
    pub id: u64,
    /// Directory (`DEAL_STAGE`, `DEAL_STAGE_5`, `SOURCE`, ...).
    pub entity_id: String,
    /// Code (`NEW`, `C5:WON`, `UC_ABC123`, ...).
    pub status_id: String,
    /// Name.
    pub name: String,
    /// Original name of system rows.
    pub name_init: String,
    /// Sort weight.
    pub sort: i64,
    /// System row (deletable only with `FORCED=Y`).
    pub system: bool,
    /// Pipeline id for deal stages.
    pub category_id: Option<u64>,
    /// `#RRGGBB`.
    pub color: String,
    /// `S`, `F` or empty (in progress).
    pub semantics: String,
}

/// A CRM user field definition.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UserField {
    /// Definition id.
    pub id: u64,
    /// `CRM_DEAL`, `CRM_CONTACT`, `CRM_COMPANY`, `CRM_LEAD`.
    pub entity_id: String,
    /// `UF_CRM_...`.
    pub field_name: String,
    /// Type (`string`, `enumeration`, ...).
    pub user_type_id: String,
    /// Multiple values.
    pub multiple: bool,
    /// Mandatory flag.
    pub mandatory: bool,
    /// Label.
    pub label: String,
    /// Sort weight.
    pub sort: i64,
    /// XML id.
    pub xml_id: String,
    /// Type settings as given.
    pub settings: Value,
    /// Enumeration options: `{ID, VALUE, SORT, DEF, XML_ID}`.
    pub list: Vec<Record>,
}

/// A link between two CRM records (company↔contact, deal↔contact).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Link {
    /// Owner id (company or deal).
    pub owner: u64,
    /// Contact id.
    pub contact: u64,
    /// Sort weight.
    pub sort: i64,
    /// Primary link.
    pub primary: bool,
}

/// A stored Drive file.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DiskFile {
    /// Drive object id (`n{ID}` in tasks).
    pub id: u64,
    /// Low-level file id.
    pub file_id: u64,
    /// File name.
    pub name: String,
    /// Folder id.
    pub parent_id: u64,
    /// Storage id.
    pub storage_id: u64,
    /// Size in bytes.
    pub size: usize,
    /// Content, Base64 in the state dump.
    #[serde(serialize_with = "as_base64")]
    pub content: Vec<u8>,
    /// Creation time, ISO.
    pub created: String,
    /// Who uploaded it.
    pub created_by: u64,
}

fn as_base64<S: serde::Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    use base64::Engine;
    serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// A Drive folder.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DiskFolder {
    /// Folder id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Parent folder (None for a storage root).
    pub parent_id: Option<u64>,
    /// Storage id.
    pub storage_id: u64,
}

/// The whole portal.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Portal {
    /// Users by id.
    pub users: BTreeMap<u64, User>,
    /// Companies by id.
    pub companies: BTreeMap<u64, Record>,
    /// Contacts by id.
    pub contacts: BTreeMap<u64, Record>,
    /// Deals by id.
    pub deals: BTreeMap<u64, Record>,
    /// Company ↔ contact links (owner = company).
    pub company_contacts: Vec<Link>,
    /// Deal ↔ contact links (owner = deal).
    pub deal_contacts: Vec<Link>,
    /// Deal pipelines other than the main one.
    pub categories: BTreeMap<u64, Category>,
    /// Name and sort of the main pipeline.
    pub main_category: (String, i64),
    /// `crm.status` rows.
    pub statuses: BTreeMap<u64, StatusRow>,
    /// User field definitions.
    pub user_fields: BTreeMap<u64, UserField>,
    /// Activities.
    pub activities: BTreeMap<u64, Record>,
    /// Timeline comments.
    pub comments: BTreeMap<u64, Record>,
    /// Tasks (camelCase output form).
    pub tasks: BTreeMap<u64, Record>,
    /// Task comments.
    pub task_comments: BTreeMap<u64, Record>,
    /// Drive folders.
    pub folders: BTreeMap<u64, DiskFolder>,
    /// Drive files.
    pub files: BTreeMap<u64, DiskFile>,
    /// Invitations sent by `user.add` (e-mails).
    pub invitations: Vec<String>,
    /// E-mail activities the portal would have really sent (added completed and outgoing).
    pub sent_emails: Vec<u64>,
    /// How many times automation rules would have run on REST adds/updates.
    pub automation_runs: u64,
    /// Id sequences.
    sequences: BTreeMap<String, u64>,
}

impl Portal {
    /// A portal with its admin user, the main pipeline's stages and the standard directories.
    pub fn new() -> Self {
        let mut portal = Portal {
            main_category: ("General".to_string(), 300),
            ..Portal::default()
        };
        portal.users.insert(
            1,
            User {
                id: 1,
                email: "admin@sandbox.test".to_string(),
                name: "Portal".to_string(),
                last_name: "Admin".to_string(),
                active: true,
                admin: true,
                kind: UserKind::Employee,
                departments: vec![1],
                invited: false,
            },
        );
        portal.sequences.insert("user".to_string(), 1);
        directories::seed(&mut portal);
        portal
    }

    /// The id the next [`Portal::next_id`] call will hand out (nothing is taken).
    pub fn peek_id(&self, sequence: &str) -> u64 {
        self.sequences.get(sequence).copied().unwrap_or(0) + 1
    }

    /// Next id of a sequence, from 1.
    pub fn next_id(&mut self, sequence: &str) -> u64 {
        let counter = self.sequences.entry(sequence.to_string()).or_insert(0);
        *counter += 1;
        *counter
    }

    /// The records of a CRM entity table.
    pub fn table(&mut self, entity: crate::methods::fields::Entity) -> &mut BTreeMap<u64, Record> {
        use crate::methods::fields::Entity;
        match entity {
            Entity::Company => &mut self.companies,
            Entity::Contact => &mut self.contacts,
            Entity::Deal => &mut self.deals,
        }
    }
}
