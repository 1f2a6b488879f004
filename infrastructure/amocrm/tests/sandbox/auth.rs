//! Authorisation against the simulator: code exchange and its refusals, long-lived
//! tokens, legacy key sessions and key conversion.

use std::sync::Arc;

use migrator_amocrm::{
    AmoClient, AmoError, CodeProblem, LegacyKey, MemoryTokenStore, request_code_for_api_key,
};
use secrecy::SecretString;

use crate::helpers::{address, app, connected, fast_config, long_lived, sandbox};

/// Exchanges `code` with a fresh store.
async fn exchange(
    sandbox: &migrator_sandbox_amocrm::AmoSandbox,
    code: &str,
    app: migrator_amocrm::OAuthApp,
) -> Result<AmoClient, AmoError> {
    AmoClient::connect_with_code(
        address(sandbox),
        app,
        SecretString::from(code.to_owned()),
        Arc::new(MemoryTokenStore::default()),
        fast_config(),
    )
    .await
}

#[tokio::test]
async fn a_fresh_code_connects_and_the_tokens_are_stored() {
    let sandbox = sandbox(200).await;

    let (client, store) = connected(&sandbox, fast_config()).await;
    let account = client.account().await.expect("the account is read");

    assert_eq!(account.id as u64, sandbox.control().account().account_id());
    assert_eq!(store.save_count(), 1);
    assert!(store.current().is_some());
}

