//! Tasks (`tasks.task.add|delete`), their comments (`task.commentitem.add`) and results.
//!
//! Input keys are upper case, output keys camelCase inside a `{"task": …}` wrapper. The
//! task's report («Отчёт») is written as a comment by the responsible user and then marked as
//! the task's result with `tasks.task.result.addFromComment`, which works for the classic
//! task card; the REST 3.0 `tasks.task.result.add` of the new card is not used here because
//! this client speaks the classic `/rest/` protocol only.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::client::{B24Client, decode_result, params_of};
use crate::error::B24Result;
use crate::methods::crm::{is_not_found, new_id};

/// `fields` of `tasks.task.add`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct TaskFields {
    /// Title (required).
    pub title: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Deadline, ISO-8601.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// Planned start (must come with the planned end).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date_plan: Option<String>,
    /// Planned end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date_plan: Option<String>,
    /// Responsible user (required).
    pub responsible_id: u64,
    /// Creator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<u64>,
    /// 2 pending, 3 in progress, 4 awaiting control, 5 completed, 6 deferred.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u32>,
    /// CRM bindings such as `D_12`, `C_5`, `CO_7`.
    #[serde(rename = "UF_CRM_TASK", skip_serializing_if = "Vec::is_empty")]
    pub crm_bindings: Vec<String>,
}

#[derive(Deserialize)]
struct TaskAnswer {
    task: TaskId,
}

#[derive(Deserialize)]
struct TaskId {
    #[serde(deserialize_with = "crate::lenient::id")]
    id: u64,
}

impl B24Client {
    /// `tasks.task.add`: creates a task and returns its id.
    ///
    /// # Errors
    /// Any call error (validation texts come as `ERROR_CORE`).
    pub async fn add_task(&self, task: &TaskFields) -> B24Result<u64> {
        let params = json!({"fields": params_of("tasks.task.add", task)?});
        let answer: TaskAnswer = self.call_as("tasks.task.add", params).await?;
        Ok(answer.task.id)
    }

    /// `tasks.task.delete`; a task already gone counts as deleted.
    ///
    /// # Errors
    /// Any call error (for example no right to delete).
    pub async fn delete_task(&self, task_id: u64) -> B24Result<()> {
        match self
            .call("tasks.task.delete", json!({"taskId": task_id}))
            .await
        {
            Ok(_) => Ok(()),
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// `task.commentitem.add`: a comment on a task, optionally as another user; returns the
    /// comment id.
    ///
    /// # Errors
    /// Any call error.
    pub async fn add_task_comment(
        &self,
        task_id: u64,
        message: &str,
        author_id: Option<u64>,
    ) -> B24Result<u64> {
        let mut fields = json!({"POST_MESSAGE": message});
        if let Some(author_id) = author_id {
            fields["AUTHOR_ID"] = Value::from(author_id);
        }

        let params = json!({"TASKID": task_id, "FIELDS": fields});
        let envelope = self.call("task.commentitem.add", params).await?;
        new_id("task.commentitem.add", &envelope.result)
    }

    /// Writes the task's report: a comment, then marked as the task's result. Returns the
    /// comment id.
    ///
    /// # Errors
    /// Any call error of either step; if the second fails the comment stays as a comment.
    pub async fn add_task_report(
        &self,
        task_id: u64,
        report: &str,
        author_id: Option<u64>,
    ) -> B24Result<u64> {
        let comment_id = self.add_task_comment(task_id, report, author_id).await?;

        let params = json!({"commentId": comment_id});
        let envelope = self
            .call("tasks.task.result.addFromComment", params)
            .await?;
        let _: Value = decode_result("tasks.task.result.addFromComment", envelope.result)?;
        Ok(comment_id)
    }
}
