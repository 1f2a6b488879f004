//! Every refusal of a `Migration` command because of where the run stands: one table row per
//! (point of the run's life, command), each with the exact error, plus a check that the table
//! and the list of allowed statuses together cover every pair, once.
//!
//! Refusals for a command's content (stale epochs, unbalanced tallies, entities not chosen)
//! live next to the transitions they guard, in the other `migration_*` files.

mod support;

use migrator_domain::{MigrationCommand, MigrationError};
use support::{Point, decide, every_command};

use Point::*;

/// One refusal: from `point`, the command whose action is `action` fails with `error`.
struct Row {
    point: Point,
    action: &'static str,
    error: MigrationError,
}

/// Where each command is allowed; everywhere else it must have a row in [`refusals`].
#[rustfmt::skip]
const ALLOWED: [(&str, &[Point]); 17] = [
    ("configure the migration", &[New]),
    ("change the settings", &[Configured, Counted]),
    ("start counting", &[Configured, Counted]),
    ("record a count", &[Counting]),
    ("finish counting", &[Counting]),
    ("take over the migration", &[Configured, Counting, Counted, Transferring, Paused,
        InterruptedCounting, InterruptedTransfer, InterruptedRollback, Cancelled,
        AwaitingConfirmation, RollingBack]),
    ("start the transfer", &[Counted]),
    ("complete an entity", &[Transferring]),
    ("pause", &[Transferring]),
    ("resume", &[Paused, InterruptedCounting, InterruptedTransfer, InterruptedRollback]),
    ("interrupt", &[Counting, Transferring, Paused, RollingBack, InterruptedCounting,
        InterruptedTransfer, InterruptedRollback]),
    ("cancel", &[Configured, Counted, Transferring, Paused, InterruptedCounting,
        InterruptedTransfer]),
    ("finish the transfer", &[Transferring]),
    ("confirm", &[AwaitingConfirmation]),
    ("confirm automatically", &[AwaitingConfirmation]),
    ("delete the moved data", &[Cancelled, AwaitingConfirmation]),
    ("complete the deletion", &[RollingBack]),
];

/// Every point but the first: where configuring again is refused.
const CONFIGURED_POINTS: [Point; 13] = [
    Configured,
    Counting,
    Counted,
    Transferring,
    Paused,
    InterruptedCounting,
    InterruptedTransfer,
    InterruptedRollback,
    Cancelled,
    AwaitingConfirmation,
    Confirmed,
    RollingBack,
    RolledBack,
];

/// `NotAllowed` refusals: (action, the points where it is refused, the hint it gives there).
#[rustfmt::skip]
const NOT_ALLOWED: &[(&str, &[Point], &str)] = &[
    ("change the settings", &[Counting],
        "counting cannot be stopped; change the settings once it ends"),
    ("change the settings", &[Transferring, Paused, InterruptedCounting, InterruptedTransfer,
        InterruptedRollback, Cancelled, AwaitingConfirmation, Confirmed, RollingBack, RolledBack],
        "settings can change only before the transfer starts"),

    ("start counting", &[Counting, Transferring, Paused, InterruptedCounting,
        InterruptedTransfer, InterruptedRollback, Cancelled, AwaitingConfirmation, Confirmed,
        RollingBack, RolledBack],
        "counting happens only before the transfer starts"),

    ("record a count", &[Configured, Counted, Transferring, Paused, InterruptedCounting,
        InterruptedTransfer, InterruptedRollback, Cancelled, AwaitingConfirmation, Confirmed,
        RollingBack, RolledBack],
        "counts are recorded while counting"),

    ("finish counting", &[Configured, Counted, Transferring, Paused, InterruptedCounting,
        InterruptedTransfer, InterruptedRollback, Cancelled, AwaitingConfirmation, Confirmed,
        RollingBack, RolledBack],
        "counting is not under way"),

    ("start the transfer", &[Configured], "count first: the settings have not been counted"),
    ("start the transfer", &[Counting], "wait for counting to finish"),
    ("start the transfer", &[Paused, InterruptedCounting, InterruptedTransfer,
        InterruptedRollback],
        "resume it instead"),
    ("start the transfer", &[Transferring, Cancelled, AwaitingConfirmation, Confirmed,
        RollingBack, RolledBack],
        "a transfer starts once, right after counting"),

    ("complete an entity", &[Configured, Counting, Counted, Paused, InterruptedCounting,
        InterruptedTransfer, InterruptedRollback, Cancelled, AwaitingConfirmation, Confirmed,
        RollingBack, RolledBack],
        "records move only while transferring"),

    ("pause", &[Configured, Counting, Counted, Paused, InterruptedCounting,
        InterruptedTransfer, InterruptedRollback, Cancelled, AwaitingConfirmation, Confirmed,
        RollingBack, RolledBack],
        "only a running transfer can pause"),

    ("resume", &[Counting, Transferring, RollingBack], "it is running already"),
    ("resume", &[AwaitingConfirmation, Confirmed], "it has finished; nothing is left to do"),
    ("resume", &[RolledBack], "its data has been deleted; nothing is left to do"),
    ("resume", &[Configured, Counted, Cancelled],
        "only a paused or interrupted migration can resume"),

    ("interrupt", &[Configured, Counted, Cancelled, AwaitingConfirmation, Confirmed,
        RolledBack],
        "nothing is running that could be interrupted"),

    ("cancel", &[Counting], "counting cannot be stopped; cancel once it ends"),
    ("cancel", &[InterruptedRollback, RollingBack], "a deletion cannot be cancelled; resume it"),
    ("cancel", &[Cancelled], "it is cancelled already"),
    ("cancel", &[AwaitingConfirmation], "it has finished; confirm it or delete what it moved"),
    ("cancel", &[Confirmed], "it has finished and been confirmed"),
    ("cancel", &[RolledBack], "its data is gone; nothing is left to cancel"),

    ("take over the migration", &[Confirmed, RolledBack],
        "the migration has ended; there is no work left to take over"),

    ("finish the transfer", &[Configured, Counting, Counted, Paused, InterruptedCounting,
        InterruptedTransfer, InterruptedRollback, Cancelled, AwaitingConfirmation, Confirmed,
        RollingBack, RolledBack],
        "only a running transfer can finish"),

    ("confirm", &[Configured, Counting, Counted, Transferring, Paused, InterruptedCounting,
        InterruptedTransfer, InterruptedRollback, Cancelled, Confirmed, RollingBack, RolledBack],
        "only a finished migration waits for confirmation"),

    ("confirm automatically", &[Configured, Counting, Counted, Transferring, Paused,
        InterruptedCounting, InterruptedTransfer, InterruptedRollback, Cancelled, Confirmed,
        RollingBack, RolledBack],
        "only a finished migration waits for confirmation"),

    ("delete the moved data", &[Transferring, Paused, InterruptedCounting, InterruptedTransfer],
        "cancel the migration first"),
    ("delete the moved data", &[InterruptedRollback], "the deletion was interrupted; resume it"),
    ("delete the moved data", &[RollingBack], "the deletion is under way already"),
    ("delete the moved data", &[RolledBack], "its data has been deleted already"),
    ("delete the moved data", &[Confirmed], "a confirmed migration keeps its data"),
    ("delete the moved data", &[Configured, Counting, Counted], "nothing has been moved yet"),

    ("complete the deletion", &[Configured, Counting, Counted, Transferring, Paused,
        InterruptedCounting, InterruptedTransfer, InterruptedRollback, Cancelled,
        AwaitingConfirmation, Confirmed, RolledBack],
        "no deletion is under way"),
];

