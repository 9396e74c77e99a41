import {
  abs,
  affine,
  clip,
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
 * (index = number of cumulative probabilities below a uniform drawn beforehand from `rng`), and
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
  // upper[i][j] = 1 for i ≤ j: p·upper is the running sum of probabilities along each row
  const upper = new Float32Array(vocab * vocab);
  for (let i = 0; i < vocab; i++) upper.fill(1, i * vocab + i, (i + 1) * vocab);
  const U = tensor(upper, [vocab, vocab], 'float32', be);
  const ar = tensor(
    Float32Array.from({ length: vocab }, (_, j) => j),
    [vocab],
    'float32',
    be,
  );
  const oh = new Float32Array(B * vocab);
  start.forEach((t, b) => {
    if (!(t >= 0 && t < vocab))
      throw new RnnkitError(`sample: start token ${t} is outside the vocabulary [0, ${vocab})`);
    oh[b * vocab + t] = 1;
  });
  const u = tensor(
    Float32Array.from({ length: n * B }, () => o.rng.random()),
    [n, B, 1],
    'float32',
    be,
  );
  const init = layers.states(B);
  const lstm = init[0].c !== undefined;
  const flat = (s: CellState[]) => s.flatMap((x) => (lstm ? [x.h, x.c!] : [x.h]));
  const r = scan(
    (carry, [ut]) => {
      const st: CellState[] = [];
      for (let l = 1; l < carry.length; l += lstm ? 2 : 1)
        st.push(lstm ? { h: carry[l], c: carry[l + 1] } : { h: carry[l] });
      const next = layers.stepWith(matmul(carry[0], projected), st);
      let logits = head.forward(next[next.length - 1].h);
      if (temperature !== 1) logits = mulScalar(logits, 1 / temperature);
      const cdf = matmul(softmax(logits), U);
      const idx = clip(sum(step(sub(ut, cdf)), [1], true), 0, vocab - 1); // [B, 1]
      const onehot = step(affine(abs(sub(ar, idx)), -1, 0.5)); // 1 where j = idx
      return { carry: [onehot, ...flat(next)], ys: [idx] };
    },
    [u],
    [tensor(oh, [B, vocab], 'float32', be), ...flat(init)],
  );
  const states: CellState[] = [];
  for (let l = 1; l < r.carry.length; l += lstm ? 2 : 1)
    states.push(lstm ? { h: r.carry[l], c: r.carry[l + 1] } : { h: r.carry[l] });
  return { ids: Int32Array.from(r.ys[0].dataSync()), states };
}
