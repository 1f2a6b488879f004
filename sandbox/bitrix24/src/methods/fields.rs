//! Field definitions of companies, contacts and deals, and the `*.fields` output built from them.

use serde_json::{Map, Value, json};

use crate::portal::Portal;

/// The three classic CRM entities the migration writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    /// `crm.company.*`.
    Company,
    /// `crm.contact.*`.
    Contact,
    /// `crm.deal.*`.
    Deal,
}

impl Entity {
    /// From the method segment (`company`, `contact`, `deal`).
    pub fn from_name(name: &str) -> Option<Entity> {
        match name {
            "company" => Some(Entity::Company),
            "contact" => Some(Entity::Contact),
            "deal" => Some(Entity::Deal),
            _ => None,
        }
    }

    /// The method segment.
    pub fn name(self) -> &'static str {
        match self {
            Entity::Company => "company",
            Entity::Contact => "contact",
            Entity::Deal => "deal",
        }
    }

    /// The user-field entity id (`CRM_DEAL`, ...).
    pub fn uf_entity(self) -> &'static str {
        match self {
            Entity::Company => "CRM_COMPANY",
            Entity::Contact => "CRM_CONTACT",
            Entity::Deal => "CRM_DEAL",
        }
    }

    /// CRM entity type id (2 deal, 3 contact, 4 company).
    pub fn type_id(self) -> u64 {
        match self {
            Entity::Deal => 2,
            Entity::Contact => 3,
            Entity::Company => 4,
        }
    }
}

/// The CRM entity of a numeric type id (owner types of activities).
pub fn entity_of_type(type_id: u64) -> Option<Entity> {
    match type_id {
        2 => Some(Entity::Deal),
        3 => Some(Entity::Contact),
        4 => Some(Entity::Company),
        _ => None,
    }
}

/// How a field's value is read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Whole number, output as a string.
    Integer,
    /// Text.
    Text,
    /// Number with two decimals, output as a string.
    Double,
    /// Date.
    Date,
    /// Date and time.
    DateTime,
    /// `Y`/`N`.
    Char,
    /// A user id.
    User,
    /// A `crm.status` code of the named directory.
    Status(&'static str),
    /// A currency code.
    Currency,
    /// `PHONE`, `EMAIL`, `WEB`, `IM`, `LINK`.
    Multifield,
    /// Ids of linked records, handled as bindings (`crm_contact`, `crm_company`).
    Binding(&'static str),
    /// Pipeline id.
    Category,
}

impl Kind {
    fn type_name(self) -> &'static str {
        match self {
            Kind::Integer => "integer",
            Kind::Text => "string",
            Kind::Double => "double",
            Kind::Date => "date",
            Kind::DateTime => "datetime",
            Kind::Char => "char",
            Kind::User => "user",
            Kind::Status(_) => "crm_status",
            Kind::Currency => "crm_currency",
            Kind::Multifield => "crm_multifield",
            Kind::Binding(name) => name,
            Kind::Category => "crm_category",
        }
    }
}

/// One standard field.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    /// Upper-case name.
    pub name: &'static str,
    /// Value kind.
    pub kind: Kind,
    /// Reported as required by `*.fields`.
    pub required: bool,
    /// Dropped on add and update.
    pub read_only: bool,
    /// Dropped on update.
    pub immutable: bool,
    /// Holds several values.
    pub multiple: bool,
}

const fn f(name: &'static str, kind: Kind) -> FieldDef {
    FieldDef {
        name,
        kind,
        required: false,
        read_only: false,
        immutable: false,
        multiple: false,
    }
}

const fn ro(name: &'static str, kind: Kind) -> FieldDef {
    FieldDef {
        name,
        kind,
        required: false,
        read_only: true,
        immutable: false,
        multiple: false,
    }
}

const fn req(name: &'static str, kind: Kind) -> FieldDef {
    FieldDef {
        name,
        kind,
        required: true,
        read_only: false,
        immutable: false,
        multiple: false,
    }
}

const fn multi(name: &'static str, kind: Kind) -> FieldDef {
    FieldDef {
        name,
        kind,
        required: false,
        read_only: false,
        immutable: false,
        multiple: true,
    }
}

/// Fields every entity has.
const COMMON: [FieldDef; 26] = [
    ro("ID", Kind::Integer),
    f("OPENED", Kind::Char),
    f("ASSIGNED_BY_ID", Kind::User),
    f("COMMENTS", Kind::Text),
    multi("PHONE", Kind::Multifield),
    multi("EMAIL", Kind::Multifield),
    multi("WEB", Kind::Multifield),
    multi("IM", Kind::Multifield),
    multi("LINK", Kind::Multifield),
    f("ORIGINATOR_ID", Kind::Text),
    f("ORIGIN_ID", Kind::Text),
    f("ORIGIN_VERSION", Kind::Text),
    f("UTM_SOURCE", Kind::Text),
    f("UTM_MEDIUM", Kind::Text),
    f("UTM_CAMPAIGN", Kind::Text),
    f("UTM_CONTENT", Kind::Text),
    f("UTM_TERM", Kind::Text),
    ro("DATE_CREATE", Kind::DateTime),
    ro("DATE_MODIFY", Kind::DateTime),
    ro("CREATED_BY_ID", Kind::User),
    ro("MODIFY_BY_ID", Kind::User),
    ro("LEAD_ID", Kind::Integer),
    ro("HAS_PHONE", Kind::Char),
    ro("HAS_EMAIL", Kind::Char),
    ro("HAS_IMOL", Kind::Char),
    ro("LAST_ACTIVITY_TIME", Kind::DateTime),
];

