import '@rnnkit/backend-js';
import { describe, expect, it } from 'vitest';
import { RnnkitError } from './errors.js';
import { Parameter } from './module.js';
import { tensor } from './ops/creation.js';
import { revertible } from './revert.js';
import { memory } from './tidy.js';

const values = (p: Parameter) => Array.from(p.dataSync());

describe('revertible', () => {
  it('revert gives every updated tensor its earlier values back, even one updated twice', () => {
    const a = new Parameter(tensor([1, 2]));
    const b = new Parameter(tensor([3]));
    const r = revertible(() => {
      a.assign(tensor([5, 6]));
      a.assign(tensor([7, 8]));
      b.assign(tensor([9]));
      return 'done';
    });
    expect(r.result).toBe('done');
    expect(values(a)).toEqual([7, 8]);
    expect(values(b)).toEqual([9]);
    r.revert();
    expect(values(a)).toEqual([1, 2]);
    expect(values(b)).toEqual([3]);
  });

  it('commit keeps the updates; neither path leaves tensors behind', () => {
    const a = new Parameter(tensor([1, 2]));
    const src = tensor([4, 5]);
    const before = memory().numTensors;
    const kept = revertible(() => a.assign(src));
    kept.commit();
    expect(values(a)).toEqual([4, 5]);
    const undone = revertible(() => a.assign(src));
    undone.revert();
    expect(values(a)).toEqual([4, 5]);
    expect(memory().numTensors).toBe(before);
  });

  it('frees the replaced storage on commit and the newer one on revert', () => {
    const freed: unknown[] = [];
    const a = new Parameter(tensor([1]));
    const dispose = a.backend.dispose.bind(a.backend);
    const spy = Object.assign(Object.create(a.backend), {
      dispose: (s: unknown) => {
        freed.push(s);
        dispose(s);
      },
    });
    Object.defineProperty(a, 'backend', { value: spy });
    const first = a.storage;
    revertible(() => a.assign(tensor([2]))).commit();
    expect(freed).toEqual([first]);
    const second = a.storage;
    revertible(() => a.assign(tensor([3]))).revert();
    expect(freed).toHaveLength(2);
    expect(freed[1]).not.toBe(second);
    expect(a.storage).toBe(second);
  });

  it('a throwing call is reverted before the error propagates', () => {
    const a = new Parameter(tensor([1]));
    expect(() =>
      revertible(() => {
        a.assign(tensor([2]));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(values(a)).toEqual([1]);
    // and the journal is closed: a later update frees as usual
    a.assign(tensor([4]));
    expect(values(a)).toEqual([4]);
  });

  it('refuses nesting and settling twice', () => {
    expect(() => revertible(() => revertible(() => 0))).toThrow(/cannot be nested/);
    const r = revertible(() => 0);
    r.commit();
    expect(() => r.revert()).toThrow(RnnkitError);
  });
});
