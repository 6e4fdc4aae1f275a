#!/usr/bin/env bash
# How long the Quick preset takes (issue 15; not a test): SmolLM2-135M-Instruct from the studio's
# catalog, every built-in task at Quick, one evaluation per task (so each task's time shows), on a
# release server with SQLite. Prints the estimate shown before launch and the time each took.
#   bash eval/bench/quick_time.sh [tasks,…]      (POLYTUNE_BIN=… to time another build)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
bin=$(bench_server_bin)
work=$(mktemp -d)
port=18183
bench_server_start "$port" "$work/data" "sqlite:$work/data/polytune.db" "$work/server.log"
trap 'kill $bench_pid 2>/dev/null; rm -rf "$work"' EXIT
python3 eval/bench/quick_time.py "http://127.0.0.1:$port" ${1:+"$1"} || { tail -20 "$work/server.log"; false; }
