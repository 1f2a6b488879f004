//! The portal's Bitrix24 plan (tariff), read from `app.info`'s `LICENSE` code, and the limit it
//! puts on deal pipelines (B5, B6).
//!
//! Bitrix24 counts every deal pipeline of a portal, the main one included, against a per-plan
//! limit that REST does not expose, so the limit is mapped here from the plan code. A choice of
//! pipeline targets that would need more new pipelines than the plan allows is refused by
//! [`check_pipeline_targets`] before the run writes anything.
//!
//! Limits by plan key (pipelines in all, the main one included):
//!
//! | plan key | name | pipelines | where the number comes from |
//! |---|---|---|---|
//! | `project` | Free («Бесплатный», formerly «Проект») | 1 | the manual |
//! | `tasks` | «Задачи+» | 1 | the manual |
//! | `tf` | «Проект+» | 1 | not given anywhere: treated as the free plan it extends |
//! | `basic` | «Базовый» | 1 | not given anywhere: the most restrictive limit |
//! | `start` | «Старт+» | 2 | the manual |
//! | `team` | «Команда» | 10 | the manual |
//! | `crm` | «CRM+» | 10 | the manual |
//! | `std` | «Стандартный» | 10 | the reference's restriction text of the Standard plan |
//! | `demo`, `company*`, `pro*`, `ent*`, `corporation` | | no limit | the manual ("и выше") |
//! | `nfr`, `selfhosted` | | no limit | a full partner licence; self-hosted has no cloud tariff |
//! | anything else | | 1 | unknown: the most restrictive limit, said so in every message |

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::settings::PipelineTarget;

/// A Bitrix24 plan, as far as pipeline limits tell plans apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// The free plan (`project`), «Бесплатный».
    Free,
    /// «Проект+» (`tf`).
    ProjectPlus,
    /// «Задачи+» (`tasks`).
    TasksPlus,
    /// «Базовый» (`basic`).
    Basic,
    /// «Старт+» (`start`).
    StartPlus,
    /// «Команда» (`team`).
    Team,
    /// «CRM+» (`crm`).
    CrmPlus,
    /// «Стандартный» (`std`).
    Standard,
    /// «Компания» (`company`, `company2`, `company3`).
    Company,
    /// «Профессиональный» (`pro`, `pro100`).
    Professional,
    /// «Энтерпрайз» (`ent`, `ent250` ... `ent10000`).
    Enterprise,
    /// «Корпорация» (`corporation`).
    Corporation,
    /// The demo mode of any plan (`demo`).
    Demo,
    /// A partner's not-for-resale licence (`nfr`).
    Nfr,
    /// A self-hosted («коробочная») installation (`selfhosted`).
    SelfHosted,
    /// A code this product does not know.
    Unknown,
}

impl Tier {
    /// The tier of a plan key (the part of `LICENSE` after the language).
    pub fn from_key(key: &str) -> Tier {
        let key = key.trim().to_ascii_lowercase();
        let family = key.trim_end_matches(|c: char| c.is_ascii_digit());
        match family {
            "project" | "free" => Tier::Free,
            "tf" => Tier::ProjectPlus,
            "tasks" => Tier::TasksPlus,
            "basic" => Tier::Basic,
            "start" => Tier::StartPlus,
            "team" => Tier::Team,
            "crm" => Tier::CrmPlus,
            "std" => Tier::Standard,
            "company" => Tier::Company,
            "pro" => Tier::Professional,
            "ent" => Tier::Enterprise,
            "corporation" => Tier::Corporation,
            "demo" => Tier::Demo,
            "nfr" => Tier::Nfr,
            "selfhosted" => Tier::SelfHosted,
            _ => Tier::Unknown,
        }
    }

