//! amoCRM API v4 simulator and deterministic account generator.
//!
//! [`generator::Account`] computes every record of a seeded account on demand;
//! [`AmoSandbox`] serves it over HTTP the way amoCRM does, with OAuth, paging, filters,
//! rate limits, faults and a [`Control`] handle for tests.

mod auth;
mod calls;
mod clock;
mod config;
mod control;
mod drift;
mod error;
mod faults;
pub mod generator;
mod limiter;
mod server;

pub use calls::CallRecord;
pub use config::{OverLimit, RateLimitBody, SandboxConfig};
pub use control::Control;
pub use error::SandboxError;
pub use faults::{ChaosMode, FaultKind, FaultRule};
pub use server::{AmoSandbox, run_standalone};
