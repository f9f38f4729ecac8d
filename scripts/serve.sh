#!/usr/bin/env bash
# `make serve`: release build, served with live rebuild on http://127.0.0.1:8080 (Ctrl-C stops).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

"$ROOT/scripts/ensure-tools.sh"
log "serving on http://127.0.0.1:8080/"
exec trunk serve --release --offline --address 127.0.0.1 --port 8080
