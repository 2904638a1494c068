#!/usr/bin/env bash
# Node binding tests, from a fresh clone: install npm dev dependencies from the lockfile, build the
# addon (release), run the shared JS suite (tests/js, also run by the wasm package) against it,
# then type-check the usage example against index.d.ts.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$here"

step() { printf '\n== %s\n' "$*"; }

step "npm ci (bindings-node)"
npm ci --no-audit --no-fund

step "build the addon (cargo build -p perfscore-node --release --locked)"
# Same artefact as `npx napi build --platform --release` (npm run build), but it shares cargo's
# target/release with the rest of the workspace, so a warm run does not rebuild.
cargo build --manifest-path "$root/Cargo.toml" -p perfscore-node --release --locked
target_dir="$(cargo metadata --manifest-path "$root/Cargo.toml" --format-version 1 --no-deps \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
case "$(uname -s)" in
  Darwin) lib="libperfscore_node.dylib" ;;
  *) lib="libperfscore_node.so" ;;
esac
triple="$(node -p 'const r=process.report.getReport().header; `${process.platform}-${process.arch}` + (process.platform === "linux" ? (r.glibcVersionRuntime ? "-gnu" : "-musl") : "")')"
cp "$target_dir/release/$lib" "$here/perfscore.$triple.node"

step "the shared JavaScript front and declarations (bindings-js/ → bindings-node/js/, index.d.ts)"
"$here/sync-front.sh"

step "node --test tests/js bindings-node/tests (PERFSCORE_IMPL=native)"
cd "$root"
PERFSCORE_IMPL=native node --test tests/js/ bindings-node/tests/

step "tsc --noEmit (examples/usage.ts against index.d.ts)"
"$here/node_modules/.bin/tsc" --noEmit -p "$here/tsconfig.json"

echo
echo "bindings-node: all tests passed"
