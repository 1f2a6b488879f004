//! [`Runner`]: drives a run from wherever it stands to its next resting point (finished,
//! paused, interrupted, cancelled, rolled back), one command at a time.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use migrator_amocrm::AmoClient;
use migrator_bitrix24::B24Client;
use migrator_domain::mapping::Origin;
use migrator_domain::migration::Interruption;
use migrator_domain::{Migration, MigrationCommand, Settings, Status};
use migrator_store::Store;
use uuid::Uuid;

use crate::error::RunnerError;
use crate::{count, rollback, summary, transfer};

/// How often a run interrupted by a service fault resumes by itself before it waits for a
/// person (F5), and the first pause between attempts (doubled each time).
const AUTO_RESUMES: u32 = 5;
const FIRST_BACKOFF: Duration = Duration::from_secs(2);

/// The services a run works with.
#[derive(Clone)]
pub struct Services {
    /// The event store.
    pub store: Arc<Store>,
    /// The amoCRM account.
    pub amo: AmoClient,
    /// The Bitrix24 portal.
    pub b24: B24Client,
}

/// What a user asks for when starting a run.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// The run's id, chosen by the caller so it can be shown before anything is written.
    pub migration_id: Uuid,
    /// The portal's identity (its `member_id`, or its address for a webhook).
    pub portal: String,
    /// The settings.
    pub settings: Settings,
    /// Who asked.
    pub requested_by: String,
}

/// Where a run came to rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Every record has an outcome; the run waits for confirmation.
    Finished,
    /// A person paused it.
    Paused,
    /// Something outside it stopped it; the reason says what to do.
    Interrupted(Interruption),
    /// Cancelled.
    Cancelled,
    /// Everything it created was deleted.
    RolledBack,
    /// Confirmed earlier; nothing is left to do.
    Confirmed,
}

/// Receives progress as records get outcomes; the command line draws a bar with it.
pub trait Progress: Send + Sync {
    /// A phase began with this many records to go through.
    fn phase(&self, name: &str, total: u64);
    /// This many more records got an outcome.
    fn advance(&self, records: u64);
}

/// A [`Progress`] that shows nothing.
pub struct Silent;

impl Progress for Silent {
    fn phase(&self, _name: &str, _total: u64) {}
    fn advance(&self, _records: u64) {}
}

/// Drives runs.
pub struct Runner {
    pub(crate) services: Services,
    pub(crate) worker: String,
    pub(crate) progress: Arc<dyn Progress>,
    pub(crate) account_id: u64,
    first_backoff: Duration,
}

/// One drive of one run: the runner, the run, and the lease epoch its commands carry.
pub(crate) struct Drive<'a> {
    pub(crate) runner: &'a Runner,
    pub(crate) id: Uuid,
    pub(crate) epoch: u64,
    pub(crate) origin: Origin,
    /// True while nothing this run sent can have been lost: the run's first drive (epoch 1)
    /// before any interruption. Afterwards a write may have reached the portal without its
    /// answer reaching us, so the next batch of each kind is looked up by origin first.
    clean: std::sync::atomic::AtomicBool,
    /// The portal user the run acts as (`profile`), read once per drive.
    me: tokio::sync::OnceCell<u64>,
}

impl Drive<'_> {
    /// Whether the next batch must first look up what may already be on the portal.
    pub(crate) fn in_doubt(&self) -> bool {
        !self.clean.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The id of the portal user the run acts as: the default responsible.
    pub(crate) async fn me(&self) -> Result<u64, RunnerError> {
        let id = self
            .me
            .get_or_try_init(|| async {
                let profile = self.runner.services.b24.profile().await?;
                Ok::<u64, RunnerError>(profile.id)
            })
            .await?;
        Ok(*id)
    }
}

impl Runner {
    /// A runner over `services`, named `worker` in the events it writes.
    pub async fn new(
        services: Services,
        worker: impl Into<String>,
        progress: Arc<dyn Progress>,
    ) -> Result<Runner, RunnerError> {
        let account = services.amo.account().await?;
        let account_id = u64::try_from(account.id).unwrap_or_default();
        Ok(Runner {
            services,
            worker: worker.into(),
            progress,
            account_id,
            first_backoff: FIRST_BACKOFF,
        })
    }

    /// Pauses `first` before the first automatic resume after a fault (then twice as long each
    /// time); two seconds unless set.
    pub fn with_first_backoff(mut self, first: Duration) -> Runner {
        self.first_backoff = first;
        self
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.services.store
    }

