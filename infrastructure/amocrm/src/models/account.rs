//! The account (`GET /api/v4/account`) with the `with=` parts a migration reads: user
//! groups, task types, date/time settings, drive host, API-filter flag.

use serde::Deserialize;

use crate::lenient;

/// One amoCRM account.
#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    /// Account id.
    pub id: i64,
    /// Account name.
    pub name: String,
    /// Subdomain, e.g. `company` for `company.amocrm.ru`.
    pub subdomain: String,
    /// Creation time.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub created_at: Option<i64>,
    /// The user the token acts as.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub current_user_id: Option<i64>,
    /// Country code, e.g. `RU`.
    #[serde(default)]
    pub country: Option<String>,
    /// Account currency, e.g. `RUB`; lead prices are in it.
    #[serde(default)]
    pub currency: Option<String>,
    /// Currency symbol.
    #[serde(default)]
    pub currency_symbol: Option<String>,
    /// `unavailable`, `disabled`, `segments`, `dynamic` or `periodicity`.
    #[serde(default)]
    pub customers_mode: Option<String>,
    /// Whether the Unsorted inbox is on.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_unsorted_on: Option<bool>,
    /// Whether loss reasons are on.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_loss_reason_enabled: Option<bool>,
    /// Whether this is a technical (developer) account.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_technical_account: Option<bool>,
    /// 1 = first name first, 2 = last name first.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub contact_name_display_order: Option<i64>,
    /// The file service host (with `with=drive_url`).
    #[serde(default)]
    pub drive_url: Option<String>,
    /// Whether API filters work on this account (with `with=is_api_filter_enabled`).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_api_filter_enabled: Option<bool>,
    /// Embedded parts.
    #[serde(rename = "_embedded", default)]
    pub embedded: AccountEmbedded,
}

/// Parts of the account returned with `with=`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AccountEmbedded {
    /// User groups (`with=users_groups`).
    #[serde(default, deserialize_with = "lenient::list")]
    pub users_groups: Vec<UsersGroup>,
    /// Task types (`with=task_types`).
    #[serde(default, deserialize_with = "lenient::list")]
    pub task_types: Vec<TaskType>,
    /// Date and time settings (`with=datetime_settings`).
    #[serde(default)]
    pub datetime_settings: Option<DatetimeSettings>,
}

/// A group of users.
#[derive(Debug, Clone, Deserialize)]
pub struct UsersGroup {
    /// Group id (0 = the default group).
    pub id: i64,
    /// Group name.
    pub name: String,
}

/// A task type (1 `FOLLOW_UP` and 2 `MEETING` are built in).
#[derive(Debug, Clone, Deserialize)]
pub struct TaskType {
    /// Type id.
    pub id: i64,
    /// Type name.
    pub name: String,
    /// Built-in code, if any.
    #[serde(default)]
    pub code: Option<String>,
}

/// How the account shows dates; `timezone` is for rendering only (data is UTC seconds).
#[derive(Debug, Clone, Deserialize)]
pub struct DatetimeSettings {
    /// Time zone name, e.g. `Europe/Moscow`.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Offset, e.g. `+03:00`.
    #[serde(default)]
    pub timezone_offset: Option<String>,
    /// Date format (the docs' sample misspells it `date_formant`).
    #[serde(default, alias = "date_formant")]
    pub date_format: Option<String>,
    /// Time format.
    #[serde(default)]
    pub time_format: Option<String>,
}
