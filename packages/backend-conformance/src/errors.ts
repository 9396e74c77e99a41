import {
  add,
  BackendError,
  broadcastTo,
  concat,
  gather,
  matmul,
  maximum,
  mul,
  reshape,
  ShapeError,
  setBackend,
  softmaxCrossEntropy,
  sub,
  type Tensor,
} from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { type Ctx, ft, it32 } from './context.js';

/** Runs `fn`, asserts it throws a ShapeError whose message contains every fragment, returns the message. */
function expectShapeError(fn: () => unknown, fragments: string[]): string {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a ShapeError to be thrown').toBeInstanceOf(ShapeError);
  const msg = (caught as Error).message;
  for (const f of fragments) expect(msg, `error message should mention ${f}`).toContain(f);
  return msg;
}

function zerosOf(ctx: Ctx, shape: number[]): Tensor {
  return ft(ctx, new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0), shape);
}

export function errorTests(ctx: Ctx): void {
  describe('shape and dtype errors name the op and the shapes', () => {
    it('matmul inner dimension mismatch', () => {
      const a = zerosOf(ctx, [2, 3]);
      const b = zerosOf(ctx, [4, 5]);
      expectShapeError(() => matmul(a, b), ['matmul', '[2, 3]', '[4, 5]']);
      // With transposes the shapes stored are still named.
      expectShapeError(() => matmul(a, b, { transA: true }), ['matmul', '[2, 3]', '[4, 5]']);
      a.dispose();
      b.dispose();
    });

    it('matmul of non-2-D tensors', () => {
      const a = zerosOf(ctx, [2, 3, 4]);
      const b = zerosOf(ctx, [4, 5]);
      expectShapeError(() => matmul(a, b), ['matmul', '[2, 3, 4]', '[4, 5]']);
      a.dispose();
      b.dispose();
    });

    it('broadcasting incompatibility in add, sub, mul, maximum', () => {
      const a = zerosOf(ctx, [2, 3]);
      const b = zerosOf(ctx, [4, 3]);
      const c = zerosOf(ctx, [2]);
      expectShapeError(() => add(a, b), ['add', '[2, 3]', '[4, 3]']);
      expectShapeError(() => sub(b, a), ['sub', '[4, 3]', '[2, 3]']);
      expectShapeError(() => mul(a, c), ['mul', '[2, 3]', '[2]']);
      expectShapeError(() => maximum(c, b), ['maximum', '[2]', '[4, 3]']);
      for (const t of [a, b, c]) t.dispose();
    });

    it('broadcastTo a shape the input cannot broadcast to', () => {
      const a = zerosOf(ctx, [2, 3]);
      expectShapeError(() => broadcastTo(a, [4, 3]), ['broadcastTo', '[2, 3]', '[4, 3]']);
      expectShapeError(() => broadcastTo(a, [3]), ['broadcastTo', '[2, 3]', '[3]']);
      a.dispose();
    });

    it('concat with mismatched non-axis dimensions', () => {
      const a = zerosOf(ctx, [2, 3]);
      const b = zerosOf(ctx, [3, 4]);
      expectShapeError(() => concat([a, b], 0), ['concat', '[2, 3]', '[3, 4]']);
      const c = zerosOf(ctx, [2, 3, 1]);
      expectShapeError(() => concat([a, c], 1), ['concat', '[2, 3]', '[2, 3, 1]']);
      for (const t of [a, b, c]) t.dispose();
    });

    it('reshape to a different number of elements', () => {
      const a = zerosOf(ctx, [2, 3]);
      expectShapeError(() => reshape(a, [4, 2]), ['reshape', '[2, 3]', '[4, 2]']);
      expectShapeError(() => reshape(a, [4, -1]), ['reshape', '[2, 3]', '[4, -1]']);
      a.dispose();
    });

    it('gather with float32 indices', () => {
      const table = zerosOf(ctx, [5, 2]);
      const idx = ft(ctx, [0, 1, 2], [3]);
      expectShapeError(() => gather(table, idx), ['gather', 'int32', 'float32', '[3]']);
      table.dispose();
      idx.dispose();
    });

    it('softmaxCrossEntropy with labels of the wrong shape or dtype', () => {
      const logits = zerosOf(ctx, [4, 3]);
      const short = it32(ctx, [0, 1, 2]);
      expectShapeError(
        () => softmaxCrossEntropy(logits, short),
        ['softmaxCrossEntropy', '[4, 3]', '[3]'],
      );
      const floatLabels = ft(ctx, [0, 1, 2, 0], [4]);
      expectShapeError(
        () => softmaxCrossEntropy(logits, floatLabels),
        ['softmaxCrossEntropy', 'int32', '[4, 3]'],
      );
      for (const t of [logits, short, floatLabels]) t.dispose();
    });

    it('float ops reject int32 inputs', () => {
      const i = it32(ctx, [1, 2]);
      const f = zerosOf(ctx, [2]);
      expectShapeError(() => add(i, f), ['add', 'int32', '[2]']);
      i.dispose();
      f.dispose();
    });
  });

  describe('registry', () => {
    // Which package provides 'tfjs-wasm' or 'onnx' is core's registry table, tested in core
    // (registry.test.ts) where those backends are not installed.
    it('a name nobody knows lists the registered backends', async () => {
      const err = await setBackend('no-such-backend-xyz').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackendError);
      expect((err as Error).message).toContain('no-such-backend-xyz');
      expect((err as Error).message).toContain(ctx.name);
    });
  });
}
