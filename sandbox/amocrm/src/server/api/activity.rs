//! Notes, tasks and events.

use axum::response::Response;
use serde_json::{Value, json};

use super::Ctx;
use crate::generator::{EntityKind, event_types as all_event_types};
use crate::server::paging::Selection;
use crate::server::problem;
use crate::server::query::{RangeFilter, TimeRange};

fn range_of(filter: Option<RangeFilter>) -> Option<TimeRange> {
    match filter? {
        RangeFilter::Single(at) => Some(TimeRange {
            from: Some(at),
            to: None,
        }),
        RangeFilter::Range(range) => Some(range),
    }
}

/// `GET /api/v4/{entity}/notes` and `/{entity}/{id}/notes`. Pages walk the notes of
/// that entity kind by rank, so unfiltered paging is computed directly.
pub(crate) fn notes(ctx: &Ctx<'_>, kind: EntityKind, parent: Option<&&str>) -> Response {
    let account = ctx.account();
    let query = &ctx.query;
    let mut selection = Selection::all(0..account.notes_count_for(kind));

    let parents: Vec<u64> = match parent {
        Some(id) => match id.parse() {
            Ok(id) => vec![id],
            Err(_) => return ctx.not_found(),
        },
        None if ctx.filters_on() => query.numbers("entity_id"),
        None => Vec::new(),
    };
    let ids = query.numbers("id");
    if !parents.is_empty() || !ids.is_empty() {
        let mut ranks: Vec<u64> = parents
            .iter()
            .filter_map(|id| account.index_of(kind, *id))
            .flat_map(|index| account.notes_of(kind, index))
            .chain(
                ids.iter()
                    .filter_map(|id| account.index_of(EntityKind::Notes, *id)),
            )
            .filter_map(|index| account.note_rank_for(kind, index))
            .collect();
        if !parents.is_empty() && !ids.is_empty() {
            let wanted: Vec<u64> = ids
                .iter()
                .filter_map(|id| account.index_of(EntityKind::Notes, *id))
                .collect();
            ranks.retain(|rank| wanted.contains(&account.note_index_for(kind, *rank)));
        }
        ranks.sort_unstable();
        ranks.dedup();
        selection.only = Some(ranks);
    }

    let types = if ctx.filters_on() {
        query.list("note_type")
    } else {
        Vec::new()
    };
    let updated = if ctx.filters_on() {
        range_of(query.range("updated_at"))
    } else {
        None
    };
    if !types.is_empty() || updated.is_some() {
        selection.and(move |rank| {
            let note = account.note(account.note_index_for(kind, rank));
            (types.is_empty() || types.iter().any(|wanted| wanted == note.body.note_type()))
                && updated.is_none_or(|range| range.contains(note.updated_at))
        });
    }
    if let Some((field, descending)) = &query.order {
        selection.descending = matches!(field.as_str(), "updated_at" | "id") && *descending;
    }

    let renderer = ctx.renderer();
    ctx.list(250, "notes", None, |paging| {
        selection
            .page(paging)
            .into_iter()
            .map(|rank| renderer.note(&account.note(account.note_index_for(kind, rank)), query))
            .collect()
    })
}

/// `GET /api/v4/{entity}/notes/{id}`.
pub(crate) fn note(ctx: &Ctx<'_>, kind: EntityKind, id: &str) -> Response {
    let Ok(id) = id.parse::<u64>() else {
        return ctx.not_found();
    };
    let account = ctx.account();
    match account
        .index_of(EntityKind::Notes, id)
        .filter(|index| account.note_rank_for(kind, *index).is_some())
    {
        Some(index) => problem::hal(&ctx.renderer().note(&account.note(index), &ctx.query)),
        None => problem::no_content(),
    }
}

