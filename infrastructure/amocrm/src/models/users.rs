//! Users (`GET /api/v4/users`, admin only), including deactivated ones.

use serde::Deserialize;

use crate::lenient;

/// One user of the account.
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    /// User id, referenced by `responsible_user_id`, `created_by`...
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Login e-mail, used to match the user on the portal.
    #[serde(default)]
    pub email: Option<String>,
    /// Interface language.
    #[serde(default)]
    pub lang: Option<String>,
    /// Rights and status.
    #[serde(default)]
    pub rights: UserRights,
}

impl User {
    /// Whether the user is active (deactivated users stay listed).
    pub fn is_active(&self) -> bool {
        self.rights.is_active.unwrap_or(true)
    }
}

/// The parts of `rights` a migration needs.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserRights {
    /// Whether the user is an administrator.
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub is_admin: bool,
    /// Whether the user is a free (read-only) seat.
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub is_free: bool,
    /// Whether the user is active.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_active: Option<bool>,
    /// Group id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub group_id: Option<i64>,
    /// Role id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub role_id: Option<i64>,
}

impl crate::models::Record for User {
    fn record_id(&self) -> String {
        self.id.to_string()
    }

    fn created_at(&self) -> Option<i64> {
        None
    }
}
