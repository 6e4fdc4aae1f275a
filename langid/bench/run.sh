#!/usr/bin/env bash
# Language identification benchmark: accuracy (SIB-200 dev, NTREX-128, short texts) and speed of
# the studio's identifier and its peers, in one run. Numbers go to datasets/LANGID.md and
# BENCHMARKS.md.   bash langid/bench/run.sh [path/to/shared/data]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
data="${1:-../shared/data}"
ensure_lid176
lid="$POLYTUNE_CACHE/models/lid.176.ftz"
venv="$POLYTUNE_CACHE/bench-venv"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "fasttext-predict==0.9.2.4" "lingua-language-detector==2.1.1" "numpy<2"
fi
cargo run --quiet --release -p polytune-langid --example langid_eval -- "$data" --lid176 "$lid" --table
echo
"$venv/bin/python" langid/bench/peers.py "$data" "$lid"
