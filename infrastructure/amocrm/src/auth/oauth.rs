//! The token endpoint, `POST /oauth2/access_token` on the account host, and the
//! classification of its answers.
//!
//! amoCRM runs a league/oauth2-server underneath: refusals carry a `hint` such as
//! `Authorization code has been revoked`. Hints that mention a revoked, expired or
//! unreadable grant are terminal (a person must authorise again); hints about the client
//! id, secret or redirect address mean a setting is wrong.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tracing::debug;

use crate::address::AccountAddress;
use crate::auth::OAuthApp;
use crate::auth::tokens::TokenPair;
use crate::clock::Clock;
use crate::error::{AmoError, Attempt, CodeProblem};
use crate::problem::{Problem, describe, excerpt};
use crate::transport::{RawReply, Transport};

/// Path of the token endpoint.
pub(crate) const TOKEN_PATH: &str = "/oauth2/access_token";

/// What is traded for a new pair.
pub(crate) enum Grant<'a> {
    /// An authorisation code (single-use, 20 minutes).
    Code(&'a SecretString),
    /// A refresh token (single-use, 3 months).
    Refresh(&'a SecretString),
}

/// The success body of the token endpoint.
#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(deserialize_with = "crate::lenient::i64_or_zero")]
    expires_in: i64,
    access_token: String,
    refresh_token: String,
}

/// Trades `grant` for a new token pair, with one request (never retried here: a code
/// is burnt by every attempt).
pub(crate) async fn request_tokens(
    transport: &Transport,
    address: &AccountAddress,
    app: &OAuthApp,
    grant: Grant<'_>,
    clock: &dyn Clock,
) -> Result<TokenPair, AmoError> {
    let attempt = Attempt::new("POST", TOKEN_PATH);
    let (grant_type, secret_key, secret) = match &grant {
        Grant::Code(code) => ("authorization_code", "code", code.expose_secret()),
        Grant::Refresh(token) => ("refresh_token", "refresh_token", token.expose_secret()),
    };
    let body = serde_json::json!({
        "client_id": app.client_id,
        "client_secret": app.client_secret.expose_secret(),
        "grant_type": grant_type,
        secret_key: secret,
        "redirect_uri": app.redirect_uri,
    });

    debug!(grant_type, "requesting amoCRM tokens");
    let request = transport.http().post(address.url(TOKEN_PATH)).json(&body);
    let reply = transport
        .send(request)
        .await
        .map_err(|e| AmoError::Network {
            attempt: attempt.clone(),
            detail: e.without_url().to_string(),
            attempts: 1,
        })?;

    if reply.status.is_success() {
        return parse_pair(&attempt, &reply, clock);
    }
    Err(classify_refusal(attempt, &reply, &grant))
}

/// Reads a successful answer into a pair that expires `expires_in` from now.
fn parse_pair(
    attempt: &Attempt,
    reply: &RawReply,
    clock: &dyn Clock,
) -> Result<TokenPair, AmoError> {
    let answer: TokenAnswer = serde_json::from_slice(&reply.body).map_err(|e| {
        if serde_json::from_slice::<serde_json::Value>(&reply.body).is_err() {
            AmoError::NotJson {
                attempt: attempt.clone(),
                status: reply.status.as_u16(),
                content_type: reply.content_type.clone().unwrap_or_else(|| "none".into()),
                length: reply.body.len(),
                excerpt: excerpt(&reply.body),
            }
        } else {
            // serde's message names the missing field, never the token values.
            AmoError::Schema {
                attempt: attempt.clone(),
                record: "the token answer".to_owned(),
                path: ".".to_owned(),
                detail: e.to_string(),
            }
        }
    })?;

    Ok(TokenPair {
        access_token: SecretString::from(answer.access_token),
        refresh_token: SecretString::from(answer.refresh_token),
        expires_at: clock.now() + chrono::Duration::seconds(answer.expires_in.max(0)),
    })
}

/// Turns a refusal of the token endpoint into the error that tells the user what to do.
fn classify_refusal(attempt: Attempt, reply: &RawReply, grant: &Grant<'_>) -> AmoError {
    let status = reply.status.as_u16();
    let problem = Problem::parse(reply).unwrap_or_default();
    let hint = problem
        .hint
        .clone()
        .or_else(|| problem.detail.clone())
        .unwrap_or_else(|| describe(reply));
    let lowered = hint.to_lowercase();

    if reply.status.is_server_error() {
        return AmoError::ServerError {
            attempt,
            status,
            detail: describe(reply),
            attempts: 1,
        };
    }
    if is_settings_problem(&lowered) {
        return AmoError::IntegrationRejected {
            attempt,
            status,
            hint,
        };
    }

    match grant {
        Grant::Code(_) => {
            let problem = if lowered.contains("expired") {
                CodeProblem::Expired
            } else if lowered.contains("revoked") {
                CodeProblem::AlreadyUsed
            } else if lowered.contains("invalid account") {
                CodeProblem::WrongAccount
            } else {
                CodeProblem::Unreadable
            };
            AmoError::AuthorizationCode {
                attempt,
                problem,
                status,
                hint,
            }
        }
        Grant::Refresh(_) if status == 401 || is_dead_grant(&lowered) => {
            AmoError::ReauthorizationRequired {
                attempt,
                status,
                hint,
            }
        }
        Grant::Refresh(_) => AmoError::IntegrationRejected {
            attempt,
            status,
            hint,
        },
    }
}

/// Hints that name the integration's settings rather than the grant.
fn is_settings_problem(hint: &str) -> bool {
    hint.contains("client_id") || hint.contains("client_secret") || hint.contains("redirect uri")
}

/// Hints that say the grant itself can never work again.
fn is_dead_grant(hint: &str) -> bool {
    ["revoked", "expired", "decrypt", "invalid"]
        .iter()
        .any(|word| hint.contains(word))
}
