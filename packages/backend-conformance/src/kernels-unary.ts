import type { Backend, KernelTensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { assertClose, type Ctx, ft, readK } from './context.js';
import * as ref from './reference.js';

type UnaryName = 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'tanh' | 'sigmoid' | 'relu' | 'step';

interface UnaryCase {
  f: (v: number) => number;
  /** Hand-picked inputs, including edge values. */
  edge: number[];
  /** Range of the random inputs. */
  lo: number;
  hi: number;
}

const UNARY: Record<UnaryName, UnaryCase> = {
  neg: { f: (v) => -v, edge: [0, 1, -2.5, 1e30, -3e-20], lo: -3, hi: 3 },
  exp: { f: Math.exp, edge: [0, 1, -1, 10, -100, 80], lo: -5, hi: 5 },
  log: { f: Math.log, edge: [1, Math.E, 0.5, 1e-20, 1e30], lo: 0.01, hi: 10 },
  sqrt: { f: Math.sqrt, edge: [0, 1, 4, 2, 1e-20, 1e30], lo: 0, hi: 10 },
  abs: { f: Math.abs, edge: [0, -1, 1, -2.5, 1e30, -1e-30], lo: -3, hi: 3 },
  tanh: { f: Math.tanh, edge: [0, 0.5, -0.5, 20, -20, 1e-4], lo: -4, hi: 4 },
  sigmoid: { f: ref.sigmoid, edge: [0, 2, -2, 50, -50, -100, 100], lo: -6, hi: 6 },
  relu: { f: (v) => Math.max(v, 0), edge: [0, -1, 1, -1e-30, 1e-30], lo: -3, hi: 3 },
  step: { f: (v) => (v > 0 ? 1 : 0), edge: [0, -1, 1, 1e-30, -1e-30, 5], lo: -3, hi: 3 },
};

/** Runs a unary-shaped kernel on values of a given shape and returns the float64 expectations. */
async function checkUnary(
  ctx: Ctx,
  data: number[],
  shape: number[],
  kernel: (be: Backend, x: KernelTensor) => unknown,
  f: (v: number) => number,
  what: string,
): Promise<void> {
  const x = ft(ctx, data, shape);
  const expected = Array.from(Float32Array.from(data)).map(f);
  const got = await readK(ctx, kernel(ctx.be(), x), shape);
  // Absolute tolerance relative to float32's smallest normal keeps denormal results comparable.
  assertClose(got, expected, ctx.tol, ctx.tol * 1e-2, what);
  x.dispose();
}

let seed = 3000;

export function unaryKernelTests(ctx: Ctx): void {
  describe('kernel elementwise unary', () => {
    for (const name of Object.keys(UNARY) as UnaryName[]) {
      const c = UNARY[name];
      it(`${name}: edge values`, async () => {
        await checkUnary(ctx, c.edge, [c.edge.length], (be, x) => be[name](x), c.f, name);
      });
      const s = seed++;
      it(`${name}: random [3, 4, 5]`, async () => {
        const a = ref.rand([3, 4, 5], s, c.lo, c.hi);
        await checkUnary(ctx, a.data, a.shape, (be, x) => be[name](x), c.f, name);
      });
    }

    it('sigmoid and tanh stay finite and in range for huge inputs', async () => {
      const data = [-1e4, -500, -89, 89, 500, 1e4];
      const x = ft(ctx, data, [6]);
      const sg = await readK(ctx, ctx.be().sigmoid(x), [6]);
      const th = await readK(ctx, ctx.be().tanh(x), [6]);
      for (const v of [...sg, ...th]) expect(Number.isFinite(v)).toBe(true);
      assertClose(sg, [0, 0, 0, 1, 1, 1], 0, 1e-7, 'sigmoid of huge inputs');
      assertClose(th, [-1, -1, -1, 1, 1, 1], 0, 1e-7, 'tanh of huge inputs');
      x.dispose();
    });

    it('log(0) is −Infinity and sqrt(−1) is NaN (IEEE semantics)', async () => {
      const x = ft(ctx, [0, -1], [2]);
      const lg = await readK(ctx, ctx.be().log(x), [2]);
      const sq = await readK(ctx, ctx.be().sqrt(x), [2]);
      expect(lg[0]).toBe(Number.NEGATIVE_INFINITY);
      expect(Number.isNaN(sq[1])).toBe(true);
      x.dispose();
    });

    for (const [a, b] of [
      [2, 1],
      [-1, 0],
      [0.5, -3],
      [0, 4],
      [1, 0],
    ]) {
      it(`affine a=${a} b=${b}`, async () => {
        const x = ref.rand([2, 7], seed + a * 10 + b, -3, 3);
        await checkUnary(
          ctx,
          x.data,
          x.shape,
          (be, t) => be.affine(t, a, b),
          (v) => a * v + b,
          'affine',
        );
      });
    }

    for (const p of [2, 3, 0.5, -1, 0, 1, 2.5, -0.5]) {
      it(`powScalar p=${p}`, async () => {
        // Negative bases only for integer powers; others need x > 0.
        const lo = Number.isInteger(p) && p > 0 ? -2 : 0.2;
        const x = ref.rand([3, 5], 3100 + Math.round(p * 10), lo, 2.5);
        await checkUnary(
          ctx,
          x.data,
          x.shape,
          (be, t) => be.powScalar(t, p),
          (v) => v ** p,
          `pow ${p}`,
        );
      });
    }

    it('powScalar known values: (−2)³ = −8, 9^0.5 = 3, 4^−1 = 0.25, 0² = 0', async () => {
      const be = ctx.be();
      const x = ft(ctx, [-2, 3, 0], [3]);
      expect(await readK(ctx, be.powScalar(x, 3), [3])).toEqual([-8, 27, 0]);
      const y = ft(ctx, [9, 4, 0.25], [3]);
      expect(await readK(ctx, be.powScalar(y, 0.5), [3])).toEqual([3, 2, 0.5]);
      expect(await readK(ctx, be.powScalar(y, -1), [3])).toEqual([1 / 9, 0.25, 4].map(Math.fround));
      x.dispose();
      y.dispose();
    });

    for (const [lo, hi] of [
      [-1, 1],
      [0, 6],
      [-0.5, -0.25],
      [2, 2],
    ]) {
      it(`clip to [${lo}, ${hi}]`, async () => {
        const x = ref.rand([4, 6], 3200 + lo * 7 + hi, -3, 3);
        const data = [...x.data, lo, hi, lo - 1, hi + 1];
        const f = (v: number) => Math.min(hi, Math.max(lo, v));
        await checkUnary(ctx, data, [data.length], (be, t) => be.clip(t, lo, hi), f, 'clip');
      });
    }
  });

  describe('kernel gradient helpers', () => {
    const y = ref.rand([4, 5], 3300, -0.99, 0.99);
    const ys = ref.rand([4, 5], 3301, 0.01, 0.99);
    const dy = ref.rand([4, 5], 3302, -2, 2);
    const x = ref.randAway([4, 5], 3303, -2, 2, [0], 0.01);

    it('tanhGrad = dy·(1 − y²)', async () => {
      const [yt, dt] = [ft(ctx, y), ft(ctx, dy)];
      const got = await readK(ctx, ctx.be().tanhGrad(yt, dt), [4, 5]);
      assertClose(
        got,
        y.data.map((v, i) => dy.data[i] * (1 - v * v)),
        ctx.tol,
        ctx.tol,
        'tanhGrad',
      );
      yt.dispose();
      dt.dispose();
    });

    it('sigmoidGrad = dy·y·(1 − y)', async () => {
      const [yt, dt] = [ft(ctx, ys), ft(ctx, dy)];
      const got = await readK(ctx, ctx.be().sigmoidGrad(yt, dt), [4, 5]);
      assertClose(
        got,
        ys.data.map((v, i) => dy.data[i] * v * (1 - v)),
        ctx.tol,
        ctx.tol,
        'sigmoidGrad',
      );
      yt.dispose();
      dt.dispose();
    });

    it('reluGrad = dy where x > 0, else 0 (x = 0 gives 0)', async () => {
      const xs = [...x.data, 0];
      const ds = [...dy.data, 3];
      const [xt, dt] = [ft(ctx, xs, [21]), ft(ctx, ds, [21])];
      const got = await readK(ctx, ctx.be().reluGrad(xt, dt), [21]);
      assertClose(
        got,
        xs.map((v, i) => (v > 0 ? ds[i] : 0)),
        0,
        0,
        'reluGrad',
      );
      xt.dispose();
      dt.dispose();
    });
  });
}
