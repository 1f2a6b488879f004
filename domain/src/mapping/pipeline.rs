//! Pipelines and stages (D5): where each amoCRM status lands in its target Bitrix24 pipeline.
//!
//! Rules:
//! - amoCRM's system statuses take the Bitrix24 system stages: «Первичный контакт» → the first
//!   stage («Новая», `NEW`), 142 «Успешно реализовано» → the success stage («Сделка успешна»,
//!   `WON`), 143 «Закрыто и не реализовано» → the first failure stage («Сделка провалена»,
//!   `LOSE`). Unsorted («Неразобранное», recognised by `type == 1`) also lands in the first
//!   stage.
//! - In a merged pipeline (the main one or an existing one, B5) a status whose name equals an
//!   in-progress stage's name (case and outer spaces ignored) uses that stage; the others are
//!   created after the pipeline's in-progress stages, in amoCRM's order.
//! - In a pipeline created by the run, the default stages Bitrix24 adds that no status uses
//!   (`PREPARATION`, `PREPAYMENT_INVOICE`, `EXECUTING`, `FINAL_INVOICE`, `APOLOGY`) are deleted,
//!   so the pipeline looks like the amoCRM one.
//! - Stage ids follow the reference (§5.7): the main pipeline's `ENTITY_ID` is `DEAL_STAGE` and
//!   its `STATUS_ID`s have no prefix; pipeline N has `DEAL_STAGE_N` and `CN:` prefixed ids; ids
//!   are at most 21 characters. Created stages get the code `AMO<status id>` (the stages'
//!   equivalent of an origin marker), e.g. `C7:AMO142381`.
//! - Bitrix24 keeps in-progress stages before the success stage and failure stages after it;
//!   when the created stages need more room, the plan moves the success and failure stages
//!   further down ([`StagePlan::resorts`], applied before creating).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Fields, MappingFailure, Origin, Skipped, text};
use crate::chunk::FailureCode;

/// The `ORIGIN_ID` kind of pipelines.
pub const ORIGIN_KIND: &str = "pipeline";

/// The longest `STATUS_ID` Bitrix24 keeps.
pub const MAX_STAGE_ID_CHARS: usize = 21;

/// amoCRM's status id of «Успешно реализовано» in every pipeline.
pub const AMO_WON: u64 = 142;

/// amoCRM's status id of «Закрыто и не реализовано» in every pipeline.
pub const AMO_LOST: u64 = 143;

/// The name of amoCRM's first system-like status, which takes Bitrix24's «Новая».
pub const AMO_FIRST_CONTACT: &str = "Первичный контакт";

/// An amoCRM status (`_embedded.statuses[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmoStatus {
    /// Its id (142 and 143 repeat across pipelines).
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its position.
    #[serde(default)]
    pub sort: i64,
    /// 1 for unsorted («Неразобранное»), 0 otherwise.
    #[serde(rename = "type", default)]
    pub kind: i64,
    /// `#rrggbb`, if any.
    #[serde(default)]
    pub color: Option<String>,
}

/// An amoCRM pipeline with its statuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmoPipeline {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its position.
    #[serde(default)]
    pub sort: i64,
    /// Whether it is the account's main pipeline.
    #[serde(default)]
    pub is_main: bool,
    /// Its statuses.
    #[serde(default)]
    pub statuses: Vec<AmoStatus>,
}

/// What a Bitrix24 stage means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Semantics {
    /// In progress (`SEMANTICS` null).
    Process,
    /// Success (`S`).
    Success,
    /// Failure (`F`).
    Failure,
}

impl Semantics {
    /// From `crm.status.list`'s `SEMANTICS` (`S`, `F`, null or empty).
    pub fn from_code(code: Option<&str>) -> Semantics {
        match code.map(str::trim) {
            Some("S") => Semantics::Success,
            Some("F") => Semantics::Failure,
            _ => Semantics::Process,
        }
    }
}

/// A stage the portal has (`crm.status.list` for the pipeline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalStage {
    /// `STATUS_ID`, e.g. `NEW` or `C7:WON`.
    pub status_id: String,
    /// `NAME`.
    pub name: String,
    /// `SORT`.
    pub sort: i64,
    /// `SEMANTICS`.
    pub semantics: Semantics,
    /// `SYSTEM == "Y"`.
    pub system: bool,
}

/// A stage to create with `crm.status.add`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStage {
    /// The amoCRM status it stands for.
    pub amo_status_id: u64,
    /// `STATUS_ID`, prefixed for pipelines other than the main one.
    pub status_id: String,
    /// `NAME`.
    pub name: String,
    /// `SORT`.
    pub sort: i64,
    /// `COLOR`, if amoCRM has one.
    pub color: Option<String>,
}

