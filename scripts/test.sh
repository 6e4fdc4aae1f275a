#!/usr/bin/env bash
# Runs every test of the project: unit tests, API integration tests against a real server on
# SQLite and on PostgreSQL, and the browser tests (Chromium driven by Playwright) against the
# built app. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

bash scripts/setup.sh --tests
bash scripts/build-app.sh
say "building the server"
cargo build --quiet -p polytune-server
export POLYTUNE_BIN="$CARGO_TARGET_DIR/debug/polytune"
export POLYTUNE_REQUIRE_PEERS=1  # tests compare against the peers setup installed; never skip them here

# Test databases left behind by an interrupted run.
psql -h 127.0.0.1 -U postgres -d postgres -Atc \
  "SELECT 'DROP DATABASE IF EXISTS ' || datname || ' WITH (FORCE);' FROM pg_database WHERE datname LIKE 'polytune_t_%'" \
  | psql -q -h 127.0.0.1 -U postgres -d postgres >/dev/null || true

say "Rust tests (unit + API on SQLite and PostgreSQL)"
cargo test --quiet  # default members: api, server, gpu, tests (the wasm app is built and tested through Trunk + the browser)

say "browser tests (Chromium + Playwright)"
export POLYTUNE_DIST="$PWD/dist"
mkdir -p tests/output
node --test --test-reporter=spec tests/browser/
