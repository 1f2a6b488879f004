//! The command line, as clap declares it.

use clap::{Parser, Subcommand, ValueEnum};
use migrator_store::{DEFAULT_STORE_URL, StoreError, StoreUrl};
use uuid::Uuid;

/// Moves a company's CRM from amoCRM (Kommo) into Bitrix24, and answers for every record.
#[derive(Debug, Parser)]
#[command(name = "migrator", version, about)]
pub struct Cli {
    /// Where the events are kept: sqlite:PATH or postgres://...
    ///
    /// Kept as text here and parsed by [`Cli::store_url`], so that a refused URL is reported
    /// with its password hidden (clap would echo it whole).
    #[arg(
        long,
        global = true,
        env = "MIGRATOR_STORE",
        hide_env_values = true,
        default_value = DEFAULT_STORE_URL
    )]
    pub store: String,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The store URL, parsed.
    pub fn store_url(&self) -> Result<StoreUrl, StoreError> {
        self.store.parse()
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Move an amoCRM account into a Bitrix24 portal: count, then move, with a progress bar.
    Run(RunArgs),
    /// The product's main job on its embedded default: start the sandbox amoCRM (a generated
    /// account) and Bitrix24, move the account on the SQLite store, print the summary.
    Demo {
        /// How many records the generated account holds.
        #[arg(long, default_value_t = 1_000)]
        size: u64,
        /// Delete what the run moved afterwards, to show a rollback.
        #[arg(long)]
        rollback: bool,
    },
    /// Continue a paused or interrupted run, also after a crash.
    Resume {
        /// The run's id.
        migration_id: Uuid,
        /// Print one JSON summary object on stdout at the end.
        #[arg(long)]
        json: bool,
    },
    /// Pause a moving run after its current batch (from any terminal); resume continues it.
    Pause {
        /// The run's id.
        migration_id: Uuid,
    },
    /// Cancel a run: nothing more is moved; rollback deletes what was.
    Cancel {
        /// The run's id.
        migration_id: Uuid,
    },
    /// Delete what a run moved, newest first.
    Rollback {
        /// The run's id.
        migration_id: Uuid,
        /// Print one JSON summary object on stdout at the end.
        #[arg(long)]
        json: bool,
    },
    /// Confirm a finished run (F1): the user accepts what it moved.
    Confirm {
        /// The run's id.
        migration_id: Uuid,
    },
    /// Confirm every run that finished seven days ago or more and still waits (F2); prints
    /// the id of each. For a scheduler such as cron; run, resume and rollback do it too.
    ConfirmDue,
    /// Print a run's events as JSON lines, oldest first.
    History {
        /// The run's id.
        migration_id: Uuid,
    },
    /// Print the records a run could not move, with the reason for each.
    Failures {
        /// The run's id.
        migration_id: Uuid,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// Empty every read model and rebuild it from the events alone.
    RebuildProjections,
    /// Run a simulator of amoCRM or Bitrix24 on 127.0.0.1 until interrupted; prints one JSON
    /// line once it listens: `{"url", "token"}` for amoCRM, `{"url", "webhook"}` for Bitrix24.
    Sandbox {
        /// Which service to simulate.
        #[arg(value_enum)]
        service: SandboxService,
        /// The port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// The seed of the generated account and of every generated secret.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// amoCRM only: how many records the generated account holds (100 to 1,000,000).
        #[arg(long, default_value_t = 1_000)]
        size: u64,
        /// Bitrix24 only: the portal's plan as `app.info` reports it (e.g. ru_std, ru_ent250).
        #[arg(long)]
        plan: Option<String>,
    },
}

/// The options of `migrator run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// amoCRM account base URL (https://company.amocrm.ru; any scheme, host, port).
    #[arg(long)]
    pub amo_url: String,
    /// Long-lived token or access token, sent as Bearer.
    #[arg(long, env = "MIGRATOR_AMO_TOKEN", hide_env_values = true)]
    pub amo_token: String,
    /// Bitrix24 incoming webhook base, https://portal/rest/<user_id>/<code>/.
    #[arg(long, env = "MIGRATOR_B24_WEBHOOK", hide_env_values = true)]
    pub b24_webhook: String,
    /// Comma-separated subset of users,companies,contacts,pipelines,deals,events,tasks
    /// (default: all); what they depend on is added.
    #[arg(long, value_delimiter = ',')]
    pub entities: Vec<String>,
    /// First day of the period (YYYY-MM-DD, inclusive), applied to creation dates.
    #[arg(long)]
    pub from: Option<chrono::NaiveDate>,
    /// Last day of the period (YYYY-MM-DD, inclusive).
    #[arg(long)]
    pub to: Option<chrono::NaiveDate>,
    /// Do not move files.
    #[arg(long)]
    pub no_files: bool,
    /// AMO_ID=TARGET where TARGET is main, new, or a Bitrix24 pipeline id; repeatable.
    /// Default: the amoCRM main pipeline -> main, every other -> new.
    #[arg(long = "pipeline")]
    pub pipelines: Vec<String>,
    /// Print one JSON summary object on stdout at the end.
    #[arg(long)]
    pub json: bool,
}

/// The services the sandbox simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SandboxService {
    /// amoCRM API v4.
    Amo,
    /// A Bitrix24 portal.
    B24,
}

/// How a list is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON array.
    Json,
    /// CSV with a header row.
    Csv,
}
