#!/usr/bin/env bash
# Trunk's post-build hook (Trunk.toml): splits the app's wasm into a main module and one chunk per
# lazily loaded part (each lesson; see app/src/lessons/loader.rs), where Trunk 0.21 has no step
# for it. Trunk has already run cargo and wasm-bindgen and staged the files; this replaces the
# staged glue and wasm with split ones under the same names, so Trunk's loader needs no change.
#
#   1. wasm-split-cli (wasm_split_cli_support) on cargo's raw wasm: the main module, the chunks
#      (split_*.wasm) and their loader (__wasm_split.js); the code that several chunks share,
#      which it puts in a module per set of chunks (hundreds), merged into two
#      (scripts/merge-chunks.py: what the workbench shares, and what only lessons share);
#   2. wasm-bindgen --keep-lld-exports on the main module (the chunks link to its exports);
#   3. wasm-opt on every module (release only; Trunk's own wasm-opt is off for this reason);
#   4. content hashes in the chunk and loader names, so that they can be cached for ever;
#   5. Trunk's inline loader script moved into a file (boot-<hash>.js): the page's
#      Content-Security-Policy allows no inline script;
#   6. the service worker told the build's files (precache.json) and given a new cache name,
#      so that after one visit every lesson opens offline.
# A build without the `split` feature has no split points: then only steps 5 and 6 run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

staging="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
profile="${TRUNK_PROFILE:-debug}"
target="${CARGO_TARGET_DIR:-$ROOT/target}"
raw="$target/wasm32-unknown-unknown/$profile/spacetime-app.wasm"

glue="$(find "$staging" -maxdepth 1 -name 'spacetime-app-*.js' | head -n1)"
[ -n "$glue" ] || { log "error: no staged spacetime-app-*.js in $staging" >&2; exit 1; }
stem="$(basename "$glue" .js)"

hash16() { sha256sum "$1" | cut -c1-16; }

if grep -q "__wasm_split_placeholder__" "$raw" 2>/dev/null; then
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    log "split $raw ($(wc -c <"$raw") bytes)"
    wasm-split-cli --target web --out-name "$stem" "$raw" "$work/split" >/dev/null
    # shellcheck disable=SC2086
    python3 "$ROOT/scripts/merge-chunks.py" "$work/split" workbench $WASM_FEATURES
    wasm-bindgen --target web --keep-lld-exports --no-demangle --no-typescript \
        --out-name "$stem" --out-dir "$work/bound" "$work/split/$stem.wasm"
    cp "$work/bound/$stem.js" "$staging/$stem.js"
    cp "$work/bound/${stem}_bg.wasm" "$staging/${stem}_bg.wasm"
    if [ -d "$work/bound/snippets" ]; then cp -r "$work/bound/snippets" "$staging/"; fi
    loader="$work/split/__wasm_split.js"
    for chunk in "$work/split"/*.wasm; do
        name="$(basename "$chunk" .wasm)"
        [ "$name" = "$stem" ] && continue
        if [ "$profile" = release ]; then
            # (Its stderr only if it fails: it warns about every chunk's name section.)
            wasm-opt -Oz $WASM_OPT_FEATURES ${SPACETIME_WASM_OPT_EXTRA:-} "$chunk" -o "$chunk" 2>"$work/opt.log" || { cat "$work/opt.log" >&2; exit 1; }
        fi
        hashed="$name-$(hash16 "$chunk")"
        cp "$chunk" "$staging/$hashed.wasm"
        sed -i "s|\./$name\.wasm|./$hashed.wasm|g" "$loader"
    done
    if [ "$profile" = release ]; then
        wasm-opt -Oz $WASM_OPT_FEATURES ${SPACETIME_WASM_OPT_EXTRA:-} "$staging/${stem}_bg.wasm" -o "$staging/${stem}_bg.wasm"
    fi
    loader_hashed="__wasm_split-$(hash16 "$loader").js"
    cp "$loader" "$staging/$loader_hashed"
    # Only the glue's import statements: the keys of its import object are the wasm's own import
    # module names, which stay as they are.
    sed -i "s|^\(import .* from [\"']\)\./__wasm_split\.js\([\"']\)|\1./$loader_hashed\2|" "$staging/$stem.js"
    log "main module $(wc -c <"$staging/${stem}_bg.wasm") bytes, $(ls "$work/split"/*.wasm | wc -l) modules in all"
else
    log "no split points in $raw: the module stays whole"
fi

# Trunk's loader, from an inline script to a file.
python3 - "$staging/index.html" <<'PY'
import hashlib, re, sys
path = sys.argv[1]
html = open(path, encoding="utf-8").read()
m = re.search(r'<script type="?module"?>(.*?)</script>', html, re.S)
if m:
    code = m.group(1).strip() + "\n"
    name = "boot-%s.js" % hashlib.sha256(code.encode()).hexdigest()[:16]
    open(path.rsplit("/", 1)[0] + "/" + name, "w", encoding="utf-8").write(code)
    html = html[: m.start()] + '<script type="module" src="./%s"></script>' % name + html[m.end():]
    open(path, "w", encoding="utf-8").write(html)
PY

# Release only: a picture of every built-in run, for a link's first seconds (assets/preview.js,
# cli/src/previews.rs), in a folder named by its content so that a new build never shows an old
# picture. Not in the service worker's list: offline, the app itself is there at once.
if [ "$profile" = release ]; then
    pictures="$(mktemp -d)"
    cargo run --quiet -p spacetime-cli -- previews "$pictures" >&2
    folder="pictures-$(cd "$pictures" && find . -type f -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16)"
    rm -rf "$staging"/pictures-*
    mv "$pictures" "$staging/$folder"
    chmod -R a+rX "$staging/$folder"
    # Which pictures there are (a run too big for one has none: no request that fails), before
    # the first script, so that it is read before preview.js (async) runs.
    drawn="$(cd "$staging/$folder" && find . -name '*.svg' | sed 's|^\./||; s|\.svg$||' | sort | tr '\n' ' ' | sed 's/ $//')"
    sed -i "0,/<script/s||<meta name=\"spacetime-preview\" content=\"./$folder/\" data-drawn=\"$drawn\"><script|" "$staging/index.html"
fi

# The service worker's list of the build's files, and a cache name of its own.
files=$(cd "$staging" && find . -maxdepth 1 -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.svg' \) \
    ! -name sw.js -printf '"./%P",' | sed 's/,$//')
printf '[%s]\n' "$files" >"$staging/precache.json"
if [ -f "$staging/sw.js" ]; then
    sed -i "s|const CACHE = 'spacetime-[^']*';|const CACHE = 'spacetime-$(hash16 "$staging/precache.json")';|" "$staging/sw.js"
fi
