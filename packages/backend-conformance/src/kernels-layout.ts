import { max, mean, sum } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { assertClose, type Ctx, expectTensor, ft, it32, readK } from './context.js';
import * as ref from './reference.js';

/** [shape, axes] for reductions: single axes (leading, middle, trailing), several, all. */
const REDUCE_CASES: [number[], number[]][] = [
  [[5], [0]],
  [[3, 4], [0]],
  [[3, 4], [1]],
  [
    [3, 4],
    [0, 1],
  ],
  [[2, 3, 4], [0]],
  [[2, 3, 4], [1]],
  [[2, 3, 4], [2]],
  [
    [2, 3, 4],
    [0, 1],
  ],
  [
    [2, 3, 4],
    [1, 2],
  ],
  [
    [2, 3, 4],
    [0, 2],
  ],
  [
    [2, 3, 4],
    [0, 1, 2],
  ],
  [
    [2, 3, 4, 5],
    [1, 3],
  ],
  [
    [2, 3, 4, 5],
    [0, 3],
  ],
  [
    [2, 3, 4, 5],
    [1, 2],
  ],
  [[3, 1, 4], [1]],
  [[2, 3], []],
];

const PERMS_3D = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

/** [x shape, begin, size] */
const SLICE_CASES: [number[], number[], number[]][] = [
  [[7], [2], [3]],
  [[7], [0], [7]],
  [[7], [6], [1]],
  [
    [4, 5],
    [1, 0],
    [2, 5],
  ],
  [
    [4, 5],
    [0, 1],
    [4, 3],
  ],
  [
    [4, 5],
    [1, 2],
    [2, 2],
  ],
  [
    [4, 5],
    [3, 4],
    [1, 1],
  ],
  [
    [3, 4, 5],
    [1, 1, 1],
    [2, 2, 3],
  ],
  [
    [3, 4, 5],
    [0, 2, 0],
    [3, 1, 5],
  ],
  [
    [3, 4, 5],
    [2, 0, 0],
    [1, 4, 5],
  ],
  [
    [3, 4, 5],
    [0, 0, 4],
    [3, 4, 1],
  ],
  [
    [2, 3, 4, 5],
    [1, 1, 0, 2],
    [1, 2, 4, 3],
  ],
  [
    [4, 5],
    [2, 1],
    [0, 3],
  ],
];

