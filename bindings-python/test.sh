#!/usr/bin/env bash
# Build the Python binding into the repository's virtual environment and run its tests.
# Works from any directory and from a fresh clone: creates <repo>/.venv when missing, installs the
# pinned test dependencies only when one is missing or at another version, then
# `maturin develop --locked` and pytest (conformance vectors, stubtest, the example notebook).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="$root/.venv"
reqs="$here/requirements-test.txt"

if [ ! -x "$venv/bin/python" ]; then
  echo "test.sh: creating $venv"
  python3 -m venv "$venv"
fi

# Are all pinned requirements installed at their pinned versions?
if ! "$venv/bin/python" - "$reqs" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version

missing = []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, _, pinned = line.partition("==")
    try:
        if version(name) != pinned:
            missing.append(line)
    except PackageNotFoundError:
        missing.append(line)
if missing:
    print("test.sh: installing", " ".join(missing))
    sys.exit(1)
PY
then
  "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$reqs"
fi

# maturin develop needs an active virtual environment.
# shellcheck disable=SC1091
. "$venv/bin/activate"
cd "$here"
./sync-formats.sh
maturin develop --locked -q
cd "$root"
python -m pytest -q bindings-python/tests
