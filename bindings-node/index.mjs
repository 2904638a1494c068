// perfscore for Node.js: the shared JavaScript front (js/api.mjs, copied from bindings-js/ at
// build) over the native addon. This file only finds and loads the addon.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { createApi, PerfscoreError } from './js/api.mjs';

const require = createRequire(import.meta.url);

function loadNative() {
  const { platform, arch } = process;
  let abi = '';
  if (platform === 'linux') {
    const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
    abi = report && report.header && report.header.glibcVersionRuntime ? '-gnu' : '-musl';
  } else if (platform === 'win32') {
    abi = '-msvc';
  }
  const candidates = [`perfscore.${platform}-${arch}${abi}.node`, 'index.node'];
  for (const file of candidates) {
    const url = new URL(`./${file}`, import.meta.url);
    if (existsSync(url)) return require(url.pathname);
  }
  throw new Error(
    `perfscore: no native addon found for ${platform}-${arch}${abi} (looked for ${candidates.join(', ')}); ` +
      'build it with `npx napi build --platform --release` in bindings-node/',
  );
}

const native = loadNative();
const api = createApi({ core: () => native });

export const { Plan, PayPlan, Feedback, analytics, run, splitPool, splitPoolCanonical, errorToCanonicalJson, demoPlanJson, demoTeamCsv, demoHistoryCsv, demoFacts, version } = api;
export { PerfscoreError };
export default api;