    /// The plan's name as a portal administrator knows it (Russian names where the manual uses
    /// them).
    pub fn name(self) -> &'static str {
        match self {
            Tier::Free => "Free («Бесплатный»)",
            Tier::ProjectPlus => "«Проект+»",
            Tier::TasksPlus => "«Задачи+»",
            Tier::Basic => "Basic («Базовый»)",
            Tier::StartPlus => "«Старт+»",
            Tier::Team => "«Команда»",
            Tier::CrmPlus => "«CRM+»",
            Tier::Standard => "Standard («Стандартный»)",
            Tier::Company => "«Компания»",
            Tier::Professional => "Professional («Профессиональный»)",
            Tier::Enterprise => "Enterprise («Энтерпрайз»)",
            Tier::Corporation => "«Корпорация»",
            Tier::Demo => "Demo («Демо»)",
            Tier::Nfr => "NFR (partner licence)",
            Tier::SelfHosted => "self-hosted Bitrix24",
            Tier::Unknown => "an unknown plan",
        }
    }

    /// How many deal pipelines the plan allows, the main one included.
    pub fn pipeline_limit(self) -> PipelineLimit {
        match self {
            Tier::Free | Tier::ProjectPlus | Tier::TasksPlus | Tier::Basic | Tier::Unknown => {
                PipelineLimit::Total(1)
            }
            Tier::StartPlus => PipelineLimit::Total(2),
            Tier::Team | Tier::CrmPlus | Tier::Standard => PipelineLimit::Total(10),
            Tier::Company
            | Tier::Professional
            | Tier::Enterprise
            | Tier::Corporation
            | Tier::Demo
            | Tier::Nfr
            | Tier::SelfHosted => PipelineLimit::Unlimited,
        }
    }
}

/// How many deal pipelines a portal may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "pipelines")]
pub enum PipelineLimit {
    /// At most this many, the main pipeline included (so `Total(1)` means main only).
    Total(usize),
    /// No limit.
    Unlimited,
}

impl PipelineLimit {
    /// How many pipelines may be added to a portal that holds `existing` (main included).
    /// `None` means any number.
    pub fn room_for_new(self, existing: usize) -> Option<usize> {
        match self {
            PipelineLimit::Total(total) => Some(total.saturating_sub(existing.max(1))),
            PipelineLimit::Unlimited => None,
        }
    }
}

impl fmt::Display for PipelineLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PipelineLimit::Total(1) => f.write_str("the main pipeline only"),
            PipelineLimit::Total(total) => {
                let more = total.saturating_sub(1);
                let noun = if more == 1 { "pipeline" } else { "pipelines" };
                write!(
                    f,
                    "the main pipeline and {more} more {noun} ({total} in all)"
                )
            }
            PipelineLimit::Unlimited => f.write_str("any number of pipelines"),
        }
    }
}

/// The plan of one portal, as `app.info` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The `LICENSE` code as read, e.g. `ru_team`.
    pub license: String,
    /// What the code means.
    pub tier: Tier,
    /// While the portal is on a demo: the plan it returns to (`LICENSE_PREVIOUS`).
    pub after_demo: Option<Tier>,
}

impl Plan {
    /// Parses `app.info`'s `LICENSE` (`{lang}_{plan key}`, e.g. `ru_ent250`); a code without
    /// a language part is taken as the key itself. Unknown codes give [`Tier::Unknown`], which
    /// has the most restrictive limit.
    pub fn from_license(license: &str) -> Plan {
        let license = license.trim();
        let key = license.split_once('_').map_or(license, |(_, key)| key);
        Plan {
            license: license.to_owned(),
            tier: Tier::from_key(key),
            after_demo: None,
        }
    }

    /// Parses `LICENSE` together with `LICENSE_PREVIOUS`, which `app.info` adds while the
    /// portal is on a demo.
    pub fn from_app_info(license: &str, license_previous: Option<&str>) -> Plan {
        let mut plan = Plan::from_license(license);
        if plan.tier == Tier::Demo {
            plan.after_demo = license_previous
                .filter(|previous| !previous.trim().is_empty())
                .map(|previous| Plan::from_license(previous).tier);
        }
        plan
    }

    /// How many deal pipelines the portal may hold now.
    pub fn pipeline_limit(&self) -> PipelineLimit {
        self.tier.pipeline_limit()
    }

