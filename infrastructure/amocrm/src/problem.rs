//! Reading amoCRM's error bodies: problem+json (`title`, `detail`, `hint`,
//! `validation-errors`, `retry_after`) or, often, an HTML page from the gateway.

use std::time::Duration;

use serde::Deserialize;

use crate::transport::RawReply;

/// The fields of a problem+json body the client uses; all optional.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Problem {
    /// Short title, e.g. `Unauthorized`.
    pub title: Option<String>,
    /// Longer explanation.
    pub detail: Option<String>,
    /// OAuth-server hint on the token endpoint, e.g. `Authorization code has expired`.
    pub hint: Option<String>,
    /// Kommo's pause request on 429, in seconds.
    pub retry_after: Option<serde_json::Value>,
    /// Validation errors on 400.
    #[serde(rename = "validation-errors")]
    pub validation_errors: Option<serde_json::Value>,
}

impl Problem {
    /// The body as a problem, if it is a JSON object.
    pub(crate) fn parse(reply: &RawReply) -> Option<Self> {
        serde_json::from_slice(&reply.body).ok()
    }

    /// `retry_after` as a duration, whether sent as a number or a numeric string.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        let seconds = match self.retry_after.as_ref()? {
            serde_json::Value::Number(n) => n.as_f64()?,
            serde_json::Value::String(s) => s.trim().parse().ok()?,
            _ => return None,
        };
        (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
    }
}

/// A one-line description of what amoCRM answered: `title: detail` (with validation
/// errors) for problem bodies, or the content type and an excerpt for anything else.
pub(crate) fn describe(reply: &RawReply) -> String {
    let Some(problem) = Problem::parse(reply) else {
        return format!(
            "non-JSON body ({}, {} bytes: `{}`)",
            reply.content_type.as_deref().unwrap_or("no content type"),
            reply.body.len(),
            excerpt(&reply.body)
        );
    };

    let mut parts: Vec<String> = [problem.title, problem.detail, problem.hint]
        .into_iter()
        .flatten()
        .collect();
    if let Some(errors) = problem.validation_errors {
        parts.push(format!("validation errors: {errors}"));
    }
    if parts.is_empty() {
        "no title or detail given".to_owned()
    } else {
        parts.join(": ")
    }
}

/// Whether the body looks like an HTML page (a gateway answer, not the API's).
pub(crate) fn is_html(reply: &RawReply) -> bool {
    let declared = reply
        .content_type
        .as_deref()
        .is_some_and(|ct| ct.contains("html"));
    let looks = reply
        .body
        .iter()
        .find(|byte| !byte.is_ascii_whitespace())
        .is_some_and(|first| *first == b'<');
    declared || looks
}

/// The first 80 characters of a body, whitespace folded, for error messages.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let folded: Vec<&str> = text.split_whitespace().collect();
    folded.join(" ").chars().take(80).collect()
}
