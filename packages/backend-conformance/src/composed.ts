import {
  add,
  affine,
  dispose,
  exp,
  grad,
  matmul,
  mean,
  mul,
  noGrad,
  sigmoid,
  slice,
  square,
  sub,
  sum,
  type Tensor,
  tanh,
  valueAndGrad,
} from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { assertClose, type Ctx, ft, values } from './context.js';
import { backendNumericGrad } from './gradcheck.js';
import * as ref from './reference.js';

/** Composed checks run finite differences through the backend in float32: loose tolerances. */
const RTOL = 2e-2;
const ATOL = 2e-3;

async function checkComposed(
  ctx: Ctx,
  f: (xs: Tensor[]) => Tensor,
  inputs: ref.Arr[],
  what: string,
) {
  const fd = await backendNumericGrad(ctx, f, inputs, 1e-2);
  const xs = inputs.map((a) => ft(ctx, a));
  const { value, grads } = valueAndGrad(() => f(xs), xs);
  try {
    for (let i = 0; i < xs.length; i++) {
      const g = await values(grads[i]);
      assertClose(g, fd[i], RTOL, ATOL, `${what} d/dinput${i}`);
      // Guard against a vacuous pass: the check must see real, non-zero gradients.
      expect(g.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    }
  } finally {
    dispose([value, grads, xs]);
  }
}

/** An LSTM step written from core ops: the gate pre-activations fan out to four slices, c to two uses. */
function lstmLoss([x, h, c, w, u, b, w1, w2]: Tensor[]): Tensor {
  const hs = h.shape[1];
  const gates = add(add(matmul(x, w), matmul(h, u)), b);
  const gate = (k: number) => slice(gates, [0, k * hs], [gates.shape[0], hs]);
  const i = sigmoid(gate(0));
  const f = sigmoid(gate(1));
  const g = tanh(gate(2));
  const o = sigmoid(gate(3));
  const c2 = add(mul(f, c), mul(i, g));
  const h2 = mul(o, tanh(c2));
  return add(add(sum(mul(h2, w1)), sum(mul(c2, w2))), sum(mul(h2, h2)));
}

/** A 2-layer tanh MLP with squared error; the hidden layer is used twice (output and a penalty). */
function mlpLoss([x, w1, b1, w2, b2, y]: Tensor[]): Tensor {
  const h = tanh(add(matmul(x, w1), b1));
  const out = tanh(add(matmul(h, w2), b2));
  return add(mean(square(sub(out, y))), affine(sum(mul(h, h)), 0.1, 0));
}

export function composedGradTests(ctx: Ctx): void {
  describe('gradients: composed expressions (finite differences through the backend)', () => {
    it('LSTM-like gate expression: all eight inputs', async () => {
      const B = 2;
      const I = 3;
      const H = 4;
      const inputs = [
        ref.rand([B, I], 1500),
        ref.rand([B, H], 1501),
        ref.rand([B, H], 1502),
        ref.rand([I, 4 * H], 1503, -0.7, 0.7),
        ref.rand([H, 4 * H], 1504, -0.7, 0.7),
        ref.rand([4 * H], 1505, -0.5, 0.5),
        ref.rand([B, H], 1506),
        ref.rand([B, H], 1507),
      ];
      await checkComposed(ctx, lstmLoss, inputs, 'lstm');
    });

    it('2-layer tanh MLP with squared error: inputs, weights, biases and targets', async () => {
      const inputs = [
        ref.rand([5, 3], 1510),
        ref.rand([3, 6], 1511),
        ref.rand([6], 1512, -0.3, 0.3),
        ref.rand([6, 2], 1513),
        ref.rand([2], 1514, -0.3, 0.3),
        ref.rand([5, 2], 1515),
      ];
      await checkComposed(ctx, mlpLoss, inputs, 'mlp');
    });

    it('fan-out: one tensor used by several ops accumulates all its gradient paths', async () => {
      // L = Σ x·tanh(x) + Σ exp(x)·w + Σ (x·x)·w  → dL/dx = tanh + x(1−tanh²) + exp·w + 2x·w
      const xa = ref.rand([2, 3], 1520);
      const wa = ref.rand([2, 3], 1521);
      const x = ft(ctx, xa);
      const w = ft(ctx, wa);
      const { grads } = valueAndGrad(
        () => add(add(sum(mul(x, tanh(x))), sum(mul(exp(x), w))), sum(mul(mul(x, x), w))),
        [x],
      );
      const expected = xa.data.map((v, i) => {
        const t = Math.tanh(v);
        return t + v * (1 - t * t) + Math.exp(v) * wa.data[i] + 2 * v * wa.data[i];
      });
      assertClose(await values(grads[0]), expected, 1e-4, 1e-5, 'fan-out gradient');
      dispose([x, w, grads]);
    });

    it('a tensor the loss does not depend on gets a zero gradient of its shape', async () => {
      const x = ft(ctx, [1, 2, 3], [3]);
      const unused = ft(ctx, [4, 5], [2, 1]);
      const { value, grads } = valueAndGrad(() => sum(mul(x, x)), [x, unused]);
      expect(await values(value)).toEqual([14]);
      expect(await values(grads[0])).toEqual([2, 4, 6]);
      expect([...grads[1].shape]).toEqual([2, 1]);
      expect(await values(grads[1])).toEqual([0, 0]);
      dispose([x, unused, value, grads]);
    });

    it('noGrad cuts a path: d/dx Σ x·stop(2x) = 2x, not 4x', async () => {
      const x = ft(ctx, [1, -2, 3], [3]);
      const [g] = grad(
        () =>
          sum(
            mul(
              x,
              noGrad(() => affine(x, 2, 0)),
            ),
          ),
        [x],
      );
      expect(await values(g)).toEqual([2, -4, 6]);
      dispose([x, g]);
    });

    it('grad and valueAndGrad agree, and repeated calls give identical results', async () => {
      const xs = [
        ref.rand([5, 3], 1530),
        ref.rand([3, 6], 1531),
        ref.rand([6], 1532),
        ref.rand([6, 2], 1533),
        ref.rand([2], 1534),
        ref.rand([5, 2], 1535),
      ];
      const ts = xs.map((a) => ft(ctx, a));
      const g1 = grad(() => mlpLoss(ts), ts);
      const { value, grads: g2 } = valueAndGrad(() => mlpLoss(ts), ts);
      for (let i = 0; i < ts.length; i++) expect(await values(g1[i])).toEqual(await values(g2[i]));
      expect(Number.isFinite((await values(value))[0])).toBe(true);
      dispose([ts, g1, g2, value]);
    });
  });
}
