//! The `crm.status` directories a fresh portal has, and the default stage set of a pipeline.

use super::{Portal, StatusRow};

/// Longest `STATUS_ID` the core stores (default ids are cut to it).
pub const STATUS_ID_MAX: usize = 21;

/// The default deal stages: code, name, semantics, system flag.
const DEAL_STAGES: [(&str, &str, &str, bool); 8] = [
    ("NEW", "New", "", true),
    ("PREPARATION", "Preparing documents", "", false),
    ("PREPAYMENT_INVOICE", "Invoice", "", false),
    ("EXECUTING", "In progress", "", false),
    ("FINAL_INVOICE", "Final invoice", "", false),
    ("WON", "Deal won", "S", true),
    ("LOSE", "Deal lost", "F", true),
    ("APOLOGY", "Analyze failure", "F", false),
];

/// Other directories: entity id and codes.
const DIRECTORIES: [(&str, &[&str]); 7] = [
    (
        "DEAL_TYPE",
        &["SALE", "COMPLEX", "GOODS", "SERVICES", "SERVICE"],
    ),
    (
        "SOURCE",
        &[
            "CALL",
            "EMAIL",
            "WEB",
            "ADVERTISING",
            "PARTNER",
            "RECOMMENDATION",
            "OTHER",
        ],
    ),
    ("CONTACT_TYPE", &["CLIENT", "SUPPLIER", "PARTNER", "OTHER"]),
    (
        "COMPANY_TYPE",
        &["CUSTOMER", "SUPPLIER", "COMPETITOR", "PARTNER", "OTHER"],
    ),
    (
        "INDUSTRY",
        &[
            "IT",
            "TELECOM",
            "MANUFACTURING",
            "BANKING",
            "CONSULTING",
            "OTHER",
        ],
    ),
    (
        "EMPLOYEES",
        &["EMPLOYEES_1", "EMPLOYEES_2", "EMPLOYEES_3", "EMPLOYEES_4"],
    ),
    ("HONORIFIC", &["HNR_RU_1", "HNR_RU_2"]),
];

/// The directory of a pipeline's stages: `DEAL_STAGE` or `DEAL_STAGE_{id}`.
pub fn stage_entity(category: u64) -> String {
    if category == 0 {
        "DEAL_STAGE".to_string()
    } else {
        format!("DEAL_STAGE_{category}")
    }
}

/// The stage id prefix of a pipeline: empty or `C{id}:`.
pub fn stage_prefix(category: u64) -> String {
    if category == 0 {
        String::new()
    } else {
        format!("C{category}:")
    }
}

/// Fills a fresh portal's directories.
pub fn seed(portal: &mut Portal) {
    create_stages(portal, 0);
    for (entity, codes) in DIRECTORIES {
        for (index, code) in codes.iter().enumerate() {
            let id = portal.next_id("status");
            let name = code.replace('_', " ").to_lowercase();
            portal.statuses.insert(
                id,
                StatusRow {
                    id,
                    entity_id: entity.to_string(),
                    status_id: code.to_string(),
                    name: name.clone(),
                    name_init: name,
                    sort: (index as i64 + 1) * 10,
                    system: false,
                    category_id: None,
                    color: String::new(),
                    semantics: String::new(),
                },
            );
        }
    }
}

/// Creates the eight default stages of pipeline `category` (prefixed, cut to 21 chars).
pub fn create_stages(portal: &mut Portal, category: u64) {
    let prefix = stage_prefix(category);
    for (index, (code, name, semantics, system)) in DEAL_STAGES.iter().enumerate() {
        let mut status_id = format!("{prefix}{code}");
        status_id.truncate(STATUS_ID_MAX);
        let id = portal.next_id("status");
        let color = match *semantics {
            "S" => "#7BD500",
            "F" => "#FF5752",
            _ => "#39A8EF",
        };
        portal.statuses.insert(
            id,
            StatusRow {
                id,
                entity_id: stage_entity(category),
                status_id,
                name: name.to_string(),
                name_init: if *system {
                    name.to_string()
                } else {
                    String::new()
                },
                sort: (index as i64 + 1) * 10,
                system: *system,
                category_id: (category != 0).then_some(category),
                color: color.to_string(),
                semantics: semantics.to_string(),
            },
        );
    }
}

/// The stages of a pipeline ordered by sort.
pub fn stages_of(portal: &Portal, category: u64) -> Vec<StatusRow> {
    let entity = stage_entity(category);
    let mut rows: Vec<StatusRow> = portal
        .statuses
        .values()
        .filter(|row| row.entity_id == entity)
        .cloned()
        .collect();
    rows.sort_by_key(|row| (row.sort, row.id));
    rows
}
