//! Streaming pagination: a [`futures::Stream`] of typed records that holds a few pages
//! in memory at a time, however long the listing.
//!
//! The stream asks for pages `1, 2, 3...` with the largest `limit` the endpoint allows,
//! a few pages ahead (see [`crate::ClientConfig::read_ahead`]), and ends on 204 No
//! Content or on a page shorter than the limit (the maintainers' rule: a short page is
//! the last). One exception guards against a silent data loss: amoCRM is reported to
//! fall back to its default of 50 records when it dislikes a `limit`; a page of exactly
//! 50 with a `next` link is therefore followed, at the cost of one extra request when it
//! really was the last page.
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
use crate::transport::RawReply;

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
    /// How many pages may be requested before the earliest one is answered.
    pub read_ahead: usize,
}

/// The parts of a list answer the pager reads.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "_links", default)]
    links: Option<Map<String, Value>>,
    #[serde(rename = "_embedded", default)]
    embedded: Option<Map<String, Value>>,
}

/// What the pager remembers between pages (processed strictly in page order).
struct Pager<T> {
    key: &'static str,
    limit: usize,
    created: Option<crate::query::Period>,
    previous_ids: HashSet<String>,
    done: bool,
    _records: PhantomData<fn() -> T>,
}

/// The records of `listing` filtered by `query`, at most `listing.read_ahead` pages in
/// memory at a time.
///
/// Pages are requested `read_ahead` at a time (they are numbered, so page 3 need not
/// wait for page 2's answer) and processed in order. This hides the server's latency
/// behind the rate limiter's spacing; the cost is that up to `read_ahead - 1` requests
/// past the last page are sent (and dropped) at the end of a listing.
pub(crate) fn records<T: Record>(
    conn: Arc<Connection>,
    listing: Listing,
    query: ListQuery,
) -> RecordStream<T> {
    let pager = Pager::<T> {
        key: listing.key,
        limit: listing.limit as usize,
        created: query.created,
        previous_ids: HashSet::new(),
        done: false,
        _records: PhantomData,
    };
    let read_ahead = listing.read_ahead.max(1);
    let fetches = stream::iter(1u32..)
        .map(move |page| {
            let conn = conn.clone();
            let url = page_url(&conn, &listing, &query, page);
            async move {
                let reply = conn.get(&url).await;
                (page, url, reply)
            }
        })
        .buffered(read_ahead)
        .boxed();

    stream::unfold((fetches, pager), |(mut fetches, mut pager)| async move {
        if pager.done {
            return None;
        }
        let (page, url, reply) = fetches.next().await?;
        let items = match reply.and_then(|reply| pager.take_page(page, &url, reply)) {
            Ok(items) => items,
            Err(e) => {
                pager.done = true;
                vec![Err(e)]
            }
        };
        Some((stream::iter(items), (fetches, pager)))
    })
    .flatten()
    .boxed()
}

