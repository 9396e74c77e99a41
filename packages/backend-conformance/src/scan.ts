import { add, dispose, matmul, ShapeError, scan, type Tensor, tanh, zeros } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { assertClose, assertShape, type Ctx, ft, values } from './context.js';
import { gradIt } from './gradcheck.js';
import * as ref from './reference.js';

/** Float64 reference of h_t = h_{t−1}·W + x_t; returns [stacked h_t, final h]. */
function linearRnnRef(w: ref.Arr, xs: ref.Arr, h0: ref.Arr, reverse = false): [ref.Arr, ref.Arr] {
  const steps = ref.unstack(xs, 0);
  const T = steps.length;
  const out: ref.Arr[] = new Array(T);
  let h = h0;
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    h = ref.binary(ref.matmul(h, w), steps[t], (a, b) => a + b);
    out[t] = h;
  }
  return [ref.stack(out, 0), h];
}

function linearRnn(w: Tensor, xs: Tensor, h0: Tensor, reverse = false): [Tensor, Tensor] {
  const r = scan(
    ([h], [x]) => {
      const hn = add(matmul(h, w), x);
      return { carry: [hn], ys: [hn] };
    },
    [xs],
    [h0],
    { reverse },
  );
  return [r.ys[0], r.carry[0]];
}

/** Elman RNN with two carries (h and a running sum of h) and two outputs per step. */
function elmanRef([x, wih, whh, b, h0]: ref.Arr[]): ref.Arr[] {
  const steps = ref.unstack(x, 0);
  let h = h0;
  let s = ref.map(h0, () => 0);
  const hs: ref.Arr[] = [];
  const ss: ref.Arr[] = [];
  for (const xt of steps) {
    const pre = ref.binary(
      ref.binary(
        ref.matmul(xt, wih, false, true),
        ref.matmul(h, whh, false, true),
        (u, v) => u + v,
      ),
      b,
      (u, v) => u + v,
    );
    h = ref.map(pre, Math.tanh);
    s = ref.binary(s, h, (u, v) => u + v);
    hs.push(h);
    ss.push(s);
  }
  return [ref.stack(hs, 0), ref.stack(ss, 0), h, s];
}

function elman([x, wih, whh, b, h0]: Tensor[]): Tensor[] {
  const r = scan(
    ([h, s], [xt]) => {
      const hn = tanh(
        add(add(matmul(xt, wih, { transB: true }), matmul(h, whh, { transB: true })), b),
      );
      const sn = add(s, hn);
      return { carry: [hn, sn], ys: [hn, sn] };
    },
    [x],
    [h0, zeros(h0.shape, 'float32', h0.backend)],
  );
  return [...r.ys, ...r.carry];
}

