//! Users (D1): amoCRM users are matched to portal users by e-mail (the amoCRM login), and every
//! record's responsible user is the matched portal user, else the default responsible (the
//! user running the migration). Missing users are invited by e-mail ([`decide_user`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::email::is_valid_email;
use super::{Fields, Skipped};
use crate::chunk::FailureCode;

/// amoCRM users mapped to portal users.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserMap {
    /// amoCRM user id → portal user id, for users matched or invited.
    pub matched: BTreeMap<u64, u64>,
    /// The portal user who gets records whose amoCRM user has no match: the user running the
    /// migration.
    pub default_responsible: u64,
}

impl UserMap {
    /// A map with no match yet.
    pub fn new(default_responsible: u64) -> UserMap {
        UserMap {
            matched: BTreeMap::new(),
            default_responsible,
        }
    }

    /// The portal user responsible for a record whose amoCRM responsible is `amo_user_id`
    /// (0 or unknown users, e.g. robots and deleted users, get the default responsible).
    pub fn responsible(&self, amo_user_id: Option<u64>) -> u64 {
        amo_user_id
            .and_then(|id| self.matched.get(&id))
            .copied()
            .unwrap_or(self.default_responsible)
    }

    /// Whether an amoCRM user has a portal user.
    pub fn is_matched(&self, amo_user_id: u64) -> bool {
        self.matched.contains_key(&amo_user_id)
    }
}

/// An e-mail as users are matched by it: trimmed and lower case.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The portal user whose e-mail equals the amoCRM login, compared without case and outer
/// spaces. `portal_users` are `(id, e-mail)` pairs of active portal users.
pub fn match_by_email<'a>(
    amo_email: &str,
    portal_users: impl IntoIterator<Item = (u64, &'a str)>,
) -> Option<u64> {
    let wanted = normalise_email(amo_email);
    if wanted.is_empty() {
        return None;
    }
    portal_users
        .into_iter()
        .find(|(_, email)| normalise_email(email) == wanted)
        .map(|(id, _)| id)
}

/// An amoCRM user (`GET /api/v4/users`), as far as matching needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmoUser {
    /// Its id.
    pub id: u64,
    /// Its full name.
    #[serde(default)]
    pub name: String,
    /// Its login e-mail.
    #[serde(default)]
    pub email: String,
    /// `rights.is_active`: false for users deactivated in amoCRM.
    #[serde(default = "active")]
    pub is_active: bool,
}

fn active() -> bool {
    true
}

/// What to do with one amoCRM user.
#[derive(Debug, Clone, PartialEq)]
pub enum UserAction {
    /// A portal user has the same e-mail: use it, invite no one.
    Match(u64),
    /// Nobody has it: invite with these `user.add` fields.
    Invite(Fields),
    /// Neither: the user's records go to the default responsible, for this reason.
    Skip(Skipped),
}

/// Decides how an amoCRM user reaches the portal (D1).
///
/// Existing portal users are matched, never duplicated. Users deactivated in amoCRM are
/// matched when the portal has them but never invited (an invitation would e-mail a former
/// employee). A login that is not a valid e-mail cannot be invited. Invited users get `NAME`
/// and `LAST_NAME` from the amoCRM name (first word, rest) and join `department_id`, which
/// Bitrix24 requires of intranet users.
pub fn decide_user<'a>(
    user: &AmoUser,
    portal_users: impl IntoIterator<Item = (u64, &'a str)>,
    department_id: u64,
) -> UserAction {
    if let Some(portal_id) = match_by_email(&user.email, portal_users) {
        return UserAction::Match(portal_id);
    }
    if !user.is_active {
        return UserAction::Skip(Skipped::new(
            FailureCode::UnsupportedValue,
            format!(
                "amoCRM user {} ({}) is deactivated and has no portal user; not invited, their \
                 records go to the default responsible",
                user.id, user.email
            ),
        ));
    }
    if !is_valid_email(&user.email) {
        return UserAction::Skip(Skipped::new(
            FailureCode::InvalidValue,
            format!(
                "amoCRM user {} has the login {:?}, which is not an e-mail an invitation can \
                 go to; their records go to the default responsible",
                user.id, user.email
            ),
        ));
    }

    let mut fields = Fields::new();
    fields.insert("EMAIL".into(), json!(user.email.trim()));
    let mut parts = user.name.split_whitespace();
    if let Some(first) = parts.next() {
        fields.insert("NAME".into(), json!(first));
    }
    let rest = parts.collect::<Vec<_>>().join(" ");
    if !rest.is_empty() {
        fields.insert("LAST_NAME".into(), json!(rest));
    }
    fields.insert("UF_DEPARTMENT".into(), json!([department_id]));
    UserAction::Invite(fields)
}
