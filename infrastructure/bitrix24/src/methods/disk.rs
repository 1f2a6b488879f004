//! Drive (`disk.*`): the app's storage, uploads into a folder, and deletes. Uploads are not
//! allowed inside `batch`, and each one is a separate request through the shaper.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::client::{B24Client, decode_result};
use crate::error::B24Result;
use crate::methods::crm::is_not_found;
use crate::methods::files::FileContent;

/// A Drive storage.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Storage {
    /// Storage id.
    #[serde(deserialize_with = "crate::lenient::id")]
    pub id: u64,
    /// The root folder's id.
    #[serde(deserialize_with = "crate::lenient::id")]
    pub root_object_id: u64,
}

/// A file on Drive.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct DiskFile {
    /// Drive object id (tasks refer to it as `n{ID}`).
    #[serde(deserialize_with = "crate::lenient::id")]
    pub id: u64,
    /// Name (may differ from the upload's when a unique name was generated).
    #[serde(default)]
    pub name: String,
    /// The low-level file id.
    #[serde(default, deserialize_with = "crate::lenient::opt_id")]
    pub file_id: Option<u64>,
    /// Size in bytes.
    #[serde(default, deserialize_with = "crate::lenient::opt_id")]
    pub size: Option<u64>,
}

/// A folder on Drive.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct DiskFolder {
    /// Folder id.
    #[serde(deserialize_with = "crate::lenient::id")]
    pub id: u64,
    /// Name.
    #[serde(default)]
    pub name: String,
}

/// A child of a folder as `disk.folder.getchildren` lists it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct DiskChild {
    #[serde(deserialize_with = "crate::lenient::id")]
    id: u64,
    #[serde(default)]
    name: String,
    #[serde(default, rename = "TYPE")]
    kind: String,
}

impl DiskFile {
    /// The value tasks use to attach this file (`UF_TASK_WEBDAV_FILES`): `n{ID}`.
    pub fn task_attachment(&self) -> String {
        format!("n{}", self.id)
    }
}

impl B24Client {
    /// `disk.storage.getforapp`: the application's own storage (created on first use).
    ///
    /// # Errors
    /// Any call error (needs app context and admin rights).
    pub async fn app_storage(&self) -> B24Result<Storage> {
        self.call_as("disk.storage.getforapp", Value::Null).await
    }

    /// The sub-folder `name` of `parent_id`, created with `disk.folder.addsubfolder` when
    /// `disk.folder.getchildren` does not list it (so a resumed run reuses its folder).
    ///
    /// # Errors
    /// Any call error.
    pub async fn find_or_create_folder(&self, parent_id: u64, name: &str) -> B24Result<DiskFolder> {
        let rows = self
            .list_all("disk.folder.getchildren", json!({"id": parent_id}))
            .await?;
        for row in rows {
            let child: DiskChild = decode_result("disk.folder.getchildren", row)?;
            if child.kind == "folder" && child.name == name {
                return Ok(DiskFolder {
                    id: child.id,
                    name: child.name,
                });
            }
        }

        let params = json!({"id": parent_id, "data": {"NAME": name}});
        self.call_as("disk.folder.addsubfolder", params).await
    }

    /// `disk.folder.uploadfile` with inline content into `folder_id`, letting the portal make
    /// the name unique.
    ///
    /// # Errors
    /// Any call error; a time-out is [`crate::B24Error::OutcomeUnknown`].
    pub async fn upload_file(&self, folder_id: u64, file: &FileContent) -> B24Result<DiskFile> {
        let params = json!({
            "id": folder_id,
            "data": {"NAME": file.name},
            "fileContent": file.as_pair(),
            "generateUniqueName": true,
        });
        self.call_as("disk.folder.uploadfile", params).await
    }

    /// `disk.file.delete`; a file already gone counts as deleted.
    ///
    /// # Errors
    /// Any call error.
    pub async fn delete_file(&self, id: u64) -> B24Result<()> {
        match self.call("disk.file.delete", json!({"id": id})).await {
            Ok(_) => Ok(()),
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }
}
