#!/usr/bin/env bash
# Installs what is missing, builds what changed, and starts the studio at http://127.0.0.1:8080
# on SQLite with files under ./data. Extra arguments go to `polytune` (see `polytune --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

bash scripts/setup.sh
bash scripts/build-app.sh
say "building the server"
cargo build --release --quiet -p polytune-server
exec "$CARGO_TARGET_DIR/release/polytune" --dist-dir dist "$@"
