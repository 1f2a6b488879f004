//! Counting: totals and in-period counts in one pass, matching the account.

use chrono::{TimeZone, Utc};
use migrator_amocrm::{Countable, EntityCount, Period};
use migrator_sandbox_amocrm::generator::EntityKind;

use crate::helpers::{calls_to, fast_config, long_lived, sandbox};

#[tokio::test]
async fn counting_gives_the_total_and_the_part_inside_the_period_in_one_pass() {
    let sandbox = sandbox(3_000).await;
    let client = long_lived(&sandbox, fast_config());
    let account = sandbox.control().account();
    let total = account.count(EntityKind::Contacts);
    let from = account.created_at(EntityKind::Contacts, total / 4);
    let to = account.created_at(EntityKind::Contacts, total / 2);
    let period = Period::new(
        Utc.timestamp_opt(from, 0).single().expect("from"),
        Utc.timestamp_opt(to, 0).single().expect("to"),
    );
    let inside = (0..total)
        .filter(|&i| period.contains(account.created_at(EntityKind::Contacts, i)))
        .count() as u64;

    let count = client
        .count(Countable::Contacts, Some(period))
        .await
        .expect("counted");

    assert_eq!(
        count,
        EntityCount {
            total,
            in_period: inside
        }
    );
    assert!(inside > 0 && inside < total);
    let pages = calls_to(&sandbox, "/api/v4/contacts").len() as u64;
    assert!(
        (total / 250 + 1..=total / 250 + fast_config().read_ahead as u64).contains(&pages),
        "{pages} pages"
    );
}

#[tokio::test]
async fn counting_without_a_period_counts_everything_twice_over() {
    let sandbox = sandbox(1_000).await;
    let client = long_lived(&sandbox, fast_config());
    let expected = sandbox.control().account().count(EntityKind::Events);

    let count = client
        .count(Countable::Events, None)
        .await
        .expect("counted");

    assert_eq!(count.total, expected);
    assert_eq!(count.in_period, expected);
}
