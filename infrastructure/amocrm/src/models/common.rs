//! Small shapes shared by several entities: tags, references to linked records, loss
//! reasons, and the entity-type names amoCRM uses.

use serde::Deserialize;

use crate::lenient;

/// A tag on a lead, contact or company (`color` only on leads).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Tag {
    /// Tag id.
    pub id: i64,
    /// Tag text.
    pub name: String,
    /// Colour, leads only.
    #[serde(default)]
    pub color: Option<String>,
}

/// A linked record inside `_embedded` (a lead's contacts, a contact's companies...).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EntityRef {
    /// Id of the linked record.
    pub id: i64,
    /// For a lead's contacts: whether this one is the main contact.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_main: Option<bool>,
}

/// A linked catalog element inside `_embedded.catalog_elements`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CatalogElementRef {
    /// Element id.
    pub id: i64,
    /// Quantity, catalog and price field of the link.
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
}

/// Why a lead was lost (`_embedded.loss_reason`, with `with=loss_reason`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LossReason {
    /// Reason id.
    pub id: i64,
    /// Reason text.
    pub name: String,
    /// Position in the list.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub sort: Option<i64>,
}

/// The kinds of records that own notes, tasks, files and links, in their plural API
/// spelling (`leads`, `contacts`...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    /// Deals.
    Leads,
    /// Contacts.
    Contacts,
    /// Companies.
    Companies,
    /// Customers (periodic purchases mode).
    Customers,
}

impl EntityKind {
    /// The path segment, e.g. `leads`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Leads => "leads",
            Self::Contacts => "contacts",
            Self::Companies => "companies",
            Self::Customers => "customers",
        }
    }
}
