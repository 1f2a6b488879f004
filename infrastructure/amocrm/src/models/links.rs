//! Entity links (`GET /api/v4/{entity}/links`): relations between records.

use serde::Deserialize;

use crate::lenient;

/// One relation, e.g. a lead to a contact.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EntityLink {
    /// The record the link starts from.
    #[serde(deserialize_with = "lenient::i64_or_zero")]
    pub entity_id: i64,
    /// Its kind (`leads`, `contacts`...).
    pub entity_type: String,
    /// The linked record.
    #[serde(deserialize_with = "lenient::i64_or_zero")]
    pub to_entity_id: i64,
    /// Its kind (`contacts`, `companies`, `catalog_elements`...).
    pub to_entity_type: String,
    /// Extra facts of the link.
    #[serde(default)]
    pub metadata: Option<LinkMetadata>,
}

/// Facts of a link.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LinkMetadata {
    /// Whether the linked contact is the main one.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub main_contact: Option<bool>,
    /// Quantity of a catalog element.
    #[serde(default, deserialize_with = "lenient::opt_f64")]
    pub quantity: Option<f64>,
    /// Catalog of a catalog element.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub catalog_id: Option<i64>,
}

impl crate::models::Record for EntityLink {
    fn record_id(&self) -> String {
        format!(
            "{}:{}>{}:{}",
            self.entity_type, self.entity_id, self.to_entity_type, self.to_entity_id
        )
    }

    fn created_at(&self) -> Option<i64> {
        None
    }
}
