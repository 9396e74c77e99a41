import { parentPort, workerData } from 'node:worker_threads';
import type { ProgressReporter } from '@rnnkit/train';
import { type Invocation, useInvocation } from './invocation.js';
import { runTrainJob, type TrainJob } from './train.js';

/**
 * The training thread. Training runs synchronously step after step, so it lives here and the main
 * thread stays free to handle Ctrl-C and draw progress; the stop request arrives through shared
 * memory, which the worker reads after every step.
 */
const { job, stopFlag, lock, invocation } = workerData as {
  job: TrainJob;
  stopFlag: SharedArrayBuffer;
  lock?: string;
  invocation: Invocation;
};
useInvocation(invocation);
const stop = new Int32Array(stopFlag);
const post = (m: unknown) => parentPort!.postMessage(m);
const report: ProgressReporter = {
  update: (info) => post({ type: 'progress', info }),
  log: (line) => post({ type: 'log', line }),
  stop() {},
};

runTrainJob(job, {
  report,
  stopRequested: () => Atomics.load(stop, 0) === 1,
  started: (budget) => post({ type: 'started', budget }),
  lock,
  scoring: (done, total, charsPerBatch) => post({ type: 'scoring', done, total, charsPerBatch }),
}).then(
  (summary) => post({ type: 'done', summary }),
  (e: Error) => post({ type: 'error', name: e.name, message: e.message, stack: e.stack }),
);
