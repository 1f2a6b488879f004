//! The durable projector: catches every view up with the event log, one transaction per page
//! per view, and rebuilds views from the events alone.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::db::{Statement, ViewDb};
use crate::error::ProjectionError;
use crate::log::{self, Checkpoint};
use crate::views::View;

/// What one step of one view did.
enum Step {
    /// Applied this many events.
    Applied(u64),
    /// Nothing left to apply.
    Idle,
    /// Committed events exist but wait behind a transaction that is still writing.
    Fenced,
}

/// How long a catch-up waits for committed events held behind a writing transaction.
pub const FENCE_PATIENCE: Duration = Duration::from_secs(60);

/// Events read per page; one page of one view commits in one transaction.
const DEFAULT_PAGE_SIZE: i64 = 1_000;

/// A place where the projector stops as if the process died: after applying a page's rows,
/// before the commit. Tests use it to show that such a crash loses and doubles nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailPoint {
    /// The view whose transaction is abandoned.
    pub view: View,
    /// Which page of that view (from 1) is abandoned.
    pub page: u32,
}

/// Keeps the views in step with the event log.
pub struct Projector {
    db: ViewDb,
    page_size: i64,
    fail_point: Option<FailPoint>,
    pages_seen: AtomicU32,
}

impl Projector {
    /// A projector over the database that holds both the events and the views.
    pub fn new(db: ViewDb) -> Projector {
        Projector {
            db,
            page_size: DEFAULT_PAGE_SIZE,
            fail_point: None,
            pages_seen: AtomicU32::new(0),
        }
    }

    /// Reads this many events per page (at least 1).
    pub fn with_page_size(mut self, page_size: i64) -> Projector {
        self.page_size = page_size.max(1);
        self
    }

    /// Stops before the commit of the given page, as a crash would.
    pub fn with_fail_point(mut self, fail_point: FailPoint) -> Projector {
        self.fail_point = Some(fail_point);
        self
    }

    /// Applies every event not yet applied to every view; returns how many event
    /// applications were made (an event applied to five views counts five).
    pub async fn catch_up(&self) -> Result<u64, ProjectionError> {
        let mut applied = 0;
        for view in View::ALL {
            applied += self.catch_up_view(view).await?;
        }
        Ok(applied)
    }

    /// Applies every event committed so far to one view.
    ///
    /// On PostgreSQL, events committed after a transaction that is still writing stay behind
    /// the fence until it ends (see the crate docs); this waits for them, up to
    /// [`FENCE_PATIENCE`].
    pub async fn catch_up_view(&self, view: View) -> Result<u64, ProjectionError> {
        let mut applied = 0;
        let mut fenced_since: Option<Instant> = None;
        loop {
            match self.step(view).await? {
                Step::Applied(events) => {
                    applied += events;
                    fenced_since = None;
                }
                Step::Idle => return Ok(applied),
                Step::Fenced => {
                    let since = *fenced_since.get_or_insert_with(Instant::now);
                    if since.elapsed() > FENCE_PATIENCE {
                        return Err(ProjectionError::Fenced { view: view.name() });
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
        }
    }

    /// Empties every view, resets its checkpoint, and catches up from the first event.
    pub async fn rebuild(&self) -> Result<u64, ProjectionError> {
        for view in View::ALL {
            self.reset(view).await?;
        }
        self.catch_up().await
    }

    /// Empties one view and resets its checkpoint, in one transaction.
    pub async fn reset(&self, view: View) -> Result<(), ProjectionError> {
        let mut tx = self.db.begin().await?;
        log::lock_checkpoint(&mut tx, view.name()).await?;
        tx.execute(&Statement::new(
            format!("DELETE FROM {}", view.table()),
            Vec::new(),
        ))
        .await?;
        log::save_checkpoint(&mut tx, view.name(), Checkpoint::default()).await?;
        tx.commit().await?;
        tracing::info!(view = view.name(), "view emptied for rebuild");
        Ok(())
    }

    /// Catches up, then again whenever `interval` passes, until `shutdown` turns true.
    /// A failure is logged and retried after the interval; the views stay at their checkpoints.
    pub async fn run(&self, interval: Duration, mut shutdown: watch::Receiver<bool>) {
        loop {
            if let Err(error) = self.catch_up().await {
                tracing::warn!(%error, "projection failed; retrying");
            }
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                changed = shutdown.changed() => {
                    if changed.is_err() || *shutdown.borrow() {
                        return;
                    }
                }
            }
        }
    }

    /// Applies one page to one view and commits it with the view's checkpoint.
    async fn step(&self, view: View) -> Result<Step, ProjectionError> {
        let mut tx = self.db.begin().await?;
        let checkpoint = log::lock_checkpoint(&mut tx, view.name()).await?;
        let page = log::read_page(&mut tx, checkpoint, self.page_size).await?;
        let Some(last) = page.last() else {
            if log::has_fenced_events(&mut tx, checkpoint).await? {
                return Ok(Step::Fenced);
            }
            return Ok(Step::Idle);
        };

        for statement in view.statements(&page) {
            tx.execute(&statement).await?;
        }
        let next = Checkpoint {
            tx_id: last.stored.tx_id,
            position: last.stored.position,
            applied: last.ordinal,
        };
        log::save_checkpoint(&mut tx, view.name(), next).await?;

        if self.should_fail(view) {
            return Err(ProjectionError::FailPoint { view: view.name() });
        }
        tx.commit().await?;

        tracing::debug!(
            view = view.name(),
            events = page.len(),
            through = next.applied,
            "projected"
        );
        Ok(Step::Applied(page.len() as u64))
    }

    fn should_fail(&self, view: View) -> bool {
        match self.fail_point {
            Some(point) if point.view == view => {
                self.pages_seen.fetch_add(1, Ordering::SeqCst) + 1 == point.page
            }
            _ => false,
        }
    }
}
