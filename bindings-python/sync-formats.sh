#!/usr/bin/env bash
# Copy the file formats' TypedDicts (schema/formats.py, generated from the core's types) into the
# package as perfscore.formats; every build of the package (test.sh, scripts/package.sh,
# benches/run.sh) runs this first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cp "$here/../schema/formats.py" "$here/python/perfscore/formats.py"
