import { describe, expect, it } from 'vitest';
import { assertClose, type Ctx, ft, readK } from './context.js';
import * as ref from './reference.js';

type BinaryName = 'add' | 'sub' | 'mul' | 'div' | 'maximum';

const BINARY: Record<BinaryName, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  maximum: (x, y) => Math.max(x, y),
};

/** [a shape, b shape, label] covering every broadcasting situation the kernels must handle. */
const BROADCAST_CASES: [number[], number[], string][] = [
  [[2, 3], [2, 3], 'same shape'],
  [[2, 3], [], 'tensor op rank-0 scalar'],
  [[], [2, 3], 'rank-0 scalar op tensor'],
  [[2, 3], [1], 'tensor op [1]'],
  [[1], [3, 2], '[1] op tensor'],
  [[4, 3], [3], '[N,D] op [D] (bias)'],
  [[3], [4, 3], '[D] op [N,D]'],
  [[4, 3], [1, 3], '[N,D] op [1,D]'],
  [[4, 3], [4, 1], '[N,D] op [N,1]'],
  [[4, 1], [4, 3], '[N,1] op [N,D]'],
  [[4, 1], [1, 3], '[N,1] op [1,D]'],
  [[2, 1, 3], [4, 1], '[2,1,3] op [4,1]'],
  [[4, 1], [2, 1, 3], '[4,1] op [2,1,3]'],
  [[3], [2, 2, 3], 'rank mismatch, trailing'],
  [[2, 3, 1], [3, 4], 'rank mismatch [2,3,1] op [3,4]'],
  [[5, 1, 7], [1, 6, 1], '[5,1,7] op [1,6,1]'],
  [[2, 1, 3, 1], [1, 4, 1, 2], 'rank 4, alternating broadcast'],
];

/** matmul sizes [m, k, n]: tiny, odd, vector-like, and large enough for blocked paths. */
const MATMUL_SIZES: [number, number, number][] = [
  [1, 1, 1],
  [1, 5, 3],
  [3, 1, 4],
  [2, 3, 4],
  [3, 5, 2],
  [4, 4, 4],
  [5, 7, 3],
  [7, 3, 1],
  [4, 6, 1],
  [1, 6, 9],
  [9, 13, 17],
  [33, 65, 17],
  [5, 300, 6],
  [260, 3, 5],
  [6, 5, 1030],
];

let seed = 1000;