/// What to do to one target pipeline's stages, and where each amoCRM status lands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagePlan {
    /// The Bitrix24 pipeline (deal category) id; 0 for the main one.
    pub category_id: u64,
    /// `ENTITY_ID` of its stages.
    pub entity_id: String,
    /// Stages to move further down (`crm.status.update` `SORT`) before creating: `(STATUS_ID,
    /// SORT)`.
    pub resorts: Vec<(String, i64)>,
    /// Stages to create, in order.
    pub create: Vec<NewStage>,
    /// Default stages of a pipeline created by the run that no status uses: `STATUS_ID`s to
    /// delete.
    pub delete: Vec<String>,
    /// amoCRM status id → `STATUS_ID`.
    pub by_amo_status: BTreeMap<u64, String>,
    /// Names shortened on the way.
    pub skipped: Vec<Skipped>,
}

impl StagePlan {
    /// The `fields` of `crm.status.add` for one stage to create.
    pub fn create_fields(&self, stage: &NewStage) -> Fields {
        let mut fields = Fields::new();
        fields.insert("ENTITY_ID".into(), json!(self.entity_id));
        fields.insert("STATUS_ID".into(), json!(stage.status_id));
        fields.insert("NAME".into(), json!(stage.name));
        fields.insert("SORT".into(), json!(stage.sort));
        if let Some(color) = &stage.color {
            fields.insert("COLOR".into(), json!(color));
        }
        fields
    }
}

/// The `fields` of `crm.category.add` for a new pipeline: its name (cut to 255 characters),
/// its sort and the origin marker.
pub fn new_pipeline_fields(
    pipeline: &AmoPipeline,
    origin: &Origin,
    skipped: &mut Vec<Skipped>,
) -> Fields {
    let name = if pipeline.name.trim().is_empty() {
        format!("Воронка amoCRM #{}", pipeline.id)
    } else {
        text::title(&pipeline.name, "pipeline name", skipped)
    };

    let mut fields = Fields::new();
    fields.insert("name".into(), json!(name));
    fields.insert("sort".into(), json!(pipeline.sort.max(0)));
    fields.insert("originatorId".into(), json!(origin.originator_id()));
    fields.insert(
        "originId".into(),
        json!(Origin::origin_id(ORIGIN_KIND, pipeline.id)),
    );
    fields
}

/// The `ENTITY_ID` of a pipeline's stages.
pub fn stage_entity_id(category_id: u64) -> String {
    match category_id {
        0 => "DEAL_STAGE".to_owned(),
        id => format!("DEAL_STAGE_{id}"),
    }
}

/// The `STATUS_ID` of a stage code in a pipeline: `CODE` in the main one, `CN:CODE` in
/// pipeline N, cut to 21 characters.
pub fn stage_id(category_id: u64, code: &str) -> String {
    let full = match category_id {
        0 => code.to_owned(),
        id => format!("C{id}:{code}"),
    };
    full.chars().take(MAX_STAGE_ID_CHARS).collect()
}

/// The code of the stage created for an amoCRM status.
pub fn created_stage_code(amo_status_id: u64) -> String {
    format!("AMO{amo_status_id}")
}

fn same_name(left: &str, right: &str) -> bool {
    left.trim().to_lowercase() == right.trim().to_lowercase()
}

