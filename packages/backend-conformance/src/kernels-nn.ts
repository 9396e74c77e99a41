import { describe, expect, it } from 'vitest';
import { assertClose, type Ctx, ft, it32, readK } from './context.js';
import * as ref from './reference.js';

export function nnKernelTests(ctx: Ctx): void {
  describe('kernel gather / scatterAdd', () => {
    it('gather known rows, with repeated indices', async () => {
      const table = ft(ctx, [0, 1, 10, 11, 20, 21, 30, 31], [4, 2]);
      const idx = it32(ctx, [3, 0, 3, 1, 1]);
      expect(await readK(ctx, ctx.be().gather(table, idx), [5, 2])).toEqual([
        30, 31, 0, 1, 30, 31, 10, 11, 10, 11,
      ]);
      table.dispose();
      idx.dispose();
    });

    it('gather random table [7, 5]', async () => {
      const t = ref.rand([7, 5], 5000);
      const indices = [6, 0, 2, 2, 5, 1, 6, 3];
      const e = ref.gather(t, indices);
      const [tt, ix] = [ft(ctx, t), it32(ctx, indices)];
      assertClose(await readK(ctx, ctx.be().gather(tt, ix), e.shape), e.data, 0, 0, 'gather');
      tt.dispose();
      ix.dispose();
    });

    it('scatterAdd sums repeated indices and leaves untouched rows at zero', async () => {
      const idx = it32(ctx, [2, 0, 2, 2]);
      const upd = ft(ctx, [1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
      // row 0 = [3,4]; row 1 untouched; row 2 = [1+5+7, 2+6+8]; row 3 untouched
      expect(await readK(ctx, ctx.be().scatterAdd(idx, upd, 4), [4, 2])).toEqual([
        3, 4, 0, 0, 13, 16, 0, 0,
      ]);
      idx.dispose();
      upd.dispose();
    });

    it('scatterAdd random updates [9, 3] into 5 rows', async () => {
      const u = ref.rand([9, 3], 5001);
      const indices = [4, 4, 0, 1, 4, 0, 3, 3, 4];
      const e = ref.scatterAdd(indices, u, 5);
      const [ut, ix] = [ft(ctx, u), it32(ctx, indices)];
      assertClose(
        await readK(ctx, ctx.be().scatterAdd(ix, ut, 5), e.shape),
        e.data,
        ctx.tol,
        ctx.tol,
        'scatter',
      );
      ut.dispose();
      ix.dispose();
    });
  });

  describe('kernel argmax', () => {
    it('known rows: the first index on ties, negative and huge values', async () => {
      const x = ft(ctx, [1, 3, 3, 0, -5, -2, -2, -9, 7, 1e30, -1e30, 1e30], [3, 4]);
      expect(await readK(ctx, ctx.be().argmax(x), [3], 'int32')).toEqual([1, 1, 1]);
      x.dispose();
    });

    it('random [6, 9] agrees with the reference, and a single column gives 0', async () => {
      const a = ref.rand([6, 9], 5200, -3, 3);
      const want = Array.from({ length: 6 }, (_, r) => {
        const row = a.data.slice(r * 9, (r + 1) * 9);
        return row.indexOf(Math.max(...row));
      });
      const x = ft(ctx, a);
      expect(await readK(ctx, ctx.be().argmax(x), [6], 'int32')).toEqual(want);
      const col = ft(ctx, [4, -1, 2], [3, 1]);
      expect(await readK(ctx, ctx.be().argmax(col), [3], 'int32')).toEqual([0, 0, 0]);
      x.dispose();
      col.dispose();
    });
  });

  describe('kernel softmax and losses', () => {
    const cases: [string, ref.Arr][] = [
      ['random [4, 6]', ref.rand([4, 6], 5100, -3, 3)],
      ['single column [3, 1]', ref.arr([0.5, -2, 7], [3, 1])],
      ['single row [1, 5]', ref.rand([1, 5], 5101, -1, 1)],
      ['large logits ~1000', ref.arr([1000, 1001, 1002, -1000, -1001, -1002], [2, 3])],
      ['mixed huge logits', ref.arr([1000, 0, -1000, 50, 50, 50], [2, 3])],
    ];

    for (const [label, a] of cases) {
      it(`softmax ${label}`, async () => {
        const e = ref.softmax(a);
        const x = ft(ctx, a);
        const got = await readK(ctx, ctx.be().softmax(x), a.shape);
        assertClose(got, e.data, ctx.tol, ctx.tol * 0.1, 'softmax');
        for (let r = 0; r < a.shape[0]; r++) {
          const c = a.shape[1];
          const s = got.slice(r * c, (r + 1) * c).reduce((p, v) => p + v, 0);
          expect(Math.abs(s - 1)).toBeLessThan(1e-5);
        }
        x.dispose();
      });

      it(`logSoftmax ${label}`, async () => {
        const e = ref.softmax(a, true);
        const x = ft(ctx, a);
        const got = await readK(ctx, ctx.be().logSoftmax(x), a.shape);
        for (const v of got) expect(Number.isFinite(v)).toBe(true);
        assertClose(got, e.data, ctx.tol, ctx.tol, 'logSoftmax');
        x.dispose();
      });
    }

    it('logSoftmax known values for [1000, 1001, 1002]', async () => {
      const x = ft(ctx, [1000, 1001, 1002], [1, 3]);
      const got = await readK(ctx, ctx.be().logSoftmax(x), [1, 3]);
      assertClose(
        got,
        [-2.40760596444438, -1.40760596444438, -0.40760596444438],
        1e-5,
        1e-5,
        'logSoftmax',
      );
      x.dispose();
    });

    const ceCases: [string, ref.Arr, number[]][] = [
      ['random [5, 4]', ref.rand([5, 4], 5200, -3, 3), [0, 3, 1, 3, 2]],
      ['large logits', ref.arr([1000, 1001, 1002, -1000, 0, 1000], [2, 3]), [0, 1]],
      ['one class', ref.arr([0.3, -7], [2, 1]), [0, 0]],
    ];

    for (const [label, logits, labels] of ceCases) {
      it(`softmaxCrossEntropy ${label}`, async () => {
        const e = ref.crossEntropy(logits, labels);
        const [x, y] = [ft(ctx, logits), it32(ctx, labels)];
        const got = await readK(ctx, ctx.be().softmaxCrossEntropy(x, y), [labels.length]);
        assertClose(got, e.data, ctx.tol, ctx.tol, 'softmaxCrossEntropy');
        x.dispose();
        y.dispose();
      });

      it(`softmaxCrossEntropyGrad ${label} with per-row dloss`, async () => {
        const dloss = labels.map((_, i) => [0.5, -1.5, 2, 1, 0.25][i % 5]);
        const e = ref.crossEntropyGrad(logits, labels, dloss);
        const [x, y, d] = [ft(ctx, logits), it32(ctx, labels), ft(ctx, dloss, [labels.length])];
        const got = await readK(ctx, ctx.be().softmaxCrossEntropyGrad(x, y, d), logits.shape);
        assertClose(got, e.data, ctx.tol, ctx.tol, 'softmaxCrossEntropyGrad');
        x.dispose();
        y.dispose();
        d.dispose();
      });
    }

    it('softmaxCrossEntropy known value: uniform logits give log(C)', async () => {
      const [x, y] = [ft(ctx, [0, 0, 0, 0, 2, 2, 2, 2], [2, 4]), it32(ctx, [1, 3])];
      assertClose(
        await readK(ctx, ctx.be().softmaxCrossEntropy(x, y), [2]),
        [Math.log(4), Math.log(4)],
        1e-6,
      );
      x.dispose();
      y.dispose();
    });
  });
}