#[tokio::test]
async fn a_reused_code_tells_the_user_to_reload_the_keys_tab() {
    let sandbox = sandbox(200).await;
    let code = sandbox.control().issue_code();
    exchange(&sandbox, &code, app(&sandbox))
        .await
        .expect("first use works");

    let err = exchange(&sandbox, &code, app(&sandbox))
        .await
        .expect_err("second use fails");

    assert!(
        matches!(
            err,
            AmoError::AuthorizationCode {
                problem: CodeProblem::AlreadyUsed,
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("«Ключи и доступы»"), "{message}");
    assert!(message.contains("paste the new code"), "{message}");
    assert!(
        !message.contains(&code),
        "the code must not be echoed: {message}"
    );
    assert!(!err.is_retryable());
    assert!(err.needs_reauthorization());
}

#[tokio::test]
async fn a_code_older_than_twenty_minutes_is_reported_as_expired() {
    let sandbox = sandbox(200).await;
    let code = sandbox.control().issue_code();

    sandbox.control().advance_clock(21 * 60);
    let err = exchange(&sandbox, &code, app(&sandbox))
        .await
        .expect_err("expired");

    assert!(
        matches!(
            err,
            AmoError::AuthorizationCode {
                problem: CodeProblem::Expired,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("«Ключи и доступы»"));
}

#[tokio::test]
async fn a_wrong_secret_is_a_settings_error_and_still_burns_the_code() {
    let sandbox = sandbox(200).await;
    let code = sandbox.control().issue_code();
    let mut wrong = app(&sandbox);
    wrong.client_secret = SecretString::from("not-the-secret".to_owned());

    let err = exchange(&sandbox, &code, wrong)
        .await
        .expect_err("wrong secret");
    assert!(
        matches!(err, AmoError::IntegrationRejected { .. }),
        "{err:?}"
    );
    assert!(!err.to_string().contains("not-the-secret"));

    let again = exchange(&sandbox, &code, app(&sandbox))
        .await
        .expect_err("burnt");
    assert!(
        matches!(
            again,
            AmoError::AuthorizationCode {
                problem: CodeProblem::AlreadyUsed,
                ..
            }
        ),
        "{again:?}"
    );
}

#[tokio::test]
async fn a_garbage_code_is_reported_as_not_a_valid_code() {
    let sandbox = sandbox(200).await;

    let err = exchange(&sandbox, "def50200garbage", app(&sandbox))
        .await
        .expect_err("garbage");

    assert!(
        matches!(
            err,
            AmoError::AuthorizationCode {
                problem: CodeProblem::Unreadable,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_long_lived_token_reads_and_its_revocation_is_final() {
    let sandbox = sandbox(200).await;
    let client = long_lived(&sandbox, fast_config());
    client.account().await.expect("the token works");

    sandbox.control().revoke_integration();
    let err = client.account().await.expect_err("revoked");

    assert!(matches!(err, AmoError::Unauthorized { .. }), "{err:?}");
    assert!(!err.is_retryable());
    assert!(!err.to_string().contains(&sandbox.access_token()));
}

#[tokio::test]
async fn a_legacy_login_and_key_open_a_session_that_reads() {
    let sandbox = sandbox(200).await;
    let (login, key) = sandbox.control().legacy_credentials();
    let key = LegacyKey {
        login,
        api_key: SecretString::from(key),
    };

    let client = AmoClient::with_legacy_key(address(&sandbox), key, fast_config()).expect("client");
    let pipelines = client.pipelines().await.expect("the session reads");

    assert_eq!(
        pipelines.len(),
        sandbox.control().account().pipelines().len()
    );
}

#[tokio::test]
async fn a_wrong_legacy_key_is_refused_in_plain_words() {
    let sandbox = sandbox(200).await;
    let (login, _) = sandbox.control().legacy_credentials();
    let key = LegacyKey {
        login,
        api_key: SecretString::from("wrong-key".to_owned()),
    };

    let client = AmoClient::with_legacy_key(address(&sandbox), key, fast_config()).expect("client");
    let err = client.account().await.expect_err("refused");

    assert!(matches!(err, AmoError::Unauthorized { .. }), "{err:?}");
    assert!(err.to_string().contains("wrong login or API key"), "{err}");
    assert!(!err.to_string().contains("wrong-key"));
}

#[tokio::test]
async fn a_legacy_key_can_be_converted_into_an_oauth_code() {
    let sandbox = sandbox(200).await;
    let (login, key) = sandbox.control().legacy_credentials();
    let good = LegacyKey {
        login: login.clone(),
        api_key: SecretString::from(key),
    };
    let bad = LegacyKey {
        login,
        api_key: SecretString::from("nope".to_owned()),
    };

    request_code_for_api_key(&address(&sandbox), &app(&sandbox), &good, &fast_config())
        .await
        .expect("accepted");
    let err = request_code_for_api_key(&address(&sandbox), &app(&sandbox), &bad, &fast_config())
        .await
        .expect_err("refused");

    assert!(matches!(err, AmoError::Unauthorized { .. }), "{err:?}");
}

#[tokio::test]
async fn a_long_lived_token_that_already_expired_is_refused_before_any_call() {
    let sandbox = crate::helpers::sandbox_with(migrator_sandbox_amocrm::SandboxConfig {
        size: 200,
        rate_limit_rps: 0,
        long_lived_token_lifetime: 3_600,
        ..migrator_sandbox_amocrm::SandboxConfig::default()
    })
    .await;
    let later = migrator_amocrm::ManualClock::new(chrono::Utc::now() + chrono::Duration::days(1));
    let config = migrator_amocrm::ClientConfig {
        clock: Arc::new(later),
        ..fast_config()
    };
    let token = SecretString::from(sandbox.access_token());

    let err =
        AmoClient::with_long_lived_token(address(&sandbox), token, config).expect_err("expired");

    assert!(matches!(err, AmoError::Unauthorized { .. }), "{err:?}");
    assert!(err.to_string().contains("expired on"), "{err}");
    assert!(sandbox.control().calls().is_empty());
}

#[tokio::test]
async fn debug_output_of_clients_and_settings_shows_no_secret() {
    let sandbox = sandbox(200).await;
    let (oauth, store) = crate::helpers::connected(&sandbox, fast_config()).await;
    oauth.account().await.expect("read");
    let (login, key) = sandbox.control().legacy_credentials();
    let legacy = AmoClient::with_legacy_key(
        address(&sandbox),
        LegacyKey {
            login,
            api_key: SecretString::from(key.clone()),
        },
        fast_config(),
    )
    .expect("client");
    legacy.account().await.expect("read");
    let long = long_lived(&sandbox, fast_config());

    let printed = format!(
        "{oauth:?} {legacy:?} {long:?} {:?} {store:?}",
        app(&sandbox)
    );

    let pair = store.current().expect("stored");
    for secret in [
        sandbox.control().client_secret(),
        key,
        sandbox.access_token(),
        secrecy::ExposeSecret::expose_secret(&pair.access_token).to_owned(),
        secrecy::ExposeSecret::expose_secret(&pair.refresh_token).to_owned(),
    ] {
        assert!(
            !printed.contains(&secret),
            "a secret leaked into Debug output"
        );
    }
}

#[tokio::test]
async fn a_renamed_account_is_found_through_domain_discovery() {
    let sandbox = sandbox(200).await;
    let (client, _store) = crate::helpers::connected(&sandbox, fast_config()).await;

    sandbox.control().rename_subdomain("renamed");
    let domain = client.account_domain().await.expect("discovered");

    assert_eq!(domain.subdomain, "renamed");
    assert!(domain.domain.starts_with("renamed."), "{}", domain.domain);
    assert_eq!(domain.id as u64, sandbox.control().account().account_id());
}
