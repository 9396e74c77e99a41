import '@rnnkit/backend-js';
import { LSTM } from '@rnnkit/cells';
import { Rng, tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { DataType, GraphBuilder } from './builder.js';
import { exportOnnx } from './export.js';
import { importOnnx } from './import.js';
import { FloatAttr, FloatsAttr } from './proto.js';

function lstmGraph(
  attrs: Record<string, string | number | string[] | FloatAttr | FloatsAttr>,
  extra?: (b: GraphBuilder, y: string) => string,
) {
  const b = new GraphBuilder();
  b.input('x', DataType.FLOAT, [2, 1, 1]);
  const W = b.float('W', [1, 4, 1], new Float32Array(4));
  const R = b.float('R', [1, 4, 1], new Float32Array(4));
  let y = b.node('LSTM', ['x', W, R], { outputs: 3, attrs: { hidden_size: 1, ...attrs } })[0];
  if (extra) y = extra(b, y);
  b.output('y', DataType.FLOAT, [2, 1, 1, 1], y);
  return b.encode();
}

describe('importOnnx errors name what is wrong', () => {
  it('names every unsupported operator', () => {
    const bytes = lstmGraph({}, (b, y) => b.op('Erf', [b.op('Cos', [y])]));
    expect(() => importOnnx(bytes)).toThrow(
      /unsupported operators 'Cos' \(1 node, first 'Cos'\), 'Erf'/,
    );
    expect(() => importOnnx(bytes)).toThrow(/rnnkit imports graphs made of RNN, LSTM, GRU/);
  });

  it('names operators from other domains', () => {
    const b = new GraphBuilder();
    b.input('x', DataType.FLOAT, [1]);
    b.nodes.push({
      op_type: 'FusedGemm',
      domain: 'com.microsoft',
      input: ['x'],
      output: ['y'],
      name: 'f',
    });
    b.output('y', DataType.FLOAT, [1]);
    expect(() => importOnnx(b.encode())).toThrow(/'com.microsoft::FusedGemm'/);
  });

  it('names what no runtime can compute from a recurrent node, and how to fix it', () => {
    expect(() => importOnnx(lstmGraph({ direction: 'sideways' }))).toThrow(
      /direction 'sideways' is not one of ONNX's \(forward, reverse, bidirectional\)/,
    );
    expect(() => importOnnx(lstmGraph({ clip: new FloatAttr(-1) }))).toThrow(
      /clip must be a positive threshold, got -1/,
    );
    expect(() => importOnnx(lstmGraph({ input_forget: 2 }))).toThrow(
      /input_forget must be 0 or 1, got 2/,
    );
    expect(() => importOnnx(lstmGraph({ activations: ['Sigmoid', 'Gelu', 'Tanh'] }))).toThrow(
      /activation 'Gelu' is not one of ONNX's recurrent activations \(Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus\)/,
    );
    expect(() => importOnnx(lstmGraph({ activations: ['Sigmoid', 'Tanh'] }))).toThrow(
      /activations lists 2 function\(s\) \(Sigmoid, Tanh\); LSTM with 1 direction\(s\) needs 3/,
    );
    // ONNX defines no default both ONNX and ONNX Runtime follow for these: the value must be given
    expect(() => importOnnx(lstmGraph({ activations: ['Sigmoid', 'Affine', 'Tanh'] }))).toThrow(
      /activation 'Affine' needs its alpha in activation_alpha.*add the value to the node's activation_alpha list/,
    );
    expect(() =>
      importOnnx(
        lstmGraph({
          activations: ['Sigmoid', 'ScaledTanh', 'Tanh'],
          activation_alpha: new FloatsAttr([1]),
        }),
      ),
    ).toThrow(/activation 'ScaledTanh' needs its beta in activation_beta/);
    expect(() => importOnnx(lstmGraph({ hidden_size: 2 }))).toThrow(
      /W must be \[1, 8, input_size\]/,
    );
  });

  it('imports reverse, clip, input_forget and any listed activation onto ONNX-semantics layers', () => {
    const m = importOnnx(
      lstmGraph({
        direction: 'reverse',
        clip: new FloatAttr(3),
        input_forget: 1,
        activations: ['HardSigmoid', 'LeakyRelu', 'Tanh'],
        activation_alpha: new FloatsAttr([0.25, 0.5]),
        activation_beta: new FloatsAttr([0.4]),
      }),
    );
    expect(m.layers).toHaveLength(0);
    expect(m.onnxLayers).toHaveLength(1);
    expect(m.recurrent[0]).toMatchObject({
      runsOn: 'onnx',
      layer: 0,
      direction: 'reverse',
      clip: 3,
      inputForget: true,
      activations: ['HardSigmoid(0.25, 0.4)', 'LeakyRelu(0.5)', 'Tanh'],
    });
    // defaults stay on rnnkit's own cell
    const plain = importOnnx(lstmGraph({}));
    expect(plain.recurrent[0]).toMatchObject({ runsOn: 'cell', layer: 0 });
    expect(plain.layers).toHaveLength(1);
  });

  it('checks feeds: missing, unknown, wrong shape or type', async () => {
    const m = importOnnx(
      await exportOnnx(new LSTM({ inputSize: 2, hiddenSize: 3, rng: new Rng(1) }), {
        sequenceLength: 4,
      }),
    );
    const x = tensor(new Float32Array(8), [1, 4, 2]);
    const h = tensor(new Float32Array(3), [1, 1, 3]);
    await expect(m.run({ input: x, h0: h })).rejects.toThrow(
      /missing input 'c0' float32 \[1, batch, 3\]/,
    );
    await expect(m.run({ input: x, h0: h, c0: h, extra: h })).rejects.toThrow(
      /unknown input 'extra'/,
    );
    await expect(
      m.run({ input: tensor(new Float32Array(6), [1, 3, 2]), h0: h, c0: h }),
    ).rejects.toThrow(/input 'input' must be \[batch, 4, 2\], got \[1, 3, 2\]/);
    await expect(
      m.run({ input: tensor(new Int32Array(8), [1, 4, 2], 'int32'), h0: h, c0: h }),
    ).rejects.toThrow(/pass a float32 tensor/);
  });

  it('exportOnnx rejects what it cannot export', async () => {
    await expect(exportOnnx({} as never)).rejects.toThrow(/cannot export a Object/);
    const l = new LSTM({ inputSize: 2, hiddenSize: 3 });
    await expect(exportOnnx(l, { sequenceLength: 0 })).rejects.toThrow(
      /sequenceLength must be 'dynamic' or a positive integer/,
    );
  });
});
