import type { Backend } from './backend.js';
import type { DType, Shape } from './dtype.js';
import { engine } from './engine.js';
import { zerosLike } from './ops/creation.js';
import { add } from './ops/elementwise.js';
import type { ScanStep } from './scan.js';
import { activeTape, backpropSeeded, noGrad, record, recordOnto, Tape } from './tape.js';
import { Tensor } from './tensor.js';

/**
 * `scan` on a compiling backend: the step is traced once into a loop body (ONNX `Scan`) instead
 * of being unrolled over time. Its gradient is a reverse scan whose body recomputes the step
 * from the carry saved at each step and backpropagates through it: time stays a loop in both
 * directions, and the gradients of tensors the step captures (the recurrent weights) are summed
 * in the reverse loop's carry. The step is called with t = -1: a lowered body is the same for
 * every step.
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
  const bodies: Set<Tensor>[] = [];
  const out = be.lowerScan!({
    init,
    xs,
    reverse,
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
        // the carry entering each step is saved for the backward's recomputation
        return remember([...r.carry, ...r.ys, ...c]);
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
  const nY = meta.length - nC - (grad ? nC : 0);
  const carry = Array.from({ length: nC }, (_, i) => wrap(i, false));
  const ys = Array.from({ length: nY }, (_, j) => wrap(nC + j, true));
  if (grad) {
    const saved = Array.from({ length: nC }, (_, i) => wrap(nC + nY + i, true));
    const ext = externals;
    record([...init, ...xs, ...ext], [...carry, ...ys], (dys) =>
      scanBackward(be, step, { xs, init, saved, ext, reverse }, dys),
    );
  }
  return { carry, ys };
}

interface Meta {
  shape: Shape;
  dtype: DType;
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
}

/** Gradients of [...init, ...xs, ...ext] from those of [...finalCarry, ...ys]. */
function scanBackward(be: Backend, step: ScanStep, f: Forward, dys: Tensor[]): Tensor[] {
  const nC = f.init.length;
  const nX = f.xs.length;
  const nE = f.ext.length;
  const acc0 = f.ext.map((e) => zerosLike(e));
  const bodies: Set<Tensor>[] = [];
  let meta: Meta[] = [];
  const out = be.lowerScan!({
    init: [...dys.slice(0, nC), ...acc0],
    xs: [...f.xs, ...f.saved, ...dys.slice(nC)],
    reverse: !f.reverse,
    body: (bc, bx) =>
      collect(bodies, () => {
        const dc = bc.slice(0, nC).map((s, i) => new Tensor(be, s, f.init[i].shape, 'float32'));
        const acc = bc.slice(nC).map((s, i) => new Tensor(be, s, f.ext[i].shape, 'float32'));
        const x = bx
          .slice(0, nX)
          .map((s, i) => new Tensor(be, s, f.xs[i].shape.slice(1), f.xs[i].dtype));
        const c = bx
          .slice(nX, nX + nC)
          .map((s, i) => new Tensor(be, s, f.init[i].shape, f.init[i].dtype));
        const dy = bx.slice(nX + nC);
        const tape = new Tape();
        for (const t of [...c, ...x, ...f.ext]) tape.tracked.add(t.id);
        const r = recordOnto(tape, () => step(c, x, -1));
        const outs = [...r.carry, ...r.ys];
        const seeds = outs.map((o, i) => {
          const g = i < nC ? dc[i] : new Tensor(be, dy[i - nC], o.shape, 'float32');
          return [o, g] as const;
        });
        const g = noGrad(() => backpropSeeded(tape, seeds, [...c, ...x, ...f.ext]));
        const res = [
          ...g.slice(0, nC),
          ...acc.map((a, i) => add(a, g[nC + nX + i])),
          ...g.slice(nC, nC + nX),
        ];
        meta = res.map((t) => ({ shape: t.shape, dtype: t.dtype }));
        return res;
      }),
  });
  if (out === null) throw new Error('scan: the backend stopped tracing inside a backward pass');
  for (const s of bodies) for (const t of s) t.dispose();
  for (const a of acc0) a.dispose();
  const T = f.xs[0].shape[0];
  const wrap = (i: number, stacked: boolean) =>
    new Tensor(be, out[i], stacked ? [T, ...meta[i].shape] : meta[i].shape, meta[i].dtype);
  const dInit = Array.from({ length: nC }, (_, i) => wrap(i, false));
  const dExt = Array.from({ length: nE }, (_, i) => wrap(nC + i, false));
  const dXs = Array.from({ length: nX }, (_, i) => wrap(nC + nE + i, true));
  return [...dInit, ...dXs, ...dExt];
}
