import {
  compile,
  dispose,
  matmul,
  registerBackend,
  sum,
  type Tensor,
  tanh,
  tensor,
  useBackend,
} from '@rnnkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OnnxBackend } from '../backend.js';
import { createOnnxBackend } from '../index.js';
import type { RemoteRuntime } from '../runtime/node/remote.js';
import { LARGE_GRAPH_BYTES, RETIRE_AFTER } from './graph-cache.js';

// Sessions of graphs left behind (the Trainer's block sizes it tried while sizing its calls) are
// released, each once: when another graph's session is made (a new graph, or one that comes back
// after its session was released), or after RETIRE_AFTER runs of others; counted in the worker
// itself (its stats) and in the cache.

beforeAll(() => {
  registerBackend('onnx-retire-worker', () =>
    createOnnxBackend('onnx', { threads: 1, worker: true }),
  );
  registerBackend('onnx-retire-thread', () =>
    createOnnxBackend('onnx', { threads: 1, worker: false }),
  );
});

/** sum(tanh(x·x)), compiled on the current backend: a graph for each size of x. */
const compiled = () => compile((x: Tensor) => sum(tanh(matmul(x, x))));
let f: ReturnType<typeof compiled>;

/** Runs f with an n×n x; returns the sum. */
async function run(n: number): Promise<number> {
  const x = tensor(
    Float32Array.from({ length: n * n }, (_, i) => ((i % 5) - 2) / 10),
    [n, n],
  );
  const y = f(x);
  const v = (await y.data())[0];
  dispose([x, y]);
  return v;
}

describe('sessions of graphs that stopped running', () => {
  for (const where of ['worker', 'thread'] as const) {
    it(`are released when another session is made, or once other graphs ran ${RETIRE_AFTER} times since, and kept for good when they come back (${where})`, async () => {
      const be = useBackend(`onnx-retire-${where}`) as OnnxBackend;
      f = compiled();
      const live = () =>
        where === 'worker'
          ? (be.graphs.remote as RemoteRuntime).stats().sessions
          : be.graphs.sessions.local;
      const first = await run(3);
      expect(live()).toBe(1);
      // a new graph: the session of size 3 goes before size 4's is made
      const second = await run(4);
      expect(live()).toBe(1);
      expect(be.graphs.sessions[where === 'worker' ? 'worker' : 'local']).toBe(1);
      const builds = be.graphs.builds;
      // size 3 comes back: a new session from the model kept, the same result, no new graph; size
      // 4's session goes before it is made
      expect(await run(3)).toBe(first);
      expect(be.graphs.builds).toBe(builds);
      expect(live()).toBe(1);
      // both were released once: they keep their sessions now, through idleness and new graphs
      expect(await run(4)).toBe(second);
      expect(be.graphs.builds).toBe(builds);
      expect(live()).toBe(2);
      for (let i = 0; i < 3 * RETIRE_AFTER; i++) await run(3);
      expect(live()).toBe(2);
      await run(5);
      expect(live()).toBe(3);
      // size 5 (never released) goes idle: released once others have run more than RETIRE_AFTER
      // times since
      for (let i = 0; i < RETIRE_AFTER; i++) await run(3);
      expect(live()).toBe(3);
      await run(4);
      expect(live()).toBe(2);
      expect(be.graphs.builds).toBe(builds + 1);
    });
  }

  for (const where of ['worker', 'thread'] as const) {
    it(`of large graphs (16 MiB of inputs) are released whenever another session is made, however often they come back (${where})`, async () => {
      // a backend of its own: the one above keeps the small graphs' sessions
      registerBackend(`onnx-retire-large-${where}`, () =>
        createOnnxBackend('onnx', { threads: 1, worker: where === 'worker' }),
      );
      const be = useBackend(`onnx-retire-large-${where}`) as OnnxBackend;
      const live = () =>
        where === 'worker'
          ? (be.graphs.remote as RemoteRuntime).stats().sessions
          : be.graphs.sessions.local;
      const g = compile((x: Tensor) => sum(tanh(x)));
      /** Runs g on a large input of n + k values (a graph for each k); returns the sum. */
      const runLarge = async (k: number) => {
        const x = tensor(new Float32Array(LARGE_GRAPH_BYTES / 4 + k).fill(0.5));
        const y = g(x);
        const v = (await y.data())[0];
        dispose([x, y]);
        return v;
      };
      const first = await runLarge(0);
      await runLarge(8);
      // back and forth: a small graph would keep its session from its second time on
      for (let i = 0; i < 3; i++) {
        expect(await runLarge(0)).toBe(first);
        expect(live()).toBe(1);
        await runLarge(8);
        expect(live()).toBe(1);
      }
    });
  }

  it("on this thread are released when 'auto' moves graphs to the worker for good", async () => {
    registerBackend('onnx-retire-auto', () => createOnnxBackend('onnx', { threads: 1 }));
    const be = useBackend('onnx-retire-auto') as OnnxBackend;
    f = compiled();
    await run(2);
    expect(be.graphs.sessions).toEqual({ local: 1, worker: 0 });
    // 24 chained 512² products: 6.4 GFLOP, well over the 50 ms that moves runs to the worker
    const n = 512;
    const x = tensor(
      Float32Array.from({ length: n * n }, (_, i) => ((i % 7) - 3) / 100),
      [n, n],
    );
    const heavy = compile(() => {
      let y = x;
      for (let i = 0; i < 24; i++) y = tanh(matmul(y, x));
      return sum(y);
    });
    dispose(heavy());
    expect(be.graphs.inWorker).toBe(true);
    expect(be.graphs.sessions.local).toBe(0);
    await run(2);
    expect(be.graphs.sessions).toEqual({ local: 0, worker: 1 });
    expect((be.graphs.remote as RemoteRuntime).stats().sessions).toBe(1);
    dispose(x);
  });
});
