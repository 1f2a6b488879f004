//! Parsing of amoCRM list queries: `page`, `limit`, PHP-style `filter[...]`,
//! `order[field]` and `with=`.

use std::collections::BTreeSet;

/// One `filter[...]` parameter split into its bracket segments.
#[derive(Debug, Clone)]
struct FilterParam {
    path: Vec<String>,
    value: String,
}

/// A parsed list query.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListQuery {
    /// All raw pairs, for echoing into links.
    pub pairs: Vec<(String, String)>,
    /// `page` (1-based), if sent.
    pub page: Option<String>,
    /// `limit`, if sent.
    pub limit: Option<String>,
    /// `with=` values.
    pub with: BTreeSet<String>,
    /// `order[field]=asc|desc`.
    pub order: Option<(String, bool)>,
    filters: Vec<FilterParam>,
}

/// A time range `from ..= to` (either side open).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TimeRange {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl TimeRange {
    pub(crate) fn contains(self, at: i64) -> bool {
        self.from.is_none_or(|from| at >= from) && self.to.is_none_or(|to| at <= to)
    }
}

/// A range filter as sent: single value or from/to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RangeFilter {
    /// `filter[x]=ts`.
    Single(i64),
    /// `filter[x][from]=..&filter[x][to]=..` (or the comma form `from,to`).
    Range(TimeRange),
}

/// `name[a][b][]` → ("name", ["a", "b", ""]).
fn split_key(key: &str) -> (String, Vec<String>) {
    let Some(open) = key.find('[') else {
        return (key.to_string(), Vec::new());
    };
    let head = key[..open].to_string();
    let segments = key[open..]
        .split('[')
        .skip(1)
        .map(|segment| segment.trim_end_matches(']').to_string())
        .collect();
    (head, segments)
}

impl ListQuery {
    /// Parses decoded query pairs.
    pub(crate) fn parse(pairs: Vec<(String, String)>) -> ListQuery {
        let mut query = ListQuery {
            pairs: pairs.clone(),
            ..ListQuery::default()
        };
        for (key, value) in pairs {
            let (head, segments) = split_key(&key);
            match head.as_str() {
                "page" => query.page = Some(value),
                "limit" => query.limit = Some(value),
                "with" => {
                    query
                        .with
                        .extend(value.split(',').map(|part| part.trim().to_string()));
                }
                "order" => {
                    if let Some(field) = segments.first() {
                        query.order = Some((field.clone(), value.eq_ignore_ascii_case("desc")));
                    }
                }
                "filter" if !segments.is_empty() => {
                    query.filters.push(FilterParam {
                        path: segments,
                        value,
                    });
                }
                _ => {}
            }
        }
        query
    }

    /// Whether `with` holds a value.
    pub(crate) fn with(&self, name: &str) -> bool {
        self.with.contains(name)
    }

    /// Values of `filter[name]`, `filter[name][]`, `filter[name][N]`, or a comma list.
    pub(crate) fn list(&self, name: &str) -> Vec<String> {
        self.filters
            .iter()
            .filter(|filter| filter.path[0] == name)
            .filter(|filter| {
                filter.path.len() == 1
                    || (filter.path.len() == 2
                        && (filter.path[1].is_empty() || filter.path[1].parse::<u64>().is_ok()))
            })
            .flat_map(|filter| {
                filter
                    .value
                    .split(',')
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|value| !value.is_empty())
            .collect()
    }

    /// Numeric values of a list filter (non-numbers are dropped).
    pub(crate) fn numbers(&self, name: &str) -> Vec<u64> {
        self.list(name)
            .iter()
            .filter_map(|value| value.trim().parse().ok())
            .collect()
    }

    /// A range filter, if sent.
    pub(crate) fn range(&self, name: &str) -> Option<RangeFilter> {
        let mut range = TimeRange::default();
        let mut single = None;
        let mut seen = false;
        for filter in self.filters.iter().filter(|filter| filter.path[0] == name) {
            seen = true;
            let value = filter.value.trim();
            match filter.path.get(1).map(String::as_str) {
                Some("from") => range.from = value.parse().ok(),
                Some("to") => range.to = value.parse().ok(),
                None => match value.split_once(',') {
                    Some((from, to)) => {
                        range.from = from.trim().parse().ok();
                        range.to = to.trim().parse().ok();
                    }
                    None => single = value.parse().ok(),
                },
                _ => {}
            }
        }
        if !seen {
            return None;
        }
        Some(match single {
            Some(at) => RangeFilter::Single(at),
            None => RangeFilter::Range(range),
        })
    }

    /// `filter[statuses][i][pipeline_id|status_id]` pairs.
    pub(crate) fn statuses(&self) -> Vec<(Option<u64>, Option<u64>)> {
        let mut slots: Vec<(String, Option<u64>, Option<u64>)> = Vec::new();
        for filter in self
            .filters
            .iter()
            .filter(|filter| filter.path[0] == "statuses")
        {
            let (Some(slot), Some(field)) = (filter.path.get(1), filter.path.get(2)) else {
                continue;
            };
            let at = match slots.iter().position(|(name, _, _)| name == slot) {
                Some(at) => at,
                None => {
                    slots.push((slot.clone(), None, None));
                    slots.len() - 1
                }
            };
            let value = filter.value.trim().parse().ok();
            match field.as_str() {
                "pipeline_id" => slots[at].1 = value,
                "status_id" => slots[at].2 = value,
                _ => {}
            }
        }
        slots
            .into_iter()
            .map(|(_, pipeline, status)| (pipeline, status))
            .collect()
    }
}
