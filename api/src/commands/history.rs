//! `migrator history ID`: a run's events as JSON lines, oldest first, for auditors.

use std::io::Write;

use migrator_store::StoreUrl;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{open_current, require_known};
use crate::error::CliError;

/// Events read from the view per round trip.
const PAGE: i64 = 1_000;

/// Prints the history of run `migration_id`.
pub async fn run(url: &StoreUrl, migration_id: Uuid) -> Result<(), CliError> {
    let opened = open_current(url).await?;
    require_known(&opened, migration_id).await?;

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut after = 0;
    loop {
        let page = opened.read.history(migration_id, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.ordinal;

        for entry in &page {
            let payload: Value = serde_json::from_str(&entry.payload)
                .unwrap_or(Value::String(entry.payload.clone()));
            let line = json!({
                "ordinal": entry.ordinal,
                "recorded_at": entry.recorded_at,
                "aggregate_type": entry.aggregate_type,
                "aggregate_id": entry.aggregate_id,
                "sequence": entry.sequence,
                "event_type": entry.event_type,
                "event_version": entry.event_version,
                "payload": payload,
            });
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(())
}
