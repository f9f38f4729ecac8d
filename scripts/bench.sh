#!/usr/bin/env bash
# `make bench`: criterion benchmarks of the core, then the browser benchmark (if there is one).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

step cargo bench -p spacetime-core

# First-load size of the release build (builds it).
step "$ROOT/scripts/measure-size.sh"

browser_bench="$ROOT/tests/bench/run.mjs"
if [ -f "$browser_bench" ]; then
    step node "$browser_bench"
else
    log "no browser benchmark ($browser_bench): skipped"
fi

# Big runs: a 120,000-event link and a 100,000-event import (a few minutes).
step node "$ROOT/tests/bench/big.mjs"

# The first visit and the first opening of each lesson on a phone-like profile.
step node "$ROOT/tests/bench/firstload.mjs"
