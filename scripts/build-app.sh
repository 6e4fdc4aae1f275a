#!/usr/bin/env bash
# Builds the web app (app/) with Trunk into dist/. Skips the build when nothing under app/,
# api/, public/ or the manifests changed since the last one.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

stamp=dist/.build-inputs
inputs=$(cat Cargo.lock Cargo.toml Trunk.toml $(find app api gpu public -type f | sort) | sha256sum | cut -d' ' -f1)
if [[ -f dist/index.html && -f "$stamp" && "$(cat "$stamp")" == "$inputs" ]]; then
  say "web app is up to date"
  exit 0
fi

# The wasm build keeps its own target folder: another compiler (Debian's) must not invalidate
# the native build's cache.
export CARGO_TARGET_DIR="$CARGO_TARGET_DIR/wasm"
route=$(wasm_toolchain_route)
# Trunk runs cargo with --offline (Trunk.toml): download what the app needs first.
cargo fetch --quiet --target wasm32-unknown-unknown
if [[ "$route" == "debian" ]]; then
  # -Zbuild-std compiles std from source, with its own dependencies (dlmalloc, …).
  /usr/bin/cargo fetch --quiet --manifest-path /usr/lib/rustlib/src/rust/library/Cargo.toml
fi
say "building the web app with Trunk ($route toolchain)"
if [[ "$route" == "debian" ]]; then
  # Debian's rustc-web 1.96 ships the std sources but no prebuilt wasm32 std: build it.
  PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
    CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld \
    trunk build --config Trunk.toml
else
  trunk build --config Trunk.toml
fi
echo "$inputs" > "$stamp"