/// The refusal table: every (point, command) pair outside [`ALLOWED`], with its exact error.
fn refusals() -> Vec<Row> {
    let mut rows = Vec::new();

    for point in CONFIGURED_POINTS {
        let error = MigrationError::AlreadyConfigured;
        rows.push(Row {
            point,
            action: "configure the migration",
            error,
        });
    }

    for (_, action) in commands().into_iter().skip(1) {
        let error = MigrationError::NotConfigured { action };
        rows.push(Row {
            point: New,
            action,
            error,
        });
    }

    for &(action, points, hint) in NOT_ALLOWED {
        for &point in points {
            let error = MigrationError::NotAllowed {
                action,
                status: point.status(),
                hint,
            };
            rows.push(Row {
                point,
                action,
                error,
            });
        }
    }

    rows
}

/// Every well-formed command with the action its refusals name, in declaration order.
fn commands() -> Vec<(MigrationCommand, &'static str)> {
    every_command()
        .into_iter()
        .map(|command| {
            let action = command.action();
            (command, action)
        })
        .collect()
}

/// The well-formed command whose action is `action`.
fn command_for(action: &str) -> MigrationCommand {
    commands()
        .into_iter()
        .find(|(_, named)| *named == action)
        .map(|(command, _)| command)
        .unwrap_or_else(|| panic!("no command has the action {action:?}"))
}

#[tokio::test]
async fn every_command_is_refused_with_its_exact_error_where_it_is_not_allowed() {
    let rows = refusals();

    for row in &rows {
        let result = decide(row.point.history(), command_for(row.action)).await;

        assert_eq!(
            result,
            Err(row.error.clone()),
            "{:?} from {}: wrong outcome",
            row.action,
            row.point.name()
        );
    }
}

#[tokio::test]
async fn every_command_passes_the_status_check_where_it_is_allowed() {
    for (action, points) in ALLOWED {
        for &point in points {
            let result = decide(point.history(), command_for(action)).await;

            let refused_for_status = matches!(
                result,
                Err(MigrationError::NotAllowed { .. }
                    | MigrationError::NotConfigured { .. }
                    | MigrationError::AlreadyConfigured)
            );
            assert!(
                !refused_for_status,
                "{action:?} from {}: {result:?}",
                point.name()
            );
        }
    }
}

#[test]
fn the_table_and_the_allowed_list_cover_every_command_at_every_point_once() {
    let rows = refusals();
    let actions: Vec<&str> = commands().into_iter().map(|(_, action)| action).collect();
    assert_eq!(
        actions,
        ALLOWED.map(|(action, _)| action),
        "one entry per command, in order"
    );

    for (action, allowed) in ALLOWED {
        for point in Point::ALL {
            let row_count = rows
                .iter()
                .filter(|row| row.action == action && row.point == point)
                .count();
            let expected = if allowed.contains(&point) { 0 } else { 1 };

            assert_eq!(row_count, expected, "{action:?} from {}", point.name());
        }
    }
}

#[test]
fn points_reach_the_status_they_are_named_after() {
    for point in Point::ALL {
        let rebuilt = support::replay(point.history());

        assert_eq!(rebuilt.status(), point.status(), "{}", point.name());
    }
}
