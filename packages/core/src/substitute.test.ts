import '@rnnkit/backend-js';
import { describe, expect, it } from 'vitest';
import { RnnkitError } from './errors.js';
import { Parameter } from './module.js';
import { tensor } from './ops/creation.js';
import { add } from './ops/elementwise.js';
import { revertible } from './revert.js';
import { Rng, watchDraws } from './rng.js';
import { substitute } from './substitute.js';
import { memory } from './tidy.js';

const values = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

describe('substitute', () => {
  it('runs code that reads a parameter on a stand-in value, then puts the parameter back', () => {
    const p = new Parameter(tensor([1, 2]));
    const stand = tensor([10, 20]);
    const seen = substitute([p], [stand], () => values(add(p, p)));
    expect(seen).toEqual([20, 40]);
    expect(values(p)).toEqual([1, 2]);
    expect(values(stand)).toEqual([10, 20]);
  });

  it('puts the storages back when the code throws', () => {
    const p = new Parameter(tensor([1, 2]));
    expect(() =>
      substitute([p], [tensor([3, 4])], () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(values(p)).toEqual([1, 2]);
  });

  it('rejects a stand-in of another shape or a missing one, naming which', () => {
    const p = new Parameter(tensor([1, 2]));
    expect(() => substitute([p], [tensor([1, 2, 3])], () => 0)).toThrow(
      /tensor 0 is \[2\] float32 but its stand-in is \[3\] float32/,
    );
    expect(() => substitute([p], [], () => 0)).toThrow(RnnkitError);
  });
});

describe('Tensor.moveStorageFrom', () => {
  it('gives the values to the target and disposes the source without freeing them', () => {
    const p = new Parameter(tensor([1, 2]));
    const before = memory().numTensors;
    const src = tensor([7, 8]);
    p.moveStorageFrom(src);
    expect(values(p)).toEqual([7, 8]);
    expect(src.isDisposed).toBe(true);
    expect(memory().numTensors).toBe(before);
  });

  it('is undone by revertible like any storage replacement', () => {
    const p = new Parameter(tensor([1, 2]));
    const r = revertible(() => p.moveStorageFrom(tensor([5, 6])));
    expect(values(p)).toEqual([5, 6]);
    r.revert();
    expect(values(p)).toEqual([1, 2]);
  });
});

describe('watchDraws', () => {
  it('sees draws of any generator and puts each back to its state before the watch', () => {
    const a = new Rng(1);
    const b = new Rng(2);
    const c = new Rng(3);
    a.random();
    const w = watchDraws();
    try {
      expect(w.drew).toBe(false);
      const first = [a.random(), b.random()];
      b.uniformArray(5, 0, 1);
      expect(w.drew).toBe(true);
      w.restore();
      expect([a.random(), b.random()]).toEqual(first);
      expect(() => watchDraws()).toThrow(/already running/);
    } finally {
      w.end();
    }
    // c never drew: untouched; after end() nothing is watched
    expect(c.random()).toBe(new Rng(3).random());
    const again = watchDraws();
    expect(again.drew).toBe(false);
    again.end();
  });
});
