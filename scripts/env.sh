# Sourced by every script in scripts/: the repository root, PATH and the browser-test settings.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
cd "$ROOT"

# cargo-installed tools (trunk, wasm-bindgen, wasm-bindgen-test-runner) and the npm tools
# (wasm-opt from binaryen 132: Debian's binaryen 108 produces modules that fail in Chromium).
export PATH="$ROOT/tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# Debian's Chromium and ChromeDriver (apt packages chromium, chromium-driver).
export CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

TRUNK_VERSION="0.21.14"
WASM_SPLIT_VERSION="0.2.4"

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*"; }

# Runs a command, printing it and how long it took.
step() {
    local t0=$SECONDS
    log "\$ $*"
    "$@"
    log "ok ($((SECONDS - t0))s): $*"
}

# Version of a package recorded in Cargo.lock, e.g. `lock_version wasm-bindgen` -> 0.2.130.
lock_version() {
    awk -v name="$1" '
        $1 == "name" && $3 == "\"" name "\"" { found = 1; next }
        found && $1 == "version" { gsub(/"/, "", $3); print $3; exit }
    ' "$ROOT/Cargo.lock"
}

# wasm-opt on the split modules (scripts/split.sh): the features rustc's wasm32 target emits,
# and (measured, issue 3) no inlining of large single-caller functions, the low 1 KiB of memory
# assumed unused, no producers or target_features sections.
WASM_FEATURES="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue"
WASM_OPT_FEATURES="$WASM_FEATURES --one-caller-inline-max-function-size=20 --low-memory-unused --strip-producers --strip-target-features"

