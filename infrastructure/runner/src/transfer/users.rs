//! Users (D1): each amoCRM user matched to a portal user by e-mail, or invited. A user the
//! portal refuses to invite is a failure with the reason; their records get the default
//! responsible (the portal user running the migration).

use chrono::Utc;
use futures::TryStreamExt;
use std::collections::BTreeMap;

use migrator_bitrix24::methods::users::{InviteOutcome, NewUser, User, invite_outcome};
use migrator_bitrix24::{B24Client, Batch};
use migrator_domain::chunk::{BATCH_LIMIT, FailureCode, RecordOutcome};
use migrator_domain::mapping::users::AmoUser;
use migrator_domain::mapping::users::{UserAction, decide_user};
use migrator_domain::{ChunkCommand, ChunkId, Entity, Migration, RecordKind};
use serde_json::json;

use super::{Pass, still_moving};
use crate::chunks::chunk_count;
use crate::error::RunnerError;
use crate::runner::Drive;
use crate::source;

/// The portal department invited users join (the company's root department).
const ROOT_DEPARTMENT: u64 = 1;

/// Matches or invites the pending users.
pub(crate) async fn run(drive: &Drive<'_>, migration: &Migration) -> Result<Pass, RunnerError> {
    let total = migration
        .counts()
        .get(&Entity::Users)
        .map_or(0, |count| count.total);
    let amo_users: Vec<_> = drive.runner.services.amo.users().try_collect().await?;

    for index in 0..chunk_count(total) {
        let chunk_id = ChunkId::new(drive.id, RecordKind::User, index);
        let chunk = drive.runner.store().load_chunk(chunk_id).await?;
        let pending: Vec<u64> = chunk.pending().collect();

        for batch in pending.chunks(BATCH_LIMIT) {
            if !still_moving(drive).await? {
                return Ok(Pass::Stopped);
            }
            let users: Vec<AmoUser> = batch
                .iter()
                .filter_map(|amo_id| amo_users.iter().find(|user| source::id(user.id) == *amo_id))
                .map(source::user)
                .collect();
            let found = look_up(drive, &users).await?;

            let mut outcomes = Vec::with_capacity(batch.len());
            let mut invitations = Vec::new();
            for amo_id in batch {
                let Some(user) = users.iter().find(|user| user.id == *amo_id) else {
                    outcomes.push(RecordOutcome::Failed {
                        amo_id: *amo_id,
                        code: FailureCode::MissingReference,
                        message: format!("amoCRM user {amo_id} was deleted during the migration"),
                    });
                    continue;
                };
                let portal_user = found.get(amo_id).cloned().flatten();
                match settle(user, portal_user) {
                    Ok(outcome) => outcomes.push(outcome),
                    Err(invitation) => invitations.push((*amo_id, invitation)),
                }
            }
            outcomes.extend(invite(drive, &invitations).await?);

            let command = ChunkCommand::RecordBatch {
                migration_id: drive.id,
                kind: RecordKind::User,
                outcomes,
                at: Utc::now(),
            };
            drive.runner.store().chunk(chunk_id, command).await?;
            drive.runner.progress.advance(batch.len() as u64);
        }
    }
    Ok(Pass::Done)
}

/// Looks up the portal user of every amoCRM user by e-mail, in one batch request.
async fn look_up(
    drive: &Drive<'_>,
    users: &[AmoUser],
) -> Result<BTreeMap<u64, Option<User>>, RunnerError> {
    let mut request = Batch::new();
    for user in users.iter().filter(|user| !user.email.trim().is_empty()) {
        let params = json!({"FILTER": {"EMAIL": user.email.trim()}});
        request.push(format!("u{}", user.id), "user.get", params)?;
    }
    if request.is_empty() {
        return Ok(BTreeMap::new());
    }

    let answer = drive.runner.services.b24.batch(&request).await?;
    let mut found = BTreeMap::new();
    for user in users.iter().filter(|user| !user.email.trim().is_empty()) {
        let key = format!("u{}", user.id);
        if let Some(error) = answer.failure(&key) {
            return Err(error.into());
        }
        let rows: Vec<User> = answer.result_as(&key)?.unwrap_or_default();
        let same = rows.into_iter().find(|row| {
            row.email
                .as_deref()
                .is_some_and(|email| email.trim().eq_ignore_ascii_case(user.email.trim()))
        });
        found.insert(user.id, same);
    }
    Ok(found)
}

