import '@rnnkit/backend-js';
import { reshape, type Tensor, tensor, transpose } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import { fromOnnxWeights, type OnnxWeights, toOnnxWeights } from './onnx-layout.js';
import type { RecurrentLayer } from './recurrent.js';
import { RNN } from './rnn.js';
import { type Fixture, loadFixture, maxRelErr } from './test-utils/fixtures.js';

/**
 * ONNX Runtime's native LSTM (with peepholes), GRU (linear_before_reset 0 and 1) and RNN operators
 * (fixtures/make_ort_fixtures.py): the ONNX weights go through fromOnnxWeights into the matching
 * layer, which must reproduce Y, Y_h (and Y_c) within 1e-5 on the fused and the composed path.
 */

const CASES = [
  'ort_lstm_peephole_forward',
  'ort_lstm_peephole_bidirectional',
  'ort_gru_linear_before_reset_0_forward',
  'ort_gru_linear_before_reset_0_bidirectional',
  'ort_gru_linear_before_reset_1_forward',
  'ort_gru_linear_before_reset_1_bidirectional',
  'ort_rnn_tanh_forward',
  'ort_rnn_tanh_bidirectional',
];
const TOL = 1e-5;

type Kind = 'lstm' | 'gru' | 'rnn';

const f32 = (fx: Fixture, k: string) => Float32Array.from(fx.tensors[k].data);
const t = (fx: Fixture, k: string): Tensor => tensor(f32(fx, k), fx.tensors[k].shape);

function onnxWeights(fx: Fixture): OnnxWeights {
  return {
    W: f32(fx, 'W'),
    R: f32(fx, 'R'),
    B: fx.tensors.B ? f32(fx, 'B') : null,
    P: fx.tensors.P ? f32(fx, 'P') : null,
  };
}

function build(fx: Fixture, fused: boolean): { layer: RecurrentLayer; kind: Kind } {
  const c = fx.config;
  const o = {
    inputSize: c.input_size as number,
    hiddenSize: c.hidden_size as number,
    bidirectional: c.num_directions === 2,
    batchFirst: false, // ONNX layout=0 is time-major
    fused,
  };
  switch (c.op) {
    case 'LSTM':
      return { layer: new LSTM({ ...o, peephole: true }), kind: 'lstm' };
    case 'GRU':
      return {
        layer: new GRU({ ...o, resetAfter: c.linear_before_reset === 1 }),
        kind: 'gru',
      };
    case 'RNN':
      return { layer: new RNN({ ...o, nonlinearity: 'tanh' }), kind: 'rnn' };
    default:
      throw new Error(`unknown op ${String(c.op)}`);
  }
}

describe.each([true, false])('ONNX Runtime fixtures (fused kernels: %s)', (fused) => {
  it.each(CASES)('%s: Y, Y_h (and Y_c) match onnxruntime within 1e-5', (name) => {
    const fx = loadFixture(name);
    const { layer, kind } = build(fx, fused);
    const D = fx.config.num_directions as number;
    const H = fx.config.hidden_size as number;
    const dirs = fromOnnxWeights(kind, onnxWeights(fx), D, H);
    const state: Record<string, { shape: number[]; data: Float32Array }> = {};
    dirs.forEach((w, d) => {
      const s = `L0${d === 1 ? 'Reverse' : ''}`;
      const ref = layer.weights(0, d);
      state[`weightIh${s}`] = { shape: [...ref.weightIh.shape], data: w.weightIh };
      state[`weightHh${s}`] = { shape: [...ref.weightHh.shape], data: w.weightHh };
      state[`biasIh${s}`] = { shape: [...ref.biasIh!.shape], data: w.biasIh! };
      state[`biasHh${s}`] = { shape: [...ref.biasHh!.shape], data: w.biasHh! };
      if (kind === 'lstm') state[`peephole${s}`] = { shape: [3, H], data: w.peephole! };
    });
    layer.loadStateDict(state); // strict: every parameter is set, nothing extra

    const r = layer.forward(t(fx, 'X'), {
      h: t(fx, 'initial_h'),
      c: kind === 'lstm' ? t(fx, 'initial_c') : undefined,
    });
    // ours: [seq, batch, D·H] → ONNX Y [seq, D, batch, H]
    const [T, B] = r.output.shape;
    const y = transpose(reshape(r.output, [T, B, D, H]), [0, 2, 1, 3]);
    expect(y.shape).toEqual(fx.tensors.Y.shape);
    expect(maxRelErr(y.dataSync(), fx.tensors.Y.data), 'Y').toBeLessThan(TOL);
    expect(r.state.h.shape).toEqual(fx.tensors.Y_h.shape);
    expect(maxRelErr(r.state.h.dataSync(), fx.tensors.Y_h.data), 'Y_h').toBeLessThan(TOL);
    if (kind === 'lstm') {
      expect(r.state.c!.shape).toEqual(fx.tensors.Y_c.shape);
      expect(maxRelErr(r.state.c!.dataSync(), fx.tensors.Y_c.data), 'Y_c').toBeLessThan(TOL);
    }
  });
});

describe('ONNX weight layout', () => {
  it.each(CASES.filter((c) => c.endsWith('bidirectional')))(
    '%s: toOnnxWeights(fromOnnxWeights(w)) returns w exactly',
    (name) => {
      const fx = loadFixture(name);
      const kind = (fx.config.op as string).toLowerCase() as Kind;
      const w = onnxWeights(fx);
      const back = toOnnxWeights(kind, fromOnnxWeights(kind, w, 2, 6), 6);
      expect(Array.from(back.W)).toEqual(Array.from(w.W));
      expect(Array.from(back.R)).toEqual(Array.from(w.R));
      expect(Array.from(back.B!)).toEqual(Array.from(w.B!));
      if (w.P) expect(Array.from(back.P!)).toEqual(Array.from(w.P));
      else expect(back.P).toBeNull();
    },
  );

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
