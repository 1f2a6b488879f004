//! REST errors as a portal sends them: an HTTP status plus `{error, error_description}`.

use serde_json::{Map, Value, json};

/// One REST error, rendered as the portal's error envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status of the reply (400, 401, 403, 404, 429, 503, ...).
    pub status: u16,
    /// The `error` code; empty for classic CRM proxy errors.
    pub code: String,
    /// The `error_description` text.
    pub description: String,
    /// Extra top-level keys (e.g. `argument` of `ERROR_ARGUMENT`).
    pub extra: Map<String, Value>,
}

impl ApiError {
    /// An error with the given status, code and text.
    pub fn new(status: u16, code: &str, description: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_string(),
            description: description.into(),
            extra: Map::new(),
        }
    }

    /// A classic CRM proxy error: HTTP 400 with an empty `error` code.
    pub fn classic(description: impl Into<String>) -> Self {
        Self::new(400, "", description)
    }

    /// HTTP 400 `ERROR_CORE` with an entity validation text.
    pub fn core(description: impl Into<String>) -> Self {
        Self::new(400, "ERROR_CORE", description)
    }

    /// HTTP 400 `ERROR_ARGUMENT` carrying the `argument` key.
    pub fn argument(argument: &str, description: impl Into<String>) -> Self {
        let mut error = Self::new(400, "ERROR_ARGUMENT", description);
        error.extra.insert("argument".to_string(), json!(argument));
        error
    }

    /// Classic "Not found".
    pub fn not_found() -> Self {
        Self::classic("Not found")
    }

    /// Classic "ID is not defined or invalid.".
    pub fn bad_id() -> Self {
        Self::classic("ID is not defined or invalid.")
    }

    /// 404 `ERROR_METHOD_NOT_FOUND`.
    pub fn method_not_found() -> Self {
        Self::new(404, "ERROR_METHOD_NOT_FOUND", "Method not found!")
    }

    /// The `{error, error_description, ...}` body.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("error".to_string(), json!(self.code));
        body.insert("error_description".to_string(), json!(self.description));
        for (key, value) in &self.extra {
            body.insert(key.clone(), value.clone());
        }
        Value::Object(body)
    }
}
