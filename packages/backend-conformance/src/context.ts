import { type Backend, type DType, type Shape, Tensor, tensor } from '@rnnkit/core';
import type { Arr } from './reference.js';

/** Default relative tolerance for float32 kernels against float64 references. */
export const DEFAULT_TOL = 1e-5;

/** Options of one conformance run; see `runConformance`. */
export interface ConformanceOptions {
  /** The name the backend registers under (`setBackend(name)`). */
  name: string;
  /** Makes the backend under test. */
  create: () => Backend | Promise<Backend>;
  /**
   * Relative tolerance for float32 kernels (default 1e-5). The cell and layer gradient checks
   * scale their tolerances by `tol / 1e-5`, so a backend that loosens this loosens them too.
   */
  tol?: number;
}

/** What every test file gets: the backend under test (once `beforeAll` ran) and its tolerance. */
export interface Ctx {
  readonly name: string;
  /** Relative (and absolute) tolerance for float32 kernels against float64 references. */
  readonly tol: number;
  /** The backend under test; only valid inside tests. */
  be(): Backend;
}

/** A float32 tensor on the backend under test, from a reference array or flat values. */
export function ft(ctx: Ctx, a: Arr | readonly number[], shape?: Shape): Tensor {
  const data = Array.isArray(a) ? (a as readonly number[]) : (a as Arr).data;
  const s = shape ?? (a as Arr).shape;
  return tensor(Float32Array.from(data), s, 'float32', ctx.be());
}

/** An int32 tensor on the backend under test. */
export function it32(ctx: Ctx, data: readonly number[], shape: Shape = [data.length]): Tensor {
  return tensor(Int32Array.from(data), shape, 'int32', ctx.be());
}

/** Wraps storage a kernel returned into a Tensor, so it can be read and disposed. */
export function wrapK(ctx: Ctx, storage: unknown, shape: Shape, dtype: DType = 'float32'): Tensor {
  return new Tensor(ctx.be(), storage, shape, dtype);
}

/** Reads a tensor's values as plain numbers. */
export async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** Reads kernel output storage of a given shape, then frees it. */
export async function readK(
  ctx: Ctx,
  storage: unknown,
  shape: Shape,
  dtype: DType = 'float32',
): Promise<number[]> {
  const t = wrapK(ctx, storage, shape, dtype);
  try {
    return await values(t);
  } finally {
    t.dispose();
  }
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(9);
}

/**
 * Asserts |actual − expected| ≤ atol + rtol·|expected| element by element (infinities must match
 * exactly; NaN never passes). The failure names the first bad element and the worst error.
 */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  atol = rtol,
  what = 'values',
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: got ${actual.length} elements, expected ${expected.length}`);
  }
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Number.isFinite(e) ? Math.abs(a - e) <= atol + rtol * Math.abs(e) : a === e;
    if (!ok && bad.length < 5) bad.push(`[${i}] got ${fmt(a)}, expected ${fmt(e)}`);
  }
  if (bad.length) {
    throw new Error(
      `${what} differ (rtol ${rtol}, atol ${atol}): ${bad.join('; ')}\n` +
        `  actual:   [${Array.from(actual).slice(0, 24).map(fmt).join(', ')}]\n` +
        `  expected: [${Array.from(expected).slice(0, 24).map(fmt).join(', ')}]`,
    );
  }
}

/** Asserts exact equality of shapes with a readable message. */
export function assertShape(actual: Shape, expected: Shape, what = 'shape'): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
    throw new Error(`${what}: got [${actual.join(', ')}], expected [${expected.join(', ')}]`);
  }
}

/** Reads `t` and checks shape and values against a reference array. */
export async function expectTensor(
  t: Tensor,
  ref: Arr,
  rtol: number,
  atol = rtol,
  what = 'tensor',
): Promise<void> {
  assertShape(t.shape, ref.shape, `${what} shape`);
  assertClose(await values(t), ref.data, rtol, atol, what);
}
