import { createJsBackend } from '@rnnkit/backend-js';
import { Rng, softmax, tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { CharLM } from './models/char-lm.js';

/** Inverse-CDF draw on the host, as sampleLoop does it in the loop (float32 cumulative sums). */
function hostDraw(probs: Float32Array, u: number): number {
  let cdf = Math.fround(0);
  for (let j = 0; j < probs.length; j++) {
    cdf = Math.fround(cdf + probs[j]);
    if (cdf >= u) return j;
  }
  return probs.length - 1;
}

describe('CharLMStepper.sample (in-loop sampling)', () => {
  const be = createJsBackend();
  const make = (cell: 'lstm' | 'gru') =>
    new CharLM({ vocabSize: 11, hiddenSize: 8, numLayers: 2, cell, rng: new Rng(3), backend: be });

  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: draws the same tokens as stepping with host inverse-CDF draws`, () => {
      const lm = make(cell);
      const n = 40;
      const a = lm.stepper();
      const ids = a.sample(Int32Array.of(2, 5), n, { rng: new Rng(7), temperature: 0.9 });
      expect(ids.length).toBe(n * 2);
      // the same draws by hand: uniforms in the same order (time-major, then sequence)
      const rng = new Rng(7);
      const us = Array.from({ length: n * 2 }, () => rng.random());
      const b = lm.stepper();
      let tokens = Int32Array.of(2, 5);
      const want: number[] = [];
      for (let t = 0; t < n; t++) {
        const logits = b.step(tensor(tokens, [2], 'int32', be));
        const p = softmax(
          tensor(
            logits.dataSync().map((v) => v / 0.9),
            [2, 11],
            'float32',
            be,
          ),
        );
        const probs = p.dataSync() as Float32Array;
        tokens = Int32Array.from([0, 1], (k) =>
          hostDraw(probs.subarray(k * 11, (k + 1) * 11), us[t * 2 + k]),
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

  it('rejects a start token outside the vocabulary and a bad temperature', () => {
    const s = make('lstm').stepper();
    expect(() => s.sample(Int32Array.of(11), 3, { rng: new Rng(0) })).toThrow(
      /outside the vocabulary/,
    );
    expect(() => s.sample(Int32Array.of(1), 3, { rng: new Rng(0), temperature: 0 })).toThrow(
      /temperature must be positive/,
    );
  });
});
