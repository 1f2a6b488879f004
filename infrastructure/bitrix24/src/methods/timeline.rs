//! Timeline comments (`crm.timeline.comment.add|delete`): the lightest home for notes. The
//! author is always the token's user; the portal documents no way to set another one, and
//! comments have no origin fields, so the caller must keep its own record of what it created.

use serde_json::json;

use crate::client::B24Client;
use crate::error::B24Result;
use crate::methods::crm::{CrmEntity, is_not_found, new_id};
use crate::methods::files::FileContent;

impl B24Client {
    /// `crm.timeline.comment.add` on a record; returns the comment id.
    ///
    /// # Errors
    /// Any call error (for example an empty comment).
    pub async fn add_timeline_comment(
        &self,
        entity: CrmEntity,
        entity_id: u64,
        comment: &str,
        files: &[FileContent],
    ) -> B24Result<u64> {
        let mut fields = json!({
            "ENTITY_ID": entity_id,
            "ENTITY_TYPE": entity.name(),
            "COMMENT": comment,
        });
        if !files.is_empty() {
            fields["FILES"] = files.iter().map(FileContent::as_pair).collect();
        }

        let envelope = self
            .call("crm.timeline.comment.add", json!({"fields": fields}))
            .await?;
        new_id("crm.timeline.comment.add", &envelope.result)
    }

    /// `crm.timeline.comment.delete`; a comment already gone counts as deleted.
    ///
    /// # Errors
    /// Any call error.
    pub async fn delete_timeline_comment(&self, id: u64) -> B24Result<()> {
        match self
            .call("crm.timeline.comment.delete", json!({"id": id}))
            .await
        {
            Ok(_) => Ok(()),
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }
}
