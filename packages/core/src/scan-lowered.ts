import type { Backend } from './backend.js';
import { backpropSeeded } from './backprop.js';
import type { DType, Shape } from './dtype.js';
import { engine } from './engine.js';
import { DeferredProduct, type Pending, productOf } from './grad-sum.js';
import { zerosLike } from './ops/creation.js';
import { add } from './ops/elementwise.js';
import { concat, reshape, slice, transpose } from './ops/layout.js';
import { matmul } from './ops/matmul.js';
import { sum } from './ops/sum-broadcast.js';
import type { ScanStep } from './scan.js';
import { activeTape, noGrad, record, recordOnto, Tape } from './tape.js';
import { Tensor } from './tensor.js';

/**
 * `scan` on a compiling backend: the step is traced once into a loop body (ONNX `Scan`) instead
 * of being unrolled over time. Its gradient is a reverse scan whose body runs the step again on
 * the tape, with the forward loop's values where the backend can replay them (else recomputed
 * from the carry saved at each step), and backpropagates through it: time stays a loop in both
 * directions. The gradients of tensors the step captures (the recurrent weights) leave the
 * reverse loop per step and are summed after it, product terms as one product over all steps.
 * The step is called with t = -1: a lowered body is the same for every step.
 */
export function lowerScan(
  be: Backend,
  step: ScanStep,
  xs: readonly Tensor[],
  init: readonly Tensor[],
  reverse: boolean,
): { carry: Tensor[]; ys: Tensor[] } | null {
  const parent = activeTape();
  const grad = parent !== undefined;
  const nC = init.length;
  let externals: Tensor[] = [];
  let meta: Meta[] = [];
  let fromYs: number[] = [];
  let nY = -1;
  const bodies: Set<Tensor>[] = [];
  const key = {};
  const out = be.lowerScan!({
    init,
    xs,
    reverse,
    key,
    body: (cs, xsS) =>
      collect(bodies, () => {
        const c = cs.map((s, i) => new Tensor(be, s, init[i].shape, init[i].dtype));
        const x = xsS.map((s, i) => new Tensor(be, s, xs[i].shape.slice(1), xs[i].dtype));
        if (!grad) {
          const r = step(c, x, -1);
          return remember([...r.carry, ...r.ys]);
        }
        const tape = new Tape(parent);
        for (const t of [...c, ...x]) tape.tracked.add(t.id);
        const r = recordOnto(tape, () => step(c, x, -1));
        externals = capturedBy(tape);
        // The carry entering each step is saved for the backward: a carry that
        // is also a step output (an RNN's or GRU's h) is read from the outputs, shifted by one.
        fromYs = r.carry.map((t) => r.ys.indexOf(t));
        nY = r.ys.length;
        return remember([...r.carry, ...r.ys, ...c.filter((_, i) => fromYs[i] < 0)]);
      }),
  });
  function remember(ts: Tensor[]): Tensor[] {
    meta = ts.map((t) => ({ shape: t.shape, dtype: t.dtype }));
    return ts;
  }
  if (out === null) return null;
  for (const s of bodies) for (const t of s) t.dispose();
  const T = xs[0].shape[0];
  const wrap = (i: number, stacked: boolean) =>
    new Tensor(be, out[i], stacked ? [T, ...meta[i].shape] : meta[i].shape, meta[i].dtype);
  if (!grad) nY = meta.length - nC;
  const carry = Array.from({ length: nC }, (_, i) => wrap(i, false));
  const ys = Array.from({ length: nY }, (_, j) => wrap(nC + j, true));
  if (grad) {
    let k = nC + nY;
    const saved = init.map((h0, i) =>
      fromYs[i] >= 0 ? noGrad(() => shifted(h0, ys[fromYs[i]], reverse)) : wrap(k++, true),
    );
    const ext = externals;
    record([...init, ...xs, ...ext], [...carry, ...ys], (dys) =>
      scanBackward(be, step, { xs, init, saved, ext, reverse, key }, dys),
    );
  }
  return { carry, ys };
}

interface Meta {
  shape: Shape;
  dtype: DType;
}

