import { type Backend, getBackend, setBackend } from '@rnnkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { importOnnx } from './import.js';
import { BACKEND_NAME, testBackend } from './test-utils/backend.js';
import '@rnnkit/backend-tfjs';
import { loadBytes, loadJson, maxAbsDiff } from './test-utils/fixtures.js';

/**
 * PyTorch models exported with torch.onnx.export (fixtures/make_fixtures.py): importOnnx must
 * reproduce PyTorch's outputs within 1e-5 for every input set of the fixture, on every backend:
 * js (or the one named by RNNKIT_BACKEND), tfjs-cpu and tfjs-wasm.
 */

const CASES = [
  'rnn_tanh',
  'rnn_relu_2l_bi',
  'lstm_2l',
  'lstm_nobias',
  'lstm_bi_nostate_timemajor',
  'gru_1l',
  'gru_2l_bi',
  'gru_regressor_last',
  'charlm_lstm',
  'charlm_gru',
  'dynamo_gru_2l_bi',
  'dynamo_rnn_tanh',
  'dynamo_charlm_lstm',
];
const TOL = 1e-5;

const BACKENDS = [...new Set([BACKEND_NAME, 'tfjs-cpu', 'tfjs-wasm'])];

describe.each(BACKENDS)('torch.onnx.export fixtures on the %s backend', (beName) => {
  let backend: Backend;
  beforeAll(async () => {
    if (beName === BACKEND_NAME) backend = await testBackend();
    else {
      await setBackend(beName);
      backend = getBackend();
    }
  });

  it.each(CASES)('%s: importOnnx reproduces PyTorch within 1e-5', async (name) => {
    const fx = loadJson(`torch_${name}.json`);
    const model = importOnnx(loadBytes(`torch_${name}.onnx`), { backend });
    expect(model.inputs.map((i) => i.name)).toEqual(Object.keys(fx.cases[0].inputs));
    for (const c of fx.cases) {
      const feeds = Object.fromEntries(
        Object.entries(c.inputs).map(([k, v]) => [k, { data: v.data, shape: v.shape }]),
      );
      const out = await model.run(feeds);
      for (const [k, want] of Object.entries(c.outputs)) {
        expect(out[k].shape, k).toEqual(want.shape);
        expect(maxAbsDiff(out[k].dataSync(), want.data), `${name} ${k}`).toBeLessThan(TOL);
      }
    }
  });

  it('maps recurrent nodes to rnnkit layers with PyTorch-style parameter names', () => {
    const model = importOnnx(loadBytes('torch_charlm_lstm.onnx'), { backend });
    expect(model.recurrent.map((r) => [r.op, r.inputSize, r.hiddenSize, r.direction])).toEqual([
      ['LSTM', 5, 6, 'forward'],
      ['LSTM', 6, 6, 'forward'],
    ]);
    const names = model.namedParameters().map(([n]) => n);
    expect(names).toContain('layers.0.weightIhL0');
    expect(names).toContain('layers.1.biasHhL0');
    expect(names).toContain('initializers.emb.weight');
    expect(names).toContain('initializers.head.bias');
  });

  it('imports the GRU of nn.GRU as resetAfter (linear_before_reset = 1)', () => {
    const model = importOnnx(loadBytes('torch_gru_2l_bi.onnx'), { backend });
    expect(
      model.recurrent.every((r) => r.resetAfter === true && r.direction === 'bidirectional'),
    ).toBe(true);
  });
});
