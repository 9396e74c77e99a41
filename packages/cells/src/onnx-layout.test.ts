import { describe, expect, it } from 'vitest';
import { fromOnnxWeights, type OnnxWeights, toOnnxWeights } from './onnx-layout.js';
import { type Fixture, loadFixture } from './test-utils/fixtures.js';

/**
 * The ONNX weight layout against ONNX Runtime's fixtures (fixtures/make_ort_fixtures.py). Replaying
 * the fixtures through the layers — Y, Y_h and Y_c within 1e-5, fused and composed — is part of
 * the backend conformance suite (packages/backend-conformance/src/cells-fixtures.ts), so every
 * backend runs it.
 */

const CASES = [
  'ort_lstm_peephole_bidirectional',
  'ort_gru_linear_before_reset_0_bidirectional',
  'ort_gru_linear_before_reset_1_bidirectional',
  'ort_rnn_tanh_bidirectional',
];

type Kind = 'lstm' | 'gru' | 'rnn';

const f32 = (fx: Fixture, k: string) => Float32Array.from(fx.tensors[k].data);

function onnxWeights(fx: Fixture): OnnxWeights {
  return {
    W: f32(fx, 'W'),
    R: f32(fx, 'R'),
    B: fx.tensors.B ? f32(fx, 'B') : null,
    P: fx.tensors.P ? f32(fx, 'P') : null,
  };
}

describe('ONNX weight layout', () => {
  it.each(CASES)('%s: toOnnxWeights(fromOnnxWeights(w)) returns w exactly', (name) => {
    const fx = loadFixture(name);
    const kind = (fx.config.op as string).toLowerCase() as Kind;
    const w = onnxWeights(fx);
    const back = toOnnxWeights(kind, fromOnnxWeights(kind, w, 2, 6), 6);
    expect(Array.from(back.W)).toEqual(Array.from(w.W));
    expect(Array.from(back.R)).toEqual(Array.from(w.R));
    expect(Array.from(back.B!)).toEqual(Array.from(w.B!));
    if (w.P) expect(Array.from(back.P!)).toEqual(Array.from(w.P));
    else expect(back.P).toBeNull();
  });

  it('maps gate blocks as documented (LSTM i,f,g,o ↔ i,o,f,c; P i,f,o ↔ i,o,f; GRU r,z,n ↔ z,r,h)', () => {
    const H = 1;
    // one row per gate, value = PyTorch gate index (LSTM i=0 f=1 g=2 o=3)
    const lstm = toOnnxWeights(
      'lstm',
      [
        {
          weightIh: Float32Array.from([0, 1, 2, 3]),
          weightHh: Float32Array.from([0, 1, 2, 3]),
          biasIh: null,
          biasHh: null,
          peephole: Float32Array.from([0, 1, 3]), // rows i, f, o
        },
      ],
      H,
    );
    expect(Array.from(lstm.W)).toEqual([0, 3, 1, 2]); // i, o, f, c(=g)
    expect(Array.from(lstm.P!)).toEqual([0, 3, 1]); // i, o, f
    const gru = toOnnxWeights(
      'gru',
      [
        {
          weightIh: Float32Array.from([0, 1, 2]),
          weightHh: Float32Array.from([0, 1, 2]),
          biasIh: Float32Array.from([0, 1, 2]),
          biasHh: Float32Array.from([10, 11, 12]),
          peephole: null,
        },
      ],
      H,
    );
    expect(Array.from(gru.W)).toEqual([1, 0, 2]); // z, r, h(=n)
    expect(Array.from(gru.B!)).toEqual([1, 0, 2, 11, 10, 12]); // [Wb, Rb]
  });

  it('rejects ONNX weights that do not fit the hidden size, naming both', () => {
    const w = { W: new Float32Array(24 * 4), R: new Float32Array(24 * 6), B: null, P: null };
    expect(() => fromOnnxWeights('lstm', w, 1, 5)).toThrow(/hidden size 5.*W has 96 values, R 144/);
  });
});
