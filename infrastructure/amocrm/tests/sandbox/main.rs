//! Tests of the client against the amoCRM simulator (`migrator-sandbox-amocrm`) started
//! on 127.0.0.1, port 0. One binary; each module covers one concern.

mod auth;
mod counting;
mod faults;
mod files;
mod helpers;
mod logging;
mod paging;
mod rotation;
