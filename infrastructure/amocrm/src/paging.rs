//! Streaming pagination: a [`futures::Stream`] of typed records that holds one page in
//! memory at a time.
//!
//! The stream asks for pages `1, 2, 3...` with the largest `limit` the endpoint allows
//! and ends on 204 No Content or on a page shorter than the limit (the maintainers'
//! rule: a short page is the last). One exception guards against a silent data loss:
//! amoCRM is reported to fall back to its default of 50 records when it dislikes a
//! `limit`; a page of exactly 50 with a `next` link is therefore followed, at the cost
//! of one extra request when it really was the last page.
//!
//! Offset paging shifts when records are added or removed during an export. A record
//! that a shifted page repeats is dropped by comparing ids with the previous page
//! (constant memory); a record skipped because a deletion shifted pages back is what
//! the caller's final `updated_at` delta pass is for.
//!
//! A record that does not fit its model does not end the stream: it is yielded as an
//! [`AmoError::Schema`] naming the record and the JSON path, and the stream goes on, so
//! that one odd record lands in the failure list instead of stopping a run.

use std::collections::HashSet;
use std::marker::PhantomData;
use std::sync::Arc;

use futures::StreamExt;
use futures::stream::{self, BoxStream};
use serde::Deserialize;
use serde_json::{Map, Value};
use url::Url;

use crate::error::AmoError;
use crate::models::Record;
use crate::query::ListQuery;
use crate::request::{Connection, attempt_for, from_value, parse_json};

/// A stream of records of one listing; each item is a record or the error that
/// replaced it.
pub type RecordStream<T> = BoxStream<'static, Result<T, AmoError>>;

/// amoCRM's default page size, which it is reported to fall back to.
const SERVER_DEFAULT_LIMIT: usize = 50;

/// How an endpoint filters by creation time on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CreatedFilter {
    /// `filter[created_at][from]` / `[to]` (leads, contacts, companies).
    Range,
    /// No server-side filter (tasks, notes, events): the client keeps the period.
    ClientOnly,
}

/// What a listing endpoint looks like.
#[derive(Debug, Clone)]
pub(crate) struct Listing {
    /// Path, e.g. `/api/v4/leads`.
    pub path: String,
    /// Collection key inside `_embedded`, e.g. `leads`.
    pub key: &'static str,
    /// Page size to ask for.
    pub limit: u32,
    /// Whether to send `order[id]=asc` (stable order for long exports).
    pub order_by_id: bool,
    /// How a creation period reaches the server.
    pub created_filter: CreatedFilter,
    /// `with=` parts always asked for.
    pub default_with: &'static [&'static str],
}

/// The parts of a list answer the pager reads.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "_links", default)]
    links: Option<Map<String, Value>>,
    #[serde(rename = "_embedded", default)]
    embedded: Option<Map<String, Value>>,
}

/// Where the pager is.
struct Pager<T> {
    conn: Arc<Connection>,
    listing: Listing,
    query: ListQuery,
    page: u32,
    previous_ids: HashSet<String>,
    done: bool,
    _records: PhantomData<fn() -> T>,
}

/// The records of `listing` filtered by `query`, one page in memory at a time.
pub(crate) fn records<T: Record>(
    conn: Arc<Connection>,
    listing: Listing,
    query: ListQuery,
) -> RecordStream<T> {
    let pager = Pager::<T> {
        conn,
        listing,
        query,
        page: 1,
        previous_ids: HashSet::new(),
        done: false,
        _records: PhantomData,
    };

    stream::unfold(pager, |mut pager| async move {
        if pager.done {
            return None;
        }
        let items = match pager.next_page().await {
            Ok(items) => items,
            Err(e) => {
                pager.done = true;
                vec![Err(e)]
            }
        };
        Some((stream::iter(items), pager))
    })
    .flatten()
    .boxed()
}

