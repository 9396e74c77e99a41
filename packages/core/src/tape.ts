import { engine } from './engine.js';
import { RnnkitError } from './errors.js';
import { type DeferredProduct, GradSums, type Pending, type SumOps } from './grad-sum.js';
import { onesLike, zerosLike } from './ops/creation.js';
import { add } from './ops/elementwise.js';
import { concat } from './ops/layout.js';
import { matmul } from './ops/matmul.js';
import type { Tensor } from './tensor.js';
import { releaseScope } from './tidy.js';

/** One recorded kernel call: its inputs, outputs and the rule that maps output grads to input grads. */
interface Entry {
  inputs: readonly Tensor[];
  outputs: readonly Tensor[];
  backward: Backward;
}

/**
 * A backward rule: output gradients in, one gradient per input out (null for none). A term
 * op(x)·op(y) may be returned as a `DeferredProduct`; the tape sums such terms as one product.
 */
export type Backward = (dys: Tensor[]) => (Tensor | DeferredProduct | null)[];

export class Tape {
  readonly entries: Entry[] = [];
  /** Tensors whose gradient is wanted or that depend on one. */
  readonly tracked = new Set<number>();

  /** A tape inside another (a lowered scan's body): the parent's tracked tensors count here too. */
  constructor(readonly parent?: Tape) {}

  isTracked(id: number): boolean {
    return this.tracked.has(id) || (this.parent?.isTracked(id) ?? false);
  }
}

const tapes: Tape[] = [];
let paused = 0;

function active(): Tape | undefined {
  return paused > 0 ? undefined : tapes[tapes.length - 1];
}

/** The tape ops record onto now, if any (a lowered scan chains its body's tape to it). */
export function activeTape(): Tape | undefined {
  return active();
}

/**
 * Runs `fn` recording onto `tape`, even inside `noGrad` (a lowered scan's backward builds its
 * body's gradient while the outer backward runs without recording).
 */
export function recordOnto<T>(tape: Tape, fn: () => T): T {
  const saved = paused;
  paused = 0;
  tapes.push(tape);
  try {
    return fn();
  } finally {
    tapes.pop();
    paused = saved;
  }
}

/** True while an op's result would be recorded for autograd. */
export function isRecording(): boolean {
  return active() !== undefined;
}

/**
 * Records an op for autograd when one of its inputs is tracked. `backward` gets the gradient of
 * each output (zeros filled in for outputs nobody used) and returns one gradient per input
 * (null for inputs with no gradient, such as int32 indices).
 */
export function record(
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  backward: Backward,
): void {
  const tape = active();
  if (!tape) return;
  let needed = false;
  for (const x of inputs) {
    if (tape.isTracked(x.id)) {
      needed = true;
      break;
    }
  }
  if (!needed) return;
  for (const y of outputs) tape.tracked.add(y.id);
  tape.entries.push({ inputs, outputs, backward });
}

/** Runs `fn` without recording (gradients of what it computes are not taken). */
export function noGrad<T>(fn: () => T): T {
  paused++;
  try {
    return fn();
  } finally {
    paused--;
  }
}

export interface GradHooks extends SumOps {
  zerosLike(t: Tensor): Tensor;
  onesLike(t: Tensor): Tensor;
}

/**
 * The ops backprop needs, imported here rather than set from ops/index: packages declare
 * `"sideEffects": false`, so a bundler drops any module-level call whose module exports nothing
 * the program uses, and valueAndGrad then had no ops. The ops modules import this one too; the
 * cycle is safe because these are hoisted function declarations, used only when a gradient runs.
 */
const hooks: GradHooks = { add, concat, matmul, onesLike, zerosLike };

/**
 * Evaluates `fn` and the gradients of its scalar result with respect to `wrt`.
 * Intermediate tensors are freed; the value and the gradients are returned to the caller's scope.
 * A tensor in `wrt` that the result does not depend on gets a zero gradient. To take other
 * results out of `fn` (outputs, states), pass them through `keep()` inside it.
 */
export function valueAndGrad(
  fn: () => Tensor,
  wrt: readonly Tensor[],
): { value: Tensor; grads: Tensor[] } {
  const h = hooks;
  const tape = new Tape();
  for (const w of wrt) tape.tracked.add(w.id);
  const scope = new Set<Tensor>();
  engine.scopes.push(scope);
  tapes.push(tape);
  engine.holdDepth++;
  let value: Tensor;
  let grads: Tensor[];
  try {
    try {
      value = fn();
    } finally {
      tapes.pop();
      engine.holdDepth--;
    }
    if (value.size !== 1) {
      throw new RnnkitError(
        `valueAndGrad: the function must return a scalar loss, got shape [${value.shape.join(', ')}]; reduce it with sum() or mean()`,
      );
    }
    grads = noGrad(() => backprop(tape, value, wrt, h));
  } catch (e) {
    engine.scopes.pop();
    // A throwing loss function or backward rule leaks nothing it allocated.
    releaseScope(scope, new Set(), { skip: new Set(wrt) });
    throw e;
  }
  engine.scopes.pop();
  releaseScope(scope, new Set([value, ...grads]), { skip: new Set(wrt), hold: false });
  return { value, grads };
}

/** Gradients only; see valueAndGrad. */
export function grad(fn: () => Tensor, wrt: readonly Tensor[]): Tensor[] {
  const { value, grads } = valueAndGrad(fn, wrt);
  value.dispose();
  return grads;
}

function backprop(tape: Tape, value: Tensor, wrt: readonly Tensor[], h: GradHooks): Tensor[] {
  return backpropSeeded(tape, [[value, h.onesLike(value)]], wrt);
}

/**
 * Backpropagates along `tape` from the given (output, gradient) pairs and returns the gradient
 * of each tensor in `wrt` (zeros where none flows). Used by valueAndGrad and by a lowered scan's
 * backward, which seeds the step's outputs with the incoming gradients.
 */
export function backpropSeeded(
  tape: Tape,
  seeds: readonly (readonly [Tensor, Tensor])[],
  wrt: readonly Tensor[],
): Tensor[];
/** As above, but the gradients of `wrt` are returned as they stand (see GradSums.raw); undefined where none flows. */
export function backpropSeeded(
  tape: Tape,
  seeds: readonly (readonly [Tensor, Tensor])[],
  wrt: readonly Tensor[],
  raw: true,
): (Tensor | Pending | undefined)[];
export function backpropSeeded(
  tape: Tape,
  seeds: readonly (readonly [Tensor, Tensor])[],
  wrt: readonly Tensor[],
  raw = false,
): (Tensor | Pending | undefined)[] {
  const h = hooks;
  const grads = new GradSums(h);
  for (const [y, dy] of seeds) grads.add(y.id, dy);
  for (let i = tape.entries.length - 1; i >= 0; i--) {
    const e = tape.entries[i];
    let any = false;
    for (const y of e.outputs) if (grads.has(y.id)) any = true;
    if (!any) continue;
    const dys = e.outputs.map((y) => grads.get(y.id) ?? h.zerosLike(y));
    for (const d of dys) grads.handOut(d);
    const dxs = e.backward(dys);
    for (let j = 0; j < e.inputs.length; j++) {
      const x = e.inputs[j];
      const dx = dxs[j];
      if (dx && tape.isTracked(x.id)) grads.add(x.id, dx);
    }
    // Gradients of this entry's outputs are consumed; free their memory early.
    for (const y of e.outputs) grads.delete(y.id);
  }
  if (raw) return wrt.map((w) => grads.raw(w.id));
  return wrt.map((w) => grads.get(w.id) ?? h.zerosLike(w));
}
