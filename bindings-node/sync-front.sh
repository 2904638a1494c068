#!/usr/bin/env bash
# Copy the shared JavaScript front (bindings-js/: one source for the Node and the wasm package)
# into this package: js/*.mjs beside index.mjs, and the one declaration file as index.d.ts with
# the file formats' declarations it re-exports (schema/formats.d.ts, generated from the core).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$here/js"
cp "$here"/../bindings-js/*.mjs "$here/js/"
cp "$here/../bindings-js/index.d.ts" "$here/index.d.ts"
cp "$here/../schema/formats.d.ts" "$here/formats.d.ts"
