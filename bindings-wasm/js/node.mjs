// Node entry of perfscore-wasm (copied to pkg/node/index.js by test.sh/build). Loads the
// wasm-bindgen `--target nodejs` glue synchronously; after a trap it drops the glue from the
// require cache and loads it again, which instantiates a fresh module (synchronously).
import { createRequire } from 'node:module';
import { createApi, PerfscoreError } from './api.js';

const require = createRequire(import.meta.url);
const gluePath = require.resolve('./perfscore_wasm.cjs');
let glue = require(gluePath);

const api = createApi({
  glue: () => glue,
  reload() {
    delete require.cache[gluePath];
    glue = require(gluePath);
  },
});

export const { Plan, PayPlan, Feedback, splitPool, splitPoolCanonical, demoPlanJson, demoTeamCsv, __testTrap, analytics } = api;
export { PerfscoreError };
/** Always resolved in Node: the module is instantiated on import. */
export const ready = Promise.resolve();
export default api;
