import {
  addmm,
  matmul,
  mulScalar,
  type Rng,
  RnnkitError,
  scan,
  softmax,
  step,
  sub,
  sum,
  type Tensor,
  tensor,
} from '@rnnkit/core';
import type { Linear } from '../layers.js';
import type { LayerStepper } from '../stepper.js';
import type { CellState } from '../steps.js';

export interface SampleOptions {
  /** Softmax temperature (default 1): below 1 sharper, above 1 flatter. */
  temperature?: number;
  /** Where the uniforms of the draws come from (seeded: the same text every run). */
  rng: Rng;
}

/**
 * Samples `n` tokens per sequence in one `scan`: the draw happens inside the loop by inverse CDF
 * (the first token whose cumulative probability reaches a uniform drawn beforehand from `rng`), and
 * the drawn token enters the next step as a one-hot row times the projected embedding table. So
 * the whole loop is one scan: one graph call on a compiling backend (onnx) under `compile`.
 * Returns the ids time-major ([n][B] flattened) and the final per-layer states.
 */
export function sampleLoop(
  layers: LayerStepper,
  head: Linear,
  vocab: number,
  start: Int32Array,
  n: number,
  o: SampleOptions,
): { ids: Int32Array; states: CellState[] } {
  const projected = layers.projected;
  if (!projected) throw new RnnkitError('sampleLoop: the stepper needs an embedding table');
  const temperature = o.temperature ?? 1;
  if (!(temperature > 0))
    throw new RnnkitError(`sample: temperature must be positive, got ${temperature}`);
  const B = start.length;
  const be = projected.backend;
  // p·upper: the running sum of probabilities along each row (upper[i][j] = 1 for i ≤ j); the
  // last column is 2 so that the last running sum always exceeds a uniform in [0, 1), whatever
  // float rounding did to the others
  const upper = new Float32Array(vocab * vocab);
  for (let i = 0; i < vocab; i++) upper.fill(1, i * vocab + i, (i + 1) * vocab);
  for (let i = 0; i < vocab; i++) upper[i * vocab + vocab - 1] = 2;
  // below[j] = 1 while cdf_j < u, so the drawn token is the first j with below[j] = 0 and its
  // one-hot row is e₀ + below·shift, shift[j][j] = −1 and shift[j][j + 1] = 1
  const shift = new Float32Array(vocab * vocab);
  for (let j = 0; j < vocab; j++) {
    shift[j * vocab + j] = -1;
    if (j + 1 < vocab) shift[j * vocab + j + 1] = 1;
  }
  const e0 = new Float32Array(vocab);
  e0[0] = 1;
  const c = (data: Float32Array, shape: number[]) => tensor(data, shape, 'float32', be);
  const [U, S, E0] = [c(upper, [vocab, vocab]), c(shift, [vocab, vocab]), c(e0, [vocab])];
  const oh = new Float32Array(B * vocab);
  start.forEach((t, b) => {
    if (!(t >= 0 && t < vocab))
      throw new RnnkitError(`sample: start token ${t} is outside the vocabulary [0, ${vocab})`);
    oh[b * vocab + t] = 1;
  });
  const draws = Float32Array.from({ length: n * B }, () => o.rng.random());
  const init = layers.states(B);
  const lstm = init[0].c !== undefined;
  const flat = (s: CellState[]) => s.flatMap((x) => (lstm ? [x.h, x.c!] : [x.h]));
  /**
   * One draw: the carry [one-hot, ...states] and a uniform per sequence [B, 1] → the next one-hot,
   * the comparisons it came from (below[j] = 1 while the running sum at j is under the uniform)
   * and the next states.
   */
  const draw = (carry: Tensor[], ut: Tensor): Tensor[] => {
    const st: CellState[] = [];
    for (let l = 1; l < carry.length; l += lstm ? 2 : 1)
      st.push(lstm ? { h: carry[l], c: carry[l + 1] } : { h: carry[l] });
    const next = layers.stepWith(matmul(carry[0], projected), st);
    let logits = head.forward(next[next.length - 1].h);
    if (temperature !== 1) logits = mulScalar(logits, 1 / temperature);
    const below = step(sub(ut, matmul(softmax(logits), U))); // [B, V]
    return [addmm(E0, below, S), below, ...flat(next)];
  };
  const u = c(draws, [n, B, 1]);
  const r = scan(
    (carry, [ut]) => {
      const [onehot, below, ...states] = draw(carry, ut);
      return { carry: [onehot, ...states], ys: [below] };
    },
    [u],
    [c(oh, [B, vocab]), ...flat(init)],
  );
  // the drawn ids of all steps at once: a draw's id is the number of running sums below its uniform
  const ids = sum(r.ys[0], [2]);
  const states: CellState[] = [];
  for (let l = 1; l < r.carry.length; l += lstm ? 2 : 1)
    states.push(lstm ? { h: r.carry[l], c: r.carry[l + 1] } : { h: r.carry[l] });
  return { ids: Int32Array.from(ids.dataSync()), states };
}
