//! Pipelines and their statuses (`GET /api/v4/leads/pipelines`).
//!
//! Every pipeline holds the system statuses 142 (won) and 143 (lost) and one unsorted
//! status (`type == 1`); ids 142/143 repeat across pipelines, so a status is keyed by
//! `(pipeline_id, status_id)`.

use serde::Deserialize;

use crate::lenient;

/// Id of the system "won" status in every pipeline.
pub const WON_STATUS_ID: i64 = 142;
/// Id of the system "lost" status in every pipeline.
pub const LOST_STATUS_ID: i64 = 143;

/// A sales pipeline.
#[derive(Debug, Clone, Deserialize)]
pub struct Pipeline {
    /// Pipeline id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Position.
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub sort: i64,
    /// Whether this is the main pipeline.
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub is_main: bool,
    /// Whether the pipeline is archived (archived pipelines still hold leads).
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub is_archive: bool,
    /// Statuses.
    #[serde(rename = "_embedded", default)]
    pub embedded: PipelineEmbedded,
}

impl Pipeline {
    /// The pipeline's statuses.
    pub fn statuses(&self) -> &[Status] {
        &self.embedded.statuses
    }
}

/// The embedded part of a pipeline.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PipelineEmbedded {
    /// Statuses of the pipeline.
    #[serde(default, deserialize_with = "lenient::list")]
    pub statuses: Vec<Status>,
}

/// A status (stage) of a pipeline.
#[derive(Debug, Clone, Deserialize)]
pub struct Status {
    /// Status id (142 and 143 repeat across pipelines).
    pub id: i64,
    /// Name.
    pub name: String,
    /// Position.
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub sort: i64,
    /// Whether users may edit it.
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub is_editable: bool,
    /// Owning pipeline.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub pipeline_id: Option<i64>,
    /// Colour.
    #[serde(default)]
    pub color: Option<String>,
    /// 1 = the unsorted status, 0 = any other.
    #[serde(rename = "type", default, deserialize_with = "lenient::i64_or_zero")]
    pub kind: i64,
}

impl Status {
    /// Whether this is the system "won" status.
    pub fn is_won(&self) -> bool {
        self.id == WON_STATUS_ID
    }

    /// Whether this is the system "lost" status.
    pub fn is_lost(&self) -> bool {
        self.id == LOST_STATUS_ID
    }

    /// Whether this is the pipeline's unsorted status (recognised by type, never name).
    pub fn is_unsorted(&self) -> bool {
        self.kind == 1
    }
}
