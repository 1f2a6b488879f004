//! E1 on both stores: what the progress bar and the live log are fed. Every entity's move is
//! announced with the number of records it holds, and the records reported as settled during
//! it add up to exactly that number: the bar reaches its end, never passes it.

// Not every helper of the shared support module is used here.
#[allow(dead_code)]
mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use migrator_domain::Entity;
use migrator_runner::{Progress, Stop};
use migrator_tests::{Kind, on_both_stores};
use support::World;

/// Everything the runner reported, in order: a phase with its total, then its advances.
#[derive(Default)]
struct Recorder {
    phases: Mutex<Vec<(String, u64, u64)>>,
}

impl Progress for Recorder {
    fn phase(&self, name: &str, total: u64) {
        let mut phases = self.phases.lock().unwrap_or_else(|p| p.into_inner());
        phases.push((name.to_owned(), total, 0));
    }

    fn advance(&self, records: u64) {
        let mut phases = self.phases.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(last) = phases.last_mut() {
            last.2 += records;
        }
    }
}

on_both_stores!(e1_every_move_is_announced_with_its_size_and_its_progress_reaches_it);
async fn e1_every_move_is_announced_with_its_size_and_its_progress_reaches_it(kind: Kind) {
    let world = World::with_amo_rate(kind, 200, 50).await;
    let recorder = Arc::new(Recorder::default());
    let runner = world
        .try_runner_reporting_to(recorder.clone())
        .await
        .expect("runner");
    let request = world.request(&Entity::ALL);
    let id = request.migration_id;

    let stop = runner.start(request).await.expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    let summary = runner.summary(id).await.expect("summary");
    let phases = recorder.phases.lock().expect("phases").clone();
    let moves: BTreeMap<String, (u64, u64)> = phases
        .iter()
        .filter_map(|(name, total, settled)| {
            let entity = name.strip_prefix("moving ")?;
            Some((entity.to_owned(), (*total, *settled)))
        })
        .collect();
    for entity in Entity::ALL {
        let key = entity.to_string();
        let (total, settled) = moves
            .get(&key)
            .copied()
            .unwrap_or_else(|| panic!("no phase announced moving {key}: {phases:?}"));
        assert_eq!(
            total, summary.entities[&key].counted,
            "{key}: the announced size"
        );
        assert_eq!(
            settled, total,
            "{key}: the progress reached the end, and not past it"
        );
    }
    let first = |prefix: &str| {
        phases
            .iter()
            .position(|(name, _, _)| name.starts_with(prefix))
            .unwrap_or_else(|| panic!("no phase {prefix}: {phases:?}"))
    };
    assert!(
        first("counting") < first("moving"),
        "counting is shown before moving: {phases:?}"
    );
}