/** The carry entering each step, from the carries leaving them (ys) and the initial one. */
function shifted(init: Tensor, ys: Tensor, reverse: boolean): Tensor {
  const T = ys.shape[0];
  const first = reshape(init, [1, ...init.shape]);
  if (T === 1) return first;
  const rest = ys.shape.slice(1);
  return reverse
    ? concat([slice(ys, [1, ...rest.map(() => 0)], [T - 1, ...rest]), first], 0)
    : concat([first, slice(ys, [0, ...rest.map(() => 0)], [T - 1, ...rest])], 0);
}

/** Runs `fn` in its own scope and adds the tensors it created to `into` (freed by the caller). */
function collect<T>(into: Set<Tensor>[], fn: () => T): T {
  const scope = new Set<Tensor>();
  engine.scopes.push(scope);
  try {
    return fn();
  } finally {
    engine.scopes.pop();
    into.push(scope);
  }
}

/** Tensors from outside the body that the body's recorded ops read and the outer tape tracks. */
function capturedBy(tape: Tape): Tensor[] {
  const found = new Map<number, Tensor>();
  for (const e of tape.entries) {
    for (const x of e.inputs) {
      if (!tape.tracked.has(x.id) && tape.parent?.isTracked(x.id)) found.set(x.id, x);
    }
  }
  return [...found.values()];
}

interface Forward {
  xs: readonly Tensor[];
  init: readonly Tensor[];
  /** The carry entering each step, [T, ...]. */
  saved: readonly Tensor[];
  /** Tracked tensors the step captures. */
  ext: readonly Tensor[];
  reverse: boolean;
  /** The forward loop, for `replayScan`. */
  key: object;
}

/** A per-step value seen after the reverse loop: one of its stacked outputs, or a sequence it read. */
type Source = { out: number } | { outer: Tensor };

/** How the gradient of one captured tensor leaves the reverse loop. */
interface ExtPlan {
  /** A per-step tensor part, summed over time after the loop. */
  tensor: Source | null;
  /** Product terms op(x)·op(y): their factors leave the loop stacked, multiplied once after it. */
  terms: { transA: boolean; transB: boolean; x: Source; y: Source }[];
}

/**
 * Gradients of [...init, ...xs, ...ext] from those of [...finalCarry, ...ys]. The reverse loop
 * carries only the state gradients; a captured weight's per-step gradient terms dyₜᵀ·hₜ leave
 * the loop as stacked factors and become one [G, T·B]·[T·B, H] product after it (other per-step
 * parts, such as a bias inside the step, are stacked and summed over time).
 */
