//! `migrator rebuild-projections`: empties every read model and rebuilds it from the events.

use std::time::Instant;

use migrator_projections::Projector;
use migrator_store::{Store, StoreUrl};

use super::view_db;
use crate::error::CliError;

/// Rebuilds every view and says how many events it replayed and how long it took.
pub async fn run(url: &StoreUrl) -> Result<(), CliError> {
    let store = Store::open(url).await?;
    let started = Instant::now();

    let applied = Projector::new(view_db(&store)).rebuild().await?;

    let views = migrator_projections::View::ALL.len() as u64;
    eprintln!(
        "rebuilt {views} views from {} events in {:.1} s",
        applied / views,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
