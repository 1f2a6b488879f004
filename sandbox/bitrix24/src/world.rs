//! Everything one simulated portal holds, behind one lock: data, credentials, limits, faults,
//! the call log and the clock.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};

use crate::auth::AuthState;
use crate::calllog::CallRecord;
use crate::clock::Clock;
use crate::config::{PlanLimits, SandboxConfig};
use crate::faults::Faults;
use crate::limits::bucket::LeakyBucket;
use crate::limits::operating::OperatingBudget;
use crate::portal::Portal;
use crate::rng::SeededRng;

/// Switches that put the whole portal into a special mode.
#[derive(Debug, Clone, Default)]
pub struct Modes {
    /// REST is off (free plan without Market): 403 `ACCESS_DENIED`.
    pub rest_disabled: bool,
    /// The portal was deleted: `PORTAL_DELETED` with this HTTP status.
    pub portal_deleted: Option<u16>,
    /// Whether mandatory user fields fail classic adds.
    pub enforce_mandatory_user_fields: bool,
}

/// The state of one portal.
#[derive(Debug)]
pub struct World {
    /// The configuration the portal started with.
    pub config: SandboxConfig,
    /// Current `LICENSE` code.
    pub plan: String,
    /// The portal clock (real time plus a test offset).
    pub clock: Clock,
    /// Seeded generator of ids and secrets.
    pub rng: SeededRng,
    /// CRM, tasks, users, disk.
    pub portal: Portal,
    /// Webhook, application and tokens.
    pub auth: AuthState,
    /// Request-rate limiter.
    pub bucket: LeakyBucket,
    /// Per-method execution budget.
    pub operating: OperatingBudget,
    /// Scripted and random faults.
    pub faults: Faults,
    /// Every call received.
    pub calls: Vec<CallRecord>,
    /// Address the server listens on, `127.0.0.1:PORT`.
    pub listen_host: String,
    /// The portal's current host (what `Host` must say to be served).
    pub domain: String,
    /// Earlier hosts, answered with a 302 to `domain`.
    pub old_domains: Vec<String>,
    /// Special modes.
    pub modes: Modes,
    /// The real plan while the portal is on a demo (`LICENSE_PREVIOUS`).
    pub license_previous: Option<String>,
    /// Pending `uploadUrl` uploads: token → (folder, name, user).
    pub uploads: std::collections::HashMap<String, (u64, String, u64)>,
    /// Real-time origin of the leaky bucket.
    started: Instant,
    /// Seconds the test clock was advanced (the bucket's time when it follows the test clock).
    pub advanced_secs: f64,
}

/// The lock shared by the server and the `Control` handle.
pub type SharedWorld = Arc<Mutex<World>>;

/// Locks the world; a panic in another holder does not make the data unusable here.
pub fn lock(world: &SharedWorld) -> MutexGuard<'_, World> {
    world
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl World {
    /// A new portal for `config`, listening on `listen_host`.
    pub fn new(config: SandboxConfig, listen_host: String) -> Self {
        let mut rng = SeededRng::new(config.seed);
        let auth = AuthState::new(&mut rng);
        let portal = Portal::new();
        let domain = config.domain.clone().unwrap_or_else(|| listen_host.clone());
        let modes = Modes {
            enforce_mandatory_user_fields: config.enforce_mandatory_user_fields,
            ..Modes::default()
        };
        let operating = OperatingBudget::new(config.operating_window);
        World {
            plan: config.plan.clone(),
            config,
            clock: Clock::default(),
            rng,
            portal,
            auth,
            bucket: LeakyBucket::default(),
            operating,
            faults: Faults::default(),
            calls: Vec::new(),
            listen_host,
            domain,
            old_domains: Vec::new(),
            modes,
            license_previous: None,
            uploads: std::collections::HashMap::new(),
            started: Instant::now(),
            advanced_secs: 0.0,
        }
    }

    /// Portal time.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Portal time as ISO-8601 with the portal's offset.
    pub fn now_iso(&self) -> String {
        crate::portal::dates::iso(self.now())
    }

    /// The limits of the current plan.
    pub fn limits(&self) -> PlanLimits {
        self.config.limits_for(&self.plan)
    }

    /// The leaky bucket's notion of "now", in seconds.
    pub fn bucket_now(&self) -> f64 {
        if self.config.bucket_on_test_clock {
            self.advanced_secs
        } else {
            self.started.elapsed().as_secs_f64() + self.advanced_secs
        }
    }

    /// The portal's REST base, `http://{domain}/rest/`.
    pub fn client_endpoint(&self) -> String {
        format!("http://{}/rest/", self.domain)
    }

    /// The fake auth server's REST base.
    pub fn server_endpoint(&self) -> String {
        format!("http://{}/oauth/rest/", self.listen_host)
    }

    /// Access token lifetime.
    pub fn access_life(&self) -> TimeDelta {
        TimeDelta::from_std(self.config.access_token_lifetime).unwrap_or(TimeDelta::hours(1))
    }

    /// Refresh token lifetime.
    pub fn refresh_life(&self) -> TimeDelta {
        TimeDelta::from_std(self.config.refresh_token_lifetime).unwrap_or(TimeDelta::days(180))
    }

    /// The scopes as `app.info`/OAuth print them (comma-separated).
    pub fn scope_text(&self) -> String {
        self.config.scopes.join(",")
    }

    /// Next id of a sequence (`company`, `deal`, `status`, ...), from 1.
    pub fn next_id(&mut self, sequence: &str) -> u64 {
        self.portal.next_id(sequence)
    }
}
