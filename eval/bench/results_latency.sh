#!/usr/bin/env bash
# Results-page latency benchmark (issue 15; not a test): ten evaluations of 30 languages in one
# workspace, each results endpoint timed, once on SQLite and once on PostgreSQL. Prints one JSON
# line per endpoint; numbers go to BENCHMARKS.md by hand.
#   bash eval/bench/results_latency.sh [requests]      (POLYTUNE_BIN=… to time another build)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
requests=${1:-200}
ensure_postgres
bin=$(bench_server_bin)
work=$(mktemp -d)
port=18182

run() {
  local name=$1 url=$2
  bench_server_start "$port" "$work/data" "$url" "$work/$name.log"
  local pid=$bench_pid
  say "$name"
  python3 eval/bench/results_latency.py "http://127.0.0.1:$port" "$url" "$requests" \
    || { tail -20 "$work/$name.log"; kill "$pid"; false; }
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run sqlite "sqlite:$work/data/polytune.db"
psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS polytune_bench WITH (FORCE)" -c "CREATE DATABASE polytune_bench"
run postgres "postgres://postgres@127.0.0.1:5432/polytune_bench"
psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS polytune_bench WITH (FORCE)"
rm -rf "$work"
