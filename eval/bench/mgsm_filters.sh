#!/usr/bin/env bash
# MGSM answer extraction against lm-evaluation-harness's own filters (issue 15; not a test): the
# studio (release build) generates answers with SmolLM2-135M-Instruct for N items per language
# (default 20, all 11 languages), then lm-eval's mgsm_direct filters and metric — its
# `remove_whitespace` strict match on the answer cut at the first newline (its generation stops
# there), its `flexible-extract` regex, `exact_match` ignoring case and punctuation — score the same
# texts. Prints the agreement with our exact_strict / exact_flexible. lm-eval is installed without
# torch (its filters and metrics need only numpy and sacrebleu).
#   bash eval/bench/mgsm_filters.sh [items-per-language]      (POLYTUNE_BIN=… to use another build)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
venv="$POLYTUNE_CACHE/lmeval-filters-venv"
if ! "$venv/bin/python" -c 'from lm_eval.filters.extraction import RegexFilter; from lm_eval.api.metrics import exact_match_hf_evaluate' 2>/dev/null; then
  say "creating a venv with lm-eval's filters (lm-eval without torch, numpy, sacrebleu; once)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --no-deps lm-eval
  "$venv/bin/pip" install --quiet numpy sacrebleu
fi
bin=$(bench_server_bin)
work=$(mktemp -d)
port=18184
bench_server_start "$port" "$work/data" "sqlite:$work/data/polytune.db" "$work/server.log"
trap 'kill $bench_pid 2>/dev/null; rm -rf "$work"' EXIT
"$venv/bin/python" eval/bench/mgsm_filters.py "http://127.0.0.1:$port" "${1:-20}" || { tail -20 "$work/server.log"; false; }
