#!/usr/bin/env bash
# Job queue benchmark (not a test): 1 and 4 workers, SQLite and PostgreSQL, release build.
#   bash tests/bench/jobs.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
ensure_postgres
if [[ -z "${POLYTUNE_BIN:-}" ]]; then cargo build --release --quiet -p polytune-server; fi
bin="${POLYTUNE_BIN:-$CARGO_TARGET_DIR/release/polytune}"
port=18282
for db in sqlite postgres; do
  for workers in 1 4; do
    work=$(mktemp -d)
    if [[ $db == sqlite ]]; then url="sqlite:$work/data/polytune.db"; else
      psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS polytune_bench WITH (FORCE)" -c "CREATE DATABASE polytune_bench"
      url="postgres://postgres@127.0.0.1:5432/polytune_bench"
    fi
    POLYTUNE_LOG=warn "$bin" --workers 0 --listen 127.0.0.1:$port --data-dir "$work/data" --database-url "$url" >"$work/server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
    printf '%s ' "$db"
    python3 tests/bench/jobs.py "http://127.0.0.1:$port" "$bin" "$url" "$work/data" "$workers"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$work"
  done
done
