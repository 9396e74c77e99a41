import { full, tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { assertClose, type Ctx, readK, values, wrapK } from './context.js';

/** upload / read / readSync / fill / copy / dispose round trips, float32 and int32. */
export function storageTests(ctx: Ctx): void {
  describe('storage', () => {
    it('upload and read round-trip float32 values exactly', async () => {
      const v = [0, -0.5, 1.25, 3.4028234663852886e38, -1e-30, 123456.78125, Math.fround(Math.PI)];
      const x = tensor(Float32Array.from(v), [7], 'float32', ctx.be());
      const got = await x.data();
      expect(got).toBeInstanceOf(Float32Array);
      expect(Array.from(got)).toEqual(Array.from(Float32Array.from(v)));
      x.dispose();
    });

    it('upload and read round-trip int32 values exactly (incl. extremes)', async () => {
      const v = [0, -1, 7, 2147483647, -2147483648, 65536, -12345];
      const x = tensor(Int32Array.from(v), [7], 'int32', ctx.be());
      expect(x.dtype).toBe('int32');
      const got = await x.data();
      expect(got).toBeInstanceOf(Int32Array);
      expect(Array.from(got)).toEqual(v);
      x.dispose();
    });

    it('keeps a multi-dimensional shape and row-major order', async () => {
      const x = tensor(
        [
          [
            [1, 2],
            [3, 4],
          ],
          [
            [5, 6],
            [7, 8],
          ],
          [
            [9, 10],
            [11, 12],
          ],
        ],
        undefined,
        'float32',
        ctx.be(),
      );
      expect([...x.shape]).toEqual([3, 2, 2]);
      expect(await values(x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      x.dispose();
    });

    it('readSync (when present) agrees with read', async () => {
      const be = ctx.be();
      const x = tensor(Float32Array.from([1.5, -2, 3]), [3], 'float32', be);
      const i = tensor(Int32Array.from([4, -5]), [2], 'int32', be);
      if (be.readSync) {
        expect(Array.from(be.readSync(x))).toEqual(Array.from(await be.read(x)));
        expect(Array.from(be.readSync(i))).toEqual([4, -5]);
        expect(be.readSync(i)).toBeInstanceOf(Int32Array);
        expect(x.dataSync()).toBeInstanceOf(Float32Array);
      } else {
        expect(() => x.dataSync()).toThrow(/cannot read synchronously/);
      }
      x.dispose();
      i.dispose();
    });

    it('read returns a snapshot the caller may modify without changing the tensor', async () => {
      const x = tensor(Float32Array.from([1, 2, 3]), [3], 'float32', ctx.be());
      const a = await x.data();
      a[0] = 100;
      expect(await values(x)).toEqual([1, 2, 3]);
      x.dispose();
    });

    it('fill float32 and int32, including scalars and empty shapes', async () => {
      const be = ctx.be();
      expect(await readK(ctx, be.fill([2, 3], 2.5, 'float32'), [2, 3])).toEqual([
        2.5, 2.5, 2.5, 2.5, 2.5, 2.5,
      ]);
      expect(await readK(ctx, be.fill([4], 0, 'float32'), [4])).toEqual([0, 0, 0, 0]);
      expect(await readK(ctx, be.fill([], -7.25, 'float32'), [])).toEqual([-7.25]);
      const ints = wrapK(ctx, be.fill([3], 7, 'int32'), [3], 'int32');
      const iv = await ints.data();
      expect(iv).toBeInstanceOf(Int32Array);
      expect(Array.from(iv)).toEqual([7, 7, 7]);
      ints.dispose();
      expect(await readK(ctx, be.fill([0, 3], 1, 'float32'), [0, 3])).toEqual([]);
      const f = full([2, 2], -1.5, 'float32', be);
      expect(await values(f)).toEqual([-1.5, -1.5, -1.5, -1.5]);
      f.dispose();
    });

    it('copy is independent of its source (survives the source being disposed)', async () => {
      const be = ctx.be();
      const x = tensor(Float32Array.from([1, 2, 3, 4]), [2, 2], 'float32', be);
      const c = wrapK(ctx, be.copy(x), [2, 2]);
      x.dispose();
      expect(await values(c)).toEqual([1, 2, 3, 4]);
      const i = tensor(Int32Array.from([9, -9]), [2], 'int32', be);
      const ic = wrapK(ctx, be.copy(i), [2], 'int32');
      i.dispose();
      expect(Array.from(await ic.data())).toEqual([9, -9]);
      c.dispose();
      ic.dispose();
    });

    it('uploaded float32 values round to float32', async () => {
      const x = tensor([0.1, 1 / 3, 1e-8], [3], 'float32', ctx.be());
      assertClose(await values(x), [Math.fround(0.1), Math.fround(1 / 3), Math.fround(1e-8)], 0, 0);
      x.dispose();
    });
  });
}
