//! Portal and application facts: `app.info` (plan), `profile` (who the token acts as) and
//! `server.time` (the portal's clock).

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::client::{B24Client, decode_result};
use crate::error::{B24Error, B24Result};

/// The answer of `app.info`. With a webhook only `license` (and scopes) are filled.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct AppInfo {
    /// Application id on the portal.
    #[serde(default, deserialize_with = "crate::lenient::opt_id")]
    pub id: Option<u64>,
    /// Application code, e.g. `vendor.appcode`.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub code: Option<String>,
    /// `F` free, `D` demo, `T` trial, `P` paid, `L` local, `S` subscription.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub status: Option<String>,
    /// Whether the installation finished.
    #[serde(default, deserialize_with = "crate::lenient::flag")]
    pub installed: bool,
    /// Whether the app's paid period is over.
    #[serde(default, deserialize_with = "crate::lenient::flag")]
    pub payment_expired: bool,
    /// `{language}_{plan}`, e.g. `ru_team`, `ru_ent250`, `ru_demo`.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub license: Option<String>,
    /// The real plan while the portal is on a demo.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub license_previous: Option<String>,
    /// Plan family (e.g. `ent`).
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub license_family: Option<String>,
}

impl AppInfo {
    /// The plan key of `LICENSE` without its language prefix (`ru_team` → `team`).
    pub fn plan(&self) -> Option<&str> {
        let license = self.license.as_deref()?;
        Some(license.split_once('_').map_or(license, |(_, plan)| plan))
    }
}

/// The answer of `profile`: the user the credentials act as.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Profile {
    /// User id.
    #[serde(deserialize_with = "crate::lenient::id")]
    pub id: u64,
    /// Whether the user is a portal administrator.
    #[serde(default, deserialize_with = "crate::lenient::flag")]
    pub admin: bool,
    /// First name.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub name: Option<String>,
    /// Last name.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub last_name: Option<String>,
}

impl B24Client {
    /// `app.info`: the application and the portal's plan.
    ///
    /// # Errors
    /// [`B24Error::AccessDenied`] without app context; any call error.
    pub async fn app_info(&self) -> B24Result<AppInfo> {
        self.call_as("app.info", Value::Null).await
    }

    /// Reads the plan with `app.info` and switches the shaper to its limits (250 draining
    /// 5/s on Enterprise plans, 50 draining 2/s otherwise).
    ///
    /// # Errors
    /// The errors of [`B24Client::app_info`].
    pub async fn adopt_plan(&self) -> B24Result<AppInfo> {
        let info = self.app_info().await?;
        if let Some(license) = info.license.as_deref() {
            self.set_plan_license(license);
        }
        Ok(info)
    }

    /// `profile`: the user behind the credentials.
    ///
    /// # Errors
    /// Any call error.
    pub async fn profile(&self) -> B24Result<Profile> {
        self.call_as("profile", Value::Null).await
    }

    /// `server.time`: the portal's current time with its offset.
    ///
    /// # Errors
    /// Any call error; [`B24Error::UnexpectedAnswer`] if the time is not ISO-8601.
    pub async fn server_time(&self) -> B24Result<DateTime<FixedOffset>> {
        let envelope = self.call("server.time", json!({})).await?;
        let text: String = decode_result("server.time", envelope.result)?;
        DateTime::parse_from_rfc3339(&text).map_err(|_| B24Error::UnexpectedAnswer {
            method: "server.time".to_owned(),
            detail: "the time is not ISO-8601".to_owned(),
        })
    }
}
