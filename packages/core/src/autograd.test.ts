import '@rnnkit/backend-js';
import { describe, expect, it } from 'vitest';
import { valueAndGrad } from './backprop.js';
import { tensor } from './ops/creation.js';
import { add, mul } from './ops/elementwise.js';
import { reshape } from './ops/layout.js';
import { matmul } from './ops/matmul.js';
import { sum } from './ops/sum-broadcast.js';
import { noGrad } from './tape.js';
import type { Tensor } from './tensor.js';
import { memory, tidy } from './tidy.js';

describe('valueAndGrad', () => {
  it('accumulates the gradient of a tensor used twice', () => {
    const x = tensor([1, 2, 3]);
    const { value, grads } = valueAndGrad(() => sum(mul(x, x)), [x]);
    expect(value.item()).toBe(14);
    expect(Array.from(grads[0].dataSync())).toEqual([2, 4, 6]);
  });

  it('gives zeros for an input the loss does not use', () => {
    const x = tensor([1, 2]);
    const y = tensor([5, 6]);
    const { grads } = valueAndGrad(() => sum(x), [x, y]);
    expect(Array.from(grads[1].dataSync())).toEqual([0, 0]);
  });

  it('requires a scalar loss', () => {
    const x = tensor([1, 2]);
    expect(() => valueAndGrad(() => mul(x, x), [x])).toThrow(/scalar loss, got shape \[2\]/);
  });

  it('does not record under noGrad', () => {
    const x = tensor([1, 2]);
    const { grads } = valueAndGrad(
      () =>
        add(
          sum(x),
          noGrad(() => sum(mul(x, x))),
        ),
      [x],
    );
    expect(Array.from(grads[0].dataSync())).toEqual([1, 1]);
  });

  it('frees intermediates: tidy + valueAndGrad leaves the tensor count unchanged', () => {
    const w = tensor([0.5, -0.5]);
    const run = () =>
      tidy(() => {
        valueAndGrad(() => sum(mul(add(w, w), w)), [w]);
      });
    run();
    const before = memory().numTensors;
    for (let i = 0; i < 10; i++) run();
    expect(memory().numTensors).toBe(before);
  });

  it('frees what a throwing tidy or loss function allocated', () => {
    const p = tensor([1, 2]);
    const before = memory().numTensors;
    expect(() =>
      tidy(() => {
        tensor([1, 2]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(memory().numTensors).toBe(before);
    expect(() =>
      valueAndGrad(() => {
        mul(p, p);
        throw new Error('bad loss');
      }, [p]),
    ).toThrow('bad loss');
    expect(memory().numTensors).toBe(before);
    expect(p.isDisposed).toBe(false);
    // A non-scalar loss is refused after the forward ran: its tensors are freed too.
    expect(() => valueAndGrad(() => mul(p, p), [p])).toThrow(/scalar loss/);
    expect(memory().numTensors).toBe(before);
  });

  it('sums many gradient contributions exactly, however rules share their dy', () => {
    const x = tensor([1, 2, 3]);
    const a = tensor([0.5, -1, 2]);
    const keepA = Array.from(a.dataSync());
    const { grads } = valueAndGrad(() => {
      let total = sum(add(x, x)); // add's rule hands the same dy to both inputs
      for (let i = 0; i < 5; i++) total = add(total, sum(mul(x, a))); // 5 more contributions
      total = add(total, sum(reshape(x, [3, 1]))); // a reshape passes its dy through
      return total;
    }, [x]);
    expect(Array.from(grads[0].dataSync())).toEqual(keepA.map((v) => 2 + 5 * v + 1));
    expect(Array.from(a.dataSync())).toEqual(keepA); // nothing the user holds was written
  });

  it('batches the matmul terms of a weight used many times, mixed with other terms', () => {
    // W [2, 3] is used as x·W, as x'·Wᵀ (other transpose flags), and elementwise.
    const w = tensor([
      [0.5, -1, 2],
      [1.5, 0.25, -0.5],
    ]);
    const xs = [0, 1, 2, 3].map((k) =>
      tensor([
        [1 + k, -k],
        [0.5, 2 - k],
      ]),
    );
    const x2 = tensor([[1, 2, 3]]);
    const f = (wv: Tensor) => {
      let total = sum(mul(wv, wv));
      for (const x of xs) total = add(total, sum(matmul(x, wv)));
      total = add(total, sum(matmul(x2, wv, { transB: true })));
      for (const x of xs.slice(0, 2)) total = add(total, sum(matmul(x, wv)));
      return total;
    };
    const { grads } = valueAndGrad(() => f(w), [w]);
    // Central differences in float64 on the host.
    const base = Array.from(w.dataSync());
    const fd = base.map((_, i) => {
      const at = (d: number) => {
        const v = base.slice();
        v[i] += d;
        return f(tensor(v, [2, 3])).item();
      };
      return (at(1e-2) - at(-1e-2)) / 2e-2;
    });
    const g = Array.from(grads[0].dataSync());
    for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(fd[i], 2);
  });
});
