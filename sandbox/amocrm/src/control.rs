//! [`Control`]: the test-side handle on a running sandbox (OAuth codes, faults, clock,
//! call log, account switches, state), shared with the `/__sandbox/` endpoints.

use std::sync::{Arc, Mutex, MutexGuard};

use secrecy::ExposeSecret;
use serde_json::{Value, json};

use crate::auth::AuthState;
use crate::calls::{CallLog, CallRecord};
use crate::clock::SandboxClock;
use crate::config::SandboxConfig;
use crate::drift::Drift;
use crate::faults::{ChaosMode, FaultKind, FaultRule, Faults};
use crate::generator::{Account, EntityKind};
use crate::limiter::RateLimiter;

/// Switches describing the account's standing.
#[derive(Debug)]
pub(crate) struct Standing {
    /// Current subdomain.
    pub subdomain: String,
    /// Sandbox time the subscription expired at, if it did.
    pub subscription_expired_at: Option<i64>,
}

/// Everything the server and the control handle share.
pub(crate) struct Shared {
    pub config: SandboxConfig,
    pub account: Account,
    pub base_url: String,
    pub clock: SandboxClock,
    pub auth: Mutex<AuthState>,
    pub faults: Mutex<Faults>,
    pub calls: Mutex<CallLog>,
    pub limiter: Mutex<RateLimiter>,
    pub standing: Mutex<Standing>,
    pub drift: Mutex<Drift>,
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Handle to drive a running sandbox from tests.
#[derive(Clone)]
pub struct Control {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for Control {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Control")
            .field("base_url", &self.shared.base_url)
            .finish()
    }
}

impl Control {
    /// The generated account the sandbox serves.
    pub fn account(&self) -> &Account {
        &self.shared.account
    }

    /// The integration id (`client_id`).
    pub fn client_id(&self) -> String {
        lock(&self.shared.auth).client_id.clone()
    }

    /// The integration secret (`client_secret`).
    pub fn client_secret(&self) -> String {
        lock(&self.shared.auth)
            .client_secret()
            .expose_secret()
            .to_string()
    }

    /// The redirect URI the integration was registered with.
    pub fn redirect_uri(&self) -> String {
        self.shared.config.redirect_uri.clone()
    }

    /// Legacy credentials of the admin: (login e-mail, API key).
    pub fn legacy_credentials(&self) -> (String, String) {
        let login = self.shared.account.users()[0].email.clone();
        (
            login,
            lock(&self.shared.auth).api_key.expose_secret().to_string(),
        )
    }

    /// Issues an authorization code, as copying it from the integration's modal does.
    pub fn issue_code(&self) -> String {
        let now = self.shared.clock.now();
        lock(&self.shared.auth).issue_code(now, self.shared.config.code_lifetime)
    }

    /// Fails the next `times` requests under `path_prefix` with `kind`.
    pub fn inject_fault(&self, path_prefix: &str, kind: FaultKind, times: u32) {
        let rule = FaultRule {
            path_prefix: path_prefix.to_string(),
            kind,
            times,
        };
        lock(&self.shared.faults).push(rule);
    }

    /// Switches random faults on (`Some`) or off (`None`).
    pub fn set_chaos(&self, chaos: Option<ChaosMode>) {
        lock(&self.shared.faults).set_chaos(chaos);
    }

    /// Removes every pending fault and the random mode.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Moves the sandbox clock by `seconds` (token and code expiry follow it).
    pub fn advance_clock(&self, seconds: i64) {
        self.shared.clock.advance(seconds);
    }

    /// Current sandbox time, Unix seconds.
    pub fn now(&self) -> i64 {
        self.shared.clock.now()
    }

    /// Every call received so far (up to the log capacity), oldest first.
    pub fn calls(&self) -> Vec<CallRecord> {
        lock(&self.shared.calls).snapshot()
    }

    /// Empties the call log.
    pub fn clear_calls(&self) {
        lock(&self.shared.calls).clear();
    }

    /// Revokes every token and session (the admin disabled the integration).
    pub fn revoke_integration(&self) {
        lock(&self.shared.auth).revoke_all();
    }

    /// Lifts a 403 rate-abuse block.
    pub fn unblock(&self) {
        lock(&self.shared.limiter).unblock();
    }

    /// Whether the account's API is blocked for rate abuse.
    pub fn is_blocked(&self) -> bool {
        lock(&self.shared.limiter).is_blocked()
    }

    /// Marks the subscription expired at `at` (sandbox time), or paid again with `None`.
    pub fn set_subscription_expired_at(&self, at: Option<i64>) {
        lock(&self.shared.standing).subscription_expired_at = at;
    }

    /// Renames the account's subdomain (seen by the subdomain discovery endpoint).
    pub fn rename_subdomain(&self, subdomain: &str) {
        lock(&self.shared.standing).subdomain = subdomain.to_string();
    }

    /// Deletes a lead, contact or company while the sandbox serves (paging clients
    /// then see later records shift one place forward). False if the id is not live.
    pub fn delete_record(&self, kind: EntityKind, id: u64) -> bool {
        let account = &self.shared.account;
        let mut drift = lock(&self.shared.drift);
        let index = drift.live(account, kind).index_of(account, kind, id);
        index.is_some_and(|index| drift.remove(account, kind, index))
    }

    /// Appends `count` new records of a kind (created after every existing one) and
    /// returns their ids; generate them with the account's accessors at the same index.
    pub fn append_records(&self, kind: EntityKind, count: u64) -> Vec<u64> {
        let account = &self.shared.account;
        let indexes = lock(&self.shared.drift).append(account, kind, count);
        indexes
            .into_iter()
            .map(|index| account.id_of(kind, index))
            .collect()
    }

    /// The whole state as JSON: config, counts, credentials counts, faults, clock; never
    /// the records themselves and never a credential.
    pub fn state(&self) -> Value {
        let account = &self.shared.account;
        let counts: serde_json::Map<String, Value> = EntityKind::ALL
            .iter()
            .map(|kind| (kind.plural().to_string(), json!(account.count(*kind))))
            .collect();
        let (codes, access, refresh) = lock(&self.shared.auth).counts();
        let faults = lock(&self.shared.faults);
        let standing = lock(&self.shared.standing);
        let calls = lock(&self.shared.calls).total();
        let (deleted, appended) = lock(&self.shared.drift).totals();
        json!({
            "url": self.shared.base_url,
            "config": self.shared.config,
            "account_id": account.account_id(),
            "subdomain": standing.subdomain,
            "subscription_expired_at": standing.subscription_expired_at,
            "counts": counts,
            "users": account.users().len(),
            "pipelines": account.pipelines().len(),
            "unsorted": account.unsorted_count(),
            "clock": {"now": self.shared.clock.now(), "offset": self.shared.clock.offset()},
            "oauth": {"codes_issued": codes, "access_tokens": access, "refresh_tokens": refresh},
            "faults": {"rules": faults.rules(), "chaos": faults.chaos()},
            "rate_limit": {"blocked": lock(&self.shared.limiter).is_blocked()},
            "calls_received": calls,
            "drift": {"deleted": deleted, "appended": appended},
        })
    }
}
