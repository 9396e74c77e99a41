import { compile, dispose, sum, type Tensor, tensor, useBackend } from '@rnnkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MOVED_FEED_BYTES, type OnnxStorage } from './storage.js';
import { useWorkerBackend } from './test-utils/worker-backend.js';

// Large host values a graph run in the worker reads move there (their buffer transferred, not
// copied): the tensor then holds the worker's value, reads and later runs still see its values,
// and the worker drops it when the tensor is disposed.

let values: () => number;
beforeAll(() => {
  const { stats } = useWorkerBackend('onnx-moved-feeds');
  values = () => stats().values;
});

const storage = (t: Tensor) => t.storage as OnnxStorage;

/** A float tensor of `n` values 0, 1, ..., 6, 0, 1, ... on the host. */
function ramp(n: number): Tensor {
  return tensor(Float32Array.from({ length: n }, (_, i) => i % 7));
}

describe('host values a worker run reads', () => {
  // compiled on the worker backend (compile takes the backend current when it is made)
  let f: (x: Tensor) => Tensor;
  beforeAll(() => {
    useBackend('onnx-moved-feeds');
    // one kernel: the graph's only output is the sum (an intermediate would be one more value)
    f = compile((x: Tensor) => sum(x));
  });
  const big = MOVED_FEED_BYTES / 4;
  const expected = (n: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += i % 7;
    return s;
  };

  it('move there when large: the buffer goes, the values stay readable and usable', async () => {
    // the worker starts with the first run
    const warm = ramp(8);
    const w = f(warm);
    await w.data();
    dispose([warm, w]);
    const x = ramp(big);
    const host = storage(x).data!;
    expect(host.length).toBe(big);
    const before = values();
    const y = f(x);
    expect(await y.data()).toEqual(Float32Array.of(expected(big)));
    // transferred: the host array is empty now, and the tensor refers to the worker's value
    expect(host.length).toBe(0);
    expect(storage(x).data).toBeNull();
    expect(storage(x).remote).not.toBeNull();
    expect(values()).toBe(before + 2);
    // it reads back whole, and a second run reads it from the worker
    const back = await x.data();
    expect(back.length).toBe(big);
    expect(back[8]).toBe(1);
    const y2 = f(x);
    expect(await y2.data()).toEqual(Float32Array.of(expected(big)));
    dispose([x, y, y2]);
    expect(values()).toBe(before);
  });

  it('stay on the host when small (reading them needs no trip to the worker)', async () => {
    const n = big / 4;
    const x = ramp(n);
    const host = storage(x).data!;
    const y = f(x);
    expect(await y.data()).toEqual(Float32Array.of(expected(n)));
    expect(host.length).toBe(n);
    expect(storage(x).data).toBe(host);
    expect(storage(x).remote).toBeNull();
    dispose([x, y]);
  });
});
