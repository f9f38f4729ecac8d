#!/usr/bin/env bash
# Size of the release build: bytes of each file of the first visit, raw and gzipped (-9), and
# their total; then each lesson's chunks and what a link straight to a lesson transfers.
# Usage: scripts/measure-size.sh [--no-build]   (--no-build: measure dist/ as it is)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if [ "${1:-}" != "--no-build" ]; then
    "$ROOT/scripts/ensure-tools.sh"
    step trunk build --release --offline
fi

dist="$ROOT/dist"
[ -f "$dist/index.html" ] || { log "error: no $dist/index.html: build first" >&2; exit 1; }

# The first visit (the page, its styles and scripts, the main wasm module) and each lesson's
# chunks, with what a link straight to a lesson transfers: scripts/chunks.mjs.
node "$ROOT/scripts/chunks.mjs" "$dist"
