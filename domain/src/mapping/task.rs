//! Tasks (D8): title, description with «Отчёт» added, deadline, responsible, status, the
//! amoCRM creation date as the start and links to CRM records → `tasks.task.add` `fields`.
//!
//! - `TITLE`: the task type («Связаться», «Встреча» or the account's own type name) and the
//!   first line of the text, e.g. «Связаться: уточнить адрес доставки».
//! - `DESCRIPTION`: the text, then a line «Отчёт:» with the amoCRM result (empty when the task
//!   has none), then the origin marker (tasks have no origin fields; the marker lets a resumed
//!   run find the task).
//! - `DEADLINE` ← `complete_till`; `START_DATE_PLAN` ← `created_at`; `END_DATE_PLAN` ← the
//!   deadline, or the start when the deadline is earlier (Bitrix24 needs both plan dates and
//!   end ≥ start).
//! - `STATUS`: 5 (completed) for completed tasks, 2 (pending) otherwise.
//! - `UF_CRM_TASK`: `D_<deal>`, `C_<contact>` or `CO_<company>` of the moved record. A task of a
//!   record this run did not move still moves, without the link (the manual says so).

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{AmoEntity, Mapped, MappingContext, Skipped, text};
use crate::chunk::FailureCode;

/// The `ORIGIN_ID` kind of tasks (used in the description's marker).
pub const ORIGIN_KIND: &str = "task";

/// The heading of the report line added to every description.
pub const REPORT_HEADING: &str = "Отчёт:";

/// An amoCRM task (`GET /api/v4/tasks`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmoTask {
    /// Its id.
    pub id: u64,
    /// Its text.
    #[serde(default)]
    pub text: String,
    /// `task_type_id` (1 «Связаться», 2 «Встреча», others the account's own).
    #[serde(default)]
    pub task_type_id: Option<u64>,
    /// The name of an account-specific task type, from the account's `task_types`.
    #[serde(default)]
    pub task_type_name: Option<String>,
    /// The responsible amoCRM user.
    #[serde(default)]
    pub responsible_user_id: Option<u64>,
    /// The kind of record it is linked to, if any.
    #[serde(default)]
    pub entity: Option<AmoEntity>,
    /// The record it is linked to, if any.
    #[serde(default)]
    pub entity_id: Option<u64>,
    /// Whether it is completed.
    #[serde(default)]
    pub is_completed: bool,
    /// The deadline (Unix seconds).
    #[serde(default)]
    pub complete_till: Option<i64>,
    /// Creation time (Unix seconds).
    pub created_at: i64,
    /// The result text (`result.text`), if any.
    #[serde(default)]
    pub result: Option<String>,
}

/// The name of a task type.
pub fn task_type_name(task: &AmoTask) -> String {
    if let Some(name) = task.task_type_name.as_deref()
        && !name.trim().is_empty()
    {
        return name.trim().to_owned();
    }
    match task.task_type_id {
        Some(1) => "Связаться",
        Some(2) => "Встреча",
        _ => "Задача",
    }
    .to_owned()
}

/// The `UF_CRM_TASK` binding of a moved CRM record.
pub fn crm_binding(entity: AmoEntity, portal_id: u64) -> Option<String> {
    let prefix = match entity {
        AmoEntity::Lead => "D",
        AmoEntity::Contact => "C",
        AmoEntity::Company => "CO",
        AmoEntity::Customer => return None,
    };
    Some(format!("{prefix}_{portal_id}"))
}

/// Maps a task to `tasks.task.add` `fields`.
pub fn map_task(task: &AmoTask, context: &MappingContext) -> Mapped {
    let mut mapped = Mapped::default();
    let offset = context.utc_offset;

    let kind = task_type_name(task);
    let first_line = task
        .text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty());
    let title = match first_line {
        Some(line) => format!("{kind}: {line}"),
        None => kind,
    };
    let title = text::title(&title, "TITLE", &mut mapped.skipped);

    let report = task.result.as_deref().map(str::trim).unwrap_or("");
    let marker = context.origin.marker(ORIGIN_KIND, task.id);
    let body = task.text.trim();
    let description = if body.is_empty() {
        format!("{REPORT_HEADING} {report}\n\n{marker}")
    } else {
        format!("{body}\n\n{REPORT_HEADING} {report}\n\n{marker}")
    };
    let description = text::long_text(&description, "DESCRIPTION", &mut mapped.skipped);

    let start = task.created_at;
    let end = task.complete_till.unwrap_or(start).max(start);
    let out = &mut mapped.fields;
    out.insert("TITLE".into(), json!(title));
    out.insert("DESCRIPTION".into(), json!(description));
    out.insert(
        "RESPONSIBLE_ID".into(),
        json!(context.users.responsible(task.responsible_user_id)),
    );
    out.insert(
        "STATUS".into(),
        json!(if task.is_completed { 5 } else { 2 }),
    );
    if let Some(deadline) = task
        .complete_till
        .and_then(|at| text::iso_datetime(at, offset))
    {
        out.insert("DEADLINE".into(), json!(deadline));
    }
    if let (Some(start), Some(end)) = (
        text::iso_datetime(start, offset),
        text::iso_datetime(end, offset),
    ) {
        out.insert("START_DATE_PLAN".into(), json!(start));
        out.insert("END_DATE_PLAN".into(), json!(end));
    }

    write_binding(task, context, &mut mapped);
    mapped
}

fn write_binding(task: &AmoTask, context: &MappingContext, mapped: &mut Mapped) {
    let (Some(entity), Some(amo_id)) = (task.entity, task.entity_id) else {
        return;
    };
    let binding = context
        .ids
        .portal_id(entity, amo_id)
        .and_then(|portal_id| crm_binding(entity, portal_id));
    match binding {
        Some(binding) => {
            mapped.fields.insert("UF_CRM_TASK".into(), json!([binding]));
        }
        None => mapped.skipped.push(Skipped::new(
            FailureCode::ParentNotMoved,
            format!(
                "task {} moved without its link to amoCRM {} {}: that record was not moved by \
                 this run",
                task.id,
                entity.as_str(),
                amo_id
            ),
        )),
    }
}
