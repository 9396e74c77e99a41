import {
  add,
  addmm,
  argmax,
  gather,
  log,
  mulScalar,
  neg,
  type Rng,
  RnnkitError,
  scan,
  type Tensor,
  tensor,
} from '@rnnkit/core';
import type { CellState } from '../cell-def.js';
import type { Linear } from '../layers.js';
import type { LayerStepper } from '../stepper.js';

export interface SampleOptions {
  /** Softmax temperature (default 1): below 1 sharper, above 1 flatter. */
  temperature?: number;
  /** Where the uniforms of the draws come from (seeded: the same text every run). */
  rng: Rng;
}

/** The largest float32 below 1: a uniform that float32 would round up to 1 is clamped to it. */
const BELOW_ONE = 1 - 2 ** -24;

/**
 * The uniforms of `n` draws for `B` sequences over `vocab` tokens, in the order the draws use
 * them: step, then sequence, then token ([n, B, vocab]).
 */
export function drawUniforms(rng: Rng, n: number, B: number, vocab: number): Float32Array {
  const out = rng.uniformArray(n * B * vocab, 0, 1);
  for (let i = 0; i < out.length; i++) if (out[i] > BELOW_ONE) out[i] = BELOW_ONE;
  return out;
}

/**
 * Samples `n` tokens per sequence in one `scan`, by the Gumbel-max trick: the drawn token is
 * argmax(logits / temperature + g) with g = −log(−log u), one uniform u per token drawn
 * beforehand from `rng` (`drawUniforms`). That is an exact draw from softmax(logits /
 * temperature), and in the loop it costs one matrix product (the head, with the noise as its
 * added term) and one argmax; the drawn id enters the next step as a row of the projected
 * embedding table. So the whole loop is one scan: one graph call on a compiling backend (onnx)
 * under `compile`. Returns the drawn ids, int32 [n, B], and the final per-layer states.
 */
export function sampleLoop(
  layers: LayerStepper,
  head: Linear,
  vocab: number,
  start: Int32Array,
  n: number,
  o: SampleOptions,
): { ids: Tensor; states: CellState[] } {
  const projected = layers.projected;
  if (!projected) throw new RnnkitError('sampleLoop: the stepper needs an embedding table');
  const temperature = o.temperature ?? 1;
  if (!(temperature > 0))
    throw new RnnkitError(`sample: temperature must be positive, got ${temperature}`);
  const B = start.length;
  const be = projected.backend;
  start.forEach((t) => {
    if (!(t >= 0 && t < vocab))
      throw new RnnkitError(`sample: start token ${t} is outside the vocabulary [0, ${vocab})`);
  });
  // logits / T + g = h·(W / T)ᵀ + (b / T + g): the noise and the bias, both scaled, are the
  // head's added term, worked out for every step before the loop
  const scale = (x: Tensor) => (temperature === 1 ? x : mulScalar(x, 1 / temperature));
  const u = tensor(drawUniforms(o.rng, n, B, vocab), [n, B, vocab], 'float32', be);
  const gumbel = neg(log(neg(log(u))));
  const noise = head.bias ? add(gumbel, scale(head.bias)) : gumbel;
  const weight = scale(head.weight);
  const init = layers.states(B);
  const lstm = init[0].c !== undefined;
  const flat = (s: CellState[]) => s.flatMap((x) => (lstm ? [x.h, x.c!] : [x.h]));
  const unflat = (xs: Tensor[]): CellState[] => {
    const st: CellState[] = [];
    for (let l = 0; l < xs.length; l += lstm ? 2 : 1)
      st.push(lstm ? { h: xs[l], c: xs[l + 1] } : { h: xs[l] });
    return st;
  };
  // The carry is the drawn token's row of the projected table, not its id: the id is the step's
  // output, and a value that is both carry and output costs the loop a copy each step on onnx.
  const r = scan(
    ([row, ...states], [noiseT]) => {
      const next = layers.stepWith(row, unflat(states));
      const drawn = argmax(addmm(noiseT, next[next.length - 1].h, weight, { transB: true }));
      return { carry: [gather(projected, drawn), ...flat(next)], ys: [drawn] };
    },
    [noise],
    [gather(projected, tensor(start, [B], 'int32', be)), ...flat(init)],
  );
  return { ids: r.ys[0], states: unflat(r.carry.slice(1)) };
}
