//! A generated amoCRM account moved into an empty portal, end to end, on both stores.

mod support;

use std::collections::BTreeSet;

use migrator_domain::Entity;
use migrator_runner::Stop;
use migrator_tests::{Kind, on_both_stores};
use support::World;

const CORE: [Entity; 5] = [
    Entity::Users,
    Entity::Companies,
    Entity::Contacts,
    Entity::Pipelines,
    Entity::Deals,
];

on_both_stores!(the_crm_core_moves_once_and_balances);

async fn the_crm_core_moves_once_and_balances(kind: Kind) {
    let world = World::new(kind, 300).await;
    let runner = world.runner().await;
    let request = world.request(&CORE);
    let id = request.migration_id;

    let stop = runner.start(request).await.expect("the run completes");

    assert_eq!(stop, Stop::Finished);
    let summary = runner.summary(id).await.expect("summary");
    for (entity, line) in &summary.entities {
        assert!(line.balanced, "{entity}: {line:?}");
        assert!(
            line.counted > 0,
            "{entity} has records in the generated account"
        );
    }
    let companies = world.portal("companies");
    let moved = summary.entities["companies"].transferred as usize;
    assert_eq!(
        companies.len(),
        moved,
        "one portal company per moved amoCRM company"
    );
    let origins: BTreeSet<_> = companies
        .iter()
        .map(|company| company["ORIGIN_ID"].to_string())
        .collect();
    assert_eq!(
        origins.len(),
        companies.len(),
        "every company carries its own origin"
    );
}
