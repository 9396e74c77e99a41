import { add, dispose, keep, mul, reshape, sum, type Tensor, valueAndGrad } from '@rnnkit/core';
import { assertClose, assertShape, type Ctx, DEFAULT_TOL, ft, values } from '../context.js';
import { GRAD_ATOL, GRAD_RTOL } from '../gradcheck.js';
import * as ref from '../reference.js';

/**
 * Finite-difference gradient check of a whole module against a float64 reference, in the manner
 * of the suite's `checkGrad` (same loss form and tolerances), for modules whose parameters live
 * inside them:
 *
 * - `wrt` names the live tensors to differentiate (inputs, initial states, the module's own
 *   Parameters), all on the backend under test; their float32 values, read back exactly, are the
 *   point of the check.
 * - `forward` runs the module on the backend and returns its outputs.
 * - `reference` computes the same outputs in float64 from plain values keyed like `wrt`.
 *
 * The loss is L = Σ_k Σ out_k ⊙ w_k with fixed random w_k, so every output element gets its own
 * upstream gradient. The check asserts the forward outputs equal the reference, then that each
 * analytic gradient (float32, through the tape) equals central differences of the float64
 * reference loss (eps 1e-6, on the host) within |a − e| ≤ atol + rtol·|e|. At the default `tol`
 * that is rtol 1e-4, atol 1e-5 (forward 1e-5); every tolerance scales with `ctx.tol / 1e-5`.
 */
export interface ModuleGradCase {
  wrt: Record<string, Tensor>;
  forward: () => Tensor[];
  reference: (values: Record<string, readonly number[]>) => number[][];
  seed: number;
}

export interface ModuleGradReport {
  /** Number of scalar gradient entries compared. */
  checked: number;
  /** Worst |analytic − numeric| over all entries. */
  maxAbsErr: number;
}

export async function checkModuleGrad(ctx: Ctx, c: ModuleGradCase): Promise<ModuleGradReport> {
  const scale = ctx.tol / DEFAULT_TOL;
  const rtol = GRAD_RTOL * scale;
  const atol = GRAD_ATOL * scale;
  const eps = 1e-6;
  const names = Object.keys(c.wrt);
  const tensors = names.map((n) => c.wrt[n]);
  const vals: Record<string, number[]> = {};
  for (const n of names) vals[n] = await values(c.wrt[n]);
  const refOuts = c.reference(vals);
  const ws = refOuts.map((o, k) => ref.rand([o.length], c.seed * 101 + k).data);
  const refLoss = (v: Record<string, readonly number[]>) =>
    c.reference(v).reduce((s, o, k) => s + ref.dot(o, ws[k]), 0);

  // analytic, on the backend under test
  const wt = ws.map((w) => ft(ctx, w, [w.length]));
  let outs: Tensor[] = [];
  let value: Tensor | undefined;
  let grads: Tensor[] = [];
  try {
    ({ value, grads } = valueAndGrad(() => {
      const ys = c.forward();
      outs = ys.map((y) => keep(y));
      let loss: Tensor | undefined;
      ys.forEach((y, k) => {
        if (k >= ws.length || y.size !== ws[k].length)
          throw new Error(
            `output ${k}: ${y.size} values, reference has ${ws[k]?.length ?? 'no such output'}`,
          );
        const term = sum(mul(y, reshape(wt[k], y.shape)));
        loss = loss ? add(loss, term) : term;
      });
      return loss!;
    }, tensors));

    if (outs.length !== refOuts.length)
      throw new Error(`forward returned ${outs.length} outputs, reference ${refOuts.length}`);
    for (let k = 0; k < outs.length; k++) {
      assertClose(
        await values(outs[k]),
        refOuts[k],
        ctx.tol,
        ctx.tol,
        `forward output ${k} (shape [${outs[k].shape.join(', ')}]) and its float64 reference`,
      );
    }
    assertClose(
      await values(value),
      [refLoss(vals)],
      10 * ctx.tol,
      10 * ctx.tol,
      'loss value and its float64 reference',
    );

    // numeric: float64 central differences of the reference, on the host
    let checked = 0;
    let maxAbsErr = 0;
    const work: Record<string, number[]> = {};
    for (const n of names) work[n] = [...vals[n]];
    for (let idx = 0; idx < names.length; idx++) {
      const n = names[idx];
      assertShape(grads[idx].shape, c.wrt[n].shape, `gradient of ${n} shape`);
      const arr = work[n];
      const num = new Array<number>(arr.length);
      for (let j = 0; j < arr.length; j++) {
        const v0 = arr[j];
        arr[j] = v0 + eps;
        const fp = refLoss(work);
        arr[j] = v0 - eps;
        const fm = refLoss(work);
        arr[j] = v0;
        num[j] = (fp - fm) / (2 * eps);
      }
      const g = await values(grads[idx]);
      for (let j = 0; j < g.length; j++) maxAbsErr = Math.max(maxAbsErr, Math.abs(g[j] - num[j]));
      checked += g.length;
      assertClose(
        g,
        num,
        rtol,
        atol,
        `d loss / d ${n} (shape [${c.wrt[n].shape.join(', ')}]): analytic and finite-difference gradients`,
      );
    }
    return { checked, maxAbsErr };
  } finally {
    dispose([value, grads, outs, wt]);
  }
}
