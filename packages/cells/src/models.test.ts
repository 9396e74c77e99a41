import '@rnnkit/backend-js';
import {
  add,
  concat,
  mul,
  Rng,
  reshape,
  slice,
  sum,
  type Tensor,
  tensor,
  valueAndGrad,
} from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { CharLM } from './models/char-lm.js';
import { CELL_NAMES } from './models/make-layer.js';
import { SequenceRegressor } from './models/sequence-regressor.js';
import { seeded } from './test-utils/build.js';

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('SequenceRegressor', () => {
  it.each(CELL_NAMES)('%s: head last → [batch, out], head all → [batch, time, out]', (cell) => {
    const o = { cell, inputSize: 3, hiddenSize: 5, outputSize: 2, numLayers: 2, rng: new Rng(1) };
    const x = seeded([4, 6, 3], 1);
    expect(new SequenceRegressor(o).forward(x).shape).toEqual([4, 2]);
    expect(new SequenceRegressor({ ...o, head: 'all' }).forward(x).shape).toEqual([4, 6, 2]);
    expect(new SequenceRegressor({ ...o, bidirectional: true }).forward(x).shape).toEqual([4, 2]);
  });

  it("head 'last' is the head applied to the last step of the 'all' output", () => {
    const o = { cell: 'lstm' as const, inputSize: 3, hiddenSize: 5, outputSize: 2 };
    const last = new SequenceRegressor({ ...o, rng: new Rng(2) });
    const all = new SequenceRegressor({ ...o, head: 'all', rng: new Rng(2) });
    const x = seeded([4, 6, 3], 3);
    const yAll = all.forward(x);
    const lastStep = slice(yAll, [0, 5, 0], [4, 1, 2]);
    expect(maxAbs(last.forward(x).dataSync(), lastStep.dataSync())).toBeLessThan(1e-7);
  });

  it('with lengths, the prediction of each sequence comes from its own last valid step', () => {
    const o = { cell: 'gru' as const, inputSize: 3, hiddenSize: 5, outputSize: 2 };
    const m = new SequenceRegressor({ ...o, rng: new Rng(4) });
    const x = seeded([2, 6, 3], 5);
    const y = m.forward(x, { lengths: [6, 3] }).dataSync();
    const short = m.forward(slice(x, [1, 0, 0], [1, 3, 3])).dataSync();
    expect(maxAbs(y.slice(2, 4), short)).toBeLessThan(1e-6);
  });

  it('options.state continues from a carried state (truncated BPTT)', () => {
    const o = { cell: 'lstm' as const, inputSize: 3, hiddenSize: 5, outputSize: 2, numLayers: 2 };
    const m = new SequenceRegressor({ ...o, rng: new Rng(6) });
    const x = seeded([2, 6, 3], 7);
    const whole = m.forward(x).dataSync();
    const { state } = m.rnn.forward(slice(x, [0, 0, 0], [2, 3, 3]));
    const rest = m.forward(slice(x, [0, 3, 0], [2, 3, 3]), { state }).dataSync();
    expect(maxAbs(rest, whole)).toBeLessThan(1e-6);
  });
});

describe('CharLM', () => {
  const V = 7;

  it.each(CELL_NAMES)('%s: logits [batch, time, vocab] and state of the stack', (cell) => {
    const lm = new CharLM({ vocabSize: V, hiddenSize: 6, numLayers: 2, cell, rng: new Rng(3) });
    const tokens = tensor(Int32Array.from([1, 2, 3, 4, 5, 6, 0, 1]), [2, 4], 'int32');
    const { logits, state } = lm.forward(tokens);
    expect(logits.shape).toEqual([2, 4, V]);
    expect(state.h.shape).toEqual([2, 2, 6]);
    if (cell.startsWith('lstm')) expect(state.c!.shape).toEqual([2, 2, 6]);
    else expect(state.c).toBeUndefined();
    // embeddingDim may differ from hiddenSize
    const lm2 = new CharLM({ vocabSize: V, hiddenSize: 6, embeddingDim: 3, cell });
    expect(lm2.embedding.weight.shape).toEqual([V, 3]);
    expect(lm2.forward(tokens).logits.shape).toEqual([2, 4, V]);
  });

  it.each(CELL_NAMES)(
    '%s: step() carrying state equals forward() over the whole sequence',
    (cell) => {
      const lm = new CharLM({ vocabSize: V, hiddenSize: 6, numLayers: 2, cell, rng: new Rng(5) });
      lm.eval();
      const seq = [
        [1, 4, 2, 6, 0, 3],
        [5, 5, 1, 2, 4, 6],
      ];
      const T = seq[0].length;
      const tokens = tensor(Int32Array.from(seq.flat()), [2, T], 'int32');
      const whole = lm.forward(tokens);
      let state: Parameters<CharLM['step']>[1];
      const stepLogits: Tensor[] = [];
      for (let t = 0; t < T; t++) {
        const r = lm.step(tensor(Int32Array.from([seq[0][t], seq[1][t]]), [2], 'int32'), state);
        expect(r.logits.shape).toEqual([2, V]);
        stepLogits.push(reshape(r.logits, [2, 1, V]));
        state = r.state;
      }
      const stepped = concat(stepLogits, 1);
      expect(maxAbs(stepped.dataSync(), whole.logits.dataSync())).toBeLessThan(1e-5);
      expect(maxAbs(state!.h.dataSync(), whole.state.h.dataSync())).toBeLessThan(1e-5);
      if (whole.state.c)
        expect(maxAbs(state!.c!.dataSync(), whole.state.c.dataSync())).toBeLessThan(1e-5);
    },
  );
});

describe('RecurrentLayer.forwardEmbedded', () => {
  it.each(CELL_NAMES)(
    '%s: same outputs, state and gradients as forward(embedding(tokens))',
    (cell) => {
      for (const [V, B, T] of [
        [5, 3, 4], // vocab < batch·time: the projected-table path
        [40, 2, 3], // vocab ≥ batch·time: falls back to gathering rows
      ]) {
        const lm = new CharLM({ vocabSize: V, hiddenSize: 4, numLayers: 2, cell, rng: new Rng(8) });
        const ids = Int32Array.from({ length: B * T }, (_, i) => (i * 3 + 1) % V);
        const tokens = tensor(ids, [B, T], 'int32');
        const params = lm.parameters();
        const run = (embedded: boolean) => {
          const { value, grads } = valueAndGrad(() => {
            const r = embedded
              ? lm.rnn.forwardEmbedded(lm.embedding.weight, tokens)
              : lm.rnn.forward(lm.embedding.forward(tokens));
            return add(sum(mul(r.output, r.output)), sum(r.state.h));
          }, params);
          return { loss: value.item(), grads: grads.map((g) => g.dataSync()) };
        };
        const a = run(true);
        const b = run(false);
        expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5);
        for (const [i, g] of a.grads.entries()) expect(maxAbs(g, b.grads[i])).toBeLessThan(1e-5);
      }
    },
  );

  it('rejects float tokens and a table of the wrong width', () => {
    const lm = new CharLM({ vocabSize: 5, hiddenSize: 4, cell: 'gru' });
    expect(() => lm.rnn.forwardEmbedded(lm.embedding.weight, tensor([[1, 2]]))).toThrow(/int32/);
    const tokens = tensor(Int32Array.from([1, 2]), [1, 2], 'int32');
    expect(() => lm.rnn.forwardEmbedded(tensor([[1, 2]]), tokens)).toThrow(/\[vocab, 4\]/);
  });
});
