import {
  CharLM,
  GRU,
  LSTM,
  type RecurrentLayer,
  type RecurrentOptions,
  RNN,
  SequenceRegressor,
} from '@rnnkit/cells';
import { Rng, type Tensor, tensor } from '@rnnkit/core';
import type { ExportableModel, ExportOptions } from '../export.js';

/** A cell variant: every cell and option rnnkit exports. */
export interface Variant {
  name: string;
  make: (o: RecurrentOptions) => RecurrentLayer;
}

export const VARIANTS: Variant[] = [
  { name: 'rnn-tanh', make: (o) => new RNN({ ...o, nonlinearity: 'tanh' }) },
  { name: 'rnn-relu', make: (o) => new RNN({ ...o, nonlinearity: 'relu' }) },
  { name: 'rnn-linear', make: (o) => new RNN({ ...o, nonlinearity: 'linear' }) },
  { name: 'lstm', make: (o) => new LSTM(o) },
  { name: 'lstm-peephole', make: (o) => new LSTM({ ...o, peephole: true }) },
  { name: 'gru-reset-after', make: (o) => new GRU({ ...o, resetAfter: true }) },
  { name: 'gru-reset-before', make: (o) => new GRU({ ...o, resetAfter: false }) },
];

export interface LayerShape {
  name: string;
  numLayers?: number;
  bidirectional?: boolean;
  bias?: boolean;
  batchFirst?: boolean;
  returnSequences?: boolean;
}

export const SHAPES: LayerShape[] = [
  { name: '1 layer' },
  { name: '2 layers', numLayers: 2 },
  { name: 'bidirectional', bidirectional: true },
  { name: '2 layers bidirectional', numLayers: 2, bidirectional: true },
  { name: 'no bias', bias: false },
  { name: 'time-major', batchFirst: false },
  { name: 'last step only', numLayers: 2, bidirectional: true, returnSequences: false },
];

export const INPUT = 3;
export const HIDDEN = 4;

export function buildLayer(v: Variant, s: LayerShape, seed = 7): RecurrentLayer {
  const { name: _, ...o } = s;
  return v.make({ inputSize: INPUT, hiddenSize: HIDDEN, rng: new Rng(seed), ...o });
}

/** Seeded uniform(−scale, scale) float32 tensor. */
export function seeded(shape: number[], seed: number, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(new Rng(seed).uniformArray(n, -scale, scale), shape);
}

/** A named export case with the inputs to feed (host arrays, as ONNX Runtime takes them). */
export interface ExportCase {
  name: string;
  model: ExportableModel;
  options: ExportOptions;
  inputs: Record<string, { shape: number[]; dtype: 'float32' | 'int64'; data: number[] }>;
}

function floatInput(shape: number[], seed: number, scale = 1) {
  return {
    shape,
    dtype: 'float32' as const,
    data: Array.from(seeded(shape, seed, scale).dataSync()),
  };
}

/** The models whose exports the Python script checks with onnx.checker and onnxruntime. */
export function pythonCheckCases(): ExportCase[] {
  const B = 2;
  const T = 5;
  const out: ExportCase[] = [];
  for (const v of VARIANTS) {
    for (const s of [SHAPES[0], SHAPES[3]]) {
      const layer = buildLayer(v, s);
      const L = layer.numLayers * layer.numDirections;
      const inputs: ExportCase['inputs'] = {
        input: floatInput([B, T, INPUT], 1),
        h0: floatInput([L, B, HIDDEN], 2, 0.5),
      };
      if (layer.kind === 'lstm') inputs.c0 = floatInput([L, B, HIDDEN], 3, 0.5);
      out.push({
        name: `${v.name}-${s.name.replaceAll(' ', '-')}`,
        model: layer,
        options: {},
        inputs,
      });
    }
  }
  for (const head of ['last', 'all'] as const) {
    out.push({
      name: `regressor-gru-${head}`,
      model: new SequenceRegressor({
        cell: 'gru',
        inputSize: INPUT,
        hiddenSize: HIDDEN,
        numLayers: 2,
        bidirectional: true,
        outputSize: 2,
        head,
        rng: new Rng(3),
      }),
      options: { withState: false },
      inputs: { input: floatInput([B, T, INPUT], 4) },
    });
  }
  const lm = new CharLM({
    vocabSize: 9,
    embeddingDim: 5,
    hiddenSize: HIDDEN,
    numLayers: 2,
    cell: 'lstm-peephole',
    rng: new Rng(5),
  });
  const tok = new Rng(6);
  out.push({
    name: 'charlm-lstm-peephole-fixed-seq',
    model: lm,
    options: { sequenceLength: T },
    inputs: {
      tokens: {
        shape: [B, T],
        dtype: 'int64',
        data: Array.from({ length: B * T }, () => tok.int(9)),
      },
      h0: floatInput([2, B, HIDDEN], 7, 0.5),
      c0: floatInput([2, B, HIDDEN], 8, 0.5),
    },
  });
  return out;
}
