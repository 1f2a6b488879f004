//! Leads, contacts and companies: lists with filters and `with=`, single records,
//! links, entity files, unsorted items and their summary.

use axum::response::Response;
use serde_json::{Value, json};

use super::Ctx;
use crate::drift::LiveKind;
use crate::generator::{Account, EntityKind, MAX_UPDATE_LAG, UNSORTED_CATEGORIES};
use crate::server::paging::Selection;
use crate::server::problem;
use crate::server::query::{RangeFilter, TimeRange};

/// Filters shared by leads, contacts and companies (plus the lead-only ones).
struct CrmFilter {
    responsible: Vec<u64>,
    created_by: Vec<u64>,
    updated_by: Vec<u64>,
    names: Vec<String>,
    updated: Option<TimeRange>,
    closed: Option<TimeRange>,
    price: Option<TimeRange>,
    pipelines: Vec<u64>,
    statuses: Vec<(Option<u64>, Option<u64>)>,
}

impl CrmFilter {
    fn is_empty(&self) -> bool {
        self.responsible.is_empty()
            && self.created_by.is_empty()
            && self.updated_by.is_empty()
            && self.names.is_empty()
            && self.updated.is_none()
            && self.closed.is_none()
            && self.price.is_none()
            && self.pipelines.is_empty()
            && self.statuses.is_empty()
    }

    fn common(
        &self,
        responsible: u64,
        created_by: u64,
        updated_by: u64,
        updated_at: i64,
        name: &str,
    ) -> bool {
        (self.responsible.is_empty() || self.responsible.contains(&responsible))
            && (self.created_by.is_empty() || self.created_by.contains(&created_by))
            && (self.updated_by.is_empty() || self.updated_by.contains(&updated_by))
            && (self.names.is_empty() || self.names.iter().any(|wanted| wanted == name))
            && self.updated.is_none_or(|range| range.contains(updated_at))
    }

    fn matches(&self, account: &Account, kind: EntityKind, index: u64) -> bool {
        match kind {
            EntityKind::Leads => {
                let lead = account.lead(index);
                self.common(
                    lead.responsible_user_id,
                    lead.created_by,
                    lead.updated_by,
                    lead.updated_at,
                    &lead.name,
                ) && self
                    .closed
                    .is_none_or(|range| lead.closed_at.is_some_and(|at| range.contains(at)))
                    && self.price.is_none_or(|range| range.contains(lead.price))
                    && (self.pipelines.is_empty() || self.pipelines.contains(&lead.pipeline_id))
                    && (self.statuses.is_empty()
                        || self.statuses.iter().any(|(pipeline, status)| {
                            pipeline.is_none_or(|id| id == lead.pipeline_id)
                                && status.is_none_or(|id| id == lead.status_id)
                        }))
            }
            EntityKind::Contacts => {
                let contact = account.contact(index);
                self.common(
                    contact.responsible_user_id,
                    contact.created_by,
                    contact.updated_by,
                    contact.updated_at,
                    &contact.name,
                )
            }
            _ => {
                let company = account.company(index);
                self.common(
                    company.responsible_user_id,
                    company.created_by,
                    company.updated_by,
                    company.updated_at,
                    &company.name,
                )
            }
        }
    }
}

fn range_of(filter: Option<RangeFilter>) -> Option<TimeRange> {
    match filter? {
        RangeFilter::Single(at) => Some(TimeRange {
            from: Some(at),
            to: None,
        }),
        RangeFilter::Range(range) => Some(range),
    }
}

/// Indexes named by `filter[id]`, sorted and unique.
fn id_indexes(ctx: &Ctx<'_>, kind: EntityKind, live: &LiveKind) -> Option<Vec<u64>> {
    let ids = ctx.query.numbers("id");
    if ids.is_empty() {
        return None;
    }
    let mut indexes: Vec<u64> = ids
        .into_iter()
        .filter_map(|id| live.index_of(ctx.account(), kind, id))
        .collect();
    indexes.sort_unstable();
    indexes.dedup();
    Some(indexes)
}