export function scanTests(ctx: Ctx): void {
  describe('scan', () => {
    it('linear RNN h_t = h_{t−1}·W + x_t, known values over T = 4', async () => {
      // W = [[1, 1], [0, 1]], h0 = [1, 0], x_t = [1, 1]: h = [2,2], [3,5], [4,9], [5,14].
      const w = ft(ctx, [1, 1, 0, 1], [2, 2]);
      const xs = ft(ctx, [1, 1, 1, 1, 1, 1, 1, 1], [4, 1, 2]);
      const h0 = ft(ctx, [1, 0], [1, 2]);
      const [ys, hT] = linearRnn(w, xs, h0);
      assertShape(ys.shape, [4, 1, 2], 'ys');
      expect(await values(ys)).toEqual([2, 2, 3, 5, 4, 9, 5, 14]);
      expect(await values(hT)).toEqual([5, 14]);
      dispose([w, xs, h0, ys, hT]);
    });

    it('linear RNN, random values, batch 2, matches the float64 loop', async () => {
      const [w, xs, h0] = [
        ref.rand([3, 3], 2000, -0.8, 0.8),
        ref.rand([4, 2, 3], 2001),
        ref.rand([2, 3], 2002),
      ];
      const [eys, eh] = linearRnnRef(w, xs, h0);
      const ts = [ft(ctx, w), ft(ctx, xs), ft(ctx, h0)];
      const [ys, hT] = linearRnn(ts[0], ts[1], ts[2]);
      assertClose(await values(ys), eys.data, ctx.tol * 10, ctx.tol * 10, 'ys');
      assertClose(await values(hT), eh.data, ctx.tol * 10, ctx.tol * 10, 'final carry');
      dispose([ts, ys, hT]);
    });

    it('reverse: walks time backwards and stores outputs at their own index', async () => {
      // Same W, h0, x_t = [t, 1]: reverse visits t = 3, 2, 1, 0.
      const w = ft(ctx, [1, 1, 0, 1], [2, 2]);
      const xsA = ref.arr([0, 1, 1, 1, 2, 1, 3, 1], [4, 1, 2]);
      const xs = ft(ctx, xsA);
      const h0 = ft(ctx, [1, 0], [1, 2]);
      const [eys, eh] = linearRnnRef(
        ref.arr([1, 1, 0, 1], [2, 2]),
        xsA,
        ref.arr([1, 0], [1, 2]),
        true,
      );
      // t=3: [1,1]+[3,1] = [4,2]; t=2: [4,6]+[2,1] = [6,7]; t=1: [6,13]+[1,1] = [7,14]; t=0: [7,21]+[0,1] = [7,22]
      expect(eys.data).toEqual([7, 22, 7, 14, 6, 7, 4, 2]);
      const [ys, hT] = linearRnn(w, xs, h0, true);
      expect(await values(ys)).toEqual(eys.data);
      expect(await values(hT)).toEqual(eh.data);
      const order: number[] = [];
      const r = scan(
        (c, [x], t) => {
          order.push(t);
          return { carry: c, ys: [x] };
        },
        [xs],
        [h0],
        { reverse: true },
      );
      expect(order).toEqual([3, 2, 1, 0]);
      expect(await values(r.ys[0])).toEqual(xsA.data);
      dispose([w, xs, h0, ys, hT, r.ys]);
    });

    gradIt(ctx, {
      name: 'scan gradient: linear RNN w.r.t. W, x and h0 (T = 4)',
      inputs: [
        ref.rand([3, 3], 2010, -0.8, 0.8),
        ref.rand([4, 2, 3], 2011),
        ref.rand([2, 3], 2012),
      ],
      op: ([w, xs, h0]) => linearRnn(w, xs, h0),
      ref: ([w, xs, h0]) => linearRnnRef(w, xs, h0),
    });

    gradIt(ctx, {
      name: 'scan gradient: reverse linear RNN w.r.t. W, x and h0',
      inputs: [
        ref.rand([3, 3], 2020, -0.8, 0.8),
        ref.rand([4, 2, 3], 2021),
        ref.rand([2, 3], 2022),
      ],
      op: ([w, xs, h0]) => linearRnn(w, xs, h0, true),
      ref: ([w, xs, h0]) => linearRnnRef(w, xs, h0, true),
    });

    gradIt(ctx, {
      name: 'scan gradient: tanh RNN with two carries and two outputs',
      inputs: [
        ref.rand([5, 2, 3], 2030),
        ref.rand([4, 3], 2031, -0.7, 0.7),
        ref.rand([4, 4], 2032, -0.7, 0.7),
        ref.rand([4], 2033, -0.3, 0.3),
        ref.rand([2, 4], 2034),
      ],
      op: elman,
      ref: elmanRef,
    });

    it('worked example: 2 inputs, 2 hidden, 2 outputs, all weights 1, identity activation', async () => {
      // h_t = W_ih x_t + W_hh h_{t−1}; y_t = W_hy h_t; x = [1,1], [1,1], [2,2]; h_0 = 0.
      const be = ctx.be();
      const wIh = ft(ctx, [1, 1, 1, 1], [2, 2]);
      const wHh = ft(ctx, [1, 1, 1, 1], [2, 2]);
      const wHy = ft(ctx, [1, 1, 1, 1], [2, 2]);
      const xs = ft(ctx, [1, 1, 1, 1, 2, 2], [3, 1, 2]);
      const h0 = zeros([1, 2], 'float32', be);
      const r = scan(
        ([h], [x]) => {
          const hn = add(matmul(x, wIh, { transB: true }), matmul(h, wHh, { transB: true }));
          const y = matmul(hn, wHy, { transB: true });
          return { carry: [hn], ys: [hn, y] };
        },
        [xs],
        [h0],
      );
      assertShape(r.ys[0].shape, [3, 1, 2], 'hidden states');
      assertShape(r.ys[1].shape, [3, 1, 2], 'outputs');
      expect(await values(r.ys[0])).toEqual([2, 2, 6, 6, 16, 16]);
      expect(await values(r.ys[1])).toEqual([4, 4, 12, 12, 32, 32]);
      expect(await values(r.carry[0])).toEqual([16, 16]);
      dispose([wIh, wHh, wHy, xs, h0, r]);
    });

    it('inputs of different lengths are a ShapeError naming scan and the shapes', () => {
      const a = zeros([3, 2], 'float32', ctx.be());
      const b = zeros([4, 2], 'float32', ctx.be());
      let err: unknown;
      try {
        scan((c, x) => ({ carry: c, ys: x }), [a, b], []);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ShapeError);
      expect((err as Error).message).toContain('scan');
      expect((err as Error).message).toContain('[3, 2]');
      expect((err as Error).message).toContain('[4, 2]');
      dispose([a, b]);
    });
  });
}
