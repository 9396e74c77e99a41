import '@rnnkit/backend-js';
import { CharLM, GRU, SequenceRegressor } from '@rnnkit/cells';
import { Rng, tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export.js';
import { importOnnx } from './import.js';
import { toRnnkitModel } from './rebuild.js';
import { seeded } from './test-utils/cases.js';
import { loadBytes } from './test-utils/fixtures.js';

describe('toRnnkitModel: the rnnkit model back from its export', () => {
  it('CharLM: same class, same parameters, same logits', async () => {
    const m = new CharLM({
      vocabSize: 6,
      embeddingDim: 3,
      hiddenSize: 4,
      numLayers: 2,
      cell: 'lstm-peephole',
      rng: new Rng(4),
    });
    const back = toRnnkitModel(importOnnx(await exportOnnx(m)));
    expect(back).toBeInstanceOf(CharLM);
    const want = m.stateDict();
    const got = back.stateDict();
    expect(Object.keys(got)).toEqual(Object.keys(want));
    for (const k of Object.keys(want))
      expect(Array.from(got[k].dataSync()), k).toEqual(Array.from(want[k].dataSync()));
    const toks = tensor(Int32Array.from([0, 5, 2, 3]), [2, 2], 'int32');
    expect(Array.from((back as CharLM).forward(toks).logits.dataSync())).toEqual(
      Array.from(m.eval().forward(toks).logits.dataSync()),
    );
  });

  it('SequenceRegressor and a bare GRU layer (resetAfter false, bidirectional)', async () => {
    const r = new SequenceRegressor({
      cell: 'rnn',
      nonlinearity: 'relu',
      inputSize: 3,
      hiddenSize: 4,
      numLayers: 2,
      outputSize: 2,
      rng: new Rng(1),
    });
    const x = seeded([2, 5, 3], 1);
    const rb = toRnnkitModel(importOnnx(await exportOnnx(r))) as SequenceRegressor;
    expect(Array.from(rb.forward(x).dataSync())).toEqual(Array.from(r.forward(x).dataSync()));
    const g = new GRU({
      inputSize: 3,
      hiddenSize: 4,
      resetAfter: false,
      bidirectional: true,
      batchFirst: false,
      rng: new Rng(2),
    });
    const gb = toRnnkitModel(importOnnx(await exportOnnx(g))) as GRU;
    expect([gb.resetAfter, gb.bidirectional, gb.batchFirst]).toEqual([false, true, false]);
    expect(Array.from(gb.forward(x).output.dataSync())).toEqual(
      Array.from(g.forward(x).output.dataSync()),
    );
  });

  it('says so for graphs from other producers', async () => {
    expect(() => toRnnkitModel(importOnnx(loadBytes('torch_lstm_2l.onnx')))).toThrow(
      /not exported by rnnkit .*producer 'pytorch 2.13.0'.*OnnxModel.run/,
    );
  });
});