    /// A sentence to show next to the pipeline choice when the plan needs a word of warning:
    /// an unknown code, or a demo that will end.
    pub fn caution(&self) -> Option<String> {
        if self.tier == Tier::Unknown {
            return Some(format!(
                "The portal reports the plan code {:?}, which this app does not know; it \
                 assumes the strictest limit (the main pipeline only).",
                self.license
            ));
        }
        let previous = self.after_demo?;
        let limit = previous.pipeline_limit();
        (limit != PipelineLimit::Unlimited).then(|| {
            format!(
                "The portal is on a demo. When the demo ends it returns to {}, which allows \
                 {limit}; pipelines created now may then be locked.",
                previous.name()
            )
        })
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.tier.name(), self.license)
    }
}

/// A choice of pipeline targets the plan or the portal cannot take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// More new pipelines were asked for than the plan leaves room for. Retrying cannot help;
    /// change the targets or the plan.
    #[error(
        "Your Bitrix24 plan {plan} allows {limit}. The portal already has {existing} \
         {existing_noun}, so {room_text}, but the chosen settings ask for {requested} new \
         {requested_noun}. Send some amoCRM pipelines to the main pipeline or to an existing \
         one, or move the portal to a larger plan, then check again.{caution}",
        existing_noun = plural(*existing, "pipeline", "pipelines"),
        room_text = room_words(*room),
        requested_noun = plural(*requested, "pipeline", "pipelines"),
        caution = caution.as_deref().map(|text| format!(" {text}")).unwrap_or_default()
    )]
    TooManyNewPipelines {
        /// The plan, as `Display` shows it.
        plan: String,
        /// What the plan allows.
        limit: PipelineLimit,
        /// Pipelines on the portal now, the main one included.
        existing: usize,
        /// How many more the plan allows.
        room: usize,
        /// How many new pipelines the settings ask for.
        requested: usize,
        /// A note about an unknown plan code or a demo, if any.
        caution: Option<String>,
    },
    /// A target names a pipeline the portal does not have (deleted since it was chosen?).
    #[error(
        "The settings send an amoCRM pipeline to Bitrix24 pipeline {category_id}, which the \
         portal does not have (any more). Choose the target again."
    )]
    UnknownTargetPipeline {
        /// The Bitrix24 pipeline (deal category) id.
        category_id: u64,
    },
}

fn plural(count: usize, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 { one } else { many }
}

fn room_words(room: usize) -> String {
    match room {
        0 => "no new pipeline can be created".to_owned(),
        1 => "one more pipeline can be created".to_owned(),
        more => format!("{more} more pipelines can be created"),
    }
}

/// Checks, before anything is written, that the portal's plan can take the chosen targets.
///
/// `existing_portal_pipelines` are the ids of the deal pipelines the portal has now, as
/// `crm.category.list` returns them (the main pipeline, id 0, may be listed or not: it is always
/// counted). Every [`PipelineTarget::New`] asks for one new pipeline; every
/// [`PipelineTarget::Existing`] must name one of the portal's pipelines.
pub fn check_pipeline_targets(
    plan: &Plan,
    existing_portal_pipelines: &[u64],
    targets: impl IntoIterator<Item = PipelineTarget>,
) -> Result<(), PlanError> {
    let mut requested = 0;
    for target in targets {
        match target {
            PipelineTarget::Main => {}
            PipelineTarget::New => requested += 1,
            PipelineTarget::Existing(0) => {}
            PipelineTarget::Existing(category_id) => {
                if !existing_portal_pipelines.contains(&category_id) {
                    return Err(PlanError::UnknownTargetPipeline { category_id });
                }
            }
        }
    }

    let existing = existing_portal_pipelines
        .iter()
        .filter(|id| **id != 0)
        .count()
        + 1;
    let limit = plan.pipeline_limit();
    match limit.room_for_new(existing) {
        Some(room) if requested > room => Err(PlanError::TooManyNewPipelines {
            plan: plan.to_string(),
            limit,
            existing,
            room,
            requested,
            caution: plan.caution(),
        }),
        _ => Ok(()),
    }
}
