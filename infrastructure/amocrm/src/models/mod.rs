//! Typed records of amoCRM API v4, one file per entity.
//!
//! The models read what a migration needs and tolerate what amoCRM is known to vary:
//! `null` for empty lists, numbers as strings, flags as `0`/`1`, unknown enum values
//! (kept, never dropped). Every listed record implements [`Record`], which the paging
//! stream uses to deduplicate across page boundaries and to check creation periods.

pub mod account;
pub mod common;
pub mod companies;
pub mod contacts;
pub mod custom_fields;
pub mod events;
pub mod field_values;
pub mod files;
pub mod leads;
pub mod links;
pub mod notes;
pub mod pipelines;
pub mod tasks;
pub mod users;

use serde::de::DeserializeOwned;

/// A record that comes in pages.
pub trait Record: DeserializeOwned + Send + 'static {
    /// The record's id as text (events have string ids), used to drop a record that a
    /// shifted page repeats.
    fn record_id(&self) -> String;

    /// Creation time (Unix seconds), used to keep a period on the client.
    fn created_at(&self) -> Option<i64>;
}

/// Implements [`Record`] for a model with `id` and `created_at` fields.
macro_rules! record {
    ($($ty:ty),* $(,)?) => {
        $(impl $crate::models::Record for $ty {
            fn record_id(&self) -> String {
                self.id.to_string()
            }

            fn created_at(&self) -> Option<i64> {
                self.created_at
            }
        })*
    };
}
pub(crate) use record;
