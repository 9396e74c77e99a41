// Watches the ONNX Runtime worker (ort-worker.mjs) for the main thread (see remote.ts).
//
// A Worker's 'exit' and 'error' events reach only the thread that started it, and only when that
// thread's event loop turns. The main thread blocks in Atomics.wait during a synchronous read
// (item(), dataSync()), so it would never hear of a worker that died meanwhile and would wait for
// its reply forever. This thread starts the worker, does nothing else, and so always hears of its
// end: it reports the exit code and error on the status port, marks the shared life word, and
// wakes a main thread blocked on the reply flag. Plain JavaScript for the same reason as the worker.

import { Worker, workerData } from 'node:worker_threads';

/** @type {{ ortWorker: string, ortData: Record<string, unknown>, status: import('node:worker_threads').MessagePort, life: SharedArrayBuffer, flag: SharedArrayBuffer }} */
const w = workerData;
const life = new Int32Array(w.life);
const flag = new Int32Array(w.flag);

const ports = [w.ortData.requests, w.ortData.replies, w.ortData.syncReplies];
const child = new Worker(new URL(w.ortWorker), { workerData: w.ortData, transferList: ports });

/** @type {string | undefined} */
let error;
/** @type {string | undefined} */
let requested;

child.on('error', (e) => {
  error = e instanceof Error ? e.message : String(e);
});

child.on('exit', (code) => {
  // the report first: a main thread that sees the life word set reads it synchronously
  w.status.postMessage({ code, error, requested });
  Atomics.store(life, 0, 1);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  w.status.close();
});

// the main thread asks for the worker's end (dispose, or a test ending it on purpose)
w.status.on('message', (m) => {
  if (m?.t !== 'terminate') return;
  requested = String(m.reason);
  void child.terminate();
});
