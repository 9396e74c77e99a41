import { createJsBackend } from '@rnnkit/backend-js';
import { Rng, tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { CharLM } from './models/char-lm.js';
import { drawUniforms } from './models/char-sample.js';

const f = Math.fround;

/** Gumbel-max draw on the host, as sampleLoop does it in the loop: argmax(logits / t − log(−log u)). */
function hostDraw(logits: ArrayLike<number>, t: number, us: ArrayLike<number>): number {
  let best = 0;
  let top = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < logits.length; j++) {
    const v = f(logits[j] / t) - f(Math.log(f(-f(Math.log(us[j])))));
    if (v > top) [best, top] = [j, v];
  }
  return best;
}

describe('CharLMStepper.sample (in-loop sampling)', () => {
  const be = createJsBackend();
  const make = (cell: 'lstm' | 'gru') =>
    new CharLM({ vocabSize: 11, hiddenSize: 8, numLayers: 2, cell, rng: new Rng(3), backend: be });

  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: draws the same tokens as stepping with host Gumbel-max draws`, async () => {
      const lm = make(cell);
      const n = 40;
      const a = lm.stepper();
      const ids = await a.sample(Int32Array.of(2, 5), n, { rng: new Rng(7), temperature: 0.9 });
      expect(ids.length).toBe(n * 2);
      // the same draws by hand: uniforms in the same order (step, sequence, token)
      const V = 11;
      const us = drawUniforms(new Rng(7), n, 2, V);
      const b = lm.stepper();
      let tokens = Int32Array.of(2, 5);
      const want: number[] = [];
      for (let t = 0; t < n; t++) {
        const logits = b.step(tensor(tokens, [2], 'int32', be)).dataSync();
        tokens = Int32Array.from([0, 1], (k) =>
          hostDraw(
            logits.subarray(k * V, (k + 1) * V),
            0.9,
            us.subarray((t * 2 + k) * V, (t * 2 + k + 1) * V),
          ),
        );
        want.push(...tokens);
      }
      expect(Array.from(ids)).toEqual(want);
      // both consumed the start tokens and the first n − 1 draws: the same state
      const sa = a.state!;
      const sb = b.state!;
      const close = (x: Float32Array | Int32Array, y: Float32Array | Int32Array) =>
        x.every((v, i) => Math.abs(v - y[i]) < 1e-6);
      expect(close(sa.h.dataSync(), sb.h.dataSync())).toBe(true);
      if (cell === 'lstm') expect(close(sa.c!.dataSync(), sb.c!.dataSync())).toBe(true);
    });
  }

  it('the Gumbel-max draw follows softmax(logits / temperature)', () => {
    // 40,000 draws from fixed logits: each token's share within 4.5 standard errors of its probability
    const logits = [2, 0.5, -1, 1.2, 0];
    const t = 0.8;
    const n = 40_000;
    const us = drawUniforms(new Rng(21), n, 1, logits.length);
    const counts = new Array(logits.length).fill(0);
    for (let i = 0; i < n; i++)
      counts[hostDraw(logits, t, us.subarray(i * logits.length, (i + 1) * logits.length))]++;
    const w = logits.map((l) => Math.exp(l / t));
    const total = w.reduce((a, b) => a + b);
    w.forEach((wi, j) => {
      const p = wi / total;
      expect(Math.abs(counts[j] / n - p)).toBeLessThan(4.5 * Math.sqrt((p * (1 - p)) / n));
    });
  });

  it('rejects a start token outside the vocabulary and a bad temperature', async () => {
    const s = make('lstm').stepper();
    await expect(s.sample(Int32Array.of(11), 3, { rng: new Rng(0) })).rejects.toThrow(
      /outside the vocabulary/,
    );
    await expect(
      s.sample(Int32Array.of(1), 3, { rng: new Rng(0), temperature: 0 }),
    ).rejects.toThrow(/temperature must be positive/);
  });
});
