// Browser entry of perfscore-wasm (copied to pkg/web/index.js). Importing it compiles and
// instantiates the module (top-level await), so `Plan` is usable as soon as the import resolves:
//   import { Plan, demoPlanJson } from './pkg/web/index.js';
// A spare copy of the wasm-bindgen glue is kept loaded so that, if the instance ever traps, a
// fresh instance is made synchronously from the already-compiled module.
import init from './perfscore_wasm.js';
import * as first from './perfscore_wasm.js';
import { createApi, PerfscoreError } from './api.mjs';

const wasmUrl = new URL('./perfscore_wasm_bg.wasm', import.meta.url);
let compiled;
let glue = first;
let spare = null;
let copies = 0;

async function compile() {
  const response = await fetch(wasmUrl);
  if (!response.ok) throw new Error(`perfscore-wasm: cannot load ${wasmUrl}: HTTP ${response.status}`);
  // compileStreaming needs the application/wasm MIME type; fall back when a server omits it.
  if (WebAssembly.compileStreaming && response.headers.get('content-type') === 'application/wasm') {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

function loadSpare() {
  copies += 1;
  return import(`./perfscore_wasm.js?copy=${copies}`).then((m) => {
    spare = m;
  });
}

export const ready = (async () => {
  compiled = await compile();
  await init({ module_or_path: compiled });
  loadSpare().catch(() => {});
})();

// The API reads the core's operation names when it is made, so the instance comes first.
await ready;

const api = createApi({
  core: () => glue,
  reload() {
    if (!spare) {
      loadSpare().then(() => {
        glue = spare;
        spare = null;
        glue.initSync({ module: compiled });
        loadSpare().catch(() => {});
      });
      throw new Error('no spare instance was ready; a new one is loading');
    }
    glue = spare;
    spare = null;
    glue.initSync({ module: compiled });
    loadSpare().catch(() => {});
  },
});

export const { Plan, PayPlan, Feedback, analytics, run, splitPool, splitPoolCanonical, errorToCanonicalJson, demoPlanJson, demoTeamCsv, demoHistoryCsv, demoFacts, version, __testTrap } = api;
export { PerfscoreError };
export default api;
