//! `Migration` events as they are stored forever: every type round-trips through JSON, is
//! named after its variant, carries the crate's version, and keeps the JSON shape that stored
//! streams already hold.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use cqrs_es::DomainEvent;
use migrator_domain::migration::{Interruption, MIGRATION_EVENT_VERSION, Phase, Service};
use migrator_domain::settings::Period;
use migrator_domain::{Entity, MigrationEvent, PipelineTarget, Settings};
use serde_json::{Value, json};
use support::{at, balanced_tallies, day, migration_id};

/// How many variants `MigrationEvent` has; [`variant`] fails to compile when one is added.
const VARIANTS: usize = 16;

/// The position of an event's variant, by an exhaustive match: a new variant must be added
/// here, and then to [`samples`].
fn variant(event: &MigrationEvent) -> usize {
    match event {
        MigrationEvent::MigrationConfigured { .. } => 0,
        MigrationEvent::SettingsChanged { .. } => 1,
        MigrationEvent::CountingStarted { .. } => 2,
        MigrationEvent::EntityCounted { .. } => 3,
        MigrationEvent::CountingFinished { .. } => 4,
        MigrationEvent::LeaseAcquired { .. } => 5,
        MigrationEvent::TransferStarted { .. } => 6,
        MigrationEvent::EntityTransferCompleted { .. } => 7,
        MigrationEvent::MigrationPaused { .. } => 8,
        MigrationEvent::MigrationResumed { .. } => 9,
        MigrationEvent::MigrationInterrupted { .. } => 10,
        MigrationEvent::MigrationCancelled { .. } => 11,
        MigrationEvent::TransferFinished { .. } => 12,
        MigrationEvent::MigrationConfirmed { .. } => 13,
        MigrationEvent::RollbackStarted { .. } => 14,
        MigrationEvent::RollbackCompleted { .. } => 15,
    }
}

/// Settings that use every optional part: a period and each kind of pipeline target.
fn full_settings() -> Settings {
    let mut pipelines = BTreeMap::new();
    pipelines.insert(7_001, PipelineTarget::Main);
    pipelines.insert(7_002, PipelineTarget::New);
    pipelines.insert(7_003, PipelineTarget::Existing(42));
    let period = Period::new(day(2024, 6, 1), day(2025, 5, 31)).expect("a valid period");
    let (settings, _) = Settings::new(
        [Entity::Tasks, Entity::Users],
        Some(period),
        false,
        pipelines,
    )
    .expect("a valid choice");
    settings
}

/// At least one event of every variant, with every interruption, phase and service.
fn samples() -> Vec<MigrationEvent> {
    let mut events = vec![
        MigrationEvent::MigrationConfigured {
            migration_id: migration_id(),
            portal: "member-0f3a".to_owned(),
            account: "acme.kommo.com".to_owned(),
            settings: full_settings(),
            requested_by: "cli".to_owned(),
            at: at(0),
        },
        MigrationEvent::SettingsChanged {
            settings: support::other_settings(),
            at: at(1),
        },
        MigrationEvent::CountingStarted {
            fingerprint: full_settings().fingerprint(),
            at: at(2),
        },
        MigrationEvent::EntityCounted {
            entity: Entity::Deals,
            total: u64::MAX,
            in_period: 0,
            at: at(3),
        },
        MigrationEvent::CountingFinished {
            fingerprint: "ab12".to_owned(),
            at: at(4),
        },
        MigrationEvent::LeaseAcquired {
            worker: "host-1/pid-77".to_owned(),
            epoch: 9,
            at: at(5),
        },
        MigrationEvent::TransferStarted { at: at(6) },
        MigrationEvent::EntityTransferCompleted {
            entity: Entity::Events,
            at: at(7),
        },
        MigrationEvent::MigrationPaused { at: at(8) },
        MigrationEvent::MigrationCancelled { at: at(11) },
        MigrationEvent::TransferFinished {
            tallies: balanced_tallies(),
            at: at(12),
        },
        MigrationEvent::TransferFinished {
            tallies: Vec::new(),
            at: at(12),
        },
        MigrationEvent::MigrationConfirmed {
            automatically: true,
            at: at(13),
        },
        MigrationEvent::MigrationConfirmed {
            automatically: false,
            at: at(13),
        },
        MigrationEvent::RollbackStarted { at: at(14) },
        support::rollback_completed(),
    ];
    for phase in [Phase::Counting, Phase::Transferring, Phase::RollingBack] {
        events.push(MigrationEvent::MigrationResumed { phase, at: at(9) });
    }
    let reasons = [
        support::required_field(),
        support::service_fault(),
        Interruption::ServiceFault {
            service: Service::Amocrm,
            message: "429".to_owned(),
        },
        support::domain_changed(),
        Interruption::DomainChanged { new_domain: None },
        Interruption::AppRemoved,
    ];
    for reason in reasons {
        events.push(MigrationEvent::MigrationInterrupted {
            phase: Phase::Transferring,
            reason,
            at: at(10),
        });
    }
    events
}

