import { RnnkitError } from '../errors.js';
import { defaultRng, type Rng } from '../rng.js';
import type { Tensor } from '../tensor.js';
import { tensor } from './creation.js';
import { mul } from './elementwise.js';

/**
 * Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1−p).
 * The mask comes from the seeded host RNG, so it is the same on every backend.
 */
export function dropout(x: Tensor, p: number, rng: Rng = defaultRng): Tensor {
  if (!(p >= 0 && p < 1)) throw new RnnkitError(`dropout: p must be in [0, 1), got ${p}`);
  if (p === 0) return x;
  const keep = 1 / (1 - p);
  const mask = new Float32Array(x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = rng.random() < p ? 0 : keep;
  return mul(x, tensor(mask, x.shape, 'float32', x.backend));
}
