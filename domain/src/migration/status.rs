//! Where a run stands in its life, and what interrupted it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::entity::Entity;

/// The state of a run as the user sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// No event yet: the run does not exist.
    #[default]
    New,
    /// Settings chosen, not counted (or counted for other settings).
    Configured,
    /// Counting in the background; cannot be stopped.
    Counting,
    /// Counted for the current settings; ready to move.
    Counted,
    /// Moving records.
    Transferring,
    /// Paused by the user.
    Paused,
    /// Stopped by something outside the run; can be resumed.
    Interrupted,
    /// Cancelled by the user; what moved can be deleted.
    Cancelled,
    /// Finished; waits for the user to confirm or delete.
    AwaitingConfirmation,
    /// Confirmed by the user or by itself seven days after finishing.
    Confirmed,
    /// Deleting what the run moved.
    RollingBack,
    /// Everything the run moved has been deleted.
    RolledBack,
}

impl Status {
    /// The status in the words used by messages and views.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Configured => "configured",
            Status::Counting => "counting",
            Status::Counted => "counted",
            Status::Transferring => "transferring",
            Status::Paused => "paused",
            Status::Interrupted => "interrupted",
            Status::Cancelled => "cancelled",
            Status::AwaitingConfirmation => "awaiting_confirmation",
            Status::Confirmed => "confirmed",
            Status::RollingBack => "rolling_back",
            Status::RolledBack => "rolled_back",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

/// The phase of work an interruption stopped, so that resuming returns to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Counting.
    Counting,
    /// Moving records.
    Transferring,
    /// Deleting what was moved.
    RollingBack,
}

impl Phase {
    /// The status a run returns to when this phase resumes.
    pub fn status(self) -> Status {
        match self {
            Phase::Counting => Status::Counting,
            Phase::Transferring => Status::Transferring,
            Phase::RollingBack => Status::RollingBack,
        }
    }
}

/// The service a fault came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// The amoCRM account.
    Amocrm,
    /// The Bitrix24 portal.
    Bitrix24,
}

/// Why a run was interrupted; each says what the user or the engine must do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Interruption {
    /// A user field is mandatory on the portal (D4): the user must switch it off, then resume.
    RequiredField {
        /// The entity whose records need the field.
        entity: Entity,
        /// The field's code and label as the portal names it.
        field: String,
    },
    /// A service failed beyond what retries cover; the engine resumes by itself with backoff.
    ServiceFault {
        /// Which service.
        service: Service,
        /// What it answered, without secrets.
        message: String,
    },
    /// The portal's domain changed during the run (G1).
    DomainChanged {
        /// The new address the portal answered with, when it gave one.
        new_domain: Option<String>,
    },
    /// The app was removed from the portal (G1).
    AppRemoved,
}

impl fmt::Display for Interruption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Interruption::RequiredField { entity, field } => write!(
                f,
                "the portal requires the field {field} for {entity}; switch off its \
                 \"required\" option in Bitrix24 and resume"
            ),
            Interruption::ServiceFault { service, message } => {
                let name = match service {
                    Service::Amocrm => "amoCRM",
                    Service::Bitrix24 => "Bitrix24",
                };
                write!(f, "{name} failed: {message}; the run resumes by itself")
            }
            Interruption::DomainChanged {
                new_domain: Some(domain),
            } => {
                write!(f, "the portal moved to {domain} during the run")
            }
            Interruption::DomainChanged { new_domain: None } => {
                f.write_str("the portal's domain changed during the run")
            }
            Interruption::AppRemoved => f.write_str("the app was removed from the portal"),
        }
    }
}
