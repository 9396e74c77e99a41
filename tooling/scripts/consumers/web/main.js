// The page: trains in one Web Worker per backend (train-worker.ts) and publishes what each
// worker reports as window.results, which the driver (drive.mjs) reads.
const BACKENDS = ['onnx-wasm', 'tfjs-wasm', 'js'];
// A worker that never answers (a lost message, a graph that never returns) is reported under
// its backend's name after this long, so one hang does not hide the other backends' results.
const ANSWER_WITHIN_MS = 60_000;
const log = document.getElementById('log');

function trainOn(backend) {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
    const done = (result) => {
      clearTimeout(timer);
      worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(
      () => done({ backend, error: `its worker did not answer in ${ANSWER_WITHIN_MS / 1000} s` }),
      ANSWER_WITHIN_MS,
    );
    worker.onmessage = (e) => done(e.data);
    worker.onerror = (e) => done({ backend, error: `its worker failed: ${e.message}` });
    worker.postMessage({ backend });
  });
}

const results = [];
for (const backend of BACKENDS) {
  log.textContent += `training on ${backend}\n`;
  const r = await trainOn(backend);
  results.push(r);
  log.textContent += `${JSON.stringify(r)}\n`;
}
window.results = { crossOriginIsolated, results };
