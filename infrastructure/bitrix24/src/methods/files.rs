//! File content as the portal wants it: Base64 inside `{"fileData": [name, base64]}` for CRM
//! fields and activities, `[name, base64]` pairs for timeline comments and Drive uploads.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

/// A file to upload: its name and its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct FileContent {
    /// File name shown in Bitrix24.
    pub name: String,
    /// Raw content.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for FileContent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileContent")
            .field("name", &self.name)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl FileContent {
    /// A file named `name` holding `bytes`.
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.into(),
            bytes: bytes.into(),
        }
    }

    /// `[name, base64]`.
    pub fn as_pair(&self) -> Value {
        json!([self.name, STANDARD.encode(&self.bytes)])
    }

    /// `{"fileData": [name, base64]}`.
    pub fn as_file_data(&self) -> Value {
        json!({ "fileData": self.as_pair() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_base64_without_a_data_prefix() {
        let file = FileContent::new("a.txt", b"hi".to_vec());

        assert_eq!(file.as_pair(), json!(["a.txt", "aGk="]));
        assert_eq!(file.as_file_data(), json!({"fileData": ["a.txt", "aGk="]}));
        assert!(!format!("{file:?}").contains("aGk="));
    }
}
