import '@rnnkit/backend-js';
import { type Tensor, tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { batchKey, stackBatches } from './batch-stack.js';

const batch = (v: number, rows = 2, extra: Record<string, unknown> = {}) => ({
  x: tensor(new Float32Array(rows * 3).fill(v), [rows, 3]),
  y: tensor(new Int32Array(rows).fill(v), [rows], 'int32'),
  ...extra,
});

describe('batchKey', () => {
  it('is equal for batches of one layout and differs by shape, dtype or plain value', () => {
    expect(batchKey(batch(1))).toBe(batchKey(batch(2)));
    expect(batchKey(batch(1, 3))).not.toBe(batchKey(batch(1)));
    expect(batchKey(batch(1, 2, { tag: 'a' }))).not.toBe(batchKey(batch(1, 2, { tag: 'b' })));
    expect(batchKey(batch(1, 2, { tag: 'a' }))).toBe(batchKey(batch(5, 2, { tag: 'a' })));
    expect(batchKey({ x: tensor([1, 2]) })).not.toBe(batchKey({ x: tensor([1, 2], [2], 'int32') }));
    expect(batchKey(tensor([1]))).toBe(batchKey(tensor([2])));
  });

  it('is null for what it cannot stack: class instances, nested objects, functions', () => {
    class Custom {
      x = tensor([1]);
    }
    expect(batchKey(new Custom())).toBeNull();
    expect(batchKey({ x: tensor([1]), meta: { a: 1 } })).toBeNull();
    expect(batchKey({ x: tensor([1]), f: () => 0 })).toBeNull();
    expect(batchKey(3)).toBeNull();
  });
});

describe('stackBatches', () => {
  it('stacks each tensor field along a new first axis and rebuilds one step from its slices', () => {
    const s = stackBatches([
      batch(1, 2, { tag: 'a' }),
      batch(2, 2, { tag: 'a' }),
      batch(3, 2, { tag: 'a' }),
    ]);
    expect(s.seqs.map((t) => t.shape)).toEqual([
      [3, 2, 3],
      [3, 2],
    ]);
    expect(Array.from(s.seqs[1].dataSync())).toEqual([1, 1, 2, 2, 3, 3]);
    const xs = tensor(new Float32Array(6).fill(9), [2, 3]);
    const ys = tensor(Int32Array.of(4, 4), [2], 'int32');
    const one = s.at([xs, ys]) as { x: Tensor; y: Tensor; tag: string };
    expect(one.x).toBe(xs);
    expect(one.y).toBe(ys);
    expect(one.tag).toBe('a');
  });

  it('stacks bare tensors and arrays of tensors', () => {
    const bare = stackBatches([tensor([1, 2]), tensor([3, 4])]);
    expect(bare.seqs[0].shape).toEqual([2, 2]);
    const t = tensor([0, 0]);
    expect(bare.at([t])).toBe(t);
    const arr = stackBatches([
      [tensor([1]), tensor([2])],
      [tensor([3]), tensor([4])],
    ]);
    expect(arr.seqs.map((x) => Array.from(x.dataSync()))).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(Array.isArray(arr.at([tensor([5]), tensor([6])]))).toBe(true);
  });
});
