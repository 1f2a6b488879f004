//! What the tests of the `migrator` binary share: both simulators and a SQLite store in a
//! temporary folder, the binary called against them, and readers of what the portal holds.

// Not every test binary uses every helper.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::process::{Output, Stdio};

use migrator_sandbox_amocrm::{AmoSandbox, SandboxConfig as AmoConfig};
use migrator_sandbox_bitrix24::{B24Sandbox, SandboxConfig as B24Config};
use serde_json::Value;
use tokio::process::{Child, Command};

/// A fixed 32-byte key, hex: the runs' secrets are encrypted with it.
const KEY: &str = "7f3c2a1b0e9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa01";

/// A generated amoCRM account, an empty portal and a store.
pub struct Services {
    pub amo: AmoSandbox,
    pub b24: B24Sandbox,
    _folder: tempfile::TempDir,
    /// The store URL, `sqlite:<folder>/m.db`.
    pub store: String,
}

impl Services {
    /// An account of `size` records answering `amo_rate` requests per second (the account's
    /// default when `None`), and a portal on its default plan.
    pub async fn start(size: u64, amo_rate: Option<u32>) -> Services {
        let mut config = AmoConfig {
            size,
            ..AmoConfig::default()
        };
        if let Some(rate) = amo_rate {
            config.rate_limit_rps = rate;
        }
        let amo = AmoSandbox::start(config).await.expect("amo");
        let b24 = B24Sandbox::start(B24Config::default()).await.expect("b24");
        let folder = tempfile::tempdir().expect("a folder");
        let store = format!("sqlite:{}", folder.path().join("m.db").display());
        Services {
            amo,
            b24,
            _folder: folder,
            store,
        }
    }

    /// `migrator run` against both simulators, followed by `extra`.
    pub fn run_args(&self, extra: &[&str]) -> Vec<String> {
        let mut args = vec![
            "run".to_owned(),
            "--amo-url".to_owned(),
            self.amo.url(),
            "--amo-token".to_owned(),
            self.amo.access_token(),
            "--b24-webhook".to_owned(),
            self.b24.webhook_url(),
        ];
        args.extend(extra.iter().map(|arg| (*arg).to_owned()));
        args
    }

    /// Runs the binary on this store to its end.
    pub async fn output<S: AsRef<str>>(&self, args: &[S]) -> Output {
        output(args, &self.store).await
    }

    /// Starts the binary on this store; its stderr is piped, its stdout dropped.
    pub fn spawn<S: AsRef<str>>(&self, args: &[S]) -> Child {
        Command::new(env!("CARGO_BIN_EXE_migrator"))
            .args(args.iter().map(AsRef::as_ref))
            .env("MIGRATOR_STORE", &self.store)
            .env("MIGRATOR_SECRET_KEY", KEY)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the binary starts")
    }

    /// The portal's records of one kind (`companies`, `deals`, `files`...).
    pub fn portal(&self, key: &str) -> Vec<Value> {
        match &self.b24.control().state()[key] {
            Value::Object(rows) => rows.values().cloned().collect(),
            Value::Array(rows) => rows.clone(),
            _ => Vec::new(),
        }
    }

    /// How many portal records of `key` carry each origin.
    pub fn origins(&self, key: &str) -> BTreeMap<String, usize> {
        let mut seen = BTreeMap::new();
        for row in self.portal(key) {
            if let Some(origin) = row["ORIGIN_ID"].as_str() {
                *seen.entry(origin.to_owned()).or_insert(0) += 1;
            }
        }
        seen
    }
}

/// Runs the binary on `store` to its end.
pub async fn output<S: AsRef<str>>(args: &[S], store: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migrator"))
        .args(args.iter().map(AsRef::as_ref))
        .env("MIGRATOR_STORE", store)
        .env("MIGRATOR_SECRET_KEY", KEY)
        .output()
        .await
        .expect("the binary runs")
}

/// The run's id from the first stderr line, `migration <UUID>`.
pub fn run_id(first_line: &str) -> String {
    first_line
        .trim()
        .strip_prefix("migration ")
        .expect("the run names itself first")
        .to_owned()
}

/// Stdout read as one JSON object.
pub fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "stdout is one JSON object ({error}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}
