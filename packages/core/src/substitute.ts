import { fmtShape, RnnkitError } from './errors.js';
import { sameShape } from './shape.js';
import type { Tensor } from './tensor.js';

/**
 * Runs `fn` with each of `tensors` reading the storage of the tensor at the same place in
 * `stand`, and puts every storage back afterwards, even if `fn` throws. Code that reads a
 * module's parameters (a training step) then runs on other values of them: the Trainer's fused
 * steps trace one step with the parameters and optimizer state being a loop's carried values.
 * Updates `fn` makes to those tensors (an optimizer's `replaceStorage`) are undone as well; read
 * them from the tensors before `fn` returns.
 */
export function substitute<T>(
  tensors: readonly Tensor[],
  stand: readonly Tensor[],
  fn: () => T,
): T {
  if (tensors.length !== stand.length)
    throw new RnnkitError(
      `substitute: ${tensors.length} tensors but ${stand.length} stand-ins; give one for each`,
    );
  const shapeOf = (t: Tensor) => `${fmtShape(t.shape)} ${t.dtype}`;
  tensors.forEach((t, i) => {
    const s = stand[i];
    if (t.dtype !== s.dtype || !sameShape(t.shape, s.shape))
      throw new RnnkitError(
        `substitute: tensor ${i} is ${shapeOf(t)} but its stand-in is ${shapeOf(s)}`,
      );
  });
  const saved = tensors.map((t, i) => t.swapStorage(stand[i].storage));
  try {
    return fn();
  } finally {
    tensors.forEach((t, i) => {
      t.swapStorage(saved[i]);
    });
  }
}
