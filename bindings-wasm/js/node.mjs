// Node entry of perfscore-wasm (copied to pkg/node/index.js by build.sh), over the shared front. Loads the
// wasm-bindgen `--target nodejs` glue synchronously; after a trap it drops the glue from the
// require cache and loads it again, which instantiates a fresh module (synchronously).
import { createRequire } from 'node:module';
import { createApi, PerfscoreError } from './api.mjs';

const require = createRequire(import.meta.url);
const gluePath = require.resolve('./perfscore_wasm.cjs');
let glue = require(gluePath);

const api = createApi({
  core: () => glue,
  reload() {
    delete require.cache[gluePath];
    glue = require(gluePath);
  },
});

export const { Plan, PayPlan, Feedback, analytics, run, splitPool, splitPoolCanonical, errorToCanonicalJson, demoPlanJson, demoTeamCsv, demoHistoryCsv, demoFacts, version, __testTrap } = api;
export { PerfscoreError };
/** Always resolved in Node: the module is instantiated on import. */
export const ready = Promise.resolve();
export default api;