export function linalgKernelTests(ctx: Ctx): void {
  describe('kernel matmul', () => {
    it('known values [[1,2,3],[4,5,6]]·[[7,8],[9,10],[11,12]]', async () => {
      const a = ft(ctx, [1, 2, 3, 4, 5, 6], [2, 3]);
      const b = ft(ctx, [7, 8, 9, 10, 11, 12], [3, 2]);
      expect(await readK(ctx, ctx.be().matmul(a, b, false, false), [2, 2])).toEqual([
        58, 64, 139, 154,
      ]);
      // aᵀ stored as [3, 2] with transA, bᵀ stored as [2, 3] with transB: same product.
      const at = ft(ctx, [1, 4, 2, 5, 3, 6], [3, 2]);
      const bt = ft(ctx, [7, 9, 11, 8, 10, 12], [2, 3]);
      expect(await readK(ctx, ctx.be().matmul(at, bt, true, true), [2, 2])).toEqual([
        58, 64, 139, 154,
      ]);
      for (const t of [a, b, at, bt]) t.dispose();
    });

    for (const [ta, tb] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      const combo = `${ta ? 'T' : 'N'}${tb ? 'T' : 'N'}`;
      for (const [m, k, n] of MATMUL_SIZES) {
        const s = seed++;
        it(`${combo} m=${m} k=${k} n=${n}`, async () => {
          const a = ref.rand(ta ? [k, m] : [m, k], s);
          const b = ref.rand(tb ? [n, k] : [k, n], s + 7919);
          const expected = ref.matmul(a, b, ta, tb);
          const at = ft(ctx, a);
          const bt = ft(ctx, b);
          const got = await readK(ctx, ctx.be().matmul(at, bt, ta, tb), [m, n]);
          assertClose(
            got,
            expected.data,
            ctx.tol,
            ctx.tol * Math.max(1, Math.sqrt(k)),
            `matmul ${combo}`,
          );
          at.dispose();
          bt.dispose();
        });
      }
    }

    it('an empty inner dimension (k = 0) gives zeros', async () => {
      const a = ft(ctx, [], [3, 0]);
      const b = ft(ctx, [], [0, 2]);
      expect(await readK(ctx, ctx.be().matmul(a, b, false, false), [3, 2])).toEqual([
        0, 0, 0, 0, 0, 0,
      ]);
      a.dispose();
      b.dispose();
    });

    it('does not modify its inputs', async () => {
      const a = ref.rand([5, 4], 77);
      const b = ref.rand([4, 6], 78);
      const at = ft(ctx, a);
      const bt = ft(ctx, b);
      await readK(ctx, ctx.be().matmul(at, bt, false, false), [5, 6]);
      assertClose(Array.from(await at.data()), a.data, 0, 0, 'a after matmul');
      assertClose(Array.from(await bt.data()), b.data, 0, 0, 'b after matmul');
      at.dispose();
      bt.dispose();
    });
  });

  describe('kernel elementwise binary with broadcasting', () => {
    it('known values: [[1,2],[3,4]] + [10,20], − [[1],[2]], · 2, / [2,4], max 2.5', async () => {
      const be = ctx.be();
      const x = ft(ctx, [1, 2, 3, 4], [2, 2]);
      const r = ft(ctx, [10, 20], [2]);
      const c = ft(ctx, [1, 2], [2, 1]);
      const two = ft(ctx, [2], []);
      const d = ft(ctx, [2, 4], [1, 2]);
      const s = ft(ctx, [2.5], [1]);
      expect(await readK(ctx, be.add(x, r, [2, 2]), [2, 2])).toEqual([11, 22, 13, 24]);
      expect(await readK(ctx, be.sub(x, c, [2, 2]), [2, 2])).toEqual([0, 1, 1, 2]);
      expect(await readK(ctx, be.sub(c, x, [2, 2]), [2, 2])).toEqual([0, -1, -1, -2]);
      expect(await readK(ctx, be.mul(two, x, [2, 2]), [2, 2])).toEqual([2, 4, 6, 8]);
      expect(await readK(ctx, be.div(x, d, [2, 2]), [2, 2])).toEqual([0.5, 0.5, 1.5, 1]);
      expect(await readK(ctx, be.div(d, x, [2, 2]), [2, 2])).toEqual(
        [2, 2, 2 / 3, 1].map(Math.fround),
      );
      expect(await readK(ctx, be.maximum(x, s, [2, 2]), [2, 2])).toEqual([2.5, 2.5, 3, 4]);
      for (const t of [x, r, c, two, d, s]) t.dispose();
    });

    for (const op of Object.keys(BINARY) as BinaryName[]) {
      for (const [as, bs, label] of BROADCAST_CASES) {
        const s = seed++;
        it(`${op}: ${label} ${JSON.stringify(as)} ${JSON.stringify(bs)}`, async () => {
          const a = ref.rand(as, s, -2, 2);
          // Divisors stay away from zero.
          const b =
            op === 'div' ? ref.randAway(bs, s + 1, -2, 2, [0], 0.4) : ref.rand(bs, s + 1, -2, 2);
          const expected = ref.binary(a, b, BINARY[op]);
          const at = ft(ctx, a);
          const bt = ft(ctx, b);
          const got = await readK(ctx, ctx.be()[op](at, bt, expected.shape), expected.shape);
          assertClose(got, expected.data, ctx.tol, ctx.tol, `${op} ${label}`);
          at.dispose();
          bt.dispose();
        });
      }
    }
  });
}
