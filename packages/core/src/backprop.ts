import { engine } from './engine.js';
import { RnnkitError } from './errors.js';
import { GradSums, type Pending, type SumOps } from './grad-sum.js';
import { onesLike, zerosLike } from './ops/creation.js';
import { add } from './ops/elementwise.js';
import { concat } from './ops/layout.js';
import { matmul } from './ops/matmul.js';
import { noGrad, recordingOn, Tape } from './tape.js';
import type { Tensor } from './tensor.js';
import { releaseScope } from './tidy.js';

/**
 * The ops backprop needs, imported here rather than set from ops/index: packages declare
 * `"sideEffects": false`, so a bundler drops any module-level call whose module exports nothing
 * the program uses, and valueAndGrad then had no ops. Backprop lives apart from the tape
 * (tape.ts), which the ops import to record themselves, so the imports run one way.
 */
const sumOps: SumOps = { add, concat, matmul };

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
  const tape = new Tape();
  for (const w of wrt) tape.tracked.add(w.id);
  const scope = new Set<Tensor>();
  engine.scopes.push(scope);
  engine.holdDepth++;
  let value: Tensor;
  let grads: Tensor[];
  try {
    try {
      value = recordingOn(tape, fn);
    } finally {
      engine.holdDepth--;
    }
    if (value.size !== 1) {
      throw new RnnkitError(
        `valueAndGrad: the function must return a scalar loss, got shape [${value.shape.join(', ')}]; reduce it with sum() or mean()`,
      );
    }
    grads = noGrad(() => backpropSeeded(tape, [[value, onesLike(value)]], wrt));
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
  const grads = new GradSums(sumOps);
  for (const [y, dy] of seeds) grads.add(y.id, dy);
  for (let i = tape.entries.length - 1; i >= 0; i--) {
    const e = tape.entries[i];
    let any = false;
    for (const y of e.outputs) if (grads.has(y.id)) any = true;
    if (!any) continue;
    const dys = e.outputs.map((y) => grads.get(y.id) ?? zerosLike(y));
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
  return wrt.map((w) => grads.get(w.id) ?? zerosLike(w));
}
