//! Configuration of a simulated portal: the plan, the limits it implies and the knobs tests turn.

use std::collections::BTreeMap;
use std::time::Duration;

/// Limits that follow from a plan (tariff) key such as `std` or `ent250`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanLimits {
    /// Leaky bucket capacity: how many requests may pile up before 503.
    pub bucket_capacity: f64,
    /// Leaky bucket drain rate in requests per second.
    pub bucket_drain_per_sec: f64,
    /// Deal pipelines allowed, the main one included; zero or less means unlimited.
    pub deal_category_limit: i64,
    /// Users the plan allows (`user.add` fails past it); zero or less means unlimited.
    pub user_limit: i64,
}

/// Everything a test may choose when it starts a portal.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The `app.info` `LICENSE` code, `{lang}_{plan}`, e.g. `ru_std` or `ru_ent250`.
    pub plan: String,
    /// Seed for every generated secret, id and chaos decision.
    pub seed: u64,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Per-plan limit overrides keyed by plan key (`std`, `ent250`, ...); unknown keys fall
    /// back to [`SandboxConfig::limits_for`]'s built-in table.
    pub plan_limits: BTreeMap<String, PlanLimits>,
    /// Accumulated seconds a method may run per ten-minute window before 429 (480 s).
    pub operating_limit_secs: f64,
    /// The window the operating budget sums over, in ten buckets (ten minutes on a real
    /// portal); a short one lets a test see `operating_reset_at` come and go in seconds.
    pub operating_window: Duration,
    /// Simulated execution cost of one call, in seconds, for methods not in `method_costs`.
    pub default_method_cost_secs: f64,
    /// Simulated execution cost per method name (lower case).
    pub method_costs: BTreeMap<String, f64>,
    /// Access token lifetime (3600 s).
    pub access_token_lifetime: Duration,
    /// Refresh token lifetime (180 days by current docs; 28 days by older ones).
    pub refresh_token_lifetime: Duration,
    /// Whether classic `crm.*.add` enforces mandatory user fields (portal option
    /// `rest_enable_req_uf_check`, off on real portals unless an admin enabled it).
    pub enforce_mandatory_user_fields: bool,
    /// Whether an integrator's token may call `user.add` (no REST error is documented).
    pub integrators_may_invite: bool,
    /// Answer every REST call with 400 `INVALID_REQUEST` "Https required" (cloud behaviour).
    pub require_https: bool,
    /// Scopes granted to the application and to the webhook.
    pub scopes: Vec<String>,
    /// Portal host shown in `client_endpoint` etc.; `None` means the listening `127.0.0.1:PORT`.
    pub domain: Option<String>,
    /// The leaky bucket follows the test-driven clock instead of real time.
    pub bucket_on_test_clock: bool,
    /// The `error` code of the pipeline-limit refusal (wire format unconfirmed; default `""`).
    pub pipeline_limit_error_code: String,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            plan: "ru_std".to_string(),
            seed: 24,
            port: 0,
            plan_limits: BTreeMap::new(),
            operating_limit_secs: 480.0,
            operating_window: Duration::from_secs(600),
            default_method_cost_secs: 0.01,
            method_costs: BTreeMap::new(),
            access_token_lifetime: Duration::from_secs(3600),
            refresh_token_lifetime: Duration::from_secs(180 * 24 * 3600),
            enforce_mandatory_user_fields: false,
            integrators_may_invite: false,
            require_https: false,
            scopes: ["crm", "user", "task", "disk"].map(String::from).to_vec(),
            domain: None,
            bucket_on_test_clock: false,
            pipeline_limit_error_code: String::new(),
        }
    }
}

impl SandboxConfig {
    /// The limits of a `LICENSE` code: overrides first, then the built-in table.
    ///
    /// The built-in pipeline numbers come from the reference's seed table, which no public
    /// source confirms; `basic`, `std`, `tf` and `nfr` are guesses written down there as
    /// unknown (we use 1, 10, 1 and unlimited).
    pub fn limits_for(&self, license: &str) -> PlanLimits {
        let key = plan_key(license);
        if let Some(limits) = self.plan_limits.get(key) {
            return limits.clone();
        }

        let enterprise = key.starts_with("ent");
        let (bucket_capacity, bucket_drain_per_sec) = if enterprise {
            (250.0, 5.0)
        } else {
            (50.0, 2.0)
        };
        let deal_category_limit = match key {
            "project" | "tasks" | "basic" | "tf" => 1,
            "start" => 2,
            "team" | "crm" | "std" => 10,
            _ => 0,
        };
        let user_limit = match key {
            "project" | "tasks" | "tf" => 5,
            "basic" | "start" => 5,
            "std" | "team" | "crm" => 50,
            "pro" | "pro100" | "company" => 100,
            _ => 0,
        };

        PlanLimits {
            bucket_capacity,
            bucket_drain_per_sec,
            deal_category_limit,
            user_limit,
        }
    }
}

/// The plan key of a `LICENSE` code: `ru_ent250` → `ent250`; a code without `_` is the key.
pub fn plan_key(license: &str) -> &str {
    license.split_once('_').map_or(license, |(_, key)| key)
}

/// The `LICENSE_FAMILY` of a plan key: its letters without trailing digits (`pro100` → `pro`).
pub fn plan_family(key: &str) -> &str {
    key.trim_end_matches(|c: char| c.is_ascii_digit())
}
