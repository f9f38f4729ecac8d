#!/usr/bin/env bash
# `make test`: every test of the project, stopping at the first failure.
#   1. native tests of the whole workspace (core, cli, app's plain-Rust unit tests)
#   2. app component tests compiled to wasm, run by wasm-bindgen-test-runner in headless Chromium
#   3. the release build of the site (Trunk)
#   4. end-to-end tests (tests/e2e/) against that build, served on a free loopback port
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

t0=$SECONDS
# A CI run builds once from a fresh clone: incremental caches would only take disk (2.6 GB measured).
if [[ -n "${CI:-}" ]]; then export CARGO_INCREMENTAL=0; fi
"$ROOT/scripts/ensure-tools.sh"

# Every step's output is also kept, to count the tests at the end.
output=$(mktemp)
trap 'rm -f "$output"' EXIT
counted() { step "$@" 2>&1 | tee -a "$output"; }

counted cargo test --workspace
counted cargo test -p spacetime-app --target wasm32-unknown-unknown
step trunk build --release --offline
counted node tests/e2e/run.mjs

log "all tests passed in $((SECONDS - t0))s"
log "disk taken by the build: $(du -sh "${CARGO_TARGET_DIR:-$ROOT/target}" 2>/dev/null | cut -f1)"
# One closing line for the whole run: cargo's and node's own counts, added up.
passed=$(grep -aEo 'test result: ok\. [0-9]+ passed|^ℹ pass [0-9]+' "$output" | grep -Eo '[0-9]+' | awk '{s += $1} END {print s + 0}')
echo "tests: $passed passed, 0 failed"
