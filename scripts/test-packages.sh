#!/usr/bin/env bash
# Install the artifacts of scripts/package.sh into fresh environments, as a user would, and check
# each works there (no Rust toolchain, no repository on the path):
# 1. the wheel into a new venv (timed), scoring the demo team;
# 2. the Node package and the wasm package into a new npm project (timed), scoring the demo team
#    from each, and their declarations under TypeScript's `moduleResolution: nodenext`;
# 3. the wasm package bundled for the browser by Vite (the .wasm must travel with the bundle), the
#    bundle served and run in headless Chromium.
# Expected numbers: the demo team's E001 scores 119.16, grade S (as the demo prints it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="$root/dist"
work="$(mktemp -d /tmp/perfscore-packages.XXXX)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
wheel=$(ls "$dist"/perfscore-*-abi3-*.whl)
node_pkg=$(ls "$dist"/perfscore-[0-9]*.tgz)
wasm_pkg=$(ls "$dist"/perfscore-wasm-*.tgz)
seconds() { local t0=$1; echo "$(( $(date +%s%N) / 1000000 - t0 ))"; }
now_ms() { echo "$(( $(date +%s%N) / 1000000 ))"; }

echo "== the wheel in a fresh venv"
python3 -m venv "$work/venv"
t=$(now_ms)
"$work/venv/bin/python" -m pip install --disable-pip-version-check --no-index -q "$wheel"
echo "installed in $(seconds "$t") ms"
(cd "$work" && "$work/venv/bin/python" - <<'PY'
import perfscore
plan = perfscore.Plan.template("monthly-sales-rep")
first = plan.score_many(plan.records_from_csv(perfscore.demo_team_csv()))[0]
assert (first.record_id, str(first.total), first.grade) == ("E001", "119.16", "S"), first
assert perfscore.__file__.startswith(__import__("sys").prefix), perfscore.__file__
from perfscore.formats import PlanSpec  # the generated TypedDicts ship in the wheel
assert "sources" in PlanSpec.__optional_keys__
print("python: E001", first.total, first.grade)
PY
)

echo "== the Node and wasm packages in a fresh npm project"
mkdir -p "$work/app"
cd "$work/app"
echo '{ "name": "app", "version": "1.0.0", "private": true, "type": "module" }' > package.json
t=$(now_ms)
npm install --no-audit --no-fund --silent "$node_pkg" "$wasm_pkg"
echo "installed in $(seconds "$t") ms"
cat > check.mjs <<'JS'
import * as native from 'perfscore';
import * as wasm from 'perfscore-wasm';
for (const [name, api] of [['native', native], ['wasm', wasm]]) {
  const plan = api.Plan.fromJson(api.demoPlanJson());
  const [first] = plan.scoreMany(plan.recordsFromCsv(api.demoTeamCsv()));
  if (first.record_id !== 'E001' || first.total !== '119.16' || first.grade !== 'S') {
    throw new Error(`${name}: ${JSON.stringify([first.record_id, first.total, first.grade])}`);
  }
  console.log(`${name}: E001 ${first.total} ${first.grade}`);
}
JS
node check.mjs
cat > check.mts <<'TS'
import { Plan, PayPlan, Feedback, PerfscoreError, analytics, type PlanSpec, type Scorecard } from 'perfscore';
import * as wasm from 'perfscore-wasm';
// The file formats' types (formats.d.ts, re-exported by index.d.ts) travel with both packages.
const spec: wasm.PlanSpec = { id: 'p', name: 'P', measures: [], grades: [{ grade: 'A' }] };
const same: PlanSpec = spec;
const total = (card: Scorecard | wasm.Scorecard): string => card.total;
const plan: Plan = Plan.fromJson('{}');
const pay: typeof PayPlan = wasm.PayPlan;
const feedback: typeof Feedback = wasm.Feedback;
const error: typeof PerfscoreError = wasm.PerfscoreError;
const plan2: wasm.Plan = wasm.Plan.fromJson('{}');
export { plan, pay, feedback, error, plan2, analytics, same, total };
TS
"$root/bindings-node/node_modules/.bin/tsc" --noEmit --strict --module nodenext --moduleResolution nodenext \
  --target es2022 --types node --typeRoots "$root/bindings-node/node_modules/@types" check.mts
echo "typescript (nodenext): both packages' declarations resolve"

echo "== the wasm package bundled by Vite, run in headless Chromium"
mkdir -p web
cat > web/index.html <<'HTML'
<!doctype html><meta charset="utf-8"><title>perfscore bundle</title><pre id="out">loading</pre>
<script type="module" src="./main.js"></script>
HTML
cat > web/main.js <<'JS'
import { Plan, demoPlanJson, demoTeamCsv } from 'perfscore-wasm';
const plan = Plan.fromJson(demoPlanJson());
const [first] = plan.scoreMany(plan.recordsFromCsv(demoTeamCsv()));
document.getElementById('out').textContent = `${first.record_id} ${first.total} ${first.grade}`;
JS
"$root/bindings-wasm/node_modules/.bin/vite" build web --logLevel warn --outDir "$work/app/bundle" --emptyOutDir \
  --base ./ --target esnext
ls "$work/app/bundle/assets" | grep -q '\.wasm$' || { echo "the bundle has no .wasm asset" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server --bind 127.0.0.1 "$port" --directory "$work/app/bundle" >/dev/null 2>&1 &
server=$!
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break; sleep 0.1; done
NODE_PATH="$root/bindings-wasm/node_modules" node --input-type=module - "http://127.0.0.1:$port/" <<'JS'
import { createRequire } from 'node:module';
const require = createRequire(process.env.NODE_PATH + '/');
const { chromium } = require('playwright-core');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(process.argv[2]);
  await page.waitForFunction(() => document.getElementById('out').textContent !== 'loading', null, { timeout: 20000 });
  const text = await page.textContent('#out');
  if (text !== 'E001 119.16 S') throw new Error(`bundle page says ${JSON.stringify(text)}; errors: ${errors}`);
  console.log(`vite bundle in chromium: ${text}`);
} finally {
  await browser.close();
}
JS
echo "test-packages.sh: all packages installed and worked"