/// `GET /api/v4/tasks` with responsible, completion, type, entity, id and updated filters.
pub(crate) fn tasks(ctx: &Ctx<'_>) -> Response {
    let account = ctx.account();
    let query = &ctx.query;
    let mut selection = Selection::all(0..account.count(EntityKind::Tasks));

    let ids = query.numbers("id");
    let entity_type = query
        .list("entity_type")
        .first()
        .and_then(|name| EntityKind::from_plural(name));
    let entity_ids = query.numbers("entity_id");
    if !ids.is_empty() {
        let mut indexes: Vec<u64> = ids
            .iter()
            .filter_map(|id| account.index_of(EntityKind::Tasks, *id))
            .collect();
        indexes.sort_unstable();
        indexes.dedup();
        selection.only = Some(indexes);
    } else if let (Some(kind), false, true) = (entity_type, entity_ids.is_empty(), ctx.filters_on())
    {
        let mut indexes: Vec<u64> = entity_ids
            .iter()
            .filter_map(|id| account.index_of(kind, *id))
            .flat_map(|index| account.tasks_of(kind, index))
            .collect();
        indexes.sort_unstable();
        indexes.dedup();
        selection.only = Some(indexes);
    }

    if ctx.filters_on() {
        let responsible = query.numbers("responsible_user_id");
        let completed = query
            .list("is_completed")
            .first()
            .map(|value| value == "1" || value == "true");
        let task_types = query.numbers("task_type");
        let updated = range_of(query.range("updated_at"));
        if !responsible.is_empty()
            || completed.is_some()
            || !task_types.is_empty()
            || updated.is_some()
            || entity_type.is_some()
        {
            selection.and(move |index| {
                let task = account.task(index);
                (responsible.is_empty() || responsible.contains(&task.responsible_user_id))
                    && completed.is_none_or(|wanted| wanted == task.is_completed)
                    && (task_types.is_empty() || task_types.contains(&task.task_type_id))
                    && updated.is_none_or(|range| range.contains(task.updated_at))
                    && entity_type.is_none_or(|kind| task.entity.is_some_and(|(of, _)| of == kind))
            });
        }
    }
    if let Some((field, descending)) = &query.order {
        selection.descending =
            matches!(field.as_str(), "created_at" | "complete_till" | "id") && *descending;
    }

    let renderer = ctx.renderer();
    ctx.list(250, "tasks", None, |paging| {
        selection
            .page(paging)
            .into_iter()
            .map(|index| renderer.task(&account.task(index)))
            .collect()
    })
}

/// `GET /api/v4/tasks/{id}`.
pub(crate) fn task(ctx: &Ctx<'_>, id: &str) -> Response {
    let Ok(id) = id.parse::<u64>() else {
        return ctx.not_found();
    };
    match ctx.account().index_of(EntityKind::Tasks, id) {
        Some(index) => problem::hal(&ctx.renderer().task(&ctx.account().task(index))),
        None => problem::no_content(),
    }
}

/// `GET /api/v4/events` (limit ≤ 100): created_at range by index, entity, type, author.
pub(crate) fn events(ctx: &Ctx<'_>) -> Response {
    let account = ctx.account();
    let query = &ctx.query;
    let mut selection = Selection::all(0..account.count(EntityKind::Events));

    let ids = query.list("id");
    if !ids.is_empty() {
        let mut indexes: Vec<u64> = ids
            .iter()
            .filter_map(|id| account.event_index(id))
            .collect();
        indexes.sort_unstable();
        indexes.dedup();
        selection.only = Some(indexes);
    }
    if ctx.filters_on() {
        if let Some(created) = range_of(query.range("created_at")) {
            selection.range = account.created_range(EntityKind::Events, created.from, created.to);
        }
        let entities: Vec<EntityKind> = query
            .list("entity")
            .iter()
            .filter_map(|name| {
                EntityKind::ALL
                    .into_iter()
                    .find(|kind| kind.singular() == name)
            })
            .collect();
        let entity_ids = query.numbers("entity_id");
        if let ([kind], false) = (entities.as_slice(), entity_ids.is_empty()) {
            let mut indexes: Vec<u64> = entity_ids
                .iter()
                .take(10)
                .filter_map(|id| account.index_of(*kind, *id))
                .flat_map(|index| account.events_of(*kind, index))
                .collect();
            indexes.sort_unstable();
            indexes.dedup();
            selection.only = Some(indexes);
        }
        let types = query.list("type");
        let authors = query.numbers("created_by");
        if !entities.is_empty() || !types.is_empty() || !authors.is_empty() {
            selection.and(move |index| {
                let event = account.event(index);
                (entities.is_empty() || entities.contains(&event.entity))
                    && (types.is_empty() || types.contains(&event.event_type))
                    && (authors.is_empty() || authors.contains(&event.created_by))
            });
        }
    }

    let renderer = ctx.renderer();
    ctx.list(100, "events", None, |paging| {
        selection
            .page(paging)
            .into_iter()
            .map(|index| renderer.event(&account.event(index)))
            .collect()
    })
}

/// `GET /api/v4/events/{id}`.
pub(crate) fn event(ctx: &Ctx<'_>, id: &str) -> Response {
    match ctx.account().event_index(id) {
        Some(index) => problem::hal(&ctx.renderer().event(&ctx.account().event(index))),
        None => problem::no_content(),
    }
}

/// `GET /api/v4/events/types`.
pub(crate) fn event_types(ctx: &Ctx<'_>) -> Response {
    let types: Vec<Value> = all_event_types()
        .into_iter()
        .map(|key| json!({"key": key, "type": 0, "lang": {"ru": key, "en": key}}))
        .collect();
    problem::hal(&json!({
        "_links": {"self": {"href": format!("{}{}", ctx.shared.base_url, ctx.path)}},
        "_embedded": {"events_types": types},
    }))
}
