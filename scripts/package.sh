#!/usr/bin/env bash
# Build the installable artifacts of every binding into dist/ (installs what it needs):
#   dist/perfscore-<v>-cp39-abi3-<platform>.whl   the Python wheel (abi3: CPython 3.9 and later)
#   dist/perfscore-<v>.tgz                        the Node package, with the prebuilt addon for this platform
#   dist/perfscore-wasm-<v>.tgz                   the WebAssembly package (browser ES module and Node)
# Installing them needs no Rust toolchain: `pip install dist/*.whl`, `npm install dist/perfscore-*.tgz`.
# scripts/test-packages.sh installs each into a fresh environment and checks it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="$root/dist"
cd "$root"
rm -rf "$dist"
mkdir -p "$dist"
t0=$(date +%s)

echo "== Python wheel"
if [ ! -x "$root/.venv/bin/maturin" ]; then
  [ -x "$root/.venv/bin/python" ] || python3 -m venv "$root/.venv"
  "$root/.venv/bin/python" -m pip install --disable-pip-version-check -q maturin==1.16.0
fi
./bindings-python/sync-formats.sh
(cd bindings-python && "$root/.venv/bin/maturin" build --release --locked -q -o "$dist")

echo "== Node package (prebuilt addon)"
cargo build -p perfscore-node --release --locked
cp target/release/libperfscore_node.so bindings-node/perfscore.linux-x64-gnu.node
./bindings-node/sync-front.sh
(cd bindings-node && npm pack --silent --pack-destination "$dist" >/dev/null)

echo "== WebAssembly package"
# PERFSCORE_REUSE_WASM=1 (the test command, right after bindings-wasm/test.sh built it): package
# the module already in bindings-wasm/pkg instead of building it again.
if [ "${PERFSCORE_REUSE_WASM:-0}" != 1 ] || [ ! -f bindings-wasm/pkg/node/index.js ]; then
  ./bindings-wasm/build.sh >/dev/null
fi
(cd bindings-wasm && npm pack --silent --pack-destination "$dist" >/dev/null)

ls -l "$dist"
echo "package.sh: built in $(( $(date +%s) - t0 ))s"
