import type { BenchContext, BenchRow, Workload } from '../../harness.js';
import { charLstmWorkload } from '../../workloads/char-lstm.js';
import { generateWorkload } from '../../workloads/generate.js';
import { layersWorkloads } from '../../workloads/layers/index.js';
import { sineRnnWorkload } from '../../workloads/sine-rnn.js';
import type { BackendRequest, BenchEvent } from '../protocol.js';
import { BROWSER_BACKENDS } from './backends.js';

// One backend's run in a Web Worker of its own: start the backend, run each asked workload (or
// its tfjs-layers peer) with the Node bench's code, post the rows as they come, then 'done'.

const RNNKIT: ReadonlyMap<string, Workload> = new Map(
  [sineRnnWorkload, charLstmWorkload, generateWorkload].map((w) => [w.name, w]),
);

const post = (e: BenchEvent) => postMessage(e);

/** Browsers have no process CPU clock: the cpuShare note (NaN here) is left out. */
function withoutCpuShare(rows: BenchRow[]): BenchRow[] {
  for (const r of rows)
    if (r.notes && typeof r.notes.cpuShare === 'number' && !Number.isFinite(r.notes.cpuShare))
      delete r.notes.cpuShare;
  return rows;
}

async function run(req: BackendRequest): Promise<void> {
  const { backend } = req;
  const offered = BROWSER_BACKENDS.find((b) => b.name === backend);
  if (!offered) {
    const names = BROWSER_BACKENDS.map((b) => b.name).join(', ');
    throw new Error(
      `backend '${backend}' is not offered by the browser bench; choose from ${names}`,
    );
  }
  const { threads, tf } = await offered.start();
  post({ type: 'start', backend, threads, detail: offered.description });
  const ctx: BenchContext = {
    backend,
    quick: req.quick,
    stepsPerCall: req.stepsPerCall,
    corpus: () => req.corpus,
    tf,
  };
  for (const name of req.workloads) {
    const w = offered.peer ? layersWorkloads.get(name) : RNNKIT.get(name);
    if (!w) continue;
    const t0 = performance.now();
    try {
      const rows = withoutCpuShare(await w.run(ctx));
      for (const r of rows) r.threads = threads;
      post({
        type: 'rows',
        backend,
        workload: name,
        seconds: (performance.now() - t0) / 1000,
        rows,
      });
    } catch (e) {
      post({
        type: 'failure',
        backend,
        workload: name,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
}

self.onmessage = async (e: MessageEvent<BackendRequest>) => {
  const { backend } = e.data;
  try {
    await run(e.data);
  } catch (err) {
    post({
      type: 'failure',
      backend,
      workload: '*',
      error: err instanceof Error ? err.message : String(err),
    });
  }
  post({ type: 'done', backend });
};
