import '@rnnkit/backend-js';
import { memory, Rng, reshape, slice, type Tensor, tensor, tidy } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { LSTM } from './lstm.js';
import { CharLM, type CharLMOptions } from './models/char-lm.js';
import { CELL_NAMES } from './models/make-layer.js';
import { LayerStepper } from './stepper.js';

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const V = 6;
const B = 2;
const T = 5;
const ids = Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 2) % V);
const variants: [string, Partial<CharLMOptions>][] = [
  ...CELL_NAMES.map((cell) => [cell, { cell }] as [string, Partial<CharLMOptions>]),
  ['gru resetAfter false', { cell: 'gru', resetAfter: false }],
];

describe('CharLM.stepper', () => {
  it.each(variants)(
    '%s: step by step gives the logits of forward over the whole sequence',
    (_, o) => {
      const lm = new CharLM({
        vocabSize: V,
        hiddenSize: 4,
        numLayers: 2,
        rng: new Rng(5),
        cell: 'lstm',
        ...o,
      });
      lm.eval();
      const whole = lm.forward(tensor(ids, [B, T], 'int32')).logits; // [B, T, V]
      const stepper = lm.stepper();
      for (let t = 0; t < T; t++) {
        const col = Int32Array.from({ length: B }, (_, b) => ids[b * T + t]);
        const logits = stepper.step(tensor(col, [B], 'int32'));
        const want = reshape(slice(whole, [0, t, 0], [B, 1, V]), [B, V]);
        expect(maxAbs(logits.dataSync(), want.dataSync())).toBeLessThan(1e-5);
        logits.dispose();
      }
      stepper.dispose();
    },
  );

  it('reset(state) continues from a carried state; state reads it back', () => {
    const lm = new CharLM({
      vocabSize: V,
      hiddenSize: 4,
      numLayers: 2,
      cell: 'lstm',
      rng: new Rng(6),
    });
    const tokens = tensor(ids, [B, T], 'int32');
    const first = lm.forward(slice(tokens, [0, 0], [B, 3]));
    const rest = lm.forward(slice(tokens, [0, 3], [B, 2]), first.state).logits;
    const stepper = lm.stepper();
    stepper.reset(first.state);
    const got = stepper.step(tensor(Int32Array.from([ids[3], ids[T + 3]]), [B], 'int32'));
    const want = reshape(slice(rest, [0, 0, 0], [B, 1, V]), [B, V]);
    expect(maxAbs(got.dataSync(), want.dataSync())).toBeLessThan(1e-5);
    const s = stepper.state!;
    expect(s.h.shape).toEqual([2, B, 4]);
    expect(s.c!.shape).toEqual([2, B, 4]);
    stepper.dispose();
  });

  it('keeps the tensor count flat over many steps and frees everything on dispose', () => {
    const lm = new CharLM({ vocabSize: V, hiddenSize: 4, cell: 'gru', rng: new Rng(7) });
    const before = memory().numTensors;
    const stepper = lm.stepper();
    const tok = tensor(Int32Array.from([1]), [1], 'int32');
    stepper.step(tok).dispose();
    const during = memory().numTensors;
    for (let i = 0; i < 50; i++) tidy(() => stepper.step(tok).dispose());
    expect(memory().numTensors).toBe(during);
    stepper.dispose();
    tok.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('refuses a bidirectional layer and float tokens', () => {
    const bi = new LSTM({ inputSize: 3, hiddenSize: 4, bidirectional: true });
    expect(() => new LayerStepper(bi)).toThrow(/bidirectional/);
    const lm = new CharLM({ vocabSize: V, hiddenSize: 4, cell: 'rnn' });
    const s = lm.stepper();
    expect(() => s.step(tensor([1]) as Tensor)).toThrow(/int32 \[batch\]/);
    s.dispose();
  });
});
