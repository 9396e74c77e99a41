import { createJsBackend } from '@rnnkit/backend-js';
import { Rng, withoutSyncReads } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { LSTM } from './lstm.js';
import { CharLM } from './models/char-lm.js';

// Reads are asynchronous by contract: building and sampling must work on a backend that has no
// synchronous read (as a WebGPU one), here the JS backend without its readSync.
const js = createJsBackend();
const noSync = withoutSyncReads(createJsBackend());

describe('cells on a backend without synchronous reads', () => {
  it('LSTM forgetBias sets the forget rows of b_ih and zeroes those of b_hh, others unchanged', async () => {
    const H = 3;
    const made = (forgetBias: number | undefined, backend = noSync) =>
      new LSTM({ inputSize: 2, hiddenSize: H, forgetBias, rng: new Rng(5), backend });
    const lstm = made(1.5);
    const plain = made(undefined, js);
    const ih = Array.from(await lstm.stateDict().biasIhL0.data(), Number);
    const hh = Array.from(await lstm.stateDict().biasHhL0.data(), Number);
    const ihPlain = Array.from(plain.stateDict().biasIhL0.dataSync(), Number);
    const hhPlain = Array.from(plain.stateDict().biasHhL0.dataSync(), Number);
    const rows = (a: number[], from: number, to: number) => a.slice(from * H, to * H);
    expect(rows(ih, 1, 2)).toEqual([1.5, 1.5, 1.5]);
    expect(rows(hh, 1, 2)).toEqual([0, 0, 0]);
    for (const [from, to] of [
      [0, 1],
      [2, 4],
    ]) {
      expect(rows(ih, from, to)).toEqual(rows(ihPlain, from, to));
      expect(rows(hh, from, to)).toEqual(rows(hhPlain, from, to));
    }
  });

  it('CharLMStepper.sample draws the same ids as on the JS backend', async () => {
    const make = (backend = noSync) =>
      new CharLM({ vocabSize: 7, hiddenSize: 6, cell: 'lstm', rng: new Rng(3), backend });
    const o = { temperature: 0.8 };
    const got = await make()
      .stepper()
      .sample(Int32Array.of(2), 12, { ...o, rng: new Rng(4) });
    const want = await make(js)
      .stepper()
      .sample(Int32Array.of(2), 12, { ...o, rng: new Rng(4) });
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});