impl<T: Record> Pager<T> {
    /// Reads one page's answer (`None` = 204) into records and decides whether it was the
    /// last.
    fn take_page(
        &mut self,
        page: u32,
        url: &Url,
        reply: Option<RawReply>,
    ) -> Result<Vec<Result<T, AmoError>>, AmoError> {
        let attempt = attempt_for(url);
        let Some(reply) = reply else {
            self.done = true;
            return Ok(Vec::new());
        };

        let envelope: Envelope = parse_json(&attempt, &reply, "the page envelope")?;
        let items =
            embedded_items(envelope.embedded, self.key).map_err(|detail| AmoError::Schema {
                attempt: attempt.clone(),
                record: "the page envelope".to_owned(),
                path: format!("_embedded.{}", self.key),
                detail,
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
                None => format!("item {index} of page {page}"),
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
        self.done = !self.has_more(count, has_next);
        Ok(records)
    }

    /// Whether another page should be read after one of `count` records.
    fn has_more(&self, count: usize, has_next: bool) -> bool {
        if count == 0 {
            return false;
        }
        if count >= self.limit {
            return true;
        }
        count == SERVER_DEFAULT_LIMIT && self.limit > SERVER_DEFAULT_LIMIT && has_next
    }

    /// Whether the query's creation period excludes `record`.
    fn outside_period(&self, record: &T) -> bool {
        match (self.created, record.created_at()) {
            (Some(period), Some(created)) => !period.contains(created),
            _ => false,
        }
    }
}

/// The URL of page `page` with every parameter of the listing and query.
fn page_url(conn: &Connection, listing: &Listing, query: &ListQuery, page: u32) -> Url {
    let mut url = conn.address.url(&listing.path);
    let mut pairs = url.query_pairs_mut();
    pairs.append_pair("page", &page.to_string());
    pairs.append_pair("limit", &listing.limit.to_string());
    if listing.order_by_id {
        pairs.append_pair("order[id]", "asc");
    }

    let with: Vec<&str> = listing
        .default_with
        .iter()
        .copied()
        .chain(query.with.iter().map(String::as_str))
        .collect();
    if !with.is_empty() {
        pairs.append_pair("with", &with.join(","));
    }

    if let (Some(period), CreatedFilter::Range) = (query.created, listing.created_filter) {
        let (from, to) = period.server_bounds();
        pairs.append_pair("filter[created_at][from]", &from.to_string());
        pairs.append_pair("filter[created_at][to]", &to.to_string());
    }
    if let Some(period) = query.updated {
        let (from, to) = period.server_bounds();
        pairs.append_pair("filter[updated_at][from]", &from.to_string());
        pairs.append_pair("filter[updated_at][to]", &to.to_string());
    }
    for (key, value) in &query.params {
        pairs.append_pair(key, value);
    }

    drop(pairs);
    url
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::leads::Lead;

    fn pager_of(limit: usize) -> Pager<Lead> {
        Pager {
            key: "leads",
            limit,
            created: None,
            previous_ids: HashSet::new(),
            done: false,
            _records: PhantomData,
        }
    }

    #[test]
    fn a_short_page_ends_the_listing_unless_it_looks_like_the_server_ignored_the_limit() {
        let pager = pager_of(250);

        assert!(
            pager.has_more(250, false),
            "a full page may have a successor"
        );
        assert!(!pager.has_more(120, true), "a short page is the last");
        assert!(!pager.has_more(0, true), "an empty page is the last");
        assert!(
            pager.has_more(50, true),
            "50 with `next`: the limit was ignored"
        );
        assert!(!pager.has_more(50, false), "50 without `next` is the last");
        assert!(!pager_of(50).has_more(49, true));
    }

    #[test]
    fn a_record_repeated_by_a_shifted_page_is_dropped() {
        let mut pager = pager_of(2);
        let url = Url::parse("http://127.0.0.1/api/v4/leads").expect("url");
        let page = |ids: [i64; 2]| RawReply {
            status: reqwest::StatusCode::OK,
            content_type: Some("application/hal+json".to_owned()),
            body: serde_json::json!({"_embedded": {"leads": [{"id": ids[0]}, {"id": ids[1]}]}})
                .to_string()
                .into_bytes(),
            retry_after: None,
        };

        let first = pager
            .take_page(1, &url, Some(page([1, 2])))
            .expect("page 1");
        let second = pager
            .take_page(2, &url, Some(page([2, 3])))
            .expect("page 2");

        let ids = |records: Vec<Result<Lead, AmoError>>| -> Vec<i64> {
            records.into_iter().map(|r| r.expect("a lead").id).collect()
        };
        assert_eq!(ids(first), vec![1, 2]);
        assert_eq!(ids(second), vec![3]);
    }

    #[test]
    fn a_malformed_record_is_an_error_in_place_and_the_page_goes_on() {
        let mut pager = pager_of(250);
        let url = Url::parse("http://127.0.0.1/api/v4/leads?page=1").expect("url");
        let body =
            r#"{"_embedded": {"leads": [{"id": 1}, {"id": 2, "price": "lots"}, {"id": 3}]}}"#;
        let reply = RawReply {
            status: reqwest::StatusCode::OK,
            content_type: None,
            body: body.as_bytes().to_vec(),
            retry_after: None,
        };

        let records = pager.take_page(1, &url, Some(reply)).expect("the page");

        assert_eq!(records.len(), 3);
        let Err(AmoError::Schema { record, path, .. }) = &records[1] else {
            panic!("record 2 must fail: {:?}", records[1]);
        };
        assert_eq!(record, "record 2");
        assert_eq!(path, "price");
        assert!(records[2].is_ok());
    }
}
