#!/usr/bin/env bash
# Copy the shared JavaScript front (bindings-js/: one source for the Node and the wasm package)
# into this package: js/*.mjs beside index.mjs, and the one declaration file as index.d.ts.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$here/js"
cp "$here"/../bindings-js/*.mjs "$here/js/"
cp "$here/../bindings-js/index.d.ts" "$here/index.d.ts"
