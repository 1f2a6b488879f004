//! Users: finding a portal user by e-mail (`user.get`) and inviting one (`user.add`).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::client::B24Client;
use crate::error::{B24Error, B24Result, PortalAnswer};

/// A portal user as `user.get` returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct User {
    /// User id.
    #[serde(deserialize_with = "crate::lenient::id")]
    pub id: u64,
    /// Whether the account is active.
    #[serde(default, deserialize_with = "crate::lenient::flag")]
    pub active: bool,
    /// E-mail.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub email: Option<String>,
    /// First name.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub name: Option<String>,
    /// Last name.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub last_name: Option<String>,
}

/// An invitation for `user.add`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct NewUser {
    /// E-mail (required): the invitation goes there.
    pub email: String,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Job title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_position: Option<String>,
    /// Departments; an intranet user must belong to at least one.
    #[serde(rename = "UF_DEPARTMENT")]
    pub departments: Vec<u64>,
}

/// What became of an invitation. Refusals the migration plans for are outcomes, not errors.
#[derive(Debug, Clone, PartialEq)]
pub enum InviteOutcome {
    /// The user was invited and has this id.
    Invited(u64),
    /// A user with this e-mail already exists (possibly hidden from `user.get`).
    AlreadyExists(PortalAnswer),
    /// The credentials may not invite users (for example an integrator account restricted
    /// by the portal, or a user without the invite right).
    NotAllowed(PortalAnswer),
    /// The plan's user limit is reached.
    UserLimitReached(PortalAnswer),
}

impl B24Client {
    /// `user.get` with `FILTER[EMAIL]`: the active or inactive user with this e-mail, compared
    /// case-insensitively. Integrators and bots are never returned by the portal.
    ///
    /// # Errors
    /// Any call error.
    pub async fn find_user_by_email(&self, email: &str) -> B24Result<Option<User>> {
        let params = json!({"FILTER": {"EMAIL": email.trim()}});
        let rows = self.list_all("user.get", params).await?;

        for row in rows {
            let user: User = crate::client::decode_result("user.get", row)?;
            let same = user
                .email
                .as_deref()
                .is_some_and(|found| found.trim().eq_ignore_ascii_case(email.trim()));
            if same {
                return Ok(Some(user));
            }
        }
        Ok(None)
    }

    /// `user.add`: invites a user by e-mail.
    ///
    /// # Errors
    /// Call errors other than the refusals listed in [`InviteOutcome`].
    pub async fn invite_user(&self, user: &NewUser) -> B24Result<InviteOutcome> {
        let params = crate::client::params_of("user.add", user)?;
        let result = self.call("user.add", params).await;
        invite_outcome(result.map(|envelope| envelope.result))
    }

    /// The parameters of `user.add` for `user`, for a caller that invites several users in
    /// one `batch` and reads each answer with [`invite_outcome`].
    ///
    /// # Errors
    /// [`B24Error::InvalidRequest`] when `user` does not serialise.
    pub fn invitation_params(user: &NewUser) -> B24Result<Value> {
        crate::client::params_of("user.add", user)
    }
}

/// Reads the answer to one `user.add`, alone or inside a `batch`: the new id, or the refusal
/// the migration can live with.
///
/// # Errors
/// Call errors other than the refusals listed in [`InviteOutcome`].
pub fn invite_outcome(result: B24Result<Value>) -> B24Result<InviteOutcome> {
    let error = match result {
        Ok(value) => {
            let id = crate::lenient::id_from_value(&value).ok_or_else(|| {
                B24Error::UnexpectedAnswer {
                    method: "user.add".to_owned(),
                    detail: "the new user id is missing".to_owned(),
                }
            })?;
            return Ok(InviteOutcome::Invited(id));
        }
        Err(error) => error,
    };

    let Some(answer) = error.answer().cloned() else {
        return Err(error);
    };
    let text = answer.description.to_lowercase();

    if text.contains("already exists") || text.contains("уже существует") {
        return Ok(InviteOutcome::AlreadyExists(answer));
    }
    match error {
        B24Error::PlanLimit { .. } => Ok(InviteOutcome::UserLimitReached(answer)),
        B24Error::AccessDenied { .. } => Ok(InviteOutcome::NotAllowed(answer)),
        _ if text.contains("access_denied") || text.contains("access denied") => {
            Ok(InviteOutcome::NotAllowed(answer))
        }
        other => Err(other),
    }
}
