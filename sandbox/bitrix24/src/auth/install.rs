//! Installing and removing the application: the iframe POST, `ONAPPINSTALL` and
//! `ONAPPUNINSTALL` as the portal would send them to the app.

use serde::Serialize;

use crate::error::SandboxError;

/// What the portal hands the app on install (tokens included; tests pass it to the app).
/// Its `Debug` output leaves the tokens out.
#[derive(Clone, Serialize, PartialEq)]
pub struct InstallGrant {
    /// Access token (`AUTH_ID`).
    pub access_token: String,
    /// Refresh token (`REFRESH_ID`).
    pub refresh_token: String,
    /// Lifetime of the access token in seconds.
    pub expires_in: i64,
    /// Granted scopes, comma-separated.
    pub scope: String,
    /// Portal host.
    pub domain: String,
    /// Portal REST base.
    pub client_endpoint: String,
    /// Auth server REST base.
    pub server_endpoint: String,
    /// Portal id.
    pub member_id: String,
    /// App status letter.
    pub status: String,
    /// Token the portal puts in every event.
    pub application_token: String,
    /// The installing user.
    pub user_id: u64,
}

impl std::fmt::Debug for InstallGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstallGrant")
            .field("domain", &self.domain)
            .field("member_id", &self.member_id)
            .field("user_id", &self.user_id)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl InstallGrant {
    /// The query part of the iframe POST (`DOMAIN`, `PROTOCOL`, `LANG`, `APP_SID`).
    pub fn iframe_query(&self, app_sid: &str) -> Vec<(String, String)> {
        pairs(&[
            ("DOMAIN", &self.domain),
            ("PROTOCOL", "0"),
            ("LANG", "ru"),
            ("APP_SID", app_sid),
        ])
    }

    /// The body of the iframe POST (installer or main app page, `PLACEMENT=DEFAULT`).
    pub fn iframe_body(&self) -> Vec<(String, String)> {
        pairs(&[
            ("AUTH_ID", &self.access_token),
            ("AUTH_EXPIRES", &self.expires_in.to_string()),
            ("REFRESH_ID", &self.refresh_token),
            ("SERVER_ENDPOINT", &self.server_endpoint),
            ("APPLICATION_TOKEN", &self.application_token),
            ("APPLICATION_SCOPE", &self.scope),
            ("member_id", &self.member_id),
            ("status", &self.status),
            ("PLACEMENT", "DEFAULT"),
            ("PLACEMENT_OPTIONS", "{}"),
        ])
    }

    /// The form of the `ONAPPINSTALL` event (the only event with a refresh token).
    pub fn install_event(&self, ts: i64) -> Vec<(String, String)> {
        pairs(&[
            ("event", "ONAPPINSTALL"),
            ("data[VERSION]", "1"),
            ("data[ACTIVE]", "Y"),
            ("data[INSTALLED]", "Y"),
            ("data[LANGUAGE_ID]", "ru"),
            ("ts", &ts.to_string()),
            ("auth[access_token]", &self.access_token),
            ("auth[refresh_token]", &self.refresh_token),
            ("auth[expires_in]", &self.expires_in.to_string()),
            ("auth[scope]", &self.scope),
            ("auth[domain]", &self.domain),
            ("auth[client_endpoint]", &self.client_endpoint),
            ("auth[server_endpoint]", &self.server_endpoint),
            ("auth[member_id]", &self.member_id),
            ("auth[status]", &self.status),
            ("auth[application_token]", &self.application_token),
        ])
    }

    /// The form of `ONAPPUNINSTALL` (no tokens at all).
    pub fn uninstall_event(&self, ts: i64, clean: bool) -> Vec<(String, String)> {
        pairs(&[
            ("event", "ONAPPUNINSTALL"),
            ("data[LANGUAGE_ID]", "ru"),
            ("data[CLEAN]", if clean { "1" } else { "0" }),
            ("ts", &ts.to_string()),
            ("auth[domain]", &self.domain),
            ("auth[client_endpoint]", &self.client_endpoint),
            ("auth[server_endpoint]", &self.server_endpoint),
            ("auth[member_id]", &self.member_id),
            ("auth[application_token]", &self.application_token),
        ])
    }
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// POSTs a form to the application and returns the HTTP status it answered.
pub async fn post_form(
    what: &'static str,
    url: &str,
    query: &[(String, String)],
    form: &[(String, String)],
) -> Result<u16, SandboxError> {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form.iter())
        .finish();
    let response = reqwest::Client::new()
        .post(url)
        .query(query)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .map_err(|error| SandboxError::Delivery {
            what,
            detail: error.without_url().to_string(),
        })?;
    Ok(response.status().as_u16())
}
