//! `GET /api/v4/...`: one dispatcher over the path segments, so unknown routes answer
//! amoCRM's own 404 "Cannot GET ...".

mod activity;
mod catalog;
mod crm;

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde_json::Value;

use super::paging::{Paging, Totals, envelope};
use super::problem;
use super::query::ListQuery;
use super::render::Renderer;
use crate::auth::Caller;
use crate::control::{Shared, lock};
use crate::drift::LiveKind;
use crate::generator::{Account, EntityKind};

/// One API request: the shared state, its path and its parsed query.
pub(crate) struct Ctx<'a> {
    pub shared: &'a Shared,
    pub path: String,
    pub query: ListQuery,
    pub caller: Option<Caller>,
}

impl Ctx<'_> {
    pub(crate) fn account(&self) -> &Account {
        &self.shared.account
    }

    pub(crate) fn renderer(&self) -> Renderer<'_> {
        Renderer {
            base: &self.shared.base_url,
            account_id: self.shared.account.account_id(),
            config: &self.shared.config,
        }
    }

    /// Whether filters other than `id` apply (the account has API filtering).
    pub(crate) fn filters_on(&self) -> bool {
        self.shared.config.api_filters_enabled
    }

    /// A paged list: resolves paging, builds the page's items, wraps them.
    pub(crate) fn list(
        &self,
        max: u64,
        key: &str,
        totals: Option<u64>,
        items: impl FnOnce(Paging) -> Vec<Value>,
    ) -> Response {
        let paging = match Paging::resolve(&self.query, max, &self.shared.config) {
            Ok(paging) => paging,
            Err(response) => return *response,
        };
        let items = items(paging);
        let totals = totals.map(|items| Totals {
            items,
            with_page_count: matches!(key, "users" | "custom_fields"),
        });
        envelope(
            &format!("{}{}", self.shared.base_url, self.path),
            &self.query,
            paging,
            key,
            items,
            totals,
            self.shared.config.next_on_short_pages,
        )
    }

    /// What exists of a CRM kind right now (generated, appended, minus deleted).
    pub(crate) fn live(&self, kind: EntityKind) -> LiveKind {
        lock(&self.shared.drift).live(&self.shared.account, kind)
    }

    pub(crate) fn not_found(&self) -> Response {
        problem::not_found("GET", &format!("{}{}", self.shared.base_url, self.path))
    }
}

/// Routes every `GET /api/v4/{*rest}`.
pub(crate) async fn dispatch(
    State(shared): State<Arc<Shared>>,
    Path(rest): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
    caller: Option<axum::Extension<Caller>>,
) -> Response {
    let ctx = Ctx {
        shared: &shared,
        path: format!("/api/v4/{rest}"),
        query: ListQuery::parse(pairs),
        caller: caller.map(|axum::Extension(caller)| caller),
    };
    let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let crm = |name: &str| {
        EntityKind::from_plural(name).filter(|kind| {
            matches!(
                kind,
                EntityKind::Leads | EntityKind::Contacts | EntityKind::Companies
            )
        })
    };

    match segments.as_slice() {
        ["account"] => catalog::account(&ctx),
        ["users"] => catalog::users(&ctx),
        ["users", id] => catalog::user(&ctx, id),
        ["leads", "pipelines"] => catalog::pipelines(&ctx),
        ["leads", "pipelines", id] => catalog::pipeline(&ctx, id),
        ["leads", "pipelines", id, "statuses"] => catalog::statuses(&ctx, id, None),
        ["leads", "pipelines", id, "statuses", status] => catalog::statuses(&ctx, id, Some(status)),
        ["leads", "loss_reasons"] => catalog::loss_reasons(&ctx),
        ["leads", "unsorted"] => crm::unsorted(&ctx),
        ["leads", "unsorted", "summary"] => crm::unsorted_summary(&ctx),
        ["tasks"] => activity::tasks(&ctx),
        ["tasks", id] => activity::task(&ctx, id),
        ["events"] => activity::events(&ctx),
        ["events", "types"] => activity::event_types(&ctx),
        ["events", id] => activity::event(&ctx, id),
        [entity, "custom_fields"] if crm(entity).is_some() => {
            catalog::custom_fields(&ctx, crm(entity).unwrap_or(EntityKind::Leads))
        }
        [entity, rest @ ..] if crm(entity).is_some() => {
            let kind = crm(entity).unwrap_or(EntityKind::Leads);
            match rest {
                [] => crm::list(&ctx, kind),
                ["notes"] => activity::notes(&ctx, kind, None),
                ["notes", id] => activity::note(&ctx, kind, id),
                ["links"] => crm::links(&ctx, kind, None),
                [id] => crm::one(&ctx, kind, id),
                [id, "notes"] => activity::notes(&ctx, kind, Some(id)),
                [id, "links"] => crm::links(&ctx, kind, Some(id)),
                [id, "files"] => crm::files(&ctx, kind, id),
                _ => ctx.not_found(),
            }
        }
        _ => ctx.not_found(),
    }
}