impl<T: Record> Pager<T> {
    /// Fetches the current page, advances, and returns its records.
    async fn next_page(&mut self) -> Result<Vec<Result<T, AmoError>>, AmoError> {
        let url = self.page_url();
        let attempt = attempt_for(&url);

        let Some(reply) = self.conn.get(&url).await? else {
            self.done = true;
            return Ok(Vec::new());
        };
        let envelope: Envelope = parse_json(&attempt, &reply, "the page envelope")?;
        let items = embedded_items(envelope.embedded, self.listing.key).map_err(|detail| {
            AmoError::Schema {
                attempt: attempt.clone(),
                record: "the page envelope".to_owned(),
                path: format!("_embedded.{}", self.listing.key),
                detail,
            }
        })?;
        let has_next = envelope
            .links
            .as_ref()
            .is_some_and(|l| l.contains_key("next"));

        let count = items.len();
        let mut ids = HashSet::with_capacity(count);
        let mut records = Vec::with_capacity(count);
        for (index, item) in items.into_iter().enumerate() {
            let label = match item.get("id") {
                Some(id) => format!("record {id}"),
                None => format!("item {index} of page {}", self.page),
            };
            let record = match from_value::<T>(&attempt, item, &label) {
                Ok(record) => record,
                Err(e) => {
                    records.push(Err(e));
                    continue;
                }
            };

            let id = record.record_id();
            if self.previous_ids.contains(&id) {
                continue;
            }
            ids.insert(id);
            if self.outside_period(&record) {
                continue;
            }
            records.push(Ok(record));
        }

        self.previous_ids = ids;
        self.page += 1;
        self.done = !self.has_more(count, has_next);
        Ok(records)
    }

    /// Whether another page should be asked for after one of `count` records.
    fn has_more(&self, count: usize, has_next: bool) -> bool {
        let limit = self.listing.limit as usize;
        if count == 0 {
            return false;
        }
        if count >= limit {
            return true;
        }
        count == SERVER_DEFAULT_LIMIT && limit > SERVER_DEFAULT_LIMIT && has_next
    }

    /// Whether the query's creation period excludes `record`.
    fn outside_period(&self, record: &T) -> bool {
        match (self.query.created, record.created_at()) {
            (Some(period), Some(created)) => !period.contains(created),
            _ => false,
        }
    }

    /// The URL of the current page with every parameter of the listing and query.
    fn page_url(&self) -> Url {
        let mut url = self.conn.address.url(&self.listing.path);
        let mut pairs = url.query_pairs_mut();
        pairs.append_pair("page", &self.page.to_string());
        pairs.append_pair("limit", &self.listing.limit.to_string());
        if self.listing.order_by_id {
            pairs.append_pair("order[id]", "asc");
        }

        let with: Vec<&str> = self
            .listing
            .default_with
            .iter()
            .copied()
            .chain(self.query.with.iter().map(String::as_str))
            .collect();
        if !with.is_empty() {
            pairs.append_pair("with", &with.join(","));
        }

        if let (Some(period), CreatedFilter::Range) =
            (self.query.created, self.listing.created_filter)
        {
            let (from, to) = period.server_bounds();
            pairs.append_pair("filter[created_at][from]", &from.to_string());
            pairs.append_pair("filter[created_at][to]", &to.to_string());
        }
        if let Some(period) = self.query.updated {
            let (from, to) = period.server_bounds();
            pairs.append_pair("filter[updated_at][from]", &from.to_string());
            pairs.append_pair("filter[updated_at][to]", &to.to_string());
        }
        for (key, value) in &self.query.params {
            pairs.append_pair(key, value);
        }

        drop(pairs);
        url
    }
}

/// The array under `_embedded.{key}`.
pub(crate) fn embedded_items(
    embedded: Option<Map<String, Value>>,
    key: &str,
) -> Result<Vec<Value>, String> {
    let mut embedded = embedded.ok_or_else(|| "the answer has no `_embedded`".to_owned())?;
    match embedded.remove(key) {
        Some(Value::Array(items)) => Ok(items),
        Some(Value::Null) => Ok(Vec::new()),
        Some(other) => Err(format!("expected an array, found {}", kind_of(&other))),
        None => Err(format!("`_embedded` has no `{key}`")),
    }
}

/// A short name of a JSON value's kind, for messages that must not quote data.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
