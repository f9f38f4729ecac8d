#!/usr/bin/env bash
# `make dist`: the static site for publishing, in dist/. Every URL in it is relative, so the
# folder works from any sub-folder of any static host (and inside an iframe).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

"$ROOT/scripts/ensure-tools.sh"
step trunk build --release --offline --public-url ./
log "dist/ is ready to copy to a static host:"
ls -l "$ROOT/dist"
