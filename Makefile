# Spacetime: thin targets; the logic lives in scripts/*.sh.
.PHONY: serve test dist bench setup size

## serve: build the release site and serve it on http://127.0.0.1:8080 (rebuilds on change)
serve:
	scripts/serve.sh

## test: every test: native (core, cli, app), app components in headless Chromium, release build, end to end
test:
	scripts/test.sh

## dist: the static site in dist/, relative paths, ready for any static host
dist:
	scripts/dist.sh

## bench: criterion benchmarks of the core, the browser benchmark if present, and the bundle size
bench:
	scripts/bench.sh

## setup: install the tools only (wasm target, trunk, wasm-bindgen-cli, wasm-opt, playwright-core, Chromium)
setup:
	scripts/ensure-tools.sh

## size: release build, then bytes of wasm/js/css raw and gzipped
size:
	scripts/measure-size.sh
