//! OAuth state of the simulated integration: authorization codes, rotating refresh
//! tokens, access tokens, the long-lived token and legacy sessions. Only SHA-256
//! digests of tokens are kept, so a state dump can never leak one.

use std::collections::HashMap;

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::generator::{Draw, Stream};

/// What the token endpoint answers when a grant fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GrantError {
    /// HTTP status (400 for code errors, 401 for refresh-token errors).
    pub status: u16,
    /// The league/oauth2-server hint amoCRM returns.
    pub hint: &'static str,
}

/// A successful grant: the new pair (refresh absent for long-lived tokens).
pub(crate) struct Grant {
    pub access: SecretString,
    pub refresh: SecretString,
}

/// Who a valid access token or session acts as.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caller {
    /// The granting user.
    pub user_id: u64,
}

struct Expiring {
    expires_at: i64,
    spent: bool,
}

/// The integration and every credential it has issued.
pub(crate) struct AuthState {
    seed: u64,
    issued: u64,
    pub client_id: String,
    client_secret: SecretString,
    codes: HashMap<String, Expiring>,
    access: HashMap<String, i64>,
    refresh: HashMap<String, Expiring>,
    sessions: HashMap<String, u64>,
    long_lived: SecretString,
    long_lived_expires_at: i64,
    pub api_key: SecretString,
}

/// Hex SHA-256 of a credential.
fn digest(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// Unpadded base64url of some bytes.
fn base64url(bytes: &[u8]) -> String {
    const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 4);
    for chunk in bytes.chunks(3) {
        let word = chunk.iter().enumerate().fold(0u32, |acc, (at, byte)| {
            acc | (*byte as u32) << (16 - 8 * at)
        });
        for position in 0..=chunk.len() {
            out.push(TABLE[((word >> (18 - 6 * position)) & 63) as usize] as char);
        }
    }
    out
}

impl AuthState {
    /// The integration of a seeded sandbox; the long-lived token expires at `long_lived_until`.
    pub(crate) fn new(seed: u64, account_id: u64, now: i64, long_lived_until: i64) -> AuthState {
        let mut draw = Draw::new(seed, Stream::Secret, u64::MAX);
        let client_id = format!(
            "{:08x}-{:04x}-4{:03x}-9{:03x}-{:012x}",
            draw.next_u64() >> 32,
            draw.next_u64() & 0xffff,
            draw.next_u64() & 0xfff,
            draw.next_u64() & 0xfff,
            draw.next_u64() & 0xffff_ffff_ffff
        );
        let client_secret = format!(
            "{:016x}{:016x}{:016x}",
            draw.next_u64(),
            draw.next_u64(),
            draw.next_u64()
        );
        let api_key = format!("{:016x}{:016x}", draw.next_u64(), draw.next_u64());
        let mut state = AuthState {
            seed,
            issued: 0,
            client_id,
            client_secret: SecretString::from(client_secret),
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            sessions: HashMap::new(),
            long_lived: SecretString::from(String::new()),
            long_lived_expires_at: long_lived_until,
            api_key: SecretString::from(api_key),
        };
        let token = state.jwt(now, long_lived_until, "long_lived", 8_000_001, account_id);
        state.long_lived = SecretString::from(token);
        state
    }

    /// The integration secret.
    pub(crate) fn client_secret(&self) -> &SecretString {
        &self.client_secret
    }

    /// The long-lived token.
    pub(crate) fn long_lived(&self) -> &SecretString {
        &self.long_lived
    }

    fn fresh(&mut self) -> String {
        self.issued += 1;
        let mut draw = Draw::new(self.seed, Stream::Secret, self.issued);
        format!(
            "{:016x}{:016x}{:016x}{:016x}",
            draw.next_u64(),
            draw.next_u64(),
            draw.next_u64(),
            draw.next_u64()
        )
    }

    /// A JWT-looking token with the claims clients read; the signature is not verifiable.
    fn jwt(
        &mut self,
        now: i64,
        expires_at: i64,
        grant_type: &str,
        user_id: u64,
        account_id: u64,
    ) -> String {
        let jti = self.fresh();
        let header = json!({"typ": "JWT", "alg": "RS256", "jti": jti});
        let claims = json!({
            "aud": self.client_id, "jti": jti, "iat": now, "nbf": now, "exp": expires_at,
            "sub": user_id.to_string(), "grant_type": grant_type, "account_id": account_id,
            "base_domain": "amocrm.ru", "version": 2, "scopes": ["crm", "files", "notifications"],
            "hash_uuid": self.fresh(), "api_domain": "api-b.amocrm.ru",
        });
        let signature = self.fresh();
        format!(
            "{}.{}.{}",
            base64url(header.to_string().as_bytes()),
            base64url(claims.to_string().as_bytes()),
            base64url(signature.as_bytes())
        )
    }

