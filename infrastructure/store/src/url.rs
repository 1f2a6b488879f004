//! Parsing the store URL given by `--store` or `MIGRATOR_STORE`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::error::StoreError;

/// The store used when none is given: a SQLite file under `./data`.
pub const DEFAULT_STORE_URL: &str = "sqlite:./data/migrator.db";

/// Where the events are kept.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// A SQLite database file, created with its folder when missing.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl StoreUrl {
    /// The URL with any password replaced, fit for logs and messages.
    pub fn redacted(&self) -> String {
        match self {
            StoreUrl::Sqlite(path) => format!("sqlite:{}", path.display()),
            StoreUrl::Postgres(url) => redact_password(url),
        }
    }
}

impl fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl FromStr for StoreUrl {
    type Err = StoreError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(StoreUrl::Postgres(text.to_owned()));
        }

        let path = text
            .strip_prefix("sqlite://")
            .or_else(|| text.strip_prefix("sqlite:"))
            .ok_or_else(|| StoreError::InvalidUrl {
                url: redact_password(text),
                reason: "expected sqlite:PATH or postgres://...",
            })?;
        let path = path.split('?').next().unwrap_or_default();
        if path.is_empty() {
            return Err(StoreError::InvalidUrl {
                url: text.to_owned(),
                reason: "the SQLite URL names no file",
            });
        }
        Ok(StoreUrl::Sqlite(PathBuf::from(path)))
    }
}

/// Replaces the password of `scheme://user:password@host/...` with `***`.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_a_file_with_or_without_slashes() {
        let short: StoreUrl = "sqlite:./data/m.db".parse().expect("valid");
        let long: StoreUrl = "sqlite://data/m.db?mode=rwc".parse().expect("valid");

        assert_eq!(short, StoreUrl::Sqlite("./data/m.db".into()));
        assert_eq!(long, StoreUrl::Sqlite("data/m.db".into()));
    }

    #[test]
    fn postgres_passwords_never_reach_messages() {
        let url: StoreUrl = "postgres://app:hunter2@db:5432/m".parse().expect("valid");

        assert_eq!(url.to_string(), "postgres://app:***@db:5432/m");
        assert!(!format!("{url:?}").contains("hunter2"));
    }

    #[test]
    fn other_schemes_are_refused_with_the_expected_forms() {
        let error = "mysql://u:secret@h/db"
            .parse::<StoreUrl>()
            .expect_err("refused");

        let message = error.to_string();
        assert!(message.contains("sqlite:PATH or postgres://"), "{message}");
        assert!(!message.contains("secret"), "{message}");
    }
}