/// Matches one user by e-mail, or decides they are invited: the outcome, or the invitation
/// to send.
fn settle(user: &AmoUser, found: Option<User>) -> Result<RecordOutcome, NewUser> {
    let amo_id = user.id;
    let portal: Vec<(u64, String)> = found
        .iter()
        .map(|portal_user| {
            (
                portal_user.id,
                portal_user.email.clone().unwrap_or_default(),
            )
        })
        .collect();

    let action = decide_user(
        user,
        portal.iter().map(|(id, email)| (*id, email.as_str())),
        ROOT_DEPARTMENT,
    );
    match action {
        UserAction::Match(b24_id) => Ok(matched(amo_id, b24_id)),
        UserAction::Skip(skipped) => Ok(RecordOutcome::Failed {
            amo_id,
            code: skipped.code,
            message: skipped.message,
        }),
        UserAction::Invite(_) => {
            let (name, last_name) = split_name(&user.name);
            Err(NewUser {
                email: user.email.trim().to_owned(),
                name,
                last_name,
                work_position: None,
                departments: vec![ROOT_DEPARTMENT],
            })
        }
    }
}

/// Invites these users in one batch. Safe to repeat after a crash: an invitation the portal
/// already took answers "already exists", and the user is then found by e-mail.
async fn invite(
    drive: &Drive<'_>,
    invitations: &[(u64, NewUser)],
) -> Result<Vec<RecordOutcome>, RunnerError> {
    let b24 = &drive.runner.services.b24;
    if invitations.is_empty() {
        return Ok(Vec::new());
    }
    let mut request = Batch::new();
    for (amo_id, invitation) in invitations {
        let params = B24Client::invitation_params(invitation)?;
        request.push(format!("i{amo_id}"), "user.add", params)?;
    }
    let answer = b24.batch(&request).await?;

    let mut outcomes = Vec::with_capacity(invitations.len());
    for (amo_id, invitation) in invitations {
        let amo_id = *amo_id;
        let key = format!("i{amo_id}");
        let result = match answer.failure(&key) {
            Some(error) => Err(error),
            None => Ok(answer.result(&key).cloned().unwrap_or_default()),
        };
        let failed = |message: String| RecordOutcome::Failed {
            amo_id,
            code: FailureCode::RejectedByPortal,
            message,
        };
        let outcome = match invite_outcome(result)? {
            InviteOutcome::Invited(b24_id) => matched(amo_id, b24_id),
            InviteOutcome::AlreadyExists(answer) => {
                match b24.find_user_by_email(&invitation.email).await? {
                    Some(existing) => matched(amo_id, existing.id),
                    None => failed(answer.to_string()),
                }
            }
            InviteOutcome::NotAllowed(answer) => failed(format!(
                "the portal refused to invite {} ({answer}); the migration runs with \
                 integrator rights, which may not add users. Their records get the default \
                 responsible",
                invitation.email
            )),
            InviteOutcome::UserLimitReached(answer) => failed(format!(
                "the portal's plan allows no more users, so {} was not invited ({answer}); \
                 their records get the default responsible",
                invitation.email
            )),
        };
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// A user found on the portal (or invited there).
fn matched(amo_id: u64, b24_id: u64) -> RecordOutcome {
    RecordOutcome::Transferred {
        amo_id,
        b24_id: b24_id.to_string(),
        created: false,
    }
}

/// "Иван Петров" → (Иван, Петров); a single word is the first name.
fn split_name(full: &str) -> (Option<String>, Option<String>) {
    let mut words = full.split_whitespace();
    let first = words.next().map(str::to_owned);
    let rest: Vec<&str> = words.collect();
    let last = (!rest.is_empty()).then(|| rest.join(" "));
    (first, last)
}