const COMPANY: [FieldDef; 13] = [
    req("TITLE", Kind::Text),
    f("COMPANY_TYPE", Kind::Status("COMPANY_TYPE")),
    f("INDUSTRY", Kind::Status("INDUSTRY")),
    f("EMPLOYEES", Kind::Status("EMPLOYEES")),
    f("CURRENCY_ID", Kind::Currency),
    f("REVENUE", Kind::Double),
    f("IS_MY_COMPANY", Kind::Char),
    multi("CONTACT_ID", Kind::Binding("crm_contact")),
    f("ADDRESS", Kind::Text),
    f("ADDRESS_CITY", Kind::Text),
    f("ADDRESS_POSTAL_CODE", Kind::Text),
    f("ADDRESS_COUNTRY", Kind::Text),
    f("BANKING_DETAILS", Kind::Text),
];

const CONTACT: [FieldDef; 18] = [
    f("HONORIFIC", Kind::Status("HONORIFIC")),
    req("NAME", Kind::Text),
    req("SECOND_NAME", Kind::Text),
    req("LAST_NAME", Kind::Text),
    f("BIRTHDATE", Kind::Date),
    f("TYPE_ID", Kind::Status("CONTACT_TYPE")),
    f("SOURCE_ID", Kind::Status("SOURCE")),
    f("SOURCE_DESCRIPTION", Kind::Text),
    f("POST", Kind::Text),
    f("EXPORT", Kind::Char),
    f("COMPANY_ID", Kind::Binding("crm_company")),
    multi("COMPANY_IDS", Kind::Binding("crm_company")),
    f("ADDRESS", Kind::Text),
    f("ADDRESS_CITY", Kind::Text),
    f("ADDRESS_POSTAL_CODE", Kind::Text),
    f("ADDRESS_COUNTRY", Kind::Text),
    ro("PHOTO", Kind::Text),
    ro("FACE_ID", Kind::Integer),
];

const DEAL: [FieldDef; 26] = [
    f("TITLE", Kind::Text),
    f("TYPE_ID", Kind::Status("DEAL_TYPE")),
    FieldDef {
        name: "CATEGORY_ID",
        kind: Kind::Category,
        required: false,
        read_only: false,
        immutable: true,
        multiple: false,
    },
    f("STAGE_ID", Kind::Status("DEAL_STAGE")),
    ro("STAGE_SEMANTIC_ID", Kind::Text),
    ro("IS_NEW", Kind::Char),
    f("PROBABILITY", Kind::Integer),
    f("CURRENCY_ID", Kind::Currency),
    f("OPPORTUNITY", Kind::Double),
    f("IS_MANUAL_OPPORTUNITY", Kind::Char),
    f("TAX_VALUE", Kind::Double),
    f("COMPANY_ID", Kind::Binding("crm_company")),
    f("CONTACT_ID", Kind::Binding("crm_contact")),
    multi("CONTACT_IDS", Kind::Binding("crm_contact")),
    f("BEGINDATE", Kind::Date),
    f("CLOSEDATE", Kind::Date),
    f("CLOSED", Kind::Char),
    f("SOURCE_ID", Kind::Status("SOURCE")),
    f("SOURCE_DESCRIPTION", Kind::Text),
    f("ADDITIONAL_INFO", Kind::Text),
    f("IS_RECURRING", Kind::Char),
    f("IS_RETURN_CUSTOMER", Kind::Char),
    f("IS_REPEATED_APPROACH", Kind::Char),
    ro("MOVED_BY_ID", Kind::User),
    ro("MOVED_TIME", Kind::DateTime),
    ro("QUOTE_ID", Kind::Integer),
];

/// All standard fields of an entity (specific ones first).
pub fn standard_fields(entity: Entity) -> Vec<FieldDef> {
    let specific: &[FieldDef] = match entity {
        Entity::Company => &COMPANY,
        Entity::Contact => &CONTACT,
        Entity::Deal => &DEAL,
    };
    let mut all = vec![COMMON[0]];
    all.extend_from_slice(specific);
    all.extend_from_slice(&COMMON[1..]);
    all
}

/// The definition of a standard field, if it is one.
pub fn field(entity: Entity, name: &str) -> Option<FieldDef> {
    standard_fields(entity)
        .into_iter()
        .find(|def| def.name == name)
}

/// The `*.fields` result: standard fields then the entity's user fields.
pub fn describe(portal: &Portal, entity: Entity) -> Value {
    let mut out = Map::new();
    for def in standard_fields(entity) {
        let mut item = json!({
            "type": def.kind.type_name(),
            "isRequired": def.required,
            "isReadOnly": def.read_only,
            "isImmutable": def.immutable,
            "isMultiple": def.multiple,
            "isDynamic": false,
            "title": def.name,
        });
        if let Kind::Status(directory) = def.kind {
            item["statusType"] = json!(directory);
        }
        out.insert(def.name.to_string(), item);
    }
    for uf in portal
        .user_fields
        .values()
        .filter(|uf| uf.entity_id == entity.uf_entity())
    {
        let mut item = json!({
            "type": uf.user_type_id,
            "isRequired": uf.mandatory,
            "isReadOnly": false,
            "isImmutable": false,
            "isMultiple": uf.multiple,
            "isDynamic": true,
            "title": uf.field_name,
            "listLabel": uf.label,
            "formLabel": uf.label,
            "filterLabel": uf.label,
        });
        if uf.user_type_id == "enumeration" {
            item["items"] = json!(
                uf.list
                    .iter()
                    .map(|o| json!({"ID": o["ID"], "VALUE": o["VALUE"]}))
                    .collect::<Vec<_>>()
            );
        }
        out.insert(uf.field_name.clone(), item);
    }
    Value::Object(out)
}
