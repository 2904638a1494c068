#!/usr/bin/env bash
# Runs every test the repository has, in every language, from a fresh clone.
# Installs what it needs (only when missing). CI runs exactly this (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
export CARGO_PROFILE_DEV_DEBUG=line-tables-only

step() { printf '\n==> %s\n' "$*"; }

step "Rust: formatting"
cargo fmt --all --check

step "Rust: clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust: unit, integration, property, conformance and doc tests"
cargo test --workspace --locked

step "Rust: the scoring-only core (no feedback, analytics or facts): clippy and its tests"
cargo clippy -p perfscore --no-default-features --all-targets --locked -- -D warnings
cargo test -p perfscore --no-default-features --locked

step "Rust: the demo runs"
cargo run --locked --example demo -- --day 20 >/dev/null

step "Python binding: build into a venv, pytest, stubtest, notebook"
./bindings-python/test.sh

step "Node binding: build the addon, shared JS suite (native), tsc type check"
./bindings-node/test.sh

step "WebAssembly: build the package, shared JS suite (wasm), widget end-to-end in headless Chromium"
./bindings-wasm/test.sh

step "Packages: build the wheel and the Node and wasm packages, install each into a fresh environment"
PERFSCORE_REUSE_WASM=1 ./scripts/package.sh
./scripts/test-packages.sh

step "Benchmarks: smoke run (harness and exactness only, never timings)"
./benches/run.sh --smoke

printf '\nAll tests passed.\n'