    /// Configures a new run and drives it to its first resting point.
    pub async fn start(&self, request: RunRequest) -> Result<Stop, RunnerError> {
        let configure = MigrationCommand::Configure {
            migration_id: request.migration_id,
            portal: request.portal,
            account: self.services.amo.address().host().to_owned(),
            settings: request.settings,
            requested_by: request.requested_by,
            at: Utc::now(),
        };
        self.store()
            .migration(request.migration_id, configure)
            .await?;
        self.resume(request.migration_id).await
    }

    /// Drives run `id` from wherever it stands: after a crash, a pause, an interruption.
    /// A run that has nothing left to do is left unchanged and its resting point returned.
    pub async fn resume(&self, id: Uuid) -> Result<Stop, RunnerError> {
        let migration = self.load(id).await?;
        if let Some(stop) = resting(&migration) {
            if !matches!(stop, Stop::Paused | Stop::Interrupted(_)) {
                return Ok(stop);
            }
            self.command(id, MigrationCommand::Resume { at: Utc::now() })
                .await?;
        }

        let drive = self.take_over(id).await?;
        drive.run().await
    }

    /// Starts (or continues) deleting what run `id` created, and drives it to the end.
    pub async fn rollback(&self, id: Uuid) -> Result<Stop, RunnerError> {
        let migration = self.load(id).await?;
        match migration.status() {
            Status::RollingBack | Status::RolledBack => {}
            Status::Interrupted => {
                self.command(id, MigrationCommand::Resume { at: Utc::now() })
                    .await?;
            }
            _ => {
                self.command(id, MigrationCommand::StartRollback { at: Utc::now() })
                    .await?
            }
        }

        let drive = self.take_over(id).await?;
        drive.run().await
    }

    /// Pauses run `id` (E3): the worker moving it stops after its current batch, and
    /// [`Runner::resume`] continues from there. Works from any process sharing the store.
    pub async fn pause(&self, id: Uuid) -> Result<(), RunnerError> {
        self.command(id, MigrationCommand::Pause { at: Utc::now() })
            .await
    }

    /// Cancels run `id` (E3): nothing more is moved; what was moved stays until a rollback
    /// deletes it (E4).
    pub async fn cancel(&self, id: Uuid) -> Result<(), RunnerError> {
        self.command(id, MigrationCommand::Cancel { at: Utc::now() })
            .await
    }

    /// The run's balance and failures.
    pub async fn summary(&self, id: Uuid) -> Result<summary::Summary, RunnerError> {
        let migration = self.load(id).await?;
        summary::build(self.store(), id, &migration).await
    }

    pub(crate) async fn load(&self, id: Uuid) -> Result<Migration, RunnerError> {
        let migration = self.store().load_migration(id).await?;
        if migration.id().is_none() {
            return Err(RunnerError::UnknownMigration(id));
        }
        Ok(migration)
    }

    pub(crate) async fn command(
        &self,
        id: Uuid,
        command: MigrationCommand,
    ) -> Result<(), RunnerError> {
        self.store().migration(id, command).await?;
        Ok(())
    }

    /// Takes the run over with a newer lease epoch; a worker still holding the old one can no
    /// longer write.
    async fn take_over(&self, id: Uuid) -> Result<Drive<'_>, RunnerError> {
        let migration = self.load(id).await?;
        let epoch = migration.lease_epoch() + 1;
        let lease = MigrationCommand::AcquireLease {
            worker: self.worker.clone(),
            epoch,
            at: Utc::now(),
        };
        self.command(id, lease).await?;
        tracing::info!(migration = %id, epoch, "took the run over");
        Ok(Drive {
            runner: self,
            id,
            epoch,
            origin: Origin::new(self.account_id, id),
            clean: std::sync::atomic::AtomicBool::new(epoch == 1),
            me: tokio::sync::OnceCell::new(),
        })
    }
}

