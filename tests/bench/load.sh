#!/usr/bin/env bash
# Load benchmark (not a test): 200 concurrent signed-in clients listing workspaces, against a
# release build on loopback, once on SQLite and once on PostgreSQL. Prints wrk's latency
# distribution; results go to BENCHMARKS.md by hand.
#   bash tests/bench/load.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
secs=${1:-30}
command -v wrk >/dev/null || { as_root apt-get install -y -qq wrk >/dev/null; }
ensure_postgres
bin=$(bench_server_bin)
work=$(mktemp -d)
port=18181

run() {
  local name=$1 url=$2
  bench_server_start "$port" "$work/data" "$url" "$work/$name.log" --signin-max-per-address 100000
  local pid=$bench_pid
  python3 tests/bench/sessions.py "http://127.0.0.1:$port" 200 >"$work/cookies"
  say "$name: 200 connections, 2 threads, ${secs}s"
  COOKIES="$work/cookies" wrk -t2 -c200 -d"${secs}s" --latency -s tests/bench/list_workspaces.lua "http://127.0.0.1:$port" \
    | tee "$work/$name.wrk"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run sqlite "sqlite:$work/data/polytune.db"
psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS polytune_bench WITH (FORCE)" -c "CREATE DATABASE polytune_bench"
run postgres "postgres://postgres@127.0.0.1:5432/polytune_bench"
psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS polytune_bench WITH (FORCE)"
