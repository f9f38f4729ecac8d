#!/usr/bin/env bash
# Size of the release build: bytes of each wasm/js/css file, raw and gzipped (-9), and the total
# gzipped bytes a first visit transfers (index.html and everything it loads at start).
# Usage: scripts/measure-size.sh [--no-build]   (--no-build: measure dist/ as it is)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if [ "${1:-}" != "--no-build" ]; then
    "$ROOT/scripts/ensure-tools.sh"
    step trunk build --release --offline
fi

dist="$ROOT/dist"
[ -f "$dist/index.html" ] || { log "error: no $dist/index.html: build first" >&2; exit 1; }

gz() { gzip -9 -c "$1" | wc -c; }

# What a first visit loads: index.html plus the files it references (Trunk puts the wasm, the JS
# glue, the CSS and the icon at the top of dist/ with content hashes), excluding copied asset
# folders, which load on demand.
mapfile -t files < <(find "$dist" -maxdepth 1 -type f \( -name '*.html' -o -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.svg' -o -name '*.ico' \) | sort)

printf '%-48s %12s %12s\n' "file" "bytes" "gzip -9"
total_raw=0
total_gz=0
for f in "${files[@]}"; do
    raw=$(wc -c <"$f")
    z=$(gz "$f")
    total_raw=$((total_raw + raw))
    total_gz=$((total_gz + z))
    printf '%-48s %12d %12d\n' "${f#"$dist"/}" "$raw" "$z"
done
printf '%-48s %12d %12d\n' "first visit total" "$total_raw" "$total_gz"
for ext in wasm js css; do
    raw=0; z=0
    for f in "${files[@]}"; do
        if [[ "$f" == *."$ext" ]]; then raw=$((raw + $(wc -c <"$f"))); z=$((z + $(gz "$f"))); fi
    done
    printf '%-48s %12d %12d\n' "  of which .$ext" "$raw" "$z"
done
