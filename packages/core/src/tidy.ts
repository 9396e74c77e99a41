import { engine } from './engine.js';
import { Tensor } from './tensor.js';

function collect(value: unknown, out: Set<Tensor>, depth = 0): void {
  if (value instanceof Tensor) {
    out.add(value);
  } else if (
    depth < 4 &&
    value !== null &&
    typeof value === 'object' &&
    !ArrayBuffer.isView(value)
  ) {
    // Typed arrays (values read back from a tensor) hold numbers only: not walked.
    const items = Array.isArray(value) ? value : Object.values(value);
    for (const v of items) collect(v, out, depth + 1);
  }
}

/**
 * Runs `fn` and frees every tensor it created except those it returns (directly, or inside
 * arrays and plain objects) and those passed to `keep`. Costs nothing on the JS backend.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  engine.scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    engine.scopes.pop();
    // Nothing escapes a throwing scope.
    releaseScope(scope, new Set());
    throw e;
  }
  engine.scopes.pop();
  const survivors = new Set<Tensor>();
  collect(result, survivors);
  releaseScope(scope, survivors);
  return result;
}

/**
 * Ends a scope that was just popped: `survivors` move to the enclosing scope, tensors in `skip`
 * are left alone, the rest are disposed — or also moved up while a tape is recording
 * (`hold`, default: while a valueAndGrad is running), since its backward may still read them.
 */
export function releaseScope(
  scope: Set<Tensor>,
  survivors: Set<Tensor>,
  options: { skip?: Set<Tensor>; hold?: boolean } = {},
): void {
  const hold = options.hold ?? engine.holdDepth > 0;
  const parent = engine.scopes[engine.scopes.length - 1];
  for (const t of scope) {
    if (options.skip?.has(t)) continue;
    if (survivors.has(t) || hold) parent?.add(t);
    else t.dispose();
  }
}

/** Removes a tensor from the enclosing tidy scopes so it outlives them. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of engine.scopes) s.delete(t);
  return t;
}

/** Live tensors created through core (all backends). */
export function memory(): { numTensors: number } {
  return { numTensors: engine.numTensors };
}

/** Disposes every tensor found in `value` (a tensor, array or object of tensors). */
export function dispose(value: unknown): void {
  const found = new Set<Tensor>();
  collect(value, found);
  for (const t of found) t.dispose();
}
