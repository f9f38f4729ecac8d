#!/usr/bin/env bash
# Installs every tool the build and the tests need, skipping whatever is already there:
#   - the wasm32-unknown-unknown Rust target              (rustup)
#   - trunk 0.21.14                                       (cargo install --locked)
#   - wasm-bindgen-cli at the version in Cargo.lock       (cargo install, without --locked)
#   - wasm-split-cli (wasm_split_cli_support 0.2.4)       (cargo install --locked)
#   - binaryen 132 (wasm-opt) and playwright-core         (npm ci in tools/, versions in tools/package-lock.json)
#   - Chromium and ChromeDriver                           (apt-get: chromium, chromium-driver)
# Safe to run again and again; `make setup` runs only this.
# With --check, installs nothing: reports what is missing and exits 1 if anything is.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

check_only=false
if [ "${1:-}" = "--check" ]; then check_only=true; fi
missing=0

# One run at a time (make targets may run in parallel).
mkdir -p "$ROOT/target"
exec 9>"$ROOT/target/.ensure-tools.lock"
flock 9

timed() {
    local t0=$SECONDS
    if $check_only; then
        log "missing, would run: $*"
        missing=1
        return 0
    fi
    log "install: $*"
    "$@"
    log "installed in $((SECONDS - t0))s: $*"
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# 1. The WebAssembly target.
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "skip: rust target wasm32-unknown-unknown is installed"
else
    timed rustup target add wasm32-unknown-unknown
fi

# 2. Trunk (0.22 needs a newer rustc than this project's 1.95).
have_trunk="$(trunk --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have_trunk" = "$TRUNK_VERSION" ]; then
    log "skip: trunk $TRUNK_VERSION is installed"
else
    log "trunk: want $TRUNK_VERSION, have '${have_trunk:-none}' (this compiles for about 9 minutes on 2 cores)"
    timed cargo install --locked "trunk@$TRUNK_VERSION"
fi

# 3. wasm-bindgen-cli (wasm-bindgen, wasm-bindgen-test-runner) at exactly the version of the
#    wasm-bindgen crate in Cargo.lock. Not --locked: its lock names a version missing from crates.io.
if [ ! -f "$ROOT/Cargo.lock" ] && ! $check_only; then
    log "no Cargo.lock: resolving the workspace to write one"
    cargo metadata --format-version 1 >/dev/null
fi
want_wb="$(lock_version wasm-bindgen)"
if [ -z "$want_wb" ]; then
    log "error: no wasm-bindgen in Cargo.lock" >&2
    exit 1
fi
have_wb="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
have_wbtr="$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have_wb" = "$want_wb" ] && [ "$have_wbtr" = "$want_wb" ]; then
    log "skip: wasm-bindgen-cli $want_wb is installed"
else
    log "wasm-bindgen-cli: want $want_wb (from Cargo.lock), have '${have_wb:-none}'"
    timed cargo install --force "wasm-bindgen-cli@$want_wb"
fi

# 3b. The wasm splitter (scripts/split.sh, Trunk's post-build hook): wasm_split_cli_support's own
#     binary, at the version that reads wasm-bindgen 0.2.130's output (0.2.3 or later).
have_split="$(cargo install --list 2>/dev/null | awk '$1 == "wasm_split_cli_support" { sub(/^v/, "", $2); sub(/:$/, "", $2); print $2 }' || true)"
if [ "$have_split" = "$WASM_SPLIT_VERSION" ]; then
    log "skip: wasm-split-cli $WASM_SPLIT_VERSION is installed"
else
    log "wasm-split-cli: want $WASM_SPLIT_VERSION, have '${have_split:-none}' (about 3 minutes on 2 cores)"
    timed cargo install --locked "wasm_split_cli_support@$WASM_SPLIT_VERSION" --features build-binary
fi

# 4. npm tools, exactly as tools/package-lock.json records them.
npm_tools_ok() {
    node -e '
        const dir = process.argv[1];
        const lock = require(dir + "/package-lock.json");
        for (const [key, pkg] of Object.entries(lock.packages)) {
            if (!key) continue;
            let have;
            try { have = require(dir + "/" + key + "/package.json").version; } catch { process.exit(1); }
            if (have !== pkg.version) process.exit(1);
        }
    ' "$ROOT/tools"
}
if npm_tools_ok; then
    log "skip: tools/node_modules matches tools/package-lock.json"
else
    timed npm ci --prefix "$ROOT/tools" --no-audit --no-fund
fi
wasm_opt_version="$(wasm-opt --version 2>/dev/null || true)"
case "$wasm_opt_version" in
    *"version 132"*) log "wasm-opt: $(command -v wasm-opt): $wasm_opt_version" ;;
    *)
        log "error: wasm-opt 132 is not first on PATH: '$(command -v wasm-opt || true)': '$wasm_opt_version'" >&2
        $check_only && missing=1 || exit 1
        ;;
esac

# 5. Chromium and ChromeDriver from Debian (never a test tool's own browser download).
if [ -x "$CHROMIUM_BIN" ] && [ -x "$CHROMEDRIVER" ]; then
    log "skip: $("$CHROMIUM_BIN" --version 2>/dev/null), $("$CHROMEDRIVER" --version 2>/dev/null | cut -d' ' -f1-2)"
else
    timed as_root sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver'
fi

if $check_only && [ "$missing" = 1 ]; then
    log "some tools are missing (run scripts/ensure-tools.sh without --check)"
    exit 1
fi
log "all tools present"