#[test]
fn the_samples_cover_every_event_type() {
    let covered: BTreeSet<usize> = samples().iter().map(variant).collect();

    assert_eq!(covered, (0..VARIANTS).collect());
}

#[test]
fn every_event_round_trips_through_json_unchanged() {
    for event in samples() {
        let stored = serde_json::to_string(&event).expect("an event serializes");

        let read: MigrationEvent = serde_json::from_str(&stored).expect("a stored event reads");

        assert_eq!(read, event, "stored as {stored}");
    }
}

#[test]
fn every_event_type_is_the_name_of_its_variant() {
    for event in samples() {
        let stored = serde_json::to_value(&event).expect("an event serializes");

        let names: Vec<&String> = stored.as_object().expect("an object").keys().collect();

        assert_eq!(
            names,
            [&event.event_type()],
            "the variant's name is the JSON tag"
        );
    }
}

#[test]
fn event_types_are_distinct_and_past_tense() {
    let mut names: BTreeSet<String> = BTreeSet::new();
    let mut variants: BTreeSet<usize> = BTreeSet::new();

    for event in samples() {
        if variants.insert(variant(&event)) {
            let name = event.event_type();
            assert!(name.ends_with("ed"), "{name} is not in the past tense");
            assert!(names.insert(name.clone()), "{name} names two variants");
        }
    }
    assert_eq!(names.len(), VARIANTS);
}

#[test]
fn every_event_has_the_crates_version() {
    for event in samples() {
        assert_eq!(
            event.event_version(),
            MIGRATION_EVENT_VERSION,
            "{}",
            event.event_type()
        );
    }
}

#[test]
fn an_interruption_keeps_the_json_shape_stored_streams_hold() {
    let event = support::interrupted(Phase::Transferring, support::required_field(), 450);

    let stored = serde_json::to_value(&event).expect("an event serializes");

    let expected: Value = json!({
        "MigrationInterrupted": {
            "phase": "transferring",
            "reason": {
                "kind": "required_field",
                "entity": "contacts",
                "field": "UF_CRM_PASSPORT"
            },
            "at": "2026-03-02T09:07:30Z"
        }
    });
    assert_eq!(stored, expected);
}

#[test]
fn settings_keep_the_json_shape_stored_streams_hold() {
    let stored = serde_json::to_value(full_settings()).expect("settings serialize");

    let expected: Value = json!({
        "entities": ["users", "companies", "contacts", "pipelines", "deals", "tasks"],
        "period": { "from": "2024-06-01", "to": "2025-05-31" },
        "files": false,
        "pipelines": {
            "7001": { "kind": "main" },
            "7002": { "kind": "new" },
            "7003": { "kind": "existing", "id": 42 }
        }
    });
    assert_eq!(stored, expected);
}
