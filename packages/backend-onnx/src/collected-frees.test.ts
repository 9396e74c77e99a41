import { compile, dispose, mulScalar, type Tensor, tensor, useBackend } from '@rnnkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWorkerBackend } from './test-utils/worker-backend.js';

// The Node worker collects its garbage once the bytes of the values freed since its last
// collection reach those it holds, and at least 16 MiB (see collectIfDue in ort-worker.mjs): it
// allocates little but graph outputs, so left to V8 the buffers of freed outputs piled up (a
// training run frees a set of parameters and moments every step).

let stats: ReturnType<typeof useWorkerBackend>['stats'];
beforeAll(() => {
  ({ stats } = useWorkerBackend('onnx-collected-frees'));
});

describe('values freed in the Node worker', () => {
  let twice: (x: Tensor) => Tensor;
  const n = 1 << 20;
  /** Runs `twice` on a fresh 4 MiB input (moved to the worker) and frees both: 8 MiB. */
  async function churn(runs: number) {
    for (let i = 0; i < runs; i++) {
      const x = tensor(new Float32Array(n).fill(i));
      const y = twice(x);
      expect((await y.data())[n - 1]).toBe(2 * i);
      dispose([x, y]);
    }
  }
  beforeAll(() => {
    useBackend('onnx-collected-frees');
    twice = compile((x: Tensor) => mulScalar(x, 2));
  });

  it('are collected every 16 MiB while little is held, so their buffers do not pile up', async () => {
    const warm = twice(tensor(new Float32Array(8)));
    await warm.data();
    dispose(warm);
    const before = stats();
    await churn(12);
    const after = stats();
    expect(after.values).toBe(before.values);
    // 96 MiB freed: at least 5 collections (6, less what was freed before this test)
    expect(after.collections - before.collections).toBeGreaterThanOrEqual(5);
    // what is left unreclaimed is less than one collection's worth, plus the live buffers
    expect(after.arrayBuffersMiB).toBeLessThan(24);
  });

  it('wait for as many bytes as are held (a collection per run would cost time)', async () => {
    // 32 MiB held in the worker
    const kept = tensor(new Float32Array(8 * n).fill(1));
    const k2 = twice(kept);
    await k2.data();
    dispose(k2);
    const before = stats().collections;
    await churn(3);
    // 24 MiB freed, 32 held: no collection yet
    expect(stats().collections).toBe(before);
    await churn(2);
    expect(stats().collections).toBe(before + 1);
    dispose(kept);
  });
});