function scanBackward(be: Backend, step: ScanStep, f: Forward, dys: Tensor[]): Tensor[] {
  const nC = f.init.length;
  const nX = f.xs.length;
  const bodies: Set<Tensor>[] = [];
  let meta: Meta[] = [];
  let plans: ExtPlan[] = [];
  const out = be.lowerScan!({
    init: dys.slice(0, nC),
    xs: [...f.xs, ...f.saved, ...dys.slice(nC)],
    reverse: !f.reverse,
    body: (bc, bx) =>
      collect(bodies, () => {
        const dc = bc.map((s, i) => new Tensor(be, s, f.init[i].shape, 'float32'));
        const x = bx
          .slice(0, nX)
          .map((s, i) => new Tensor(be, s, f.xs[i].shape.slice(1), f.xs[i].dtype));
        const c = bx
          .slice(nX, nX + nC)
          .map((s, i) => new Tensor(be, s, f.init[i].shape, f.init[i].dtype));
        const dy = bx.slice(nX + nC);
        const tape = new Tape();
        for (const t of [...c, ...x, ...f.ext]) tape.tracked.add(t.id);
        // the step's values: the forward loop's, where the backend can replay them
        const again = () => step(c, x, -1);
        const r = recordOnto(tape, () => (be.replayScan ? be.replayScan(f.key, again) : again()));
        const seeds = [...r.carry, ...r.ys].map((o, i) => {
          const g = i < nC ? dc[i] : new Tensor(be, dy[i - nC], o.shape, 'float32');
          return [o, g] as const;
        });
        const g = noGrad(() => backpropSeeded(tape, seeds, [...c, ...x, ...f.ext], true));
        const res: Tensor[] = [];
        for (let i = 0; i < nC + nX; i++) {
          const t = i < nC ? c[i] : x[i - nC];
          res.push(asTensor(g[i]) ?? noGrad(() => zerosLike(t)));
        }
        // Where a per-step value leaves the loop: a sequence the loop already reads (the saved
        // carries, the inputs) is taken from outside; a value already among the outputs is reused.
        const seqs = new Map<Tensor, Source>([
          ...x.map((t, i) => [t, { outer: f.xs[i] }] as const),
          ...c.map((t, i) => [t, { outer: f.saved[i] }] as const),
        ]);
        const source = (t: Tensor): Source => {
          const known = seqs.get(t);
          if (known) return known;
          const at = res.indexOf(t);
          if (at >= 0) return { out: at };
          res.push(t);
          return { out: res.length - 1 };
        };
        plans = f.ext.map((_, i) => {
          const s = g[nC + nX + i];
          if (s === undefined) return { tensor: null, terms: [] };
          if (s instanceof Tensor) return { tensor: source(s), terms: [] };
          return {
            tensor: s.base ? source(s.base) : null,
            terms: s.terms.map((t) => ({
              transA: t.transA,
              transB: t.transB,
              x: source(t.x),
              y: source(t.y),
            })),
          };
        });
        meta = res.map((t) => ({ shape: t.shape, dtype: t.dtype }));
        return res;
      }),
  });
  if (out === null) throw new Error('scan: the backend stopped tracing inside a backward pass');
  for (const s of bodies) for (const t of s) t.dispose();
  const T = f.xs[0].shape[0];
  const wrap = (i: number, stacked: boolean) =>
    new Tensor(be, out[i], stacked ? [T, ...meta[i].shape] : meta[i].shape, meta[i].dtype);
  const dInit = Array.from({ length: nC }, (_, i) => wrap(i, false));
  const dXs = Array.from({ length: nX }, (_, i) => wrap(nC + i, true));
  const outs = new Map<number, Tensor>();
  const seq = (s: Source): Tensor => {
    if ('outer' in s) return s.outer;
    let t = outs.get(s.out);
    if (!t) {
      t = s.out < nC + nX ? dXs[s.out - nC] : wrap(s.out, true);
      outs.set(s.out, t);
    }
    return t;
  };
  const dExt = f.ext.map((e, i) => {
    const p = plans[i];
    let total: Tensor | null = null;
    const plus = (t: Tensor) => {
      total = total ? add(total, t) : t;
    };
    if (p.tensor) plus(sum(seq(p.tensor), [0]));
    // every term over every step: one product (a weight's terms share their transpose flags)
    if (p.terms.length > 0) {
      const terms = p.terms.map((t) => stackedTerm(seq(t.x), seq(t.y), t.transA, t.transB));
      plus(productOf(terms, { add, concat, matmul }));
    }
    return total ?? zerosLike(e);
  });
  return [...dInit, ...dXs, ...dExt];
}

function asTensor(s: Tensor | Pending | undefined): Tensor | undefined {
  if (s === undefined || s instanceof Tensor) return s;
  // a state's gradient left as product terms (h·W in the step): evaluate it inside the loop
  if (s.terms.length === 0) return s.base ?? undefined;
  const product = productOf(s.terms, { add, concat, matmul });
  return s.base ? add(s.base, product) : product;
}

/**
 * Σₜ op(xₜ)·op(yₜ) for stacked factors x [T, ...] and y [T, ...] as one product term: the time
 * axis joins the inner dimension.
 */
function stackedTerm(x: Tensor, y: Tensor, transA: boolean, transB: boolean): DeferredProduct {
  const [T, xr, xc] = x.shape;
  const [, yr, yc] = y.shape;
  // inner dimension of op(x): x's rows when transposed, else its columns (the reverse for y)
  const x2 = transA ? reshape(x, [T * xr, xc]) : reshape(transpose(x, [1, 0, 2]), [xr, T * xc]);
  const y2 = transB ? reshape(transpose(y, [1, 0, 2]), [yr, T * yc]) : reshape(y, [T * yr, yc]);
  return new DeferredProduct(x2, y2, transA, transB);
}
