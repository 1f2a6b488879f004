#!/usr/bin/env bash
# Runs every check CI runs, on a fresh machine as on a developer's: formatting, lints with
# warnings denied, and every test of the workspace on both stores (SQLite and PostgreSQL).
#
# PostgreSQL: the tests create and drop their own databases on the server named by
# MIGRATOR_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres). If nothing
# answers on 127.0.0.1:5432, this script starts the local cluster, installing PostgreSQL from
# Debian's packages first if it is missing. It never skips the PostgreSQL tests: it fails.
set -euo pipefail
cd "$(dirname "$0")/.."

export MIGRATOR_TEST_POSTGRES="${MIGRATOR_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }

# shellcheck source=lib/postgres.sh
source "scripts/lib/postgres.sh"

step "toolchain: $(cargo --version)"
ensure_postgres
psql "$MIGRATOR_TEST_POSTGRES" -Atqc 'SELECT 1' >/dev/null \
    || fail "cannot log in to PostgreSQL as $MIGRATOR_TEST_POSTGRES (trust auth expected)"

step "cargo fmt --check"
cargo fmt --all -- --check || fail "formatting: run cargo fmt --all"

step "cargo clippy (warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings || fail "clippy"

step "cargo test (both stores)"
cargo test --workspace --locked --no-fail-fast || fail "tests"

step "all checks passed"
