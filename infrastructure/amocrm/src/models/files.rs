//! Files: the files linked to a record (`/api/v4/{entity}/{id}/files`) and the drive's
//! file model (`{drive}/v1.0/files/{uuid}`) with its download link.

use serde::Deserialize;

use crate::lenient;

/// A file linked to a record.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EntityFile {
    /// Drive file id.
    pub file_uuid: String,
    /// Link id, used as the `before_id` cursor.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub id: Option<i64>,
}

impl crate::models::Record for EntityFile {
    fn record_id(&self) -> String {
        self.file_uuid.clone()
    }

    fn created_at(&self) -> Option<i64> {
        None
    }
}

/// A file on the drive.
#[derive(Debug, Clone, Deserialize)]
pub struct DriveFile {
    /// File id.
    pub uuid: String,
    /// Current version id.
    #[serde(default)]
    pub version_uuid: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Size in bytes.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub size: Option<i64>,
    /// `image`, `video`, `audio`, `document` or `file`.
    #[serde(rename = "type", default)]
    pub file_type: Option<String>,
    /// Whether the file is in the trash.
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub is_trashed: bool,
    /// Creation time.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub created_at: Option<i64>,
    /// MIME type and extension.
    #[serde(default)]
    pub metadata: Option<DriveFileMetadata>,
    /// Links, `download` among them.
    #[serde(rename = "_links", default)]
    pub links: DriveFileLinks,
}

impl DriveFile {
    /// The URL that serves the file's content, if amoCRM gave one.
    pub fn download_url(&self) -> Option<&str> {
        self.links.download.as_ref().map(|link| link.href.as_str())
    }
}

/// MIME facts of a drive file.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DriveFileMetadata {
    /// Extension.
    #[serde(default)]
    pub extension: Option<String>,
    /// MIME type.
    #[serde(default)]
    pub mime_type: Option<String>,
}

/// The links of a drive file.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DriveFileLinks {
    /// Download of the current version.
    #[serde(default)]
    pub download: Option<Href>,
    /// Download of this exact version.
    #[serde(default)]
    pub download_version: Option<Href>,
}

/// A HAL link.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Href {
    /// The URL.
    pub href: String,
}
