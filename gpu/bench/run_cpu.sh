#!/usr/bin/env bash
# CPU trainer benchmark: ours and HF transformers + PEFT alternately in one run, same shapes, same
# thread count. Needs a Python with torch, transformers and peft: PYTHON=/path/to/venv/bin/python.
#   bash gpu/bench/run_cpu.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-python3}"
rounds="${1:-2}"
export RAYON_NUM_THREADS="${RAYON_NUM_THREADS:-2}"
cargo build --quiet --release -p polytune-gpu --example train_bench
bin="${CARGO_TARGET_DIR:-target}/release/examples/train_bench"
for r in $(seq "$rounds"); do
  for c in "tiny lora 4 256 5 1" "tiny full 4 256 5 1" "smollm2-135m lora 1 256 3 1" "smollm2-135m full 1 256 3 1"; do
    "$bin" $c
    "$PY" gpu/bench/hf_peft_cpu.py $c
  done
done
