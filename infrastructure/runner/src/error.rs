//! The engine's one error type.

use migrator_amocrm::AmoError;
use migrator_bitrix24::B24Error;
use migrator_domain::Entity;
use migrator_domain::migration::{Interruption, Service};
use migrator_domain::plan::PlanError;
use migrator_store::StoreError;

/// Why the engine stopped short of the run's next resting point.
#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    /// The event store failed or refused a command.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// amoCRM failed beyond what its client retries.
    #[error("amoCRM: {0}")]
    Amo(#[from] AmoError),
    /// Bitrix24 failed beyond what its client retries.
    #[error("Bitrix24: {0}")]
    B24(#[from] B24Error),
    /// The pipeline choice exceeds what the portal's plan allows (B6); nothing was written.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The portal requires a field the run does not fill (D4).
    #[error("the portal requires the field {field} for {entity}")]
    RequiredField {
        /// The entity.
        entity: Entity,
        /// The field, as the portal names and labels it.
        field: String,
    },
    /// The run does not exist in this store.
    #[error("no migration {0} in this store")]
    UnknownMigration(uuid::Uuid),
}

impl RunnerError {
    /// Whether the run should resume by itself after this error (F5): the service may answer
    /// differently in a while. A refusal that will not change waits for a person.
    pub fn resumes_by_itself(&self) -> bool {
        match self {
            RunnerError::B24(error) => {
                error.is_retryable() || matches!(error, B24Error::OutcomeUnknown { .. })
            }
            RunnerError::Amo(error) => error.is_retryable(),
            _ => false,
        }
    }

    /// The interruption this error stands for, when it should interrupt the run rather than
    /// end the command: faults of the services, a required field, a changed domain, a
    /// removed app.
    pub fn interruption(&self) -> Option<Interruption> {
        match self {
            RunnerError::RequiredField { entity, field } => Some(Interruption::RequiredField {
                entity: *entity,
                field: field.clone(),
            }),
            RunnerError::B24(B24Error::DomainChanged { new_base, .. }) => {
                Some(Interruption::DomainChanged {
                    new_domain: Some(new_base.clone()),
                })
            }
            RunnerError::B24(B24Error::AppRemoved { .. }) => Some(Interruption::AppRemoved),
            RunnerError::B24(error) => Some(Interruption::ServiceFault {
                service: Service::Bitrix24,
                message: error.to_string(),
            }),
            RunnerError::Amo(error) => Some(Interruption::ServiceFault {
                service: Service::Amocrm,
                message: error.to_string(),
            }),
            RunnerError::Store(_) | RunnerError::Plan(_) | RunnerError::UnknownMigration(_) => None,
        }
    }
}
