#!/usr/bin/env bash
# Build the perfscore-wasm package into bindings-wasm/pkg/{web,node}. Installs what it needs
# (wasm32 target, wasm-bindgen-cli 0.2.130, npm devDependencies from the lockfile).
#
# Speed over size (numbers in README.md "Size and speed"): opt-level 3 with fat LTO, then
# `wasm-opt -O3` (npm `binaryen`). opt-level z + `wasm-opt -Oz` is 23% smaller but 2-4x slower.
# The workspace release profile is shared with the native bindings (thin LTO), so this build
# sets CARGO_PROFILE_RELEASE_LTO=true for the wasm target only through cargo's env config
# (PERFSCORE_WASM_OPT_LEVEL / PERFSCORE_WASM_OPT pick another trade-off, e.g. z and -Oz).
# panic = unwind is kept: on wasm32 it behaves as abort (the instance traps), which the JS
# wrapper recovers from.
# PERFSCORE_WASM_SCORING_ONLY=1 builds the scoring-only module (no 360 feedback, no analytics:
# the crate's default features off) into bindings-wasm/pkg-scoring instead. That module exists
# for hosts that count bytes, so it is built size-first (opt-level z, `wasm-opt -Oz`) unless
# PERFSCORE_WASM_OPT_LEVEL / PERFSCORE_WASM_OPT say otherwise.
# PERFSCORE_WASM_SIMD=1 builds with SIMD128 (the batch kernel's lanes vectorise): faster
# `totalsColumns`, but the module then needs a runtime with wasm SIMD (Chrome 91, Firefox 89,
# Safari 16.4, Node 16.4 or later), so it is opt-in.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen 0.2.130" ]; then
  # No --locked: its lockfile pins a webpki-roots version the registry here lacks.
  cargo install wasm-bindgen-cli --version =0.2.130
fi

t0=$(date +%s)
if [ "${PERFSCORE_WASM_SCORING_ONLY:-0}" = 1 ]; then
  opt_level="${PERFSCORE_WASM_OPT_LEVEL:-z}"
  wasm_opt="${PERFSCORE_WASM_OPT:--Oz}"
else
  opt_level="${PERFSCORE_WASM_OPT_LEVEL:-3}"
  wasm_opt="${PERFSCORE_WASM_OPT:--O3}"
fi
cargo_env=(CARGO_PROFILE_RELEASE_OPT_LEVEL="$opt_level" CARGO_PROFILE_RELEASE_LTO=true)
simd_opt=()
if [ "${PERFSCORE_WASM_SIMD:-0}" = 1 ]; then
  cargo_env+=(CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128")
  simd_opt=(--enable-simd)
fi
features=()
pkg="$here/pkg"
if [ "${PERFSCORE_WASM_SCORING_ONLY:-0}" = 1 ]; then
  features=(--no-default-features)
  pkg="$here/pkg-scoring"
fi
env "${cargo_env[@]}" cargo build -p perfscore-wasm --target wasm32-unknown-unknown --release --locked ${features[@]+"${features[@]}"}
raw_wasm="$root/target/wasm32-unknown-unknown/release/perfscore_wasm.wasm"

(cd "$here" && npm ci --no-audit --no-fund)

rm -rf "$pkg"
wasm-bindgen "$raw_wasm" --target web --out-dir "$pkg/web"
wasm-bindgen "$raw_wasm" --target nodejs --out-dir "$pkg/node"

# One optimised .wasm, used by both targets.
(cd "$here" && npx --no-install wasm-opt "$wasm_opt" --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals ${simd_opt[@]+"${simd_opt[@]}"} \
  "$pkg/web/perfscore_wasm_bg.wasm" -o "$pkg/web/perfscore_wasm_bg.wasm")
cp "$pkg/web/perfscore_wasm_bg.wasm" "$pkg/node/perfscore_wasm_bg.wasm"

# The shared JavaScript front (bindings-js/: the same files the Node package ships), the entries
# that load this backend, and the one declaration file.
for dir in "$pkg/web" "$pkg/node"; do
  cp "$root"/bindings-js/*.mjs "$dir/"
  cp "$root/bindings-js/index.d.ts" "$dir/index.d.ts"
  cp "$root/schema/formats.d.ts" "$dir/formats.d.ts"
done
cp "$here/js/web.mjs" "$pkg/web/index.js"
cp "$here/js/node.mjs" "$pkg/node/index.js"
# The nodejs glue is CommonJS; the entry is an ES module.
mv "$pkg/node/perfscore_wasm.js" "$pkg/node/perfscore_wasm.cjs"
echo '{ "type": "module" }' > "$pkg/web/package.json"
echo '{ "type": "module" }' > "$pkg/node/package.json"

wasm="$pkg/web/perfscore_wasm_bg.wasm"
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
unopt=$(stat -c %s "$raw_wasm")
echo "perfscore-wasm: $wasm"
echo "  opt-level $opt_level, wasm-opt $wasm_opt; size: ${raw} bytes raw, ${gz} bytes gzip -9 (before wasm-bindgen/wasm-opt: ${unopt} bytes); built in $(( $(date +%s) - t0 ))s"
