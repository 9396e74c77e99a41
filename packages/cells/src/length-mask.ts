import { type Backend, RnnkitError, ShapeError, type Tensor, tensor } from '@rnnkit/core';

/**
 * Checks per-sequence lengths against a padded batch of T steps and B sequences: one entry per
 * sequence, each a whole number in [1, T] (a sequence has at least one step, and no more than the
 * padding holds). `name` is what the caller calls them (`lengths`, ONNX's `sequence_lens`), so
 * both the cell layers and the ONNX-semantics layers refuse bad lengths with one message.
 */
export function checkLengths(
  lengths: ArrayLike<number>,
  T: number,
  B: number,
  name = 'lengths',
): void {
  if (lengths.length !== B) {
    throw new ShapeError(
      `${name} has ${lengths.length} entries for a batch of ${B}: give one length per sequence`,
    );
  }
  for (let b = 0; b < B; b++) {
    const n = lengths[b];
    if (!Number.isInteger(n) || n < 1 || n > T) {
      throw new RnnkitError(
        `${name}[${b}] = ${n} must be an integer in [1, ${T}] (T = ${T}, the padded time length): every sequence has at least one step and at most T`,
      );
    }
  }
}

/**
 * [T, B, 1] float masks of checked lengths: `valid` is 1 where t < lengths[b], `padded` is
 * 1 − valid.
 */
export function lengthMask(
  lengths: ArrayLike<number>,
  T: number,
  B: number,
  be: Backend,
  name = 'lengths',
): { valid: Tensor; padded: Tensor } {
  checkLengths(lengths, T, B, name);
  const m = new Float32Array(T * B);
  for (let b = 0; b < B; b++) for (let t = 0; t < lengths[b]; t++) m[t * B + b] = 1;
  return {
    valid: tensor(m, [T, B, 1], 'float32', be),
    padded: tensor(
      m.map((v) => 1 - v),
      [T, B, 1],
      'float32',
      be,
    ),
  };
}
