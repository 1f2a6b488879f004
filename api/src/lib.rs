//! The outermost layer of migrator: the `migrator` command line (and, later, the Bitrix24 app
//! server). It wires the store, the projector and the read models together and owns nothing
//! of its own but presentation.
//!
//! # Layout
//! - [`cli`]: the commands and options, as clap declares them.
//! - `commands/`: one file per subcommand.
//! - [`telemetry`]: logging to stderr.

pub mod cli;
mod commands;
mod error;
pub mod telemetry;

pub use error::CliError;

use cli::{Cli, Command};

/// Runs one command line to its end.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let store = cli.store_url()?;
    match cli.command {
        Command::Run(args) => commands::run::start(&store, args).await,
        Command::Demo { size, rollback } => commands::demo::run(&store, size, rollback).await,
        Command::Resume { migration_id, json } => {
            commands::run::resume(&store, migration_id, json).await
        }
        Command::Rollback { migration_id, json } => {
            commands::run::rollback(&store, migration_id, json).await
        }
        Command::Pause { migration_id } => {
            commands::control::run(&store, migration_id, commands::control::Request::Pause).await
        }
        Command::Cancel { migration_id } => {
            commands::control::run(&store, migration_id, commands::control::Request::Cancel).await
        }
        Command::Confirm { migration_id } => commands::confirm::one(&store, migration_id).await,
        Command::ConfirmDue => commands::confirm::due(&store).await,
        Command::History { migration_id } => commands::history::run(&store, migration_id).await,
        Command::Failures {
            migration_id,
            format,
        } => commands::failures::run(&store, migration_id, format).await,
        Command::RebuildProjections => commands::rebuild::run(&store).await,
        Command::Sandbox {
            service,
            port,
            seed,
            size,
            plan,
        } => commands::sandbox::run(service, port, seed, size, plan).await,
    }
}
