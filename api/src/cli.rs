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
}

/// How a list is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON array.
    Json,
    /// CSV with a header row.
    Csv,
}
