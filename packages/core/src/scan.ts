import { fmtShape, ShapeError } from './errors.js';
import { stack, unstack } from './ops/layout.js';
import { lowerScan } from './scan-lowered.js';
import type { Tensor } from './tensor.js';

/**
 * One step of a loop over time: takes the carry and this step's inputs, returns the new carry and
 * outputs. `t` is the time index on eager backends and -1 when a compiling backend traces the
 * step once as a loop body: a step must not depend on it to compute.
 */
export type ScanStep = (
  carry: Tensor[],
  xs: Tensor[],
  t: number,
) => { carry: Tensor[]; ys: Tensor[] };

export interface ScanOptions {
  /** Walk time backwards (outputs are still stored at their own time index). */
  reverse?: boolean;
}

/**
 * The one primitive for loops over time, as JAX's `lax.scan`: `xs` are time-major tensors
 * [T, ...]; `step` maps (carry, x_t) to (carry', y_t); the result is the final carry and the
 * outputs stacked to [T, ...]. Eager backends run it as a loop whose ops the tape records, so
 * its gradient is the reverse loop over the step's backward; a compiling backend may lower it
 * to a loop operator instead of unrolling.
 */
export function scan(
  step: ScanStep,
  xs: readonly Tensor[],
  init: readonly Tensor[],
  options: ScanOptions = {},
): { carry: Tensor[]; ys: Tensor[] } {
  if (xs.length === 0) throw new ShapeError('scan: needs at least one input sequence');
  const T = xs[0].shape[0];
  for (const x of xs) {
    if (x.rank < 1 || x.shape[0] !== T) {
      throw new ShapeError(
        `scan: every input must be time-major with the same length; got ${xs.map((v) => fmtShape(v.shape)).join(', ')}`,
      );
    }
  }
  const be = xs[0].backend;
  if (be.lowerScan) {
    const lowered = lowerScan(be, step, xs, init, options.reverse ?? false);
    if (lowered) return lowered;
  }
  const steps = xs.map((x) => unstack(x, 0));
  let carry = [...init];
  const outs: Tensor[][] = new Array(T);
  for (let k = 0; k < T; k++) {
    const t = options.reverse ? T - 1 - k : k;
    const r = step(
      carry,
      steps.map((s) => s[t]),
      t,
    );
    carry = r.carry;
    outs[t] = r.ys;
  }
  const nY = T > 0 ? outs[0].length : 0;
  const ys: Tensor[] = [];
  for (let j = 0; j < nY; j++)
    ys.push(
      stack(
        outs.map((o) => o[j]),
        0,
      ),
    );
  return { carry, ys };
}
