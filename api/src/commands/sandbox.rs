//! `migrator sandbox amo|b24`: a simulator of one service, for trying the product by hand.

use std::io::Write;

use migrator_sandbox_amocrm::{AmoSandbox, SandboxConfig as AmoConfig};
use migrator_sandbox_bitrix24::{B24Sandbox, SandboxConfig as B24Config};

use crate::cli::SandboxService;
use crate::error::CliError;

/// Starts the simulator, prints its JSON line, and serves until Ctrl-C or SIGTERM.
pub async fn run(
    service: SandboxService,
    port: u16,
    seed: u64,
    size: u64,
    plan: Option<String>,
) -> Result<(), CliError> {
    match service {
        SandboxService::Amo => {
            let config = AmoConfig {
                seed,
                size,
                port,
                ..AmoConfig::default()
            };
            let (sandbox, line) = migrator_sandbox_amocrm::run_standalone(config)
                .await
                .map_err(|error| CliError::Sandbox {
                    service: "amoCRM",
                    message: error.to_string(),
                })?;
            announce(&line)?;
            stopped().await;
            AmoSandbox::shutdown(sandbox).await;
        }
        SandboxService::B24 => {
            let mut config = B24Config {
                seed,
                port,
                ..B24Config::default()
            };
            if let Some(plan) = plan {
                config.plan = plan;
            }
            let sandbox = B24Sandbox::start(config)
                .await
                .map_err(|error| CliError::Sandbox {
                    service: "Bitrix24",
                    message: error.to_string(),
                })?;
            announce(&sandbox.summary())?;
            stopped().await;
            sandbox.shutdown().await;
        }
    }
    Ok(())
}

fn announce(line: &serde_json::Value) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")?;
    stdout.flush()?;
    Ok(())
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
