import { Worker } from 'node:worker_threads';
import { RnnkitError } from '@rnnkit/core';
import { launched } from './invocation.js';
import type { HostProgress } from './progress.js';
import { lockRunFolder } from './run-folder.js';
import type { TrainJob, TrainSummary } from './train.js';

type Message =
  | { type: 'progress'; info: Parameters<HostProgress['update']>[0] }
  | { type: 'log'; line: string }
  | { type: 'started'; budget: Parameters<HostProgress['start']>[0] }
  | { type: 'scoring'; done: number; total: number; charsPerBatch: number }
  | { type: 'done'; summary: TrainSummary }
  | { type: 'error'; name: string; message: string; stack?: string };

/**
 * Runs a training job in a worker thread and shows its progress here. The first Ctrl-C (SIGINT, or
 * SIGTERM) asks the worker to stop after the current step and save a resumable checkpoint; a
 * second one quits at once.
 *
 * The run folder is locked here, on the main thread, before the worker starts: a second process
 * fails at once, and the lock is released when the job ends, fails, or the process exits (a
 * second Ctrl-C included). The worker's Trainer gets the lock's token instead of locking again.
 */
export function trainInWorker(job: TrainJob, progress: HostProgress): Promise<TrainSummary> {
  const lock = lockRunFolder(job, (line) => progress.log(line));
  const stopFlag = new SharedArrayBuffer(4);
  const stop = new Int32Array(stopFlag);
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: { job, stopFlag, lock: lock?.token, invocation: launched() },
  });
  return new Promise<TrainSummary>((resolve, reject) => {
    let interrupts = 0;
    const onSignal = () => {
      interrupts++;
      if (interrupts === 1) {
        Atomics.store(stop, 0, 1);
        progress.log(
          'stopping after this step and saving a checkpoint (Ctrl-C again to quit without saving)',
        );
      } else {
        progress.stop();
        process.exit(130);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const finish = () => {
      lock?.release();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      progress.stop();
    };
    let settled = false;
    worker.on('message', (m: Message) => {
      if (m.type === 'progress') progress.update(m.info);
      else if (m.type === 'log') progress.log(m.line);
      else if (m.type === 'started') progress.start(m.budget);
      else if (m.type === 'scoring') progress.scoring(m.done, m.total, m.charsPerBatch);
      else if (m.type === 'done') {
        settled = true;
        finish();
        resolve(m.summary);
      } else if (m.type === 'error') {
        settled = true;
        finish();
        const e = new RnnkitError(m.message);
        e.name = m.name;
        e.stack = m.stack;
        reject(e);
      }
    });
    worker.on('error', (e) => {
      settled = true;
      finish();
      reject(e);
    });
    worker.on('exit', (code) => {
      if (settled) return;
      finish();
      reject(new Error(`the training thread stopped unexpectedly (exit code ${code})`));
    });
  });
}