/// Plans the stages of one target pipeline.
///
/// `existing` are its stages as `crm.status.list` returns them now (for a pipeline just
/// created, the defaults Bitrix24 added); `created_now` says whether the run created the
/// pipeline (then unused default stages are deleted).
///
/// # Errors
/// [`FailureCode::MissingReference`] when the pipeline lacks a first, success or failure
/// stage (a portal administrator removed them): nothing can land there.
pub fn plan_stages(
    pipeline: &AmoPipeline,
    category_id: u64,
    created_now: bool,
    existing: &[PortalStage],
) -> Result<StagePlan, MappingFailure> {
    let mut existing: Vec<&PortalStage> = existing.iter().collect();
    existing.sort_by_key(|stage| stage.sort);
    let first = find(&existing, Semantics::Process, "first", category_id)?;
    let success = find(&existing, Semantics::Success, "success", category_id)?;
    let failure = find(&existing, Semantics::Failure, "failure", category_id)?;

    let mut plan = StagePlan {
        category_id,
        entity_id: stage_entity_id(category_id),
        resorts: Vec::new(),
        create: Vec::new(),
        delete: Vec::new(),
        by_amo_status: BTreeMap::new(),
        skipped: Vec::new(),
    };
    let mut used: BTreeSet<&str> = [first, success, failure]
        .iter()
        .map(|stage| stage.status_id.as_str())
        .collect();

    let mut statuses: Vec<&AmoStatus> = pipeline.statuses.iter().collect();
    statuses.sort_by_key(|status| (status.sort, status.id));
    for status in statuses {
        let landing = if status.kind == 1 || same_name(&status.name, AMO_FIRST_CONTACT) {
            first.status_id.clone()
        } else if status.id == AMO_WON {
            success.status_id.clone()
        } else if status.id == AMO_LOST {
            failure.status_id.clone()
        } else if let Some(stage) = existing.iter().find(|stage| {
            stage.semantics == Semantics::Process
                && (same_name(&stage.name, &status.name)
                    || stage.status_id == stage_id(category_id, &created_stage_code(status.id)))
        }) {
            used.insert(stage.status_id.as_str());
            stage.status_id.clone()
        } else {
            let status_id = stage_id(category_id, &created_stage_code(status.id));
            let name = text::title(&status.name, "stage name", &mut plan.skipped);
            plan.create.push(NewStage {
                amo_status_id: status.id,
                status_id: status_id.clone(),
                name,
                sort: 0,
                color: status.color.clone(),
            });
            status_id
        };
        plan.by_amo_status.insert(status.id, landing);
    }

    if created_now {
        plan.delete = existing
            .iter()
            .filter(|stage| !stage.system && !used.contains(stage.status_id.as_str()))
            .map(|stage| stage.status_id.clone())
            .collect();
    }
    assign_sorts(&mut plan, &existing, success);
    Ok(plan)
}

fn find<'a>(
    existing: &[&'a PortalStage],
    semantics: Semantics,
    what: &str,
    category_id: u64,
) -> Result<&'a PortalStage, MappingFailure> {
    existing
        .iter()
        .find(|stage| stage.semantics == semantics)
        .copied()
        .ok_or_else(|| {
            MappingFailure::new(
                FailureCode::MissingReference,
                format!(
                    "Bitrix24 pipeline {category_id} has no {what} stage; restore it in the \
                     pipeline's settings, then resume"
                ),
            )
        })
}

/// Gives created stages sorts after the kept in-progress stages, and moves the success and
/// failure stages down when they would otherwise come first.
fn assign_sorts(plan: &mut StagePlan, existing: &[&PortalStage], success: &PortalStage) {
    let kept = |stage: &&&PortalStage| !plan.delete.contains(&stage.status_id);
    let last_process = existing
        .iter()
        .filter(kept)
        .filter(|stage| stage.semantics == Semantics::Process)
        .map(|stage| stage.sort)
        .max()
        .unwrap_or(0);

    let mut sort = last_process;
    for stage in &mut plan.create {
        sort += 10;
        stage.sort = sort;
    }
    if plan.create.is_empty() || sort < success.sort {
        return;
    }

    let mut resorts = vec![(success.status_id.clone(), sort + 10)];
    let mut next = sort + 20;
    for stage in existing.iter().filter(kept) {
        if stage.semantics == Semantics::Failure {
            resorts.push((stage.status_id.clone(), next));
            next += 10;
        }
    }
    plan.resorts = resorts;
}

/// Where a deal lands: its pipeline and stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealStage {
    /// `CATEGORY_ID`.
    pub category_id: u64,
    /// `STAGE_ID`.
    pub stage_id: String,
}

/// Every amoCRM `(pipeline, status)` of the run → its Bitrix24 pipeline and stage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageMap {
    stages: BTreeMap<(u64, u64), DealStage>,
}

impl StageMap {
    /// An empty map.
    pub fn new() -> StageMap {
        StageMap::default()
    }

    /// Adds the landings of one amoCRM pipeline's plan.
    pub fn add_plan(&mut self, amo_pipeline_id: u64, plan: &StagePlan) {
        for (status, stage_id) in &plan.by_amo_status {
            self.stages.insert(
                (amo_pipeline_id, *status),
                DealStage {
                    category_id: plan.category_id,
                    stage_id: stage_id.clone(),
                },
            );
        }
    }

    /// Where a deal of this amoCRM pipeline and status lands.
    pub fn landing(&self, amo_pipeline_id: u64, amo_status_id: u64) -> Option<&DealStage> {
        self.stages.get(&(amo_pipeline_id, amo_status_id))
    }

    /// Whether any status of this amoCRM pipeline has a landing (the pipeline was chosen).
    pub fn has_pipeline(&self, amo_pipeline_id: u64) -> bool {
        self.stages
            .range((amo_pipeline_id, 0)..=(amo_pipeline_id, u64::MAX))
            .next()
            .is_some()
    }
}
