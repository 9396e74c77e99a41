import { add, keep, mul, reshape, sum, type Tensor, tensor, valueAndGrad } from '@rnnkit/core';

/**
 * Finite-difference gradient check against a float64 reference, in the manner of the backend
 * conformance suite's `checkGrad` (same loss form and tolerances), but for whole modules whose
 * parameters live inside them:
 *
 * - `wrt` names the live tensors to differentiate (inputs, initial states, the module's own
 *   Parameters); their float32 values, read exactly, are the point of the check.
 * - `forward` runs the module on the backend and returns its outputs.
 * - `reference` computes the same outputs in float64 from plain values keyed like `wrt`.
 *
 * The loss is L = Σ_k Σ out_k ⊙ w_k with fixed random w_k, so every output element gets its own
 * upstream gradient. The check asserts the forward outputs equal the reference (1e-5), then that
 * each analytic gradient (float32, through the tape) equals central differences of the float64
 * reference loss (eps 1e-6) within |a − e| ≤ atol + rtol·|e|.
 */
export interface GradCheckSpec {
  wrt: Record<string, Tensor>;
  forward: () => Tensor[];
  reference: (values: Record<string, readonly number[]>) => number[][];
  seed?: number;
  rtol?: number;
  atol?: number;
  eps?: number;
}

export interface GradCheckReport {
  /** Number of scalar gradient entries compared. */
  checked: number;
  /** Worst |analytic − numeric| over all entries. */
  maxAbsErr: number;
}

/** Deterministic uniform(−1, 1) values rounded to float32 (mulberry32). */
export function seededValues(n: number, seed: number): number[] {
  let a = seed >>> 0;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = Math.fround(2 * (((t ^ (t >>> 14)) >>> 0) / 4294967296) - 1);
  }
  return out;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function gradCheck(spec: GradCheckSpec): GradCheckReport {
  const rtol = spec.rtol ?? 1e-4;
  const atol = spec.atol ?? 1e-5;
  const eps = spec.eps ?? 1e-6;
  const names = Object.keys(spec.wrt);
  const tensors = names.map((n) => spec.wrt[n]);
  const values: Record<string, number[]> = Object.fromEntries(
    names.map((n) => [n, Array.from(spec.wrt[n].dataSync())]),
  );
  const refOuts = spec.reference(values);
  const ws = refOuts.map((o, k) => seededValues(o.length, (spec.seed ?? 1) * 101 + k));
  const refLoss = (v: Record<string, readonly number[]>) =>
    spec.reference(v).reduce((s, o, k) => s + dot(o, ws[k]), 0);

  // analytic, on the backend
  const wt = ws.map((w) => tensor(Float32Array.from(w), [w.length]));
  let outs: Tensor[] = [];
  const { value, grads } = valueAndGrad(() => {
    const ys = spec.forward();
    outs = ys.map((y) => keep(y));
    let loss: Tensor | undefined;
    ys.forEach((y, k) => {
      if (y.size !== ws[k].length)
        throw new Error(`output ${k}: ${y.size} values, reference has ${ws[k].length}`);
      const term = sum(mul(y, reshape(wt[k], y.shape)));
      loss = loss ? add(loss, term) : term;
    });
    return loss!;
  }, tensors);

  if (outs.length !== refOuts.length)
    throw new Error(`forward returned ${outs.length} outputs, reference ${refOuts.length}`);
  outs.forEach((o, k) => {
    const got = o.dataSync();
    const want = refOuts[k];
    for (let i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= 1e-5 * (1 + Math.abs(want[i])))) {
        throw new Error(
          `forward output ${k} [${i}]: got ${got[i]}, float64 reference ${want[i]} (shape ${o.shape})`,
        );
      }
    }
  });
  const lv = value.item();
  const lr = refLoss(values);
  if (!(Math.abs(lv - lr) <= 1e-4 * (1 + Math.abs(lr))))
    throw new Error(`loss value ${lv}, float64 reference ${lr}`);

  // numeric, float64 central differences on the reference
  let checked = 0;
  let maxAbsErr = 0;
  const work: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, [...values[n]]]));
  names.forEach((n, idx) => {
    const g = grads[idx].dataSync();
    if (grads[idx].size !== values[n].length)
      throw new Error(`gradient of ${n}: ${grads[idx].size} values for ${values[n].length}`);
    const arr = work[n];
    const bad: string[] = [];
    for (let j = 0; j < arr.length; j++) {
      const v0 = arr[j];
      arr[j] = v0 + eps;
      const fp = refLoss(work);
      arr[j] = v0 - eps;
      const fm = refLoss(work);
      arr[j] = v0;
      const num = (fp - fm) / (2 * eps);
      const err = Math.abs(g[j] - num);
      maxAbsErr = Math.max(maxAbsErr, err);
      checked++;
      if (!(err <= atol + rtol * Math.abs(num)) && bad.length < 5)
        bad.push(`[${j}] analytic ${g[j]}, numeric ${num}`);
    }
    if (bad.length)
      throw new Error(
        `d loss / d ${n} (shape ${spec.wrt[n].shape}) differs from finite differences: ${bad.join('; ')}`,
      );
  });
  value.dispose();
  for (const t of [...grads, ...outs, ...wt]) t.dispose();
  return { checked, maxAbsErr };
}
