//! Users (D1): amoCRM users are matched to portal users by e-mail (the amoCRM login), and every
//! record's responsible user is the matched portal user, else the default responsible (the
//! user running the migration).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
