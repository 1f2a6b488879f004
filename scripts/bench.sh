#!/usr/bin/env bash
# Benchmarks, by part; results are recorded in docs/performance.md.
#   scripts/bench.sh store     event store and projector, SQLite and PostgreSQL
#                              (BENCH_EVENTS, default 1000000; BENCH_STORES=sqlite|postgres)
#   scripts/bench.sh clients   both clients against their simulators with the real default
#                              limits (BENCH_SECONDS, default 120, per client)
#   scripts/bench.sh engine    a generated account moved at the real default limits, then
#                              with every limit lifted (BENCH_RECORDS, default 20000)
#   scripts/bench.sh           every part
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/postgres.sh
source "scripts/lib/postgres.sh"
export MIGRATOR_TEST_POSTGRES="${MIGRATOR_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"

part="${1:-all}"
case "$part" in
    store)
        ensure_postgres
        cargo bench -p migrator-tests --bench store
        ;;
    clients)
        cargo bench -p migrator-bitrix24 --bench throughput
        cargo bench -p migrator-amocrm --bench throughput
        ;;
    engine)
        ensure_postgres
        BENCH_LIMITS=real cargo bench -p migrator-runner --bench engine
        BENCH_LIMITS=lifted cargo bench -p migrator-runner --bench engine
        ;;
    all)
        "$0" store
        "$0" clients
        "$0" engine
        ;;
    *)
        echo "unknown part $part: expected store, clients or engine" >&2
        exit 2
        ;;
esac