    /// Issues a single-use authorization code valid for `lifetime` seconds.
    pub(crate) fn issue_code(&mut self, now: i64, lifetime: i64) -> String {
        let code = format!("def50200{}{}", self.fresh(), self.fresh());
        self.codes.insert(
            digest(&code),
            Expiring {
                expires_at: now + lifetime,
                spent: false,
            },
        );
        code
    }

    /// Issues a fresh access/refresh pair.
    pub(crate) fn issue_pair(
        &mut self,
        now: i64,
        access_life: i64,
        refresh_life: i64,
        account_id: u64,
    ) -> Grant {
        let access = self.jwt(
            now,
            now + access_life,
            "authorization_code",
            8_000_001,
            account_id,
        );
        let refresh = format!("def50200{}{}{}", self.fresh(), self.fresh(), self.fresh());
        self.access.insert(digest(&access), now + access_life);
        self.refresh.insert(
            digest(&refresh),
            Expiring {
                expires_at: now + refresh_life,
                spent: false,
            },
        );
        Grant {
            access: SecretString::from(access),
            refresh: SecretString::from(refresh),
        }
    }

    /// Checks the integration credentials the way league/oauth2-server words failures.
    pub(crate) fn check_client(
        &self,
        client_id: &str,
        secret: &str,
        redirect: &str,
        expected_redirect: &str,
    ) -> Result<(), GrantError> {
        if client_id != self.client_id {
            return Err(GrantError {
                status: 400,
                hint: "Check the `client_id` parameter",
            });
        }
        if secret != self.client_secret.expose_secret() {
            return Err(GrantError {
                status: 400,
                hint: "Check the `client_secret` parameter",
            });
        }
        if redirect != expected_redirect {
            return Err(GrantError {
                status: 400,
                hint: "Redirect URI is not associated with client",
            });
        }
        Ok(())
    }

    /// Burns a code (every attempt burns it) and says whether it was usable.
    pub(crate) fn burn_code(&mut self, code: &str, now: i64) -> Result<(), GrantError> {
        let Some(record) = self.codes.get_mut(&digest(code)) else {
            return Err(GrantError {
                status: 400,
                hint: "Cannot decrypt the authorization code",
            });
        };
        let was_spent = record.spent;
        record.spent = true;
        if was_spent {
            return Err(GrantError {
                status: 400,
                hint: "Authorization code has been revoked",
            });
        }
        if now > record.expires_at {
            return Err(GrantError {
                status: 400,
                hint: "Authorization code has expired",
            });
        }
        Ok(())
    }

    /// Spends a refresh token; reuse, expiry and garbage fail with 401.
    pub(crate) fn spend_refresh(&mut self, token: &str, now: i64) -> Result<(), GrantError> {
        let Some(record) = self.refresh.get_mut(&digest(token)) else {
            return Err(GrantError {
                status: 401,
                hint: "Cannot decrypt the refresh token",
            });
        };
        if record.spent {
            return Err(GrantError {
                status: 401,
                hint: "Token has been revoked",
            });
        }
        if now > record.expires_at {
            return Err(GrantError {
                status: 401,
                hint: "Token has expired",
            });
        }
        record.spent = true;
        Ok(())
    }

    /// Whether a refresh token is live (for the subdomain discovery endpoint).
    pub(crate) fn refresh_is_live(&self, token: &str, now: i64) -> bool {
        self.refresh
            .get(&digest(token))
            .is_some_and(|record| !record.spent && now <= record.expires_at)
    }

    /// The caller behind a Bearer token, if it is valid now.
    pub(crate) fn bearer(&self, token: &str, now: i64) -> Option<Caller> {
        if token == self.long_lived.expose_secret() {
            return (now <= self.long_lived_expires_at).then_some(Caller { user_id: 8_000_001 });
        }
        let expires_at = self.access.get(&digest(token))?;
        (now <= *expires_at).then_some(Caller { user_id: 8_000_001 })
    }

    /// Opens a legacy session for a user and returns its cookie value.
    pub(crate) fn open_session(&mut self, user_id: u64) -> String {
        let session = self.fresh();
        self.sessions.insert(digest(&session), user_id);
        session
    }

    /// The caller behind a legacy session cookie.
    pub(crate) fn session(&self, cookie: &str) -> Option<Caller> {
        self.sessions
            .get(&digest(cookie))
            .map(|user_id| Caller { user_id: *user_id })
    }

    /// Revokes every credential ever issued (the admin disabled the integration).
    pub(crate) fn revoke_all(&mut self) {
        self.access.clear();
        self.refresh.clear();
        self.sessions.clear();
        self.long_lived_expires_at = i64::MIN;
    }

    /// Counts for the state dump: (codes, live access tokens, refresh tokens).
    pub(crate) fn counts(&self) -> (usize, usize, usize) {
        (self.codes.len(), self.access.len(), self.refresh.len())
    }
}
