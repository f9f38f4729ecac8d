#!/usr/bin/env bash
# `make test`: every test of the project, stopping at the first failure.
#   1. native tests of the whole workspace (core, cli, app's plain-Rust unit tests)
#   2. app component tests compiled to wasm, run by wasm-bindgen-test-runner in headless Chromium
#   3. the release build of the site (Trunk)
#   4. end-to-end tests (tests/e2e/) against that build, served on a free loopback port
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

t0=$SECONDS
"$ROOT/scripts/ensure-tools.sh"

step cargo test --workspace
step cargo test -p spacetime-app --target wasm32-unknown-unknown
step trunk build --release --offline
step node tests/e2e/run.mjs

log "all tests passed in $((SECONDS - t0))s"
