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
    // Nothing escapes a throwing scope: free what it made (or hand it up while a tape holds it).
    const parent = engine.scopes[engine.scopes.length - 1];
    for (const t of scope) {
      if (engine.holdDepth > 0) parent?.add(t);
      else t.dispose();
    }
    throw e;
  }
  engine.scopes.pop();
  const survivors = new Set<Tensor>();
  collect(result, survivors);
  const parent = engine.scopes[engine.scopes.length - 1];
  for (const t of scope) {
    if (survivors.has(t) || engine.holdDepth > 0) {
      parent?.add(t);
    } else {
      t.dispose();
    }
  }
  return result;
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
