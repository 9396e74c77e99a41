import type { BackendRequest, BenchEvent, OfferedBackend } from '../protocol.js';
import { BROWSER_BACKENDS } from './backends.js';

// The page's main thread: says which backends it offers and runs each asked backend in a fresh
// Web Worker, handing every event to the driver (benchEvent, exposed by Playwright). A worker
// that dies or outlives its time is stopped and reported as a failure.

interface BenchPage {
  benchBackends: OfferedBackend[];
  runBackend(req: BackendRequest): Promise<void>;
  benchEvent?(e: BenchEvent): Promise<void>;
}
const page = window as unknown as BenchPage;

page.benchBackends = BROWSER_BACKENDS.map(({ name, peer, description }) => ({
  name,
  peer,
  description,
}));

page.runBackend = (req) =>
  new Promise<void>((resolve) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    const send = (e: BenchEvent) => void page.benchEvent?.(e);
    const finish = (error?: string) => {
      clearTimeout(timer);
      worker.terminate();
      if (error) send({ type: 'failure', backend: req.backend, workload: '*', error });
      send({ type: 'done', backend: req.backend });
      resolve();
    };
    const timer = setTimeout(
      () => finish(`stopped after ${req.timeoutS} s (--timeout), before the worker finished`),
      req.timeoutS * 1000,
    );
    worker.onmessage = (m: MessageEvent<BenchEvent>) => {
      if (m.data.type === 'done') finish();
      else send(m.data);
    };
    worker.onerror = (e) => finish(`the worker failed: ${e.message || 'error event'}`);
    worker.postMessage(req);
  });