/// `GET /api/v4/{leads|contacts|companies}`.
pub(crate) fn list(ctx: &Ctx<'_>, kind: EntityKind) -> Response {
    let account = ctx.account();
    let query = &ctx.query;
    if query.with("only_deleted") {
        let renderer = ctx.renderer();
        return ctx.list(250, kind.plural(), None, |paging| {
            Selection::all(0..account.deleted_count(kind))
                .page(paging)
                .into_iter()
                .map(|k| renderer.deleted(&account.deleted(kind, k)))
                .collect()
        });
    }

    let live = ctx.live(kind);
    let mut selection = Selection::all(0..live.total);
    selection.only = id_indexes(ctx, kind, &live);
    let mut filter = CrmFilter {
        responsible: Vec::new(),
        created_by: Vec::new(),
        updated_by: Vec::new(),
        names: Vec::new(),
        updated: None,
        closed: None,
        price: None,
        pipelines: Vec::new(),
        statuses: Vec::new(),
    };

    if ctx.filters_on() {
        if let Some(created) = range_of(query.range("created_at")) {
            selection.range =
                account.created_range_upto(kind, live.total, created.from, created.to);
        }
        let updated = query.range("updated_at");
        if kind == EntityKind::Leads
            && ctx.shared.config.single_timestamp_updated_at_is_empty
            && matches!(updated, Some(RangeFilter::Single(_)))
        {
            return problem::no_content();
        }
        if let Some(updated) = range_of(updated) {
            let possible = account.created_range_upto(
                kind,
                live.total,
                updated.from.map(|from| from - MAX_UPDATE_LAG),
                updated.to,
            );
            selection.range =
                selection.range.start.max(possible.start)..selection.range.end.min(possible.end);
            filter.updated = Some(updated);
        }
        filter.responsible = query.numbers("responsible_user_id");
        filter.created_by = query.numbers("created_by");
        filter.updated_by = query.numbers("updated_by");
        filter.names = query.list("name");
        if kind == EntityKind::Leads {
            filter.closed = range_of(query.range("closed_at"));
            filter.price = range_of(query.range("price"));
            filter.pipelines = query.numbers("pipeline_id");
            filter.statuses = query.statuses();
        }
    }
    if selection.range.start > selection.range.end {
        selection.range = 0..0;
    }

    let orderable: &[&str] = if kind == EntityKind::Leads {
        &["created_at", "updated_at", "id"]
    } else {
        &["updated_at", "id"]
    };
    if let Some((field, descending)) = &query.order {
        selection.descending = orderable.contains(&field.as_str()) && *descending;
    }
    if !live.removed.is_empty() {
        let removed = live.removed.clone();
        selection.and(move |index| !removed.contains(&index));
    }
    if !filter.is_empty() {
        selection.and(move |index| filter.matches(account, kind, index));
    }

    ctx.list(250, kind.plural(), None, |paging| {
        selection
            .page(paging)
            .into_iter()
            .map(|index| render(ctx, kind, index))
            .collect()
    })
}

/// One record with its `with=` relations.
fn render(ctx: &Ctx<'_>, kind: EntityKind, index: u64) -> Value {
    let account = ctx.account();
    let renderer = ctx.renderer();
    let query = &ctx.query;
    match kind {
        EntityKind::Leads => renderer.lead(&account.lead(index), query),
        EntityKind::Contacts => {
            let leads = query.with("leads").then(|| account.contact_lead_ids(index));
            renderer.contact(&account.contact(index), query, leads)
        }
        _ => {
            let contacts = query
                .with("contacts")
                .then(|| account.company_contact_ids(index));
            let leads = query.with("leads").then(|| account.company_lead_ids(index));
            renderer.company(&account.company(index), query, contacts, leads)
        }
    }
}

/// `GET /api/v4/{entity}/{id}`: 204 for unknown and trashed ids.
pub(crate) fn one(ctx: &Ctx<'_>, kind: EntityKind, id: &str) -> Response {
    let Ok(id) = id.parse::<u64>() else {
        return ctx.not_found();
    };
    match ctx.live(kind).index_of(ctx.account(), kind, id) {
        Some(index) => problem::hal(&render(ctx, kind, index)),
        None => problem::no_content(),
    }
}

/// Every link of one record.
fn links_of(account: &Account, kind: EntityKind, index: u64) -> Vec<Value> {
    let id = account.id_of(kind, index);
    let link = |to: u64, to_kind: EntityKind, metadata: Value| {
        json!({"entity_id": id, "entity_type": kind.plural(), "to_entity_id": to,
               "to_entity_type": to_kind.plural(), "metadata": metadata})
    };
    match kind {
        EntityKind::Leads => {
            let lead = account.lead(index);
            let mut links: Vec<Value> = lead
                .contacts
                .iter()
                .map(|(to, main)| link(*to, EntityKind::Contacts, json!({"main_contact": main})))
                .collect();
            links.extend(
                lead.company_id
                    .map(|to| link(to, EntityKind::Companies, Value::Null)),
            );
            links
        }
        EntityKind::Contacts => {
            let companies = account.contact(index).company_ids;
            let leads = account.contact_lead_ids(index);
            companies
                .into_iter()
                .map(|to| link(to, EntityKind::Companies, Value::Null))
                .chain(
                    leads
                        .into_iter()
                        .map(|to| link(to, EntityKind::Leads, Value::Null)),
                )
                .collect()
        }
        _ => account
            .company_contact_ids(index)
            .into_iter()
            .map(|to| link(to, EntityKind::Contacts, Value::Null))
            .chain(
                account
                    .company_lead_ids(index)
                    .into_iter()
                    .map(|to| link(to, EntityKind::Leads, Value::Null)),
            )
            .collect(),
    }
}

