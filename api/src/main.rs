//! The `migrator` binary: parses the command line and hands it to [`migrator::run`].

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = migrator::cli::Cli::parse();
    migrator::telemetry::init();

    match migrator::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
