import { add, dispose, mul, sum, type Tensor, tidy, valueAndGrad } from '@rnnkit/core';
import { it } from 'vitest';
import { assertClose, assertShape, type Ctx, ft, values } from './context.js';
import * as ref from './reference.js';

/**
 * One backward-rule check: `op` runs on the backend, `ref` is the same function in float64.
 * The loss is Σ_k sum(op(xs)_k · w_k) for fixed random weights w_k, so every output element
 * gets a different upstream gradient.
 */
export interface GradCase {
  name: string;
  inputs: ref.Arr[];
  op: (xs: Tensor[]) => Tensor | Tensor[];
  ref: (xs: ref.Arr[]) => ref.Arr | ref.Arr[];
}

/** Tolerances for analytic (float32) vs finite-difference (float64) gradients. */
export const GRAD_RTOL = 1e-4;
export const GRAD_ATOL = 1e-5;

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

let nextSeed = 9000;

/** Registers an `it` that checks `c`'s gradients against central differences of its reference. */
export function gradIt(ctx: Ctx, c: GradCase): void {
  nextSeed += 17;
  const seed = nextSeed;
  it(c.name, async () => {
    await checkGrad(ctx, c, seed);
  });
}

export async function checkGrad(ctx: Ctx, c: GradCase, seed: number): Promise<void> {
  const refOuts = list(c.ref(c.inputs));
  const ws = refOuts.map((o, k) => ref.rand(o.shape, seed + k, -1, 1));
  const lossRef = (xs: ref.Arr[]) =>
    list(c.ref(xs)).reduce((s, o, k) => s + ref.dot(o.data, ws[k].data), 0);
  const expectedGrads = ref.numericGrad(lossRef, c.inputs, 1e-6);

  const xs = c.inputs.map((a) => ft(ctx, a));
  const wt = ws.map((w) => ft(ctx, w));
  const outShapes: number[][] = [];
  const { value, grads } = valueAndGrad(() => {
    const ys = list(c.op(xs));
    let loss: Tensor | undefined;
    ys.forEach((y, k) => {
      outShapes.push([...y.shape]);
      const term = sum(mul(y, wt[k]));
      loss = loss ? add(loss, term) : term;
    });
    return loss!;
  }, xs);
  try {
    if (outShapes.length !== refOuts.length) {
      throw new Error(
        `${c.name}: op returned ${outShapes.length} outputs, reference ${refOuts.length}`,
      );
    }
    outShapes.forEach((s, k) => {
      assertShape(s, refOuts[k].shape, `${c.name} output ${k} shape`);
    });
    assertClose(await values(value), [lossRef(c.inputs)], 1e-4, 1e-4, `${c.name} loss value`);
    for (let i = 0; i < xs.length; i++) {
      assertShape(grads[i].shape, c.inputs[i].shape, `${c.name} grad ${i} shape`);
      assertClose(
        await values(grads[i]),
        expectedGrads[i],
        GRAD_RTOL,
        GRAD_ATOL,
        `${c.name} d/dx${i}`,
      );
    }
  } finally {
    dispose([value, grads, xs, wt]);
  }
}

/**
 * Central differences through the backend itself in float32 (eps 1e-2): used for composed
 * expressions, where a float64 reference would be a second implementation of the whole model.
 * `f` gets fresh tensors made from `inputs` (with one element nudged) and returns a scalar loss.
 */
export async function backendNumericGrad(
  ctx: Ctx,
  f: (xs: Tensor[]) => Tensor,
  inputs: readonly ref.Arr[],
  eps = 1e-2,
): Promise<number[][]> {
  const lossAt = async (xs: ref.Arr[]) => {
    const l = tidy(() => f(xs.map((a) => ft(ctx, a))));
    const v = (await l.data())[0];
    l.dispose();
    return v;
  };
  const work = inputs.map((a) => ({ shape: [...a.shape], data: [...a.data] }));
  const out: number[][] = [];
  for (const x of work) {
    const g: number[] = [];
    for (let j = 0; j < x.data.length; j++) {
      const v = x.data[j];
      x.data[j] = v + eps;
      const fp = await lossAt(work);
      x.data[j] = v - eps;
      const fm = await lossAt(work);
      x.data[j] = v;
      g.push((fp - fm) / (2 * eps));
    }
    out.push(g);
  }
  return out;
}
