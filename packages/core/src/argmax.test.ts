import '@rnnkit/backend-js';
import { describe, expect, it } from 'vitest';
import { tensor } from './ops/creation.js';
import { argmax } from './ops/reduce.js';

describe('argmax', () => {
  it('takes the last axis of any rank and keeps the leading shape, as int32', () => {
    // [2, 2, 3]: rows (0 9 1) (5 5 2) (-1 -3 -2) (7 8 9)
    const x = tensor([0, 9, 1, 5, 5, 2, -1, -3, -2, 7, 8, 9], [2, 2, 3]);
    const y = argmax(x);
    expect(y.dtype).toBe('int32');
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(y.dataSync())).toEqual([1, 0, 0, 2]);
    expect(Array.from(argmax(tensor([3, -1, 4])).dataSync())).toEqual([2]);
    expect(argmax(tensor([3, -1, 4])).shape).toEqual([]);
  });

  it('rejects int32 input and an empty last axis', () => {
    expect(() => argmax(tensor(Int32Array.of(1, 2), [2], 'int32'))).toThrow(/argmax/);
    expect(() => argmax(tensor(new Float32Array(0), [2, 0]))).toThrow(/non-empty last axis/);
  });
});
