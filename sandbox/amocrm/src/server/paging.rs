//! Paging: page/limit with per-endpoint maxima, direct computation of a page's indexes,
//! and the HAL list envelope with `_page` and `_links`.

use std::ops::Range;

use axum::response::Response;
use serde_json::{Map, Value, json};

use super::problem;
use super::query::ListQuery;
use crate::config::{OverLimit, SandboxConfig};

/// The default page size.
pub(crate) const DEFAULT_LIMIT: u64 = 50;

/// A resolved page request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    pub page: u64,
    pub limit: u64,
}

impl Paging {
    /// Resolves `page`/`limit` for an endpoint whose maximum is `max`.
    pub(crate) fn resolve(
        query: &ListQuery,
        max: u64,
        config: &SandboxConfig,
    ) -> Result<Paging, Box<Response>> {
        let page = query
            .page
            .as_deref()
            .and_then(|page| page.parse().ok())
            .filter(|page| *page >= 1);
        let asked = query
            .limit
            .as_deref()
            .and_then(|limit| limit.parse::<u64>().ok());
        let limit = match asked {
            None | Some(0) => DEFAULT_LIMIT.min(max),
            Some(limit) if limit <= max => limit,
            Some(_) => match config.over_limit {
                OverLimit::FallBackToDefault => DEFAULT_LIMIT.min(max),
                OverLimit::Clamp => max,
                OverLimit::Reject => return Err(Box::new(problem::over_limit(max))),
            },
        };
        Ok(Paging {
            page: page.unwrap_or(1),
            limit,
        })
    }

    fn offset(self) -> u64 {
        (self.page - 1).saturating_mul(self.limit)
    }
}

/// Which indexes of an entity a list request covers.
pub(crate) struct Selection<'a> {
    /// Index range (a creation-time filter narrows it).
    pub range: Range<u64>,
    /// Explicit indexes (from `filter[id]` or a parent), sorted and unique.
    pub only: Option<Vec<u64>>,
    /// Newest first.
    pub descending: bool,
    /// Other filters; `None` keeps paging O(1).
    pub keep: Option<Box<dyn Fn(u64) -> bool + 'a>>,
}

impl<'a> Selection<'a> {
    /// Every index of `range`, ascending, no filter.
    pub(crate) fn all(range: Range<u64>) -> Selection<'a> {
        Selection {
            range,
            only: None,
            descending: false,
            keep: None,
        }
    }

    /// Adds a filter.
    pub(crate) fn and(&mut self, test: impl Fn(u64) -> bool + 'a) {
        let previous = self.keep.take();
        self.keep = Some(match previous {
            Some(previous) => Box::new(move |index| previous(index) && test(index)),
            None => Box::new(test),
        });
    }

    /// The indexes of one page.
    pub(crate) fn page(&self, paging: Paging) -> Vec<u64> {
        let range = self.range.clone();
        let base: Box<dyn Iterator<Item = u64> + '_> = match &self.only {
            Some(list) => {
                let inside = list
                    .iter()
                    .copied()
                    .filter(move |index| range.contains(index));
                if self.descending {
                    Box::new(inside.rev())
                } else {
                    Box::new(inside)
                }
            }
            None if self.descending => Box::new(range.rev()),
            None => Box::new(range),
        };
        let offset = paging.offset() as usize;
        let limit = paging.limit as usize;
        match &self.keep {
            Some(keep) => base
                .filter(|index| keep(*index))
                .skip(offset)
                .take(limit)
                .collect(),
            None => base.skip(offset).take(limit).collect(),
        }
    }
}

/// Percent-encodes a query component, keeping brackets and commas readable.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b'['
            | b']'
            | b',' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `{url}?{query without page/limit}&page=P&limit=L`.
pub(crate) fn href(url: &str, query: &ListQuery, page: u64, limit: u64) -> String {
    let mut parts: Vec<String> = query
        .pairs
        .iter()
        .filter(|(key, _)| key != "page" && key != "limit")
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect();
    parts.push(format!("page={page}"));
    parts.push(format!("limit={limit}"));
    format!("{url}?{}", parts.join("&"))
}

/// Totals some small collections report.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Totals {
    pub items: u64,
    /// Also `_page_count` and a `last` link.
    pub with_page_count: bool,
}

/// The HAL list answer, or 204 when the page is empty.
pub(crate) fn envelope(
    url: &str,
    query: &ListQuery,
    paging: Paging,
    key: &str,
    items: Vec<Value>,
    totals: Option<Totals>,
    next_on_short_pages: bool,
) -> Response {
    if items.is_empty() {
        return problem::no_content();
    }

    let Paging { page, limit } = paging;
    let link = |page: u64| json!({"href": href(url, query, page, limit)});
    let mut links = Map::new();
    links.insert("self".to_string(), link(page));
    let page_count = totals.map(|totals| totals.items.div_ceil(limit).max(1));
    let has_next = match page_count {
        Some(count) => page < count,
        None => items.len() as u64 >= limit || next_on_short_pages,
    };
    if has_next {
        links.insert("next".to_string(), link(page + 1));
    }
    links.insert("first".to_string(), link(1));
    if page > 1 {
        links.insert("prev".to_string(), link(page - 1));
    }

    let mut body = Map::new();
    if let Some(totals) = totals {
        body.insert("_total_items".to_string(), json!(totals.items));
        if totals.with_page_count {
            body.insert("_page_count".to_string(), json!(page_count));
            links.insert("last".to_string(), link(page_count.unwrap_or(1)));
        }
    }
    body.insert("_page".to_string(), json!(page));
    body.insert("_links".to_string(), Value::Object(links));
    body.insert("_embedded".to_string(), json!({ key: items }));
    problem::hal(&Value::Object(body))
}
