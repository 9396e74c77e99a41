import '@rnnkit/backend-js';
import { memory, RnnkitError } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import type { Batch, Dataset } from './dataset.js';
import { WindowDataset } from './window-dataset.js';
import { slidingWindows } from './windows.js';

/** Example i: inputs i·100 + [0, 1, 2], targets i·100 + [10, 11]. */
function examples(count: number) {
  const inputs = new Float32Array(count * 3);
  const targets = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    inputs.set([i * 100, i * 100 + 1, i * 100 + 2], i * 3);
    targets.set([i * 100 + 10, i * 100 + 11], i * 2);
  }
  return { inputs, targets, count };
}

/** Example ids in visiting order, read back from the batches' x tensors. */
function visited(ds: Dataset<Batch>, epoch: number): number[] {
  const ids: number[] = [];
  for (const { x, y } of ds.batches(epoch)) {
    const xv = x.dataSync();
    const yv = y.dataSync();
    for (let r = 0; r < x.shape[0]; r++) {
      const id = xv[r * 3] / 100;
      expect(Array.from(xv.subarray(r * 3, r * 3 + 3))).toEqual([
        id * 100,
        id * 100 + 1,
        id * 100 + 2,
      ]);
      expect(Array.from(yv.subarray(r * 2, r * 2 + 2))).toEqual([id * 100 + 10, id * 100 + 11]);
      ids.push(id);
    }
    x.dispose();
    y.dispose();
  }
  return ids;
}

const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('WindowDataset', () => {
  it('yields [B, window, features] / [B, horizon] batches, keeping the last partial one', () => {
    const ds = new WindowDataset(examples(10), { batchSize: 4 });
    expect(ds.size).toBe(10);
    expect([ds.window, ds.horizon, ds.features]).toEqual([3, 2, 1]);
    expect(ds.numBatches()).toBe(3);
    const batches = [...ds.batches(0)];
    expect(batches.map((b) => [b.x.shape, b.y.shape])).toEqual([
      [
        [4, 3, 1],
        [4, 2],
      ],
      [
        [4, 3, 1],
        [4, 2],
      ],
      [
        [2, 3, 1],
        [2, 2],
      ],
    ]);
    expect(batches[0].x.dtype).toBe('float32');
    expect(batches[0].lengths).toBeUndefined();
    expect(Array.from(batches[2].x.dataSync())).toEqual([800, 801, 802, 900, 901, 902]);
    expect(Array.from(batches[2].y.dataSync())).toEqual([810, 811, 910, 911]);
    expect(visited(ds, 0)).toEqual(iota(10));
  });

  it('drops the last partial batch with dropLast', () => {
    const ds = new WindowDataset(examples(10), { batchSize: 4, dropLast: true });
    expect(ds.numBatches()).toBe(2);
    const shapes = [...ds.batches(0)].map((b) => b.x.shape[0]);
    expect(shapes).toEqual([4, 4]);
    expect(visited(ds, 0)).toEqual(iota(8));
    expect(new WindowDataset(examples(3), { batchSize: 4, dropLast: true }).numBatches()).toBe(0);
  });

  it('shuffles reproducibly by (seed, epoch), visiting every example once per epoch', () => {
    const opts = { batchSize: 3, shuffle: true, seed: 11 };
    const ds = new WindowDataset(examples(17), opts);
    const e0 = visited(ds, 0);
    const e1 = visited(ds, 1);
    expect([...e0].sort((a, b) => a - b)).toEqual(iota(17));
    expect([...e1].sort((a, b) => a - b)).toEqual(iota(17));
    expect(e0).not.toEqual(iota(17));
    expect(e1).not.toEqual(e0);
    expect(visited(ds, 0)).toEqual(e0); // same dataset, same epoch
    expect(visited(new WindowDataset(examples(17), opts), 1)).toEqual(e1); // fresh, same seed
    expect(visited(new WindowDataset(examples(17), { ...opts, seed: 12 }), 0)).not.toEqual(e0);
    expect(Array.from(ds.order(0))).toEqual(e0);
  });

  it('is re-iterable and creates tensors lazily', () => {
    const ds = new WindowDataset(examples(6), { batchSize: 2, shuffle: true, seed: 3 });
    const before = memory().numTensors;
    const epoch = ds.batches(2);
    const it1 = epoch[Symbol.iterator]();
    expect(memory().numTensors).toBe(before);
    const first = it1.next();
    expect(memory().numTensors).toBe(before + 2); // one x and one y, nothing more yet
    expect(first.done).toBe(false);
    expect(first.value.x.shape).toEqual([2, 3, 1]);
    const again = [...epoch].map((b) => Array.from(b.x.dataSync()));
    expect(again[0]).toEqual(Array.from(first.value.x.dataSync()));
    expect(again.length).toBe(3);
  });

  it('reshapes multi-feature rows to [B, window, features]', () => {
    // 2 examples, window 2, features 3: rows are time-major [t0f0 t0f1 t0f2 t1f0 t1f1 t1f2]
    const inputs = Float32Array.from(iota(12));
    const ds = new WindowDataset(
      { inputs, targets: Float32Array.from([7, 8]), count: 2 },
      { batchSize: 2, features: 3 },
    );
    expect([ds.window, ds.horizon]).toEqual([2, 1]);
    const [b] = [...ds.batches(0)];
    expect(b.x.shape).toEqual([2, 2, 3]);
    expect(Array.from(b.x.dataSync())).toEqual(iota(12));
    expect(Array.from(b.y.dataSync())).toEqual([7, 8]);
  });

  it('takes slidingWindows output directly', () => {
    const w = slidingWindows(Float32Array.from(iota(10)), { window: 4, horizon: 2, stride: 2 });
    const ds = new WindowDataset(w, { batchSize: 2 });
    const batches = [...ds.batches(0)];
    expect(batches.map((b) => b.x.shape)).toEqual([
      [2, 4, 1],
      [1, 4, 1],
    ]);
    expect(Array.from(batches[1].x.dataSync())).toEqual([4, 5, 6, 7]);
    expect(Array.from(batches[1].y.dataSync())).toEqual([8, 9]);
  });

  it('rejects inconsistent data and options with clear messages', () => {
    const data = examples(4);
    expect(() => new WindowDataset(data, { batchSize: 0 })).toThrow(RnnkitError);
    expect(() => new WindowDataset(data, { batchSize: 0 })).toThrow(
      'WindowDataset: batchSize must be a positive integer, got 0',
    );
    expect(() => new WindowDataset({ ...data, count: 0 }, { batchSize: 2 })).toThrow(
      'WindowDataset: count must be a positive integer, got 0',
    );
    expect(() => new WindowDataset({ ...data, count: 5 }, { batchSize: 2 })).toThrow(
      /inputs has 12 values, which is not count 5 × window × features 1/,
    );
    expect(() => new WindowDataset(data, { batchSize: 2, features: 2 })).toThrow(
      /not count 4 × window × features 2/,
    );
    expect(
      () => new WindowDataset({ ...data, targets: new Float32Array(6) }, { batchSize: 2 }),
    ).toThrow(/targets has 6 values, which is not count 4 × horizon/);
    const ds = new WindowDataset(data, { batchSize: 2 });
    expect(() => ds.batches(-1)).toThrow(/epoch must be a non-negative integer, got -1/);
  });
});
