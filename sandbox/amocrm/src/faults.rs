//! Injected faults: per path prefix for N requests, or at random with a seeded
//! probability for chaos tests.

use serde::{Deserialize, Serialize};

use crate::generator::{Draw, Stream};

/// What an injected fault does to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with this status (429, 403, 402, 500, 502, 503, 504, ...) and its usual body.
    Status {
        /// HTTP status.
        status: u16,
    },
    /// Answer with an HTML body that is not JSON, under this status.
    NonJson {
        /// HTTP status (200 makes a "successful" garbage answer).
        status: u16,
    },
    /// Wait this long, then answer normally.
    Slow {
        /// Delay in milliseconds.
        delay_ms: u64,
    },
}

/// A fault applied to the next `times` requests whose path starts with `path_prefix`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Path prefix, e.g. `/api/v4/leads`.
    pub path_prefix: String,
    /// The fault.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many requests it hits.
    pub times: u32,
}

/// Random faults: each request fails with `probability`, the kind drawn from the seed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChaosMode {
    /// Probability in 0.0 ..= 1.0.
    pub probability: f64,
    /// Seed of the draws.
    pub seed: u64,
}

/// Pending faults.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Vec<FaultRule>,
    chaos: Option<ChaosMode>,
    draws: u64,
}

impl Faults {
    /// Adds a rule.
    pub(crate) fn push(&mut self, rule: FaultRule) {
        if rule.times > 0 {
            self.rules.push(rule);
        }
    }

    /// Switches random faults on or off.
    pub(crate) fn set_chaos(&mut self, chaos: Option<ChaosMode>) {
        self.chaos = chaos;
        self.draws = 0;
    }

    /// Removes every rule and the random mode.
    pub(crate) fn clear(&mut self) {
        self.rules.clear();
        self.chaos = None;
    }

    /// Rules still pending.
    pub(crate) fn rules(&self) -> &[FaultRule] {
        &self.rules
    }

    /// The random mode, if on.
    pub(crate) fn chaos(&self) -> Option<ChaosMode> {
        self.chaos
    }

    /// The fault for a request on `path`, consuming one use of the first matching rule.
    pub(crate) fn take(&mut self, path: &str) -> Option<FaultKind> {
        if let Some(at) = self
            .rules
            .iter()
            .position(|rule| path.starts_with(&rule.path_prefix))
        {
            let kind = self.rules[at].kind;
            self.rules[at].times -= 1;
            if self.rules[at].times == 0 {
                self.rules.remove(at);
            }
            return Some(kind);
        }

        let chaos = self.chaos?;
        self.draws += 1;
        let mut draw = Draw::new(chaos.seed, Stream::Chaos, self.draws);
        let threshold = (chaos.probability.clamp(0.0, 1.0) * 1_000_000.0) as u64;
        if draw.below(1_000_000) >= threshold {
            return None;
        }
        let kinds = [
            FaultKind::Status { status: 429 },
            FaultKind::Status { status: 500 },
            FaultKind::Status { status: 502 },
            FaultKind::Status { status: 503 },
            FaultKind::Status { status: 504 },
            FaultKind::NonJson { status: 200 },
        ];
        Some(*draw.pick(&kinds))
    }
}
