import {
  add,
  DisposedError,
  dispose,
  keep,
  matmul,
  mean,
  memory,
  mul,
  Parameter,
  square,
  sub,
  type Tensor,
  tanh,
  tidy,
  valueAndGrad,
  zeros,
} from '@rnnkit/core';
import { Adam, SGD } from '@rnnkit/train';
import { describe, expect, it } from 'vitest';
import { type Ctx, ft, values } from './context.js';
import * as ref from './reference.js';

export function memoryTests(ctx: Ctx): void {
  describe('memory', () => {
    it('tidy returns its result (also inside arrays and objects) and disposes the rest', async () => {
      const before = memory().numTensors;
      let inner: Tensor[] = [];
      const out = tidy(() => {
        const a = ft(ctx, [1, 2], [2]);
        const b = ft(ctx, [3, 4], [2]);
        const c = add(a, b);
        const d = mul(a, b);
        const e = tanh(a);
        inner = [a, b, e];
        return { sum: c, list: [d] };
      });
      expect(inner.every((t) => t.isDisposed)).toBe(true);
      expect(out.sum.isDisposed).toBe(false);
      expect(await values(out.sum)).toEqual([4, 6]);
      expect(await values(out.list[0])).toEqual([3, 8]);
      expect(memory().numTensors).toBe(before + 2);
      dispose(out);
      expect(memory().numTensors).toBe(before);
    });

    it('nested tidy hands the inner result to the outer scope; keep() survives both', async () => {
      const before = memory().numTensors;
      let kept: Tensor | undefined;
      let innerResult: Tensor | undefined;
      const out = tidy(() => {
        const x = ft(ctx, [2], [1]);
        kept = keep(ft(ctx, [5], [1]));
        innerResult = tidy(() => mul(x, x));
        expect(innerResult.isDisposed).toBe(false);
        return add(innerResult, x);
      });
      expect(innerResult!.isDisposed).toBe(true);
      expect(kept!.isDisposed).toBe(false);
      expect(await values(out)).toEqual([6]);
      expect(await values(kept!)).toEqual([5]);
      dispose([out, kept]);
      expect(memory().numTensors).toBe(before);
    });

    it('using a disposed tensor throws DisposedError (ops and readback)', async () => {
      const a = ft(ctx, [1, 2], [2]);
      const b = ft(ctx, [3, 4], [2]);
      a.dispose();
      expect(a.isDisposed).toBe(true);
      expect(() => add(a, b)).toThrow(DisposedError);
      if (ctx.be().readSync) expect(() => a.dataSync()).toThrow(DisposedError);
      await expect(Promise.resolve().then(() => a.data())).rejects.toBeInstanceOf(DisposedError);
      a.dispose(); // disposing twice is harmless
      b.dispose();
    });

    it('valueAndGrad frees its intermediates: only the value and the gradients remain', () => {
      const w = ft(ctx, ref.rand([3, 2], 7000));
      const x = ft(ctx, ref.rand([4, 3], 7001));
      const before = memory().numTensors;
      const { value, grads } = valueAndGrad(() => mean(square(tanh(matmul(x, w)))), [w, x]);
      expect(memory().numTensors).toBe(before + 1 + grads.length);
      dispose([value, grads, w, x]);
    });

    it('training loop: live tensors are the same after 5 and after 50 iterations (no leak)', async () => {
      const be = ctx.be();
      const x = ft(ctx, ref.rand([8, 3], 7100));
      const y = ft(ctx, ref.rand([8, 2], 7101));
      const w1 = new Parameter(ft(ctx, ref.rand([3, 4], 7102)));
      const b1 = new Parameter(zeros([4], 'float32', be));
      const w2 = new Parameter(ft(ctx, ref.rand([4, 2], 7103)));
      const params = [w1, b1, w2];
      // Adam for the weights, SGD with momentum for the bias: each runs the backend's fused
      // kernel where it has one, else its core-ops definition.
      const adam = new Adam([w1, w2], { lr: 0.05 });
      const sgd = new SGD([b1], { lr: 0.05, momentum: 0.9 });
      const losses: number[] = [];
      const counts: number[] = [];
      const start = memory().numTensors;
      for (let step = 1; step <= 50; step++) {
        const { loss, grads } = tidy(() => {
          const r = valueAndGrad(() => {
            const h = tanh(add(matmul(x, w1), b1));
            return mean(square(sub(matmul(h, w2), y)));
          }, params);
          return { loss: r.value, grads: r.grads };
        });
        losses.push((await values(loss))[0]);
        adam.step([grads[0], grads[2]]);
        sgd.step([grads[1]]);
        dispose([loss, grads]);
        counts.push(memory().numTensors);
      }
      // the optimizers' state, made on the first step: Adam's m and v of two weights, SGD's momentum
      expect(counts[4]).toBe(start + 5);
      expect(counts[49]).toBe(counts[4]);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[49]).toBeLessThan(losses[0]);
      dispose([x, y, params]);
    });

    it('memory().numTensors counts creations and disposals exactly', () => {
      const before = memory().numTensors;
      const ts = [ft(ctx, [1], [1]), ft(ctx, [2, 3], [2]), zeros([2, 2], 'float32', ctx.be())];
      expect(memory().numTensors).toBe(before + 3);
      dispose(ts);
      expect(memory().numTensors).toBe(before);
    });
  });
}