export function layoutKernelTests(ctx: Ctx): void {
  describe('kernel reductions', () => {
    for (const [shape, axes] of REDUCE_CASES) {
      const tag = `[${shape.join(',')}] axes [${axes.join(',')}]`;
      it(`sum ${tag}`, async () => {
        const a = ref.rand(shape, 4000 + shape.length * 13 + axes.length, -2, 2);
        const e = ref.reduce(a, axes, 'sum');
        const x = ft(ctx, a);
        assertClose(
          await readK(ctx, ctx.be().sum(x, axes), e.shape),
          e.data,
          ctx.tol,
          ctx.tol * 4,
          'sum',
        );
        x.dispose();
      });
      it(`max ${tag} (all-negative inputs)`, async () => {
        const a = ref.rand(shape, 4100 + shape.length * 17 + axes.length, -5, -0.1);
        const e = ref.reduce(a, axes, 'max');
        const x = ft(ctx, a);
        assertClose(await readK(ctx, ctx.be().max(x, axes), e.shape), e.data, 0, 0, 'max');
        x.dispose();
      });
    }

    it('sum and max known values on [[1,2,3],[4,5,6]]', async () => {
      const be = ctx.be();
      const x = ft(ctx, [1, 2, 3, 4, 5, -6], [2, 3]);
      expect(await readK(ctx, be.sum(x, [0]), [3])).toEqual([5, 7, -3]);
      expect(await readK(ctx, be.sum(x, [1]), [2])).toEqual([6, 3]);
      expect(await readK(ctx, be.sum(x, [0, 1]), [])).toEqual([9]);
      expect(await readK(ctx, be.max(x, [0]), [3])).toEqual([4, 5, 3]);
      expect(await readK(ctx, be.max(x, [1]), [2])).toEqual([3, 5]);
      expect(await readK(ctx, be.max(x, [0, 1]), [])).toEqual([5]);
      x.dispose();
    });

    it('core sum/mean/max with keepDims and negative axes give the right shapes and values', async () => {
      const a = ref.rand([2, 3, 4], 4200, -2, 2);
      const x = ft(ctx, a);
      await expectTensor(
        sum(x, 1, true),
        ref.reduce(a, [1], 'sum', true),
        ctx.tol,
        ctx.tol,
        'sum keepDims',
      );
      await expectTensor(
        sum(x, [0, 2], true),
        ref.reduce(a, [0, 2], 'sum', true),
        ctx.tol,
        ctx.tol,
        'sum',
      );
      await expectTensor(sum(x, -1), ref.reduce(a, [2], 'sum'), ctx.tol, ctx.tol, 'sum axis -1');
      await expectTensor(max(x, -2, true), ref.reduce(a, [1], 'max', true), 0, 0, 'max keepDims');
      await expectTensor(max(x), ref.reduce(a, [0, 1, 2], 'max'), 0, 0, 'max all');
      const m = ref.map(ref.reduce(a, [0, 1], 'sum', true), (v) => v / 6);
      await expectTensor(mean(x, [0, 1], true), m, ctx.tol, ctx.tol, 'mean keepDims');
      x.dispose();
    });
  });

  describe('kernel layout', () => {
    it('reshape keeps row-major values (float32 and int32)', async () => {
      const be = ctx.be();
      const x = ft(ctx, [1, 2, 3, 4, 5, 6], [2, 3]);
      expect(await readK(ctx, be.reshape(x, [3, 2]), [3, 2])).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await readK(ctx, be.reshape(x, [6]), [6])).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await readK(ctx, be.reshape(x, [1, 2, 1, 3]), [1, 2, 1, 3])).toEqual([
        1, 2, 3, 4, 5, 6,
      ]);
      const i = it32(ctx, [5, -6, 7, 8], [2, 2]);
      expect(await readK(ctx, be.reshape(i, [4]), [4], 'int32')).toEqual([5, -6, 7, 8]);
      x.dispose();
      i.dispose();
    });

    it('transpose 2-D known values and odd sizes', async () => {
      const be = ctx.be();
      const x = ft(ctx, [1, 2, 3, 4, 5, 6], [2, 3]);
      expect(await readK(ctx, be.transpose(x, [1, 0]), [3, 2])).toEqual([1, 4, 2, 5, 3, 6]);
      for (const [r, c] of [
        [1, 7],
        [7, 1],
        [5, 9],
        [17, 33],
      ]) {
        const a = ref.rand([r, c], 4300 + r * c);
        const t = ft(ctx, a);
        const e = ref.transpose(a, [1, 0]);
        assertClose(
          await readK(ctx, be.transpose(t, [1, 0]), e.shape),
          e.data,
          0,
          0,
          `transpose [${r},${c}]`,
        );
        t.dispose();
      }
      x.dispose();
    });

    for (const perm of PERMS_3D) {
      it(`transpose 3-D [2,3,4] perm [${perm.join(',')}]`, async () => {
        const a = ref.rand([2, 3, 4], 4400);
        const e = ref.transpose(a, perm);
        const x = ft(ctx, a);
        assertClose(
          await readK(ctx, ctx.be().transpose(x, perm), e.shape),
          e.data,
          0,
          0,
          'transpose',
        );
        x.dispose();
      });
    }

    it('transpose 4-D [2,3,4,5] perm [3,1,0,2] and int32 [2,3] perm [1,0]', async () => {
      const a = ref.rand([2, 3, 4, 5], 4450);
      const e = ref.transpose(a, [3, 1, 0, 2]);
      const x = ft(ctx, a);
      assertClose(
        await readK(ctx, ctx.be().transpose(x, [3, 1, 0, 2]), e.shape),
        e.data,
        0,
        0,
        '4-D',
      );
      const i = it32(ctx, [1, 2, 3, 4, 5, 6], [2, 3]);
      expect(await readK(ctx, ctx.be().transpose(i, [1, 0]), [3, 2], 'int32')).toEqual([
        1, 4, 2, 5, 3, 6,
      ]);
      x.dispose();
      i.dispose();
    });

    for (const axis of [0, 1, 2]) {
      it(`concat 3-D on axis ${axis} (three inputs of different extents)`, async () => {
        const shapes = [1, 3, 2].map((n) => [2, 3, 4].map((d, i) => (i === axis ? n : d)));
        const parts = shapes.map((s, k) => ref.rand(s, 4500 + axis * 10 + k));
        const e = ref.concat(parts, axis);
        const ts = parts.map((p) => ft(ctx, p));
        assertClose(
          await readK(ctx, ctx.be().concat(ts, axis, e.shape), e.shape),
          e.data,
          0,
          0,
          'concat',
        );
        for (const t of ts) t.dispose();
      });
    }

    it('concat 2-D known values on both axes, and int32', async () => {
      const be = ctx.be();
      const a = ft(ctx, [1, 2, 3, 4], [2, 2]);
      const b = ft(ctx, [5, 6], [1, 2]);
      const c = ft(ctx, [7, 8], [2, 1]);
      expect(await readK(ctx, be.concat([a, b], 0, [3, 2]), [3, 2])).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await readK(ctx, be.concat([a, c], 1, [2, 3]), [2, 3])).toEqual([1, 2, 7, 3, 4, 8]);
      expect(await readK(ctx, be.concat([c, a, c], 1, [2, 4]), [2, 4])).toEqual([
        7, 1, 2, 7, 8, 3, 4, 8,
      ]);
      const i = it32(ctx, [1, 2]);
      const j = it32(ctx, [3]);
      expect(await readK(ctx, be.concat([i, j], 0, [3]), [3], 'int32')).toEqual([1, 2, 3]);
      for (const t of [a, b, c, i, j]) t.dispose();
    });

    for (const [shape, begin, size] of SLICE_CASES) {
      it(`slice [${shape.join(',')}] begin [${begin.join(',')}] size [${size.join(',')}]`, async () => {
        const a = ref.rand(shape, 4600 + shape.length * 31 + begin[0]);
        const e = ref.slice(a, begin, size);
        const x = ft(ctx, a);
        assertClose(await readK(ctx, ctx.be().slice(x, begin, size), size), e.data, 0, 0, 'slice');
        x.dispose();
      });
    }

    it('slice int32 known values', async () => {
      const i = it32(ctx, [1, 2, 3, 4, 5, 6], [2, 3]);
      expect(await readK(ctx, ctx.be().slice(i, [0, 1], [2, 2]), [2, 2], 'int32')).toEqual([
        2, 3, 5, 6,
      ]);
      i.dispose();
    });
  });
}