impl Drive<'_> {
    /// Steps the run until it rests.
    async fn run(&self) -> Result<Stop, RunnerError> {
        let mut auto_resumes = 0;
        loop {
            let migration = self.runner.load(self.id).await?;
            if let Some(stop) = resting(&migration) {
                return Ok(stop);
            }

            let stepped = self.step(&migration).await;
            let Err(error) = stepped else { continue };
            if let Some(stop) = self.put_to_rest_meanwhile(&error).await? {
                return Ok(stop);
            }
            let Some(reason) = error.interruption() else {
                return Err(error);
            };

            let fault = error.resumes_by_itself();
            tracing::warn!(migration = %self.id, %reason, "run interrupted");
            self.clean.store(false, std::sync::atomic::Ordering::SeqCst);
            let interrupt = MigrationCommand::Interrupt {
                reason,
                at: Utc::now(),
            };
            self.runner.command(self.id, interrupt).await?;

            // F5: a service fault resumes by itself, with growing pauses.
            if !fault || auto_resumes >= AUTO_RESUMES {
                continue;
            }
            tokio::time::sleep(self.runner.first_backoff * 2u32.pow(auto_resumes)).await;
            auto_resumes += 1;
            self.runner
                .command(self.id, MigrationCommand::Resume { at: Utc::now() })
                .await?;
        }
    }

    /// The resting point a person put the run at while a step was under way (E3), when that
    /// is why the step's closing command was refused: a pause or a cancel landing after an
    /// entity's last batch refuses its `CompleteEntity` (or the `FinishTransfer`), and the run
    /// then rests as paused or cancelled instead of failing. Resuming redoes the closing step.
    async fn put_to_rest_meanwhile(
        &self,
        error: &RunnerError,
    ) -> Result<Option<Stop>, RunnerError> {
        let refused = matches!(
            error,
            RunnerError::Store(migrator_store::StoreError::Migration(
                migrator_domain::MigrationError::NotAllowed { .. }
            ))
        );
        if !refused {
            return Ok(None);
        }
        let now = self.runner.load(self.id).await?;
        Ok(resting(&now).filter(|stop| matches!(stop, Stop::Paused | Stop::Cancelled)))
    }

    /// One step from the run's current status.
    async fn step(&self, migration: &Migration) -> Result<(), RunnerError> {
        let now = Utc::now;
        match migration.status() {
            Status::Configured => {
                self.runner
                    .command(self.id, MigrationCommand::StartCounting { at: now() })
                    .await
            }
            Status::Counting => {
                count::run(self, migration).await?;
                let finish = MigrationCommand::FinishCounting {
                    epoch: self.epoch,
                    at: now(),
                };
                self.runner.command(self.id, finish).await
            }
            Status::Counted => {
                transfer::check_plan(self, migration).await?;
                self.runner
                    .command(self.id, MigrationCommand::StartTransfer { at: now() })
                    .await
            }
            Status::Transferring => {
                if transfer::run(self, migration).await? == transfer::Pass::Stopped {
                    return Ok(());
                }
                let tallies = summary::tallies(self.runner.store(), self.id, migration).await?;
                let finish = MigrationCommand::FinishTransfer {
                    epoch: self.epoch,
                    tallies,
                    at: now(),
                };
                self.runner.command(self.id, finish).await
            }
            Status::RollingBack => {
                let done = rollback::run(self, migration).await?;
                tracing::info!(migration = %self.id, files = done.files_deleted,
                    "rollback deleted the activities' Drive files");
                let complete = MigrationCommand::CompleteRollback {
                    epoch: self.epoch,
                    deleted: done.deleted,
                    already_gone: done.already_gone,
                    users_kept: done.users_kept,
                    at: now(),
                };
                self.runner.command(self.id, complete).await
            }
            // Resting statuses: the loop sees them on its next load and returns.
            Status::New
            | Status::Paused
            | Status::Interrupted
            | Status::Cancelled
            | Status::AwaitingConfirmation
            | Status::Confirmed
            | Status::RolledBack => Ok(()),
        }
    }
}

/// Where the run rests, or `None` while it has work to do.
fn resting(migration: &Migration) -> Option<Stop> {
    match migration.status() {
        Status::AwaitingConfirmation => Some(Stop::Finished),
        Status::Confirmed => Some(Stop::Confirmed),
        Status::Paused => Some(Stop::Paused),
        Status::Cancelled => Some(Stop::Cancelled),
        Status::RolledBack => Some(Stop::RolledBack),
        Status::Interrupted => {
            let reason = migration.interruption().map(|(_, reason)| reason.clone());
            Some(Stop::Interrupted(
                reason.unwrap_or(Interruption::AppRemoved),
            ))
        }
        Status::New
        | Status::Configured
        | Status::Counting
        | Status::Counted
        | Status::Transferring
        | Status::RollingBack => None,
    }
}
