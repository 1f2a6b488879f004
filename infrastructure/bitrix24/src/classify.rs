//! Sorting the portal's refusals into what the client does next and which [`B24Error`] the
//! caller sees.
//!
//! Codes come from the reference's error table (§10). Classic CRM methods often send an
//! empty code with a text; for those the text decides (`Access denied.`, plan wording).

use crate::error::{B24Error, PortalAnswer};

/// What the transport does with a refused call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// HTTP 503 `QUERY_LIMIT_EXCEEDED`: the leaky bucket overflowed; slow down and retry.
    RateLimited,
    /// HTTP 429 `OPERATION_TIME_LIMIT`: wait out the method's window and retry.
    OperatingLimit,
    /// HTTP 401 `expired_token`: refresh the OAuth pair and retry.
    ExpiredToken,
    /// A 5xx that is not one of the above: retry reads, report writes as uncertain.
    ServerFailure,
    /// Anything else: final.
    Final,
}

/// Decides how the transport reacts to a refusal.
pub(crate) fn refusal_kind(status: u16, answer: &PortalAnswer) -> Refusal {
    match answer.code.as_str() {
        "QUERY_LIMIT_EXCEEDED" => Refusal::RateLimited,
        "OPERATION_TIME_LIMIT" => Refusal::OperatingLimit,
        "expired_token" => Refusal::ExpiredToken,
        "OVERLOAD_LIMIT" | "PORTAL_DELETED" => Refusal::Final,
        _ if status == 429 => Refusal::OperatingLimit,
        _ if status >= 500 => Refusal::ServerFailure,
        _ => Refusal::Final,
    }
}

/// Turns a final refusal into the caller's error.
pub(crate) fn classify_refusal(method: &str, status: u16, answer: PortalAnswer) -> B24Error {
    let method = method.to_owned();
    let code = answer.code.as_str();
    let text = answer.description.to_lowercase();

    if is_plan_limit(code, &text) {
        return B24Error::PlanLimit { method, answer };
    }

    match code {
        "APPLICATION_NOT_FOUND" | "ERROR_OAUTH" | "NOT_INSTALLED" | "PORTAL_DELETED" => {
            B24Error::AppRemoved { method, answer }
        }
        "expired_token"
        | "invalid_token"
        | "NO_AUTH_FOUND"
        | "authorization_error"
        | "invalid_grant"
        | "invalid_client"
        | "wrong_client"
        | "invalid_request" => B24Error::ReauthorizationRequired { method, answer },
        "ACCESS_DENIED"
        | "INVALID_CREDENTIALS"
        | "insufficient_scope"
        | "invalid_scope"
        | "user_access_error"
        | "WRONG_AUTH_TYPE"
        | "allowed_only_intranet_user"
        | "METHOD_CONFIRM_WAITING"
        | "METHOD_CONFIRM_DENIED"
        | "access_denied" => B24Error::AccessDenied { method, answer },
        "OVERLOAD_LIMIT" => B24Error::Overloaded { method, answer },
        "" | "ERROR_CORE" if text.trim_end_matches('.').trim() == "access denied" => {
            B24Error::AccessDenied { method, answer }
        }
        _ if status == 403 => B24Error::AccessDenied { method, answer },
        _ => B24Error::Refused {
            method,
            status,
            answer,
        },
    }
}

/// Plan and payment refusals: explicit codes, or the plan wording Bitrix24 puts in texts.
fn is_plan_limit(code: &str, text: &str) -> bool {
    const CODES: [&str; 5] = [
        "PAYMENT_REQUIRED",
        "CRM_FEATURE_RESTRICTION_ERROR",
        "TARIFF_LIMIT_EXCEEDED",
        "CREATE_DYNAMIC_ITEM_RESTRICTED",
        "user_count_exceeded",
    ];
    const WORDING: [&str; 10] = [
        "commercial plans",
        "extended plans",
        "plan restriction",
        "your plan",
        "current plan",
        "higher plan",
        "tariff",
        "user_count_exceeded",
        "crm_feature_restriction_error",
        "тариф",
    ];

    CODES.contains(&code) || WORDING.iter().any(|word| text.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(status: u16, code: &str, text: &str) -> B24Error {
        classify_refusal("crm.deal.add", status, PortalAnswer::new(code, text))
    }

    #[test]
    fn removal_access_and_plan_codes_become_typed_errors() {
        assert!(matches!(
            classify(401, "APPLICATION_NOT_FOUND", "Application not found"),
            B24Error::AppRemoved { .. }
        ));
        assert!(matches!(
            classify(
                403,
                "ACCESS_DENIED",
                "Access denied! Application context required"
            ),
            B24Error::AccessDenied { .. }
        ));
        assert!(matches!(
            classify(
                403,
                "ACCESS_DENIED",
                "REST API is available only on commercial plans"
            ),
            B24Error::PlanLimit { .. }
        ));
        assert!(matches!(
            classify(400, "", "Access denied."),
            B24Error::AccessDenied { .. }
        ));
        assert!(matches!(
            classify(400, "", "Pipeline limit of your tariff is reached"),
            B24Error::PlanLimit { .. }
        ));
        assert!(matches!(
            classify(400, "invalid_grant", "refresh token expired"),
            B24Error::ReauthorizationRequired { .. }
        ));
    }

    #[test]
    fn ordinary_refusals_keep_status_and_answer_and_are_final() {
        let error = classify(400, "", "Not found");

        assert!(matches!(error, B24Error::Refused { status: 400, .. }));
        assert!(!error.is_retryable());
        assert!(error.to_string().contains("Not found"));
    }

    #[test]
    fn limits_and_server_failures_are_retried_by_the_transport() {
        let busy = PortalAnswer::new("QUERY_LIMIT_EXCEEDED", "Too many requests");
        let slow = PortalAnswer::new("OPERATION_TIME_LIMIT", "blocked");
        let broken = PortalAnswer::new("INTERNAL_SERVER_ERROR", "oops");
        let overload = PortalAnswer::new("OVERLOAD_LIMIT", "blocked due to overload");

        assert_eq!(refusal_kind(503, &busy), Refusal::RateLimited);
        assert_eq!(refusal_kind(429, &slow), Refusal::OperatingLimit);
        assert_eq!(refusal_kind(500, &broken), Refusal::ServerFailure);
        assert_eq!(refusal_kind(503, &overload), Refusal::Final);
    }
}