/// `GET /api/v4/{entity}/links?filter[entity_id][]=..` and `/{entity}/{id}/links`.
pub(crate) fn links(ctx: &Ctx<'_>, kind: EntityKind, id: Option<&&str>) -> Response {
    let account = ctx.account();
    let live = ctx.live(kind);
    let ids: Vec<u64> = match id {
        Some(id) => match id.parse() {
            Ok(id) => vec![id],
            Err(_) => return ctx.not_found(),
        },
        None => ctx.query.numbers("entity_id"),
    };
    let links: Vec<Value> = if ids.is_empty() && id.is_none() {
        let paging =
            match crate::server::paging::Paging::resolve(&ctx.query, 250, &ctx.shared.config) {
                Ok(paging) => paging,
                Err(response) => return *response,
            };
        let mut selection = Selection::all(0..live.total);
        if !live.removed.is_empty() {
            selection.and(|index| !live.removed.contains(&index));
        }
        selection
            .page(paging)
            .into_iter()
            .flat_map(|index| links_of(account, kind, index))
            .collect()
    } else {
        ids.iter()
            .filter_map(|id| live.index_of(account, kind, *id))
            .flat_map(|index| links_of(account, kind, index))
            .collect()
    };
    if links.is_empty() {
        return problem::no_content();
    }
    problem::hal(&json!({
        "_total_items": links.len(),
        "_links": {"self": {"href": format!("{}{}", ctx.shared.base_url, ctx.path)}},
        "_embedded": {"links": links},
    }))
}

/// `GET /api/v4/{entity}/{id}/files`: 204 when the record has none.
pub(crate) fn files(ctx: &Ctx<'_>, kind: EntityKind, id: &str) -> Response {
    let Some(index) = id
        .parse()
        .ok()
        .and_then(|id| ctx.live(kind).index_of(ctx.account(), kind, id))
    else {
        return problem::no_content();
    };
    let files: Vec<Value> = ctx
        .account()
        .entity_files(kind, index)
        .into_iter()
        .enumerate()
        .map(|(at, file)| json!({"file_uuid": file.uuid, "id": index * 10 + at as u64 + 1}))
        .collect();
    if files.is_empty() {
        return problem::no_content();
    }
    problem::hal(&json!({
        "_links": {"self": {"href": format!("{}{}", ctx.shared.base_url, ctx.path)}},
        "_embedded": {"files": files},
    }))
}

/// `GET /api/v4/leads/unsorted` with `filter[category]`, `filter[pipeline_id]`, `filter[uid]`.
pub(crate) fn unsorted(ctx: &Ctx<'_>) -> Response {
    let account = ctx.account();
    let categories = ctx.query.list("category");
    let pipelines = ctx.query.numbers("pipeline_id");
    let uids = ctx.query.list("uid");
    let mut selection = Selection::all(0..account.unsorted_count());
    if let Some((_, true)) = &ctx.query.order {
        selection.descending = true;
    }
    if !categories.is_empty() || !pipelines.is_empty() || !uids.is_empty() {
        selection.and(move |k| {
            (categories.is_empty()
                || categories
                    .iter()
                    .any(|category| category == account.unsorted_category(k)))
                && (pipelines.is_empty() && uids.is_empty() || {
                    let item = account.unsorted(k);
                    (pipelines.is_empty() || pipelines.contains(&item.lead.pipeline_id))
                        && (uids.is_empty() || uids.contains(&item.uid))
                })
        });
    }
    let renderer = ctx.renderer();
    ctx.list(250, "unsorted", None, |paging| {
        selection
            .page(paging)
            .into_iter()
            .map(|k| renderer.unsorted(&account.unsorted(k), &ctx.query))
            .collect()
    })
}

/// `GET /api/v4/leads/unsorted/summary`: counts per category (all items are pending).
pub(crate) fn unsorted_summary(ctx: &Ctx<'_>) -> Response {
    let account = ctx.account();
    let mut totals = [0u64; 4];
    for k in 0..account.unsorted_count() {
        let category = account.unsorted_category(k);
        if let Some(at) = UNSORTED_CATEGORIES
            .iter()
            .position(|name| *name == category)
        {
            totals[at] += 1;
        }
    }
    let total: u64 = totals.iter().sum();
    problem::hal(&json!({
        "total": total, "accepted": 0, "declined": 0, "average_sort_time": 0,
        "categories": {"sip": {"total": totals[0]}, "mail": {"total": totals[1]},
                       "forms": {"total": totals[2]}, "chats": {"total": totals[3]}},
        "_links": {"self": {"href": format!("{}{}", ctx.shared.base_url, ctx.path)}},
    }))
}
