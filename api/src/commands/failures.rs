//! `migrator failures ID`: the records a run could not move and why, as JSON or CSV.

use std::io::Write;

use migrator_projections::{Failure, ReadModels};
use migrator_store::StoreUrl;
use uuid::Uuid;

use super::{open_current, require_known};
use crate::cli::Format;
use crate::error::CliError;

/// Failures read from the view per round trip.
const PAGE: i64 = 1_000;

/// The CSV columns, in the order of [`Failure`]'s fields.
const CSV_HEADER: [&str; 5] = ["entity", "amo_id", "code", "reason", "failed_at"];

/// Prints the failures of run `migration_id`, page by page, so a long list never sits in
/// memory whole.
pub async fn run(url: &StoreUrl, migration_id: Uuid, format: Format) -> Result<(), CliError> {
    let opened = open_current(url).await?;
    require_known(&opened, migration_id).await?;
    let read = &opened.read;

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut after = 0;

    match format {
        Format::Csv => {
            let mut writer = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(&mut out);
            writer.write_record(CSV_HEADER)?;
            loop {
                let page = next_page(read, migration_id, &mut after).await?;
                if page.is_empty() {
                    break;
                }
                for failure in &page {
                    writer.serialize(failure)?;
                }
            }
            writer.flush()?;
        }
        Format::Json => {
            let mut written = 0u64;
            write!(out, "[")?;
            loop {
                let page = next_page(read, migration_id, &mut after).await?;
                if page.is_empty() {
                    break;
                }
                for failure in &page {
                    let separator = if written == 0 { "\n  " } else { ",\n  " };
                    let object = serde_json::to_string(failure).unwrap_or_default();
                    write!(out, "{separator}{object}")?;
                    written += 1;
                }
            }
            writeln!(out, "{}]", if written == 0 { "" } else { "\n" })?;
        }
    }

    out.flush()?;
    Ok(())
}

/// The next page of failures after `after`, moving `after` past it.
async fn next_page(
    read: &ReadModels,
    migration_id: Uuid,
    after: &mut i64,
) -> Result<Vec<Failure>, CliError> {
    let page = read.failures(migration_id, *after, PAGE).await?;
    if let Some((last, _)) = page.last() {
        *after = *last;
    }
    Ok(page.into_iter().map(|(_, failure)| failure).collect())
}
