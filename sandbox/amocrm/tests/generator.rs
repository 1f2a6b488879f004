//! Checklist: the deterministic generator — same seed same account, different seed
//! different account, size spread with fixed proportions, ids from indexes, creation
//! dates growing with the index across years, Russian data, users of every kind,
//! responsible 0, unsorted/won/lost deals, archived pipeline, relations both ways.

use std::collections::BTreeSet;

use migrator_sandbox_amocrm::generator::{Account, EntityKind, StatusKind};

#[test]
fn same_seed_gives_the_same_records_and_another_seed_differs() {
    let a = Account::new(7, 5_000);
    let b = Account::new(7, 5_000);
    let c = Account::new(8, 5_000);
    assert_eq!(a.lead(123), b.lead(123));
    assert_eq!(a.contact(77), b.contact(77));
    assert_eq!(a.note(999), b.note(999));
    assert_eq!(a.event(55), b.event(55));
    assert_ne!(a.contact(77).name, c.contact(77).name);
}

#[test]
fn size_is_spread_over_entities_and_clamped() {
    let account = Account::new(1, 1_000);
    let counts: Vec<u64> = EntityKind::ALL.iter().map(|k| account.count(*k)).collect();
    assert_eq!(counts, vec![100, 200, 200, 100, 250, 150]);
    assert_eq!(Account::new(1, 5).size(), 100);
    assert_eq!(Account::new(1, 5_000_000).size(), 1_000_000);
}

#[test]
fn ids_derive_from_indexes_and_creation_dates_grow_across_years() {
    let account = Account::new(3, 10_000);
    let leads = account.count(EntityKind::Leads);
    let mut previous = i64::MIN;
    for index in 0..leads {
        let lead = account.lead(index);
        assert_eq!(account.index_of(EntityKind::Leads, lead.id), Some(index));
        assert!(lead.created_at > previous);
        assert!(lead.updated_at >= lead.created_at);
        previous = lead.created_at;
    }
    let years: BTreeSet<i64> = (0..leads)
        .step_by(50)
        .map(|i| account.lead(i).created_at / 31_557_600 + 1970)
        .collect();
    assert!(years.len() >= 7, "deals span several years: {years:?}");
}

#[test]
fn russian_names_companies_and_phones() {
    let account = Account::new(1, 1_000);
    let contact = account.contact(1);
    assert!(
        contact
            .name
            .chars()
            .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c)))
    );
    let companies: Vec<String> = (0..20).map(|i| account.company(i).name).collect();
    assert!(
        companies
            .iter()
            .any(|n| n.starts_with("ООО") || n.starts_with("ИП") || n.starts_with("АО"))
    );
    let phones: Vec<String> = (0..100)
        .flat_map(|i| account.contact(i).custom_fields)
        .filter(|f| f.field_code.as_deref() == Some("PHONE"))
        .flat_map(|f| f.values)
        .map(|v| v["value"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        phones
            .iter()
            .all(|p| p.starts_with("+7") || p.starts_with('8'))
    );
}

#[test]
fn users_include_admin_inactive_deleted_and_missing_on_portal() {
    let account = Account::new(1, 1_000);
    let users = account.users();
    assert!(users[0].is_admin && users[0].is_active);
    assert!(users.iter().any(|u| !u.is_active && !u.is_deleted));
    assert!(users.iter().any(|u| u.is_deleted));
    assert!(users.iter().any(|u| u.exists_on_portal));
    assert!(users.iter().any(|u| !u.exists_on_portal));
    let deleted: Vec<u64> = users
        .iter()
        .filter(|u| u.is_deleted)
        .map(|u| u.id)
        .collect();
    let leads = account.count(EntityKind::Leads);
    assert!((0..leads).any(|i| deleted.contains(&account.lead(i).responsible_user_id)));
    assert!((0..leads).any(|i| account.lead(i).responsible_user_id == 0));
}

#[test]
fn deals_are_unsorted_won_lost_and_some_sit_in_the_archived_pipeline() {
    let account = Account::new(1, 10_000);
    let kinds: Vec<StatusKind> = (0..account.count(EntityKind::Leads))
        .map(|i| account.lead(i))
        .map(|lead| {
            let pipeline = account
                .pipelines()
                .iter()
                .find(|p| p.id == lead.pipeline_id)
                .unwrap();
            pipeline
                .statuses
                .iter()
                .find(|s| s.id == lead.status_id)
                .unwrap()
                .kind
        })
        .collect();
    for kind in [
        StatusKind::Unsorted,
        StatusKind::Won,
        StatusKind::Lost,
        StatusKind::Custom,
    ] {
        assert!(kinds.contains(&kind), "no {kind:?} deal");
    }
    let archived = account
        .pipelines()
        .iter()
        .find(|p| p.is_archive)
        .unwrap()
        .id;
    assert!((0..account.count(EntityKind::Leads)).any(|i| account.lead(i).pipeline_id == archived));
}

#[test]
fn relations_agree_in_both_directions() {
    let account = Account::new(5, 20_000);
    for contact in 0..200 {
        let id = account.id_of(EntityKind::Contacts, contact);
        for lead_id in account.contact_lead_ids(contact) {
            let lead = account.lead(account.index_of(EntityKind::Leads, lead_id).unwrap());
            assert!(lead.contacts.iter().any(|(c, _)| *c == id));
        }
    }
    for lead in 0..400 {
        let lead = account.lead(lead);
        for (contact_id, _) in &lead.contacts {
            if let Some(contact) = account.index_of(EntityKind::Contacts, *contact_id) {
                assert!(account.contact_lead_ids(contact).contains(&lead.id));
            }
        }
        if let Some(company) = lead
            .company_id
            .and_then(|id| account.index_of(EntityKind::Companies, id))
        {
            assert!(account.company_lead_ids(company).contains(&lead.id));
        }
    }
    for note in 0..500 {
        let note = account.note(note);
        let parent = account.index_of(note.entity, note.entity_id).unwrap();
        assert!(
            account
                .notes_of(note.entity, parent)
                .any(|i| i == note.index)
        );
    }
}

#[test]
fn a_million_record_account_answers_any_index_without_building_the_rest() {
    let account = Account::new(1, 1_000_000);
    let last = account.count(EntityKind::Notes) - 1;
    assert_eq!(account.note(last).index, last);
    let range = account.created_range(EntityKind::Leads, Some(1_600_000_000), Some(1_600_086_400));
    assert!(!range.is_empty());
    for index in range.clone() {
        let at = account.created_at(EntityKind::Leads, index);
        assert!((1_600_000_000..=1_600_086_400).contains(&at));
    }
    assert!(account.created_at(EntityKind::Leads, range.start - 1) < 1_600_000_000);
}
