#!/usr/bin/env bash
# Build perfscore-wasm and run every test of it: Rust unit tests + clippy/fmt of the crate, the
# shared JS suite (tests/js) against the wasm package, a trap-recovery check, and the widget
# end-to-end in headless Chromium. Works from any cwd and from a fresh clone; installs what it needs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
t_start=$(date +%s)
lap() { echo "== $1 ($(( $(date +%s) - t_start ))s)"; }

lap "rust: fmt, clippy, unit tests (perfscore-wasm)"
cargo fmt -p perfscore-wasm --check
# --no-deps: lint this crate only (the core is linted by its own check, and may be mid-edit).
cargo clippy -p perfscore-wasm --all-targets --locked --no-deps -- -D warnings
cargo test -p perfscore-wasm --locked

lap "build the wasm package"
"$here/build.sh"

lap "shared JS suite against the wasm package (PERFSCORE_IMPL=wasm)"
if [ -d "$root/tests/js" ]; then
  PERFSCORE_IMPL=wasm node --test "$root/tests/js/"
else
  echo "tests/js/ is missing: the shared suite comes with the Node binding" >&2
  exit 1
fi

lap "scoring-only module (no feedback, analytics or facts): build, then the shared suite's scoring files"
cargo clippy -p perfscore --locked --no-default-features -- -D warnings
cargo clippy -p perfscore-wasm --locked --no-deps --no-default-features -- -D warnings
PERFSCORE_WASM_SCORING_ONLY=1 "$here/build.sh"
# Everything but the 360, analytics and facts files, which test what this module leaves out
# (features.test.mjs checks that it says so).
scoring_files=()
for f in "$root"/tests/js/*.test.mjs; do
  case "$(basename "$f")" in feedback.test.mjs|analytics.test.mjs|facts.test.mjs) ;; *) scoring_files+=("$f") ;; esac
done
PERFSCORE_IMPL=wasm-scoring node --test "${scoring_files[@]}"

lap "wasm package: own checks (trap recovery, web entry)"
node --test "$here/e2e/package.test.mjs"

lap "widget end-to-end in headless Chromium"
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update && apt-get install -y chromium
  else
    sudo apt-get update && sudo apt-get install -y chromium
  fi
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server --bind 127.0.0.1 "$port" --directory "$here" >/tmp/perfscore-wasm-http.$$.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/widget/index.html" 2>/dev/null; then break; fi
  sleep 0.1
done
mkdir -p "$root/test-artifacts"
BASE_URL="http://127.0.0.1:$port" SCREENSHOT="$root/test-artifacts/widget.png" node "$here/e2e/widget.e2e.mjs"

lap "perfscore-wasm: all tests passed"
