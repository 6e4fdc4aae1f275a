# Shared by the scripts: messages, root, the wasm toolchain route, PostgreSQL, the build cache.

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# Build outputs may live outside the clone (CI keeps them in $HOME/.cache/polytune); they are a
# cache only: deleting them costs time, never correctness.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

# "rustup" when the stable toolchain has (or can add) the wasm32 standard library; otherwise
# "debian": Debian's rustc-web with the std sources, built with -Zbuild-std.
wasm_toolchain_route() {
  if [[ -n "${POLYTUNE_WASM_ROUTE:-}" ]]; then echo "$POLYTUNE_WASM_ROUTE"; return; fi
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then echo rustup; return; fi
  if timeout 60 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then echo rustup; return; fi
  echo debian
}

# PostgreSQL on 127.0.0.1:5432 (tests and the hosted mode): start the local cluster if it is down.
ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return; fi
  say "starting PostgreSQL"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return; sleep 1; done
  echo "PostgreSQL did not start on 127.0.0.1:5432" >&2
  return 1
}
