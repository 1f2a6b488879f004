//! Paged list methods as streams.
//!
//! The portal returns 50 rows per page. The caller passes `start` (an offset); the answer
//! carries `total` and, only while more rows exist, `next` (the offset of the following page).
//! The stream asks for the next page only when the previous one has been consumed.

use futures::stream::{self, Stream, TryStreamExt};
use serde_json::Value;

use crate::client::B24Client;
use crate::error::B24Result;

/// The portal's fixed page size.
pub const PAGE_SIZE: u64 = 50;

/// One page of a list method.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The rows of this page.
    pub rows: Vec<Value>,
    /// The full row count, when the method reports it.
    pub total: Option<u64>,
    /// The offset of the next page; `None` on the last page.
    pub next: Option<u64>,
}

/// Takes the rows out of a list `result`: a plain array, an object keyed `0..n-1`, or a
/// wrapper object with one array inside (`{"tasks": [...]}`, `{"categories": [...]}`).
pub fn rows_of(result: Value) -> Vec<Value> {
    match result {
        Value::Array(rows) => rows,
        Value::Object(entries) => {
            let arrays: Vec<&Value> = entries.values().filter(|value| value.is_array()).collect();
            if entries.len() == 1 && arrays.len() == 1 {
                return entries
                    .into_iter()
                    .flat_map(|(_, rows)| rows_of(rows))
                    .collect();
            }
            if entries.keys().all(|key| key.parse::<u64>().is_ok()) {
                return entries.into_iter().map(|(_, row)| row).collect();
            }
            vec![Value::Object(entries)]
        }
        Value::Null | Value::Bool(false) => Vec::new(),
        other => vec![other],
    }
}

impl B24Client {
    /// The pages of a list method, starting at `params.start` (or 0).
    pub fn list_pages(
        &self,
        method: &str,
        params: Value,
    ) -> impl Stream<Item = B24Result<Page>> + Send + use<> {
        let client = self.clone();
        let method = method.to_owned();
        let first = params
            .get("start")
            .and_then(crate::lenient::id_from_value)
            .unwrap_or(0);

        stream::try_unfold(Some(first), move |start| {
            let client = client.clone();
            let method = method.clone();
            let mut params = params.clone();
            async move {
                let Some(start) = start else {
                    return Ok(None);
                };

                if let Value::Object(map) = &mut params {
                    map.insert("start".to_owned(), Value::from(start));
                } else {
                    params = serde_json::json!({ "start": start });
                }

                let envelope = client.call(&method, params).await?;
                let page = Page {
                    rows: rows_of(envelope.result),
                    total: envelope.total,
                    next: envelope.next.filter(|next| *next > start),
                };
                let following = page.next;
                Ok(Some((page, following)))
            }
        })
    }

    /// The rows of a list method, page after page.
    pub fn list(
        &self,
        method: &str,
        params: Value,
    ) -> impl Stream<Item = B24Result<Value>> + Send + use<> {
        self.list_pages(method, params)
            .map_ok(|page| stream::iter(page.rows.into_iter().map(Ok)))
            .try_flatten()
    }

    /// Every row of a list method, collected.
    ///
    /// # Errors
    /// The first failing page's error.
    pub async fn list_all(&self, method: &str, params: Value) -> B24Result<Vec<Value>> {
        self.list(method, params).try_collect().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_come_out_of_every_list_shape() {
        assert_eq!(rows_of(json!([{"ID": "1"}])).len(), 1);
        assert_eq!(
            rows_of(json!({"tasks": [{"id": "1"}, {"id": "2"}]})).len(),
            2
        );
        assert_eq!(
            rows_of(json!({"0": {"ID": "1"}, "1": {"ID": "2"}})).len(),
            2
        );
        assert!(rows_of(json!([])).is_empty());
        assert!(rows_of(Value::Null).is_empty());
    }
}
