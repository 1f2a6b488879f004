//! Typed helpers for the REST methods the migration uses (reference §4–§8).
//!
//! Each helper is a thin method on [`crate::B24Client`] that builds the parameters the
//! reference documents, calls the method, and decodes the answer with the lenient readers of
//! [`crate::lenient`]. Anything not covered here is reachable through
//! [`crate::B24Client::call`] with a `serde_json::Value`.

pub mod activities;
pub mod app;
pub mod crm;
pub mod crm_fields;
pub mod disk;
pub mod files;
pub mod pipelines;
pub mod tasks;
pub mod timeline;
pub mod userfields;
pub mod users;
